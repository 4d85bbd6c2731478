// Decoding of Kubernetes protobuf request bodies for the kinds kubectl's generators most often send
// as protobuf (`kubectl create namespace|configmap|secret|serviceaccount|deployment|service`);
// other kinds answer 415 and must be sent as JSON or YAML.
import { ApiError } from './status-errors.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

interface Field {
  readonly no: number;
  readonly wire: number;
  readonly varint?: bigint;
  readonly bytes?: Buffer;
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw malformed('truncated varint');
      const b = this.buf[this.pos++] ?? 0;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw malformed('varint too long');
    }
  }

  next(): Field {
    const key = Number(this.varint());
    const no = key >>> 3;
    const wire = key & 7;
    switch (wire) {
      case 0:
        return { no, wire, varint: this.varint() };
      case 1:
        this.pos += 8;
        return { no, wire };
      case 2: {
        const len = Number(this.varint());
        if (this.pos + len > this.buf.length) throw malformed('truncated field');
        const bytes = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
        return { no, wire, bytes };
      }
      case 5:
        this.pos += 4;
        return { no, wire };
      default:
        throw malformed(`unsupported wire type ${wire}`);
    }
  }
}

function malformed(why: string): ApiError {
  return new ApiError(400, 'BadRequest', `unable to decode the protobuf body: ${why}`);
}

function fields(buf: Buffer): Field[] {
  const r = new Reader(buf);
  const out: Field[] = [];
  while (!r.done()) out.push(r.next());
  return out;
}

const str = (f: Field | undefined): string => (f?.bytes ?? Buffer.alloc(0)).toString('utf8');

/** How a field is read: scalars, maps (entries key = 1, value = 2) or nested messages. */
type FieldType =
  'string' | 'int' | 'bool' | 'stringMap' | 'bytesMap' | 'intOrString' | 'quantityMap' | Message;
interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly repeated?: boolean;
  /** A pointer field in Go (*int32, *bool): present means set, even to 0/false. */
  readonly pointer?: boolean;
}
interface Message {
  readonly [no: number]: FieldSpec;
}

const s = (name: string): FieldSpec => ({ name, type: 'string' });
const i = (name: string, pointer = false): FieldSpec => ({ name, type: 'int', pointer });
const b = (name: string, pointer = false): FieldSpec => ({ name, type: 'bool', pointer });
const m = (name: string, type: FieldType, repeated = false): FieldSpec => ({
  name,
  type,
  repeated,
});

// Field numbers from k8s.io/api and k8s.io/apimachinery generated.proto; only fields a client
// sets on create are listed, the rest are skipped.
const OBJECT_META: Message = {
  1: s('name'),
  2: s('generateName'),
  3: s('namespace'),
  6: s('resourceVersion'),
  11: m('labels', 'stringMap'),
  12: m('annotations', 'stringMap'),
  14: m('finalizers', 'string', true),
};
const LABEL_SELECTOR: Message = {
  1: m('matchLabels', 'stringMap'),
  2: m('matchExpressions', { 1: s('key'), 2: s('operator'), 3: m('values', 'string', true) }, true),
};
const RESOURCES: Message = { 1: m('limits', 'quantityMap'), 2: m('requests', 'quantityMap') };
const CONTAINER: Message = {
  1: s('name'),
  2: s('image'),
  3: m('command', 'string', true),
  4: m('args', 'string', true),
  5: s('workingDir'),
  6: m(
    'ports',
    { 1: s('name'), 2: i('hostPort'), 3: i('containerPort'), 4: s('protocol'), 5: s('hostIP') },
    true,
  ),
  7: m('env', { 1: s('name'), 2: s('value') }, true),
  8: m('resources', RESOURCES),
  14: s('imagePullPolicy'),
};
const POD_SPEC: Message = {
  2: m('containers', CONTAINER, true),
  3: s('restartPolicy'),
  8: s('serviceAccountName'),
  20: m('initContainers', CONTAINER, true),
};
const POD_TEMPLATE: Message = { 1: m('metadata', OBJECT_META), 2: m('spec', POD_SPEC) };

const RESOURCE_ATTRIBUTES: Message = {
  1: s('namespace'),
  2: s('verb'),
  3: s('group'),
  4: s('version'),
  5: s('resource'),
  6: s('subresource'),
  7: s('name'),
};

const KINDS: Record<string, Message> = {
  // what `kubectl auth can-i [--list]` and `kubectl auth whoami` send
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: m('metadata', OBJECT_META),
    2: m('spec', {
      1: m('resourceAttributes', RESOURCE_ATTRIBUTES),
      2: m('nonResourceAttributes', { 1: s('path'), 2: s('verb') }),
    }),
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': {
    1: m('metadata', OBJECT_META),
    2: m('spec', { 1: s('namespace') }),
  },
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: m('metadata', OBJECT_META) },
  'v1/Namespace': {
    1: m('metadata', OBJECT_META),
    2: m('spec', { 1: m('finalizers', 'string', true) }),
  },
  'v1/ConfigMap': {
    1: m('metadata', OBJECT_META),
    2: m('data', 'stringMap'),
    3: m('binaryData', 'bytesMap'),
    4: b('immutable', true),
  },
  'v1/Secret': {
    1: m('metadata', OBJECT_META),
    2: m('data', 'bytesMap'),
    3: s('type'),
    4: m('stringData', 'stringMap'),
    5: b('immutable', true),
  },
  'v1/ServiceAccount': {
    1: m('metadata', OBJECT_META),
    3: m('imagePullSecrets', { 1: s('name') }, true),
    4: b('automountServiceAccountToken', true),
  },
  'v1/Service': {
    1: m('metadata', OBJECT_META),
    2: m('spec', {
      1: m(
        'ports',
        {
          1: s('name'),
          2: s('protocol'),
          3: i('port'),
          4: m('targetPort', 'intOrString'),
          5: i('nodePort'),
        },
        true,
      ),
      2: m('selector', 'stringMap'),
      3: s('clusterIP'),
      4: s('type'),
      11: s('externalName'),
    }),
  },
  'apps/v1/Deployment': {
    1: m('metadata', OBJECT_META),
    2: m('spec', {
      1: i('replicas', true),
      2: m('selector', LABEL_SELECTOR),
      3: m('template', POD_TEMPLATE),
      4: m('strategy', { 1: s('type') }),
      5: i('minReadySeconds'),
      6: i('revisionHistoryLimit', true),
      7: b('paused'),
      9: i('progressDeadlineSeconds', true),
    }),
  },
};

function mapOf(
  entries: Field[],
  value: (f: Field | undefined) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    const fs = fields(e.bytes ?? Buffer.alloc(0));
    out[str(fs.find((f) => f.no === 1))] = value(fs.find((f) => f.no === 2));
  }
  return out;
}

function scalar(type: FieldType, f: Field): unknown {
  switch (type) {
    case 'string':
      return str(f);
    case 'int':
      return Number(BigInt.asIntN(64, f.varint ?? 0n));
    case 'bool':
      return (f.varint ?? 0n) !== 0n;
    case 'intOrString': {
      const fs = fields(f.bytes ?? Buffer.alloc(0));
      const t = fs.find((x) => x.no === 1)?.varint ?? 0n;
      return t === 1n
        ? str(fs.find((x) => x.no === 3))
        : Number(BigInt.asIntN(64, fs.find((x) => x.no === 2)?.varint ?? 0n));
    }
    default:
      return decodeMessage(f.bytes ?? Buffer.alloc(0), type as Message);
  }
}

/** Decodes one message; empty strings, maps and lists are left out as Go's omitempty does. */
function decodeMessage(buf: Buffer, msg: Message): Record<string, unknown> {
  const fs = fields(buf);
  const out: Record<string, unknown> = {};
  for (const [noText, spec] of Object.entries(msg) as [string, FieldSpec][]) {
    const matching = fs.filter((f) => f.no === Number(noText));
    if (matching.length === 0) continue;
    let value: unknown;
    if (spec.type === 'stringMap') value = mapOf(matching, (f) => str(f));
    else if (spec.type === 'bytesMap')
      value = mapOf(matching, (f) => (f?.bytes ?? Buffer.alloc(0)).toString('base64'));
    else if (spec.type === 'quantityMap')
      value = mapOf(matching, (f) =>
        str(fields(f?.bytes ?? Buffer.alloc(0)).find((x) => x.no === 1)),
      );
    else if (spec.repeated) value = matching.map((f) => scalar(spec.type, f));
    else {
      const last = matching[matching.length - 1];
      value = last === undefined ? undefined : scalar(spec.type, last);
    }
    const zero = !spec.pointer && !spec.repeated && (value === 0 || value === false);
    const empty =
      zero ||
      value === '' ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 0 &&
        typeof spec.type === 'string');
    if (!empty) out[spec.name] = value;
  }
  return out;
}

/** Decodes a `application/vnd.kubernetes.protobuf` body into the JSON form of the object. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw malformed('missing the k8s envelope');
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(unknown.find((f) => f.no === 1)?.bytes ?? Buffer.alloc(0));
  const apiVersion = str(typeMeta.find((f) => f.no === 1));
  const kind = str(typeMeta.find((f) => f.no === 2));
  const message = KINDS[`${apiVersion}/${kind}`];
  if (message === undefined) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (this local cluster decodes protobuf only for Namespace, ConfigMap, Secret, ServiceAccount, Service, Deployment and the self-subject reviews; use kubectl create -f/apply for ${kind || 'this kind'})`,
    );
  }
  const raw = unknown.find((f) => f.no === 2)?.bytes ?? Buffer.alloc(0);
  const o = decodeMessage(raw, message);
  return { apiVersion, kind, metadata: {}, ...o };
}
