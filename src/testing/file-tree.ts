// Writes a tree of files for a test (a chart, a kustomization...) from a map of relative paths.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes each `path: content` under dir, making folders as needed; returns dir. */
export function writeFileTree(
  dir: string,
  files: Readonly<Record<string, string | Uint8Array>>,
): string {
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}
