// Remembers the JSON text of stored objects (which are never mutated) so that gets, lists and
// watch events do not serialise the same object again.
const cache = new WeakMap<object, string>();

export function rememberJson(obj: object, text: string): void {
  cache.set(obj, text);
}

/**
 * Drops the text of an object no longer served but still kept (a superseded version in the watch
 * history): the rare watch that resumes that far back serialises it again.
 */
export function forgetJson(obj: object): void {
  cache.delete(obj);
}

/** JSON text of a value, from the cache for stored objects. */
export function toJson(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const hit = cache.get(value);
    if (hit !== undefined) return hit;
  }
  return JSON.stringify(value);
}
