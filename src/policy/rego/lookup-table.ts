// Constant tables that are looked up by keys coming from policies and their input (time layouts,
// duration units, JWS algorithms, key usages, PEM block types, schema formats, time zones). A
// plain object literal answers `constructor`, `__proto__` or `toString` from Object.prototype;
// these tables have no prototype, so such a key is simply absent, as in OPA's Go maps.

/** A copy of `entries` with no prototype: only its own keys are found. */
export function lookupTable<T>(entries: Readonly<Record<string, T>>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}
