// semver.is_valid and semver.compare: strict SemVer 2.0.0 (no "v" prefix), precedence as the spec defines.

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { builtinError } from '../errors.js';
import { bool, num } from '../value.js';
import { stringOperand } from './operands.js';

const SEMVER_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

interface SemVer {
  readonly core: readonly [bigint, bigint, bigint];
  readonly pre: readonly string[];
}

export function parseSemVer(s: string): SemVer | undefined {
  const m = SEMVER_RE.exec(s);
  if (m === null) return undefined;
  return { core: [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)], pre: m[4] ? m[4].split('.') : [] };
}

/** SemVer precedence: -1, 0 or 1 (build metadata ignored). */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) {
    if (a.core[i]! !== b.core[i]!) return a.core[i]! < b.core[i]! ? -1 : 1;
  }
  if (a.pre.length === 0 || b.pre.length === 0)
    return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  const n = Math.min(a.pre.length, b.pre.length);
  for (let i = 0; i < n; i++) {
    const x = a.pre[i]!;
    const y = b.pre[i]!;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}

function semverOperand(s: string, pos: number): SemVer {
  const v = parseSemVer(s);
  if (v === undefined)
    throw builtinError(
      'semver.compare',
      `operand ${pos}: string ${JSON.stringify(s)} is not a valid SemVer`,
    );
  return v;
}

export const SEMVER_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'semver.is_valid',
    args: [T.any],
    result: T.boolean,
    impl: (args) => {
      const v = args[0]!;
      return bool(v.kind === 'string' && parseSemVer(v.value) !== undefined);
    },
  },
  {
    name: 'semver.compare',
    args: [T.string, T.string],
    result: T.number,
    impl: ([a, b]) => {
      const x = semverOperand(stringOperand('semver.compare', a!, 1), 1);
      const y = semverOperand(stringOperand('semver.compare', b!, 2), 2);
      return num(compareSemVer(x, y));
    },
  },
];
