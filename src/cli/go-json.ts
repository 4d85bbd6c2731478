// JSON as Go's encoding/json writes it with MarshalIndent(v, "", "  "): `<`, `>`, `&`, U+2028 and
// U+2029 escaped, no trailing line break. Keys keep the order given (a Go struct's field order).
export function goJsonIndent(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
