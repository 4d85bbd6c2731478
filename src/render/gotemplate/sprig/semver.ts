// Masterminds/semver v3.5.0 (what Sprig and Helm use): coercing version parser, constraints with
// ranges, wildcards, ~ and ^, and the *Version value templates call methods on.
import { compileGoRegexp } from '../regexp.js';
import { quote } from '../strconv.js';
import { GoError, GoObject, T, declareMethods, pointerTo, structType } from '../value.js';
import type { GoType, GoValue } from '../value.js';
import { jsonString } from '../json.js';

export class SemverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SemverError';
  }
}

const ERR = {
  invalid: 'invalid semantic version',
  empty: 'version string empty',
  chars: 'invalid characters in version',
  zero: 'version segment starts with 0',
  metadata: 'invalid metadata string',
  prerelease: 'invalid prerelease string',
  tooLong: 'version string is too long (max 256 bytes)',
};

const NUM = '0123456789';
const ALLOWED = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-' + NUM;
const LOOSE = compileGoRegexp(
  '^v?([0-9]+)(\\.[0-9]+)?(\\.[0-9]+)?' +
    '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
    '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?$',
);

function containsOnly(s: string, comp: string): boolean {
  for (const c of s) if (!comp.includes(c)) return false;
  return true;
}

function parseU64(s: string): bigint {
  if (!/^[0-9]+$/.test(s))
    throw new SemverError(
      `error parsing version segment: strconv.ParseUint: parsing ${quote(s)}: invalid syntax`,
    );
  const v = BigInt(s);
  if (v > 2n ** 64n - 1n) {
    throw new SemverError(
      `error parsing version segment: strconv.ParseUint: parsing ${quote(s)}: value out of range`,
    );
  }
  return v;
}

function validatePrerelease(p: string): void {
  for (const part of p.split('.')) {
    if (part === '') throw new SemverError(ERR.prerelease);
    if (containsOnly(part, NUM)) {
      if (part.length > 1 && part[0] === '0') throw new SemverError(ERR.zero);
    } else if (!containsOnly(part, ALLOWED)) throw new SemverError(ERR.prerelease);
  }
}
function validateMetadata(m: string): void {
  for (const part of m.split('.')) {
    if (part === '' || !containsOnly(part, ALLOWED)) throw new SemverError(ERR.metadata);
  }
}

/** A parsed version (semver.Version). */
export interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
  readonly metadata: string;
  readonly original: string;
}

/** semver.NewVersion with CoerceNewVersion (the default): "1", "v1.2", "1.2.3-rc.1+b" are versions. */
export function newVersion(v: string): Version {
  if (Buffer.byteLength(v) > 256) throw new SemverError(ERR.tooLong);
  const m = LOOSE.findAllSubmatch(v, 1)[0];
  if (m === undefined) throw new SemverError(ERR.invalid);
  const sv = {
    metadata: m[8] ?? '',
    pre: m[5] ?? '',
    original: v,
    major: parseU64(m[1] ?? ''),
    minor: m[2] ? parseU64((m[2] ?? '').slice(1)) : 0n,
    patch: m[3] ? parseU64((m[3] ?? '').slice(1)) : 0n,
  };
  if (sv.pre !== '') validatePrerelease(sv.pre);
  if (sv.metadata !== '') validateMetadata(sv.metadata);
  return sv;
}

/** semver.StrictNewVersion. */
export function strictNewVersion(v: string): Version {
  if (v.length === 0) throw new SemverError(ERR.empty);
  if (Buffer.byteLength(v) > 256) throw new SemverError(ERR.tooLong);
  const parts = v.split('.');
  if (parts.length < 3) throw new SemverError(ERR.invalid);
  const p = [parts[0] as string, parts[1] as string, parts.slice(2).join('.')];
  let metadata = '';
  let pre = '';
  if ((p[2] as string).includes('+')) {
    const i = (p[2] as string).indexOf('+');
    metadata = (p[2] as string).slice(i + 1);
    p[2] = (p[2] as string).slice(0, i);
    validateMetadata(metadata);
  }
  if ((p[2] as string).includes('-')) {
    const i = (p[2] as string).indexOf('-');
    pre = (p[2] as string).slice(i + 1);
    p[2] = (p[2] as string).slice(0, i);
    validatePrerelease(pre);
  }
  for (const part of p) {
    if (!containsOnly(part, NUM)) throw new SemverError(ERR.chars);
    if (part.length > 1 && part[0] === '0') throw new SemverError(ERR.zero);
  }
  return {
    major: parseU64(p[0] as string),
    minor: parseU64(p[1] as string),
    patch: parseU64(p[2] as string),
    pre,
    metadata,
    original: v,
  };
}

export function versionString(v: Version): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.pre !== '') s += '-' + v.pre;
  if (v.metadata !== '') s += '+' + v.metadata;
  return s;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return s !== '' ? 1 : -1;
  const on = /^[0-9]+$/.test(o) && BigInt(o) < 2n ** 64n;
  const sn = /^[0-9]+$/.test(s) && BigInt(s) < 2n ** 64n;
  if (!on && !sn) return Buffer.compare(Buffer.from(s), Buffer.from(o)) > 0 ? 1 : -1;
  if (!on) return -1;
  if (!sn) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split('.');
  const op = o.split('.');
  const l = Math.max(sp.length, op.length);
  for (let i = 0; i < l; i++) {
    const d = comparePrePart(sp[i] ?? '', op[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Version.Compare. */
export function compareVersions(v: Version, o: Version): number {
  const d = cmp(v.major, o.major) || cmp(v.minor, o.minor) || cmp(v.patch, o.patch);
  if (d !== 0) return d;
  if (v.pre === '' && o.pre === '') return 0;
  if (v.pre === '') return 1;
  if (o.pre === '') return -1;
  return comparePrerelease(v.pre, o.pre);
}

// ---- constraints ----

const OPS = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';
const CV =
  'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?' +
  '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
  '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';
const constraintRegex = compileGoRegexp(`^\\s*(${OPS})\\s*(${CV})\\s*$`);
const constraintRangeRegex = compileGoRegexp(`\\s*(${CV})\\s+-\\s+(${CV})\\s*`);
const findConstraintRegex = compileGoRegexp(`(${OPS})\\s*(${CV})`);
const validConstraintRegex = compileGoRegexp(
  `^(\\s*(${OPS})\\s*(${CV})\\s*)((?:\\s+|,\\s*)(${OPS})\\s*(${CV})\\s*)*$`,
);

interface Constraint {
  readonly con: Version;
  readonly orig: string;
  readonly origfunc: string;
  readonly minorDirty: boolean;
  readonly dirty: boolean;
  readonly patchDirty: boolean;
}

export interface Constraints {
  readonly groups: readonly (readonly Constraint[])[];
  readonly containsPre: readonly boolean[];
}

const isX = (x: string): boolean => x === 'x' || x === '*' || x === 'X';

function parseConstraint(c: string): Constraint {
  if (c.length > 0) {
    const m = constraintRegex.findAllSubmatch(c, 1)[0];
    if (m === undefined) throw new SemverError(`improper constraint: ${quote(c)}`);
    const [, op = '', orig = '', m3 = '', m4 = '', m5 = '', m6 = ''] = m;
    let ver = orig;
    let minorDirty = false;
    let patchDirty = false;
    let dirty = false;
    if (isX(m3) || m3 === '') {
      ver = `0.0.0${m6}`;
      dirty = true;
    } else if (isX(m4.replace(/^\./, '')) || m4 === '') {
      minorDirty = true;
      dirty = true;
      ver = `${m3}.0.0${m6}`;
    } else if (isX(m5.replace(/^\./, '')) || m5 === '') {
      dirty = true;
      patchDirty = true;
      ver = `${m3}${m4}.0${m6}`;
    }
    let con: Version;
    try {
      con = newVersion(ver);
    } catch {
      throw new SemverError('constraint parser error');
    }
    return { con, orig, origfunc: op, minorDirty, patchDirty, dirty };
  }
  return {
    con: strictNewVersion('0.0.0'),
    orig: c,
    origfunc: '',
    minorDirty: false,
    patchDirty: false,
    dirty: true,
  };
}

function rewriteRange(i: string): string {
  const ms = constraintRangeRegex.findAllSubmatch(i, -1);
  let o = i;
  for (const v of ms) {
    const t = `>= ${v[1]}, <= ${v[11]} `;
    o = o.replace(v[0] as string, () => t);
  }
  return o;
}

/** semver.NewConstraint. */
export function newConstraint(c0: string): Constraints {
  if (Buffer.byteLength(c0) > 512)
    throw new SemverError('constraint string is too long (max 512 bytes)');
  const c = rewriteRange(c0);
  const ors = c.split('||');
  if (ors.length > 32) throw new SemverError('too many constraint groups (max 32)');
  const groups: Constraint[][] = [];
  const containsPre: boolean[] = [];
  for (const v of ors) {
    if (!validConstraintRegex.test(v)) throw new SemverError(`improper constraint: ${quote(v)}`);
    let cs = findConstraintRegex.findAll(v, -1);
    if (cs.length === 0) cs = [v];
    const result = cs.map(parseConstraint);
    containsPre.push(result.some((r) => r.con.pre !== ''));
    groups.push(result);
  }
  return { groups, containsPre };
}

function checkOne(v: Version, c: Constraint, includePre: boolean): boolean {
  if (v.pre !== '' && !includePre) return false;
  const lt = (a: Version, b: Version): boolean => compareVersions(a, b) < 0;
  switch (c.origfunc) {
    case '':
    case '=':
      if (c.dirty) return tilde(v, c);
      return compareVersions(v, c.con) === 0;
    case '!=':
      if (c.dirty) {
        if (c.con.major !== v.major) return true;
        if (c.con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (c.con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) {
          if (v.pre !== '' || c.con.pre !== '') return comparePrerelease(v.pre, c.con.pre) !== 0;
          return false;
        }
      }
      return compareVersions(v, c.con) !== 0;
    case '>':
      if (!c.dirty) return compareVersions(v, c.con) === 1;
      if (v.major > c.con.major) return true;
      if (v.major < c.con.major) return false;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.con.minor;
      return compareVersions(v, c.con) === 1;
    case '<':
      return lt(v, c.con);
    case '>=':
    case '=>':
      return compareVersions(v, c.con) >= 0;
    case '<=':
    case '=<':
      if (!c.dirty) return compareVersions(v, c.con) <= 0;
      if (v.major > c.con.major) return false;
      if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
      return true;
    case '~':
    case '~>':
      return tilde(v, c);
    case '^': {
      if (lt(v, c.con)) return false;
      if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
      if (c.con.major === 0n && v.major > 0n) return false;
      if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
      if (c.con.minor === 0n && v.minor > 0n) return false;
      return c.con.patch === v.patch;
    }
  }
  return false;
}

function tilde(v: Version, c: Constraint): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (
    c.con.major === 0n &&
    c.con.minor === 0n &&
    c.con.patch === 0n &&
    !c.minorDirty &&
    !c.patchDirty
  )
    return true;
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

/** Constraints.Check. */
export function checkConstraint(cs: Constraints, v: Version): boolean {
  return cs.groups.some((group, i) =>
    group.every((c) => checkOne(v, c, cs.containsPre[i] ?? false)),
  );
}

// ---- the template value ----

const versionStruct = structType('semver.Version', [
  { name: 'major', type: T.uint64 },
  { name: 'minor', type: T.uint64 },
  { name: 'patch', type: T.uint64 },
  { name: 'pre', type: T.string },
  { name: 'metadata', type: T.string },
  { name: 'original', type: T.string },
]);
export const versionPtrType: GoType = pointerTo(versionStruct);

/** A *semver.Version (or, with `pointer` false, a semver.Version value). */
export class SemverValue extends GoObject {
  readonly goType: GoType;
  constructor(
    readonly v: Version,
    pointer = true,
  ) {
    super();
    this.goType = pointer ? versionPtrType : versionStruct;
  }
  override field(name: string): GoValue | undefined {
    const f = (this.v as unknown as Record<string, unknown>)[name];
    return f === undefined ? undefined : (f as GoValue);
  }
}

function asVersion(x: GoValue): Version {
  if (x instanceof SemverValue) return x.v;
  throw new GoError('invalid *semver.Version');
}
const vPrefix = (v: Version): string => (v.original !== '' && v.original[0] === 'v' ? 'v' : '');
function next(v: Version, change: Partial<Version>): SemverValue {
  const n = { ...v, ...change };
  return new SemverValue({ ...n, original: vPrefix(v) + versionString(n) }, false);
}

const U64 = T.uint64;
declareMethods(versionStruct, {
  String: { params: [], result: T.string, call: (r: SemverValue) => versionString(r.v) },
  Original: { params: [], result: T.string, ptr: true, call: (r: SemverValue) => r.v.original },
  Major: { params: [], result: U64, call: (r: SemverValue) => r.v.major },
  Minor: { params: [], result: U64, call: (r: SemverValue) => r.v.minor },
  Patch: { params: [], result: U64, call: (r: SemverValue) => r.v.patch },
  Prerelease: { params: [], result: T.string, call: (r: SemverValue) => r.v.pre },
  Metadata: { params: [], result: T.string, call: (r: SemverValue) => r.v.metadata },
  IncPatch: {
    params: [],
    result: versionStruct,
    call: (r: SemverValue) =>
      r.v.pre !== ''
        ? next(r.v, { pre: '', metadata: '' })
        : next(r.v, { pre: '', metadata: '', patch: r.v.patch + 1n }),
  },
  IncMinor: {
    params: [],
    result: versionStruct,
    call: (r: SemverValue) =>
      next(r.v, { pre: '', metadata: '', patch: 0n, minor: r.v.minor + 1n }),
  },
  IncMajor: {
    params: [],
    result: versionStruct,
    call: (r: SemverValue) =>
      next(r.v, { pre: '', metadata: '', patch: 0n, minor: 0n, major: r.v.major + 1n }),
  },
  LessThan: {
    params: [versionPtrType],
    result: T.bool,
    ptr: true,
    call: (r: SemverValue, o: GoValue) => compareVersions(r.v, asVersion(o)) < 0,
  },
  LessThanEqual: {
    params: [versionPtrType],
    result: T.bool,
    ptr: true,
    call: (r: SemverValue, o: GoValue) => compareVersions(r.v, asVersion(o)) <= 0,
  },
  GreaterThan: {
    params: [versionPtrType],
    result: T.bool,
    ptr: true,
    call: (r: SemverValue, o: GoValue) => compareVersions(r.v, asVersion(o)) > 0,
  },
  GreaterThanEqual: {
    params: [versionPtrType],
    result: T.bool,
    ptr: true,
    call: (r: SemverValue, o: GoValue) => compareVersions(r.v, asVersion(o)) >= 0,
  },
  Equal: {
    params: [versionPtrType],
    result: T.bool,
    ptr: true,
    call: (r: SemverValue, o: GoValue) => compareVersions(r.v, asVersion(o)) === 0,
  },
  Compare: {
    params: [versionPtrType],
    result: T.int,
    ptr: true,
    call: (r: SemverValue, o: GoValue) => compareVersions(r.v, asVersion(o)),
  },
  MarshalJSON: {
    params: [],
    result: T.string,
    call: (r: SemverValue) => jsonString(versionString(r.v)),
  },
});
