// What Flux's kustomize-controller does to a kustomization before building it: it generates one
// when the directory has none, then sets spec.targetNamespace, namePrefix, nameSuffix,
// components, patches and images of the Flux Kustomization on it (fluxcd/pkg/kustomize generator).

export interface FluxOverlay {
  readonly targetNamespace?: string;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  readonly components?: readonly string[];
  readonly patches?: readonly {
    readonly patch: string;
    readonly target?: Readonly<Record<string, string>>;
  }[];
  readonly images?: readonly {
    readonly name: string;
    readonly newName?: string;
    readonly newTag?: string;
    readonly digest?: string;
  }[];
}

type Kustomization = Record<string, unknown>;

/**
 * Returns the kustomization with the Flux Kustomization's overlay applied. Fields Flux does not
 * touch are kept as they are; the input is not changed.
 */
export function applyFluxOverlay(
  kustomization: Kustomization,
  overlay: FluxOverlay,
): Kustomization {
  const out: Kustomization = copyMap(kustomization);
  out['apiVersion'] ??= 'kustomize.config.k8s.io/v1beta1';
  out['kind'] ??= 'Kustomization';
  if (overlay.targetNamespace) out['namespace'] = overlay.targetNamespace;
  if (overlay.namePrefix) out['namePrefix'] = overlay.namePrefix;
  if (overlay.nameSuffix) out['nameSuffix'] = overlay.nameSuffix;
  if (overlay.components?.length) {
    out['components'] = [...asArray(out['components']), ...overlay.components];
  }
  if (overlay.patches?.length) {
    out['patches'] = [
      ...asArray(out['patches']),
      ...overlay.patches.map((p) => ({
        patch: p.patch,
        ...(p.target && Object.keys(p.target).length > 0 ? { target: copyMap(p.target) } : {}),
      })),
    ];
  }
  if (overlay.images?.length) {
    const images = asArray(out['images']).map((i) => copyMap(i as Record<string, unknown>));
    for (const image of overlay.images) {
      const entry = copyMap({ name: image.name });
      if (image.newName) entry['newName'] = image.newName;
      if (image.newTag) entry['newTag'] = image.newTag;
      if (image.digest) entry['digest'] = image.digest;
      const at = images.findIndex((i) => i['name'] === image.name);
      if (at >= 0) images[at] = entry;
      else images.push(entry);
    }
    out['images'] = images;
  }
  return out;
}

/** A shallow copy without a prototype: keys from the input (even `__proto__`) stay plain keys. */
function copyMap(m: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(m)) out[k] = v;
  return out;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
