// The version of this Flotilla build, read from its package.json.
import { readFileSync } from 'node:fs';

interface PackageJson {
  readonly name: string;
  readonly version: string;
}

let cached: PackageJson | undefined;

/** Name and version of the flotilla package (works from src/ and from dist/). */
export function packageInfo(): PackageJson {
  cached ??= JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as PackageJson;
  return cached;
}
