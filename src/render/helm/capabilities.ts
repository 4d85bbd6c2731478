// .Capabilities: the Kubernetes version, the API versions and Helm's build info, as helm template
// fakes them (chartutil.DefaultCapabilities) or as a controller passes them from a live cluster.
import {
  GoStruct,
  T,
  declareMethods,
  goQuote,
  namedType,
  pointerTo,
  structType,
  typedSlice,
} from '../gotemplate/index.js';
import type { GoType, GoValue } from '../gotemplate/index.js';
import { compileGoRegexp } from '../gotemplate/regexp.js';
import { HelmError } from './errors.js';

/** The API versions client-go v0.36 registers, in Helm's order (chartutil.DefaultVersionSet). */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1alpha1',
  'admissionregistration.k8s.io/v1beta1',
  'internal.apiserver.k8s.io/v1alpha1',
  'apps/v1',
  'apps/v1beta1',
  'apps/v1beta2',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1alpha1',
  'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1',
  'certificates.k8s.io/v1beta1',
  'certificates.k8s.io/v1alpha1',
  'coordination.k8s.io/v1alpha2',
  'coordination.k8s.io/v1beta1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1',
  'events.k8s.io/v1',
  'events.k8s.io/v1beta1',
  'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta3',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1',
  'node.k8s.io/v1',
  'node.k8s.io/v1alpha1',
  'node.k8s.io/v1beta1',
  'policy/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1',
  'rbac.authorization.k8s.io/v1alpha1',
  'resource.k8s.io/v1',
  'resource.k8s.io/v1beta2',
  'resource.k8s.io/v1beta1',
  'resource.k8s.io/v1alpha3',
  'scheduling.k8s.io/v1alpha2',
  'scheduling.k8s.io/v1beta1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1beta1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1alpha1',
  'storagemigration.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1',
];

export interface KubeVersion {
  readonly version: string;
  readonly major: string;
  readonly minor: string;
}

/**
 * The Kubernetes version `helm template` assumes without --kube-version. Helm v3.21.4 releases are
 * built with client-go v0.36, so they report v1.36.0.
 */
export const DEFAULT_KUBE_VERSION: KubeVersion = { version: 'v1.36.0', major: '1', minor: '36' };

export interface HelmBuildInfo {
  readonly version: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly goVersion: string;
}

export const DEFAULT_HELM_VERSION: HelmBuildInfo = {
  version: 'v3.21.4',
  gitCommit: '',
  gitTreeState: 'clean',
  goVersion: 'go1.26.8',
};

export interface Capabilities {
  readonly kubeVersion: KubeVersion;
  readonly apiVersions: readonly string[];
  readonly helmVersion: HelmBuildInfo;
}

const GENERIC = compileGoRegexp('^\\s*v?([0-9]+(?:\\.[0-9]+)*)(.*)*$');

/** chartutil.ParseKubeVersion (k8s.io/apimachinery's ParseGeneric: two or more numeric parts, extra text ignored). */
export function parseKubeVersion(s: string): KubeVersion {
  const fail = (why: string): never => {
    throw new HelmError(`invalid kube version '${s}': ${why}`, 'InvalidKubeVersion');
  };
  const m = GENERIC.findAllSubmatch(s, 1)[0];
  if (m === undefined) fail(`could not parse ${goQuote(s)} as version`);
  const parts = ((m as string[])[1] ?? '').split('.');
  if (parts.length < 2) fail(`illegal version string ${goQuote(s)}`);
  const nums = parts.map((p, i) => {
    if (i === 0 && p.startsWith('0') && p !== '0')
      fail(`illegal zero-prefixed version component ${goQuote(p)} in ${goQuote(s)}`);
    const n = BigInt(p);
    if (n > 2n ** 64n - 1n) {
      fail(
        `illegal non-numeric version component ${goQuote(p)} in ${goQuote(s)}: strconv.ParseUint: parsing ${goQuote(p)}: value out of range`,
      );
    }
    return n;
  });
  return { version: 'v' + nums.join('.'), major: String(nums[0]), minor: String(nums[1]) };
}

const kubeVersionType = structType('chartutil.KubeVersion', [
  { name: 'Version', type: T.string },
  { name: 'Major', type: T.string },
  { name: 'Minor', type: T.string },
]);
const versionSetType: GoType = namedType('chartutil.VersionSet', {
  name: '[]string',
  kind: 23,
  elem: T.string,
});
const buildInfoType = structType('version.BuildInfo', [
  { name: 'Version', type: T.string, json: 'version', omitempty: true },
  { name: 'GitCommit', type: T.string, json: 'git_commit', omitempty: true },
  { name: 'GitTreeState', type: T.string, json: 'git_tree_state', omitempty: true },
  { name: 'GoVersion', type: T.string, json: 'go_version', omitempty: true },
]);
const capabilitiesType = structType('chartutil.Capabilities', [
  { name: 'KubeVersion', type: kubeVersionType },
  { name: 'APIVersions', type: versionSetType },
  { name: 'HelmVersion', type: buildInfoType },
]);

declareMethods(kubeVersionType, {
  String: {
    params: [],
    result: T.string,
    ptr: true,
    call: (kv: GoStruct) => kv.field('Version'),
  },
  GitVersion: {
    params: [],
    result: T.string,
    ptr: true,
    call: (kv: GoStruct) => kv.field('Version'),
  },
});
declareMethods(versionSetType, {
  Has: {
    params: [T.string],
    result: T.bool,
    call: (vs: GoValue[], v: GoValue) => vs.includes(v),
  },
});

/** The *chartutil.Capabilities templates see. */
export function capabilitiesValue(c: Capabilities): GoStruct {
  return new GoStruct(pointerTo(capabilitiesType), {
    KubeVersion: new GoStruct(kubeVersionType, {
      Version: c.kubeVersion.version,
      Major: c.kubeVersion.major,
      Minor: c.kubeVersion.minor,
    }),
    APIVersions: typedSlice([...c.apiVersions], versionSetType),
    HelmVersion: new GoStruct(buildInfoType, {
      Version: c.helmVersion.version,
      GitCommit: c.helmVersion.gitCommit,
      GitTreeState: c.helmVersion.gitTreeState,
      GoVersion: c.helmVersion.goVersion,
    }),
  });
}
