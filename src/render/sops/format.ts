// SOPS file formats: which store reads a path (sops' formats.FormatForPath, with Flux's
// .dockerconfigjson rule) and the marker bytes Flux uses to tell an encrypted file from a plain one.

export const SopsFormat = {
  Binary: 'binary',
  Dotenv: 'dotenv',
  Ini: 'ini',
  Json: 'json',
  Yaml: 'yaml',
} as const;
export type SopsFormat = (typeof SopsFormat)[keyof typeof SopsFormat];

/** The format of a file by its name, binary when no other applies. */
export function formatForPath(path: string): SopsFormat {
  if (path.endsWith('.dockerconfigjson')) return SopsFormat.Json;
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return SopsFormat.Yaml;
  if (path.endsWith('.json')) return SopsFormat.Json;
  if (path.endsWith('.env')) return SopsFormat.Dotenv;
  if (path.endsWith('.ini')) return SopsFormat.Ini;
  return SopsFormat.Binary;
}

/** Bytes only a SOPS-encrypted file of each format contains (Flux's sopsFormatToMarkerBytes). */
const MARKERS: Readonly<Record<SopsFormat, string>> = {
  binary: '"mac": "ENC[',
  dotenv: 'sops_mac=ENC[',
  ini: '[sops]',
  json: '"mac": "ENC[',
  yaml: 'mac: ENC[',
};

/** Whether data looks SOPS-encrypted in the given format. */
export function hasSopsMarker(data: Uint8Array, format: SopsFormat): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(MARKERS[format]);
}

/** The format of an encrypted blob by its marker bytes, or undefined when it carries none. */
export function detectSopsFormat(data: Uint8Array): SopsFormat | undefined {
  for (const f of [SopsFormat.Yaml, SopsFormat.Json, SopsFormat.Dotenv, SopsFormat.Ini]) {
    if (hasSopsMarker(data, f)) return f;
  }
  return undefined;
}
