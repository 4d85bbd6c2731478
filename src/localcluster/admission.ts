// Admission: MutatingWebhookConfigurations, ValidatingAdmissionPolicies (validating-policy.ts),
// then ValidatingWebhookConfigurations; webhooks are called over HTTPS with AdmissionReview v1
// (caBundle, rules, namespace/object selectors, failurePolicy, timeoutSeconds, dry run side
// effects); warnings come back as Warning headers.
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { applyJsonPatch } from './merge/index.js';
import { ApiError, badRequest, internalError } from './status-errors.js';
import { asString, isPlainObject, metaOf, type KubeObject } from './object-meta.js';
import { labelSelectorObjectMatcher } from './selectors.js';
import type { Admission, AdmissionAttributes } from './object-api.js';
import type { ObjectStore } from './store.js';
import type { ValidatingPolicyAdmission } from './validating-policy.js';

const MUTATING_SKEY = 'mutatingwebhookconfigurations.admissionregistration.k8s.io';
const VALIDATING_SKEY = 'validatingwebhookconfigurations.admissionregistration.k8s.io';
const DEFAULT_TIMEOUT_SECONDS = 10;

interface Webhook {
  readonly name: string;
  readonly raw: Record<string, unknown>;
}

function webhooksOf(store: ObjectStore, skey: string): Webhook[] {
  const out: Webhook[] = [];
  for (const cfg of store.list(skey)) {
    const hooks = Array.isArray(cfg.webhooks) ? cfg.webhooks : [];
    for (const h of hooks) if (isPlainObject(h)) out.push({ name: asString(h.name), raw: h });
  }
  return out;
}

function listOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(asString) : [];
}

/** Whether a webhook's rules cover this operation on this resource. */
export function rulesMatch(hook: Record<string, unknown>, attrs: AdmissionAttributes): boolean {
  const rules = Array.isArray(hook.rules) ? hook.rules.filter(isPlainObject) : [];
  const { info, subresource } = attrs.target;
  const resource = subresource === '' ? info.resource : `${info.resource}/${subresource}`;
  return rules.some((r) => {
    const ops = listOf(r.operations);
    const groups = listOf(r.apiGroups);
    const versions = listOf(r.apiVersions);
    const resources = listOf(r.resources);
    const scope = typeof r.scope === 'string' ? r.scope : '*';
    if (!ops.includes('*') && !ops.includes(attrs.operation)) return false;
    if (!groups.includes('*') && !groups.includes(info.group)) return false;
    if (!versions.includes('*') && !versions.includes(info.version)) return false;
    const resOk = resources.some((want) => {
      if (want === '*/*' || want === resource) return true;
      if (want === '*') return subresource === '';
      const [wr, ws] = want.split('/');
      if (ws === '*') return wr === info.resource && subresource !== '';
      if (wr === '*') return ws === subresource;
      return false;
    });
    if (!resOk) return false;
    if (scope === 'Namespaced' && !info.namespaced) return false;
    if (scope === 'Cluster' && info.namespaced) return false;
    return true;
  });
}

/** Whether a webhook's (or policy's) namespaceSelector and objectSelector admit the request. */
export function selectorsMatch(
  store: ObjectStore,
  hook: Record<string, unknown>,
  attrs: AdmissionAttributes,
): boolean {
  const { info, namespace } = attrs.target;
  const labelsOf = (o: KubeObject | undefined): Record<string, string> =>
    o === undefined ? {} : (metaOf(o).labels ?? {});
  if (hook.namespaceSelector !== undefined) {
    const nsMatch = labelSelectorObjectMatcher(hook.namespaceSelector);
    if (info.group === '' && info.kind === 'Namespace') {
      if (!nsMatch(labelsOf(attrs.object ?? attrs.oldObject))) return false;
    } else if (info.namespaced) {
      const ns = store.get('namespaces', '', namespace);
      if (!nsMatch(labelsOf(ns))) return false;
    }
  }
  if (hook.objectSelector !== undefined) {
    const objMatch = labelSelectorObjectMatcher(hook.objectSelector);
    if (!objMatch(labelsOf(attrs.object)) && !objMatch(labelsOf(attrs.oldObject))) return false;
  }
  return true;
}

function reviewFor(
  attrs: AdmissionAttributes,
  object: KubeObject | undefined,
): Record<string, unknown> {
  const { info, namespace, name, subresource } = attrs.target;
  const optionsKind =
    attrs.operation === 'CREATE'
      ? 'CreateOptions'
      : attrs.operation === 'UPDATE'
        ? 'UpdateOptions'
        : 'DeleteOptions';
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const gvr = { group: info.group, version: info.version, resource: info.resource };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: gvk,
      resource: gvr,
      ...(subresource === '' ? {} : { subResource: subresource }),
      requestKind: gvk,
      requestResource: gvr,
      ...(subresource === '' ? {} : { requestSubResource: subresource }),
      name: name !== '' ? name : (metaOf(object ?? {}).name ?? ''),
      ...(info.namespaced ? { namespace } : {}),
      operation: attrs.operation,
      userInfo: {
        username: attrs.user.username,
        uid: attrs.user.uid,
        groups: [...attrs.user.groups],
      },
      object: object ?? null,
      oldObject: attrs.oldObject ?? null,
      dryRun: attrs.dryRun,
      options: { apiVersion: 'meta.k8s.io/v1', kind: optionsKind },
    },
  };
}

/** POSTs the review to the webhook's URL and returns its `response`. */
function callWebhook(
  hook: Record<string, unknown>,
  review: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const cc = isPlainObject(hook.clientConfig) ? hook.clientConfig : {};
  if (typeof cc.url !== 'string') {
    return Promise.reject(
      new Error(
        'the local cluster can only call webhooks with clientConfig.url (no in-cluster services)',
      ),
    );
  }
  const url = new URL(cc.url);
  const ca =
    typeof cc.caBundle === 'string' && cc.caBundle !== ''
      ? Buffer.from(cc.caBundle, 'base64').toString('utf8')
      : undefined;
  const timeoutMs =
    (typeof hook.timeoutSeconds === 'number' ? hook.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS) *
    1000;
  const body = JSON.stringify(review);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
        ...(ca === undefined ? {} : { ca }),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
            reject(new Error(`received HTTP ${res.statusCode ?? 0} from the webhook`));
            return;
          }
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
            if (!isPlainObject(parsed) || !isPlainObject(parsed.response))
              throw new Error('the response has no `response`');
            resolve(parsed.response);
          } catch (err) {
            reject(
              new Error(
                `failed to decode the AdmissionReview response: ${err instanceof Error ? err.message : String(err)}`,
              ),
            );
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`context deadline exceeded (timeout ${timeoutMs / 1000}s)`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

function denied(name: string, response: Record<string, unknown>): ApiError {
  const st = isPlainObject(response.status) ? response.status : {};
  const prefix = `admission webhook "${name}" denied the request`;
  const msg =
    typeof st.message === 'string' && st.message !== ''
      ? `${prefix}: ${st.message}`
      : typeof st.reason === 'string' && st.reason !== ''
        ? `${prefix}: ${st.reason}`
        : `${prefix} without explanation`;
  const code = typeof st.code === 'number' && st.code > 0 ? st.code : 403;
  return new ApiError(
    code,
    typeof st.reason === 'string' && st.reason !== '' ? st.reason : 'Forbidden',
    msg,
  );
}

/**
 * The admission chain: mutating webhooks, then ValidatingAdmissionPolicies (when given), then
 * validating webhooks — kube-apiserver's order.
 */
export class WebhookAdmission implements Admission {
  constructor(
    private readonly store: ObjectStore,
    private readonly policies?: ValidatingPolicyAdmission,
  ) {}

  async admit(
    attrs: AdmissionAttributes,
  ): Promise<{ object: KubeObject | undefined; warnings: string[] }> {
    // like kube-apiserver, webhook configurations are never themselves subject to webhooks
    if (attrs.target.info.group === 'admissionregistration.k8s.io')
      return { object: attrs.object, warnings: [] };
    const warnings: string[] = [];
    let object = attrs.object;
    for (const hook of this.matching(MUTATING_SKEY, attrs)) {
      const response = await this.invoke(hook, { ...attrs, object }, object);
      if (response === undefined) continue;
      warnings.push(...listOf(response.warnings));
      if (response.allowed !== true) throw denied(hook.name, response);
      if (typeof response.patch === 'string' && object !== undefined) {
        const ops = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as unknown;
        try {
          object = applyJsonPatch(object, ops);
        } catch (err) {
          throw internalError(
            `admission webhook "${hook.name}" returned an invalid patch: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
    }
    const final = { ...attrs, object };
    if (this.policies !== undefined) warnings.push(...this.policies.validate(final, object));
    const results = await Promise.all(
      this.matching(VALIDATING_SKEY, final).map(async (hook) => ({
        hook,
        response: await this.invoke(hook, final, object),
      })),
    );
    for (const { hook, response } of results) {
      if (response === undefined) continue;
      warnings.push(...listOf(response.warnings));
      if (response.allowed !== true) throw denied(hook.name, response);
    }
    return { object, warnings };
  }

  private matching(skey: string, attrs: AdmissionAttributes): Webhook[] {
    return webhooksOf(this.store, skey).filter(
      (h) => rulesMatch(h.raw, attrs) && selectorsMatch(this.store, h.raw, attrs),
    );
  }

  /** Calls one webhook; undefined when it failed and its failurePolicy is Ignore. */
  private async invoke(
    hook: Webhook,
    attrs: AdmissionAttributes,
    object: KubeObject | undefined,
  ): Promise<Record<string, unknown> | undefined> {
    const sideEffects = asString(hook.raw.sideEffects);
    if (attrs.dryRun && sideEffects !== 'None' && sideEffects !== 'NoneOnDryRun') {
      throw badRequest(`admission webhook "${hook.name}" does not support dry run`);
    }
    try {
      return await callWebhook(hook.raw, reviewFor(attrs, object));
    } catch (err) {
      if (hook.raw.failurePolicy === 'Ignore') return undefined;
      const url = isPlainObject(hook.raw.clientConfig) ? asString(hook.raw.clientConfig.url) : '';
      throw internalError(
        `failed calling webhook "${hook.name}": failed to call webhook: Post "${url}": ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}
