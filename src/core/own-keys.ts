// Reading and writing objects by keys that come from input (JSON, YAML, HTTP): a key such as
// `__proto__`, `constructor` or `toString` is an ordinary field, never Object.prototype or one of
// its members. Plain `o[key] = v` with key `__proto__` replaces o's prototype, and `o[key]` finds
// inherited members; a recursive merge through either is how Object.prototype gets polluted.

/** Whether `key` is an own property of `o` (never an inherited member). */
export function hasOwnKey(o: object, key: PropertyKey): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** The own property `key` of `o`, or undefined: never an inherited member such as `constructor`. */
export function ownValue(o: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key)
    ? (o as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Sets the own property `key` of `o` to `value` as data. For `__proto__`, assignment would replace
 * o's prototype instead (and drop the value); defining the property keeps it a field like any other,
 * as JSON.parse and the YAML parser create it.
 */
export function setOwnValue(o: object, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else (o as Record<string, unknown>)[key] = value;
}
