// Normalises desired objects before apply, so server defaults do not show up as drift.
import {
  FlotillaError,
  MAX_NESTING_DEPTH,
  exceedsNestingDepth,
  setOwnValue,
} from '../core/index.js';
import { formatObject, type KubeObject } from '../kube/index.js';

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the fields every object needs and returns a normalised deep copy:
 * no status, no null creationTimestamp, Secret stringData folded into data (base64),
 * and port protocols defaulted to TCP as the API server would.
 */
export function normalizeObject(input: unknown, source?: string): KubeObject {
  const where = source ? ` in ${source}` : '';
  if (!isObj(input)) {
    throw new FlotillaError(`object${where} is not a mapping`, {
      reason: 'InvalidObject',
      ...(source ? { file: source } : {}),
    });
  }
  const name = isObj(input['metadata']) ? input['metadata']['name'] : undefined;
  const label = `${typeof input['kind'] === 'string' ? input['kind'] : '<no kind>'}/${typeof name === 'string' ? name : '<no name>'}`;
  const need = (field: string, ok: boolean): void => {
    if (!ok) {
      throw new FlotillaError(`${label}${where}: ${field} is required`, {
        reason: 'InvalidObject',
        object: label,
        field,
        ...(source ? { file: source } : {}),
      });
    }
  };
  need('apiVersion', typeof input['apiVersion'] === 'string' && input['apiVersion'] !== '');
  need('kind', typeof input['kind'] === 'string' && input['kind'] !== '');
  need('metadata', isObj(input['metadata']));
  need('metadata.name', typeof name === 'string' && name !== '');
  if (exceedsNestingDepth(input))
    throw new FlotillaError(
      `${label}${where}: nested deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays`,
      { reason: 'InvalidObject', object: label, ...(source ? { file: source } : {}) },
    );
  // A JSON round trip: much faster than structuredClone for plain objects, and drops undefined.
  const obj = JSON.parse(JSON.stringify(input)) as KubeObject;
  delete obj['status'];
  const meta = obj.metadata;
  if (meta.creationTimestamp === null) delete meta.creationTimestamp;
  if (obj.apiVersion === 'v1' && obj.kind === 'Secret' && isObj(obj['stringData'])) {
    const data = isObj(obj['data']) ? obj['data'] : {};
    for (const [k, v] of Object.entries(obj['stringData'])) {
      setOwnValue(data, k, Buffer.from(String(v), 'utf8').toString('base64'));
    }
    obj['data'] = data;
    delete obj['stringData'];
  }
  if (obj.apiVersion === 'v1' && obj.kind === 'Service' && isObj(obj['spec'])) {
    defaultProtocols(obj['spec']['ports']);
  }
  const podSpec = podSpecOf(obj);
  if (podSpec) {
    for (const key of ['containers', 'initContainers']) {
      const list = podSpec[key];
      if (Array.isArray(list)) for (const c of list) if (isObj(c)) defaultProtocols(c['ports']);
    }
  }
  return obj;
}

function defaultProtocols(ports: unknown): void {
  if (!Array.isArray(ports)) return;
  for (const p of ports) if (isObj(p) && p['protocol'] === undefined) p['protocol'] = 'TCP';
}

/** The pod spec inside a workload, CronJob or Pod, if any. */
function podSpecOf(obj: KubeObject): Json | undefined {
  const spec = obj['spec'];
  if (!isObj(spec)) return undefined;
  if (obj.kind === 'Pod') return spec;
  if (obj.kind === 'CronJob') {
    const jt = spec['jobTemplate'];
    const tpl = isObj(jt) && isObj(jt['spec']) ? jt['spec']['template'] : undefined;
    return isObj(tpl) && isObj(tpl['spec']) ? tpl['spec'] : undefined;
  }
  const tpl = spec['template'];
  return isObj(tpl) && isObj(tpl['spec']) ? tpl['spec'] : undefined;
}

/** Names an object for messages. */
export function subjectOf(obj: KubeObject): string {
  return formatObject(obj);
}
