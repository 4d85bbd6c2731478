// Kubernetes' semver library (kubernetes.Semver, blang/semver rules; with normalize, a leading v
// and missing minor/patch are accepted).
import { fail, global, library, member, type Library } from '../library.js';
import { T } from '../types.js';
import { CelOpaque, type CelValue } from '../values.js';

export const SEMVER_TYPE = T.opaque('kubernetes.Semver');

const NUM = '(0|[1-9]\\d*)';
const PRE =
  '(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?';
const BUILD = '(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?';
const STRICT = new RegExp(`^${NUM}\\.${NUM}\\.${NUM}${PRE}${BUILD}$`);

export class SemverValue extends CelOpaque {
  readonly typeName = 'kubernetes.Semver';
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: readonly string[],
  ) {
    super();
  }
  compare(o: SemverValue): number {
    for (const [a, b] of [
      [this.major, o.major],
      [this.minor, o.minor],
      [this.patch, o.patch],
    ] as const)
      if (a !== b) return a < b ? -1 : 1;
    if (this.pre.length === 0 || o.pre.length === 0)
      return o.pre.length - this.pre.length === 0 ? 0 : this.pre.length === 0 ? 1 : -1;
    for (let i = 0; i < Math.min(this.pre.length, o.pre.length); i++) {
      const a = this.pre[i] ?? '';
      const b = o.pre[i] ?? '';
      if (a === b) continue;
      const an = /^\d+$/.test(a);
      const bn = /^\d+$/.test(b);
      if (an && bn) return BigInt(a) < BigInt(b) ? -1 : 1;
      if (an !== bn) return an ? -1 : 1;
      return a < b ? -1 : 1;
    }
    return Math.sign(this.pre.length - o.pre.length);
  }
  equals(o: CelOpaque): boolean {
    return o instanceof SemverValue && this.compare(o) === 0;
  }
}

export function parseSemver(raw: string, normalize: boolean): SemverValue | string {
  let s = raw;
  if (normalize) {
    s = s.replace(/^v/, '');
    const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec(s);
    if (m !== null && (m[2] === undefined || m[3] === undefined)) {
      if ((m[4] ?? '') !== '') return 'short version cannot contain PreRelease/Build meta data';
      s = `${m[1]}.${m[2] ?? '0'}.${m[3] ?? '0'}`;
    }
    s = s.replace(/(^|\.)0+(\d)/g, '$1$2');
  }
  const m = STRICT.exec(s);
  if (m === null) return blangError(s);
  return new SemverValue(
    BigInt(m[1] ?? 0),
    BigInt(m[2] ?? 0),
    BigInt(m[3] ?? 0),
    m[4] === undefined ? [] : m[4].split('.'),
  );
}

/** The error blang/semver's Parse gives for an invalid version. */
function blangError(s: string): string {
  if (s === '') return 'Version string empty';
  const parts = s.split('.');
  if (parts.length < 3) return 'No Major.Minor.Patch elements found';
  const [major = '', minor = ''] = parts;
  const num = (x: string, what: string): string | undefined => {
    if (!/^\d*$/.test(x))
      return `Invalid character(s) found in ${what} number ${JSON.stringify(x)}`;
    if (x.length > 1 && x.startsWith('0'))
      return `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} number must not contain leading zeroes ${JSON.stringify(x)}`;
    return undefined;
  };
  const e = num(major, 'major') ?? num(minor, 'minor');
  if (e !== undefined) return e;
  let patch = parts.slice(2).join('.');
  let build: string[] = [];
  let pre: string[] = [];
  const plus = patch.indexOf('+');
  if (plus >= 0) {
    build = patch.slice(plus + 1).split('.');
    patch = patch.slice(0, plus);
  }
  const dash = patch.indexOf('-');
  if (dash >= 0) {
    pre = patch.slice(dash + 1).split('.');
    patch = patch.slice(0, dash);
  }
  const pe = num(patch, 'patch');
  if (pe !== undefined) return pe;
  for (const p of pre) {
    if (p === '') return 'Prerelease is empty';
    if (/^\d+$/.test(p) && p.length > 1 && p.startsWith('0'))
      return `Numeric PreRelease version must not contain leading zeroes ${JSON.stringify(p)}`;
    if (!/^[0-9A-Za-z-]+$/.test(p))
      return `Invalid character(s) found in prerelease ${JSON.stringify(p)}`;
  }
  for (const b of build) {
    if (b === '') return 'Build meta data is empty';
    if (!/^[0-9A-Za-z-]+$/.test(b))
      return `Invalid character(s) found in build meta data ${JSON.stringify(b)}`;
  }
  return `Invalid Semver: ${s}`;
}

function sv(v: CelValue): SemverValue {
  if (!(v instanceof SemverValue)) fail('no such overload');
  return v;
}

function mustSemver(s: CelValue, n: CelValue): SemverValue {
  const r = parseSemver(s as string, n === true);
  if (typeof r === 'string') fail(r);
  return r;
}

export const SEMVER: Library = library({
  semver: [
    global('string_to_semver', [T.string], SEMVER_TYPE, ([s]) => mustSemver(s as CelValue, false)),
    global('string_bool_to_semver', [T.string, T.bool], SEMVER_TYPE, ([s, n]) =>
      mustSemver(s as CelValue, n as CelValue),
    ),
  ],
  isSemver: [
    global(
      'is_semver_string',
      [T.string],
      T.bool,
      ([s]) => typeof parseSemver(s as string, false) !== 'string',
    ),
    global(
      'is_semver_string_bool',
      [T.string, T.bool],
      T.bool,
      ([s, n]) => typeof parseSemver(s as string, n === true) !== 'string',
    ),
  ],
  isGreaterThan: [
    member(
      'semver_is_greater_than',
      [SEMVER_TYPE, SEMVER_TYPE],
      T.bool,
      ([a, b]) => sv(a as CelValue).compare(sv(b as CelValue)) > 0,
    ),
  ],
  isLessThan: [
    member(
      'semver_is_less_than',
      [SEMVER_TYPE, SEMVER_TYPE],
      T.bool,
      ([a, b]) => sv(a as CelValue).compare(sv(b as CelValue)) < 0,
    ),
  ],
  compareTo: [
    member('semver_compare_to', [SEMVER_TYPE, SEMVER_TYPE], T.int, ([a, b]) =>
      BigInt(sv(a as CelValue).compare(sv(b as CelValue))),
    ),
  ],
  major: [member('semver_major', [SEMVER_TYPE], T.int, ([a]) => sv(a as CelValue).major)],
  minor: [member('semver_minor', [SEMVER_TYPE], T.int, ([a]) => sv(a as CelValue).minor)],
  patch: [member('semver_patch', [SEMVER_TYPE], T.int, ([a]) => sv(a as CelValue).patch)],
});
