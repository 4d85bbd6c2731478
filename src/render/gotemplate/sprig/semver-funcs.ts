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

export const semverFuncs: Readonly<Record<string, GoFunc>> = {
  semver: fn(
    [T.string],
    versionPtrType,
    (v: string) => wrap(() => new SemverValue(newVersion(v))),
    { errors: true },
  ),
  semverCompare: fn(
    [T.string, T.string],
    T.bool,
    (c: string, v: string) => wrap(() => checkConstraint(newConstraint(c), newVersion(v))),
    { errors: true },
  ),
};
