// Sprig's semver and semverCompare.
import { T } from '../value.js';
import type { GoFunc } from '../value.js';
import { GoError } from '../value.js';
import { fn } from './def.js';
import {
  SemverValue,
  checkConstraint,
  newConstraint,
  newVersion,
  versionPtrType,
} from './semver.js';

function wrap<R>(f: () => R): R {
  try {
    return f();
  } catch (e) {
    throw new GoError((e as Error).message);
  }
}

/** semverCompare's answers (true, false or an error message) by constraint and version: charts ask the same few again and again. */
const compared = new Map<string, boolean | string>();

function semverCompare(c: string, v: string): boolean {
  const key = c + '\0' + v;
  let r = compared.get(key);
  if (r === undefined) {
    try {
      r = checkConstraint(newConstraint(c), newVersion(v));
    } catch (e) {
      r = (e as Error).message;
    }
    if (compared.size >= 4096) compared.clear();
    compared.set(key, r);
  }
  if (typeof r === 'string') throw new GoError(r);
  return r;
}

export const semverFuncs: Readonly<Record<string, GoFunc>> = {
  semver: fn(
    [T.string],
    versionPtrType,
    (v: string) => wrap(() => new SemverValue(newVersion(v))),
    { errors: true },
  ),
  semverCompare: fn([T.string, T.string], T.bool, semverCompare, { errors: true }),
};
