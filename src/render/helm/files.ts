// .Files: the chart's non-template files (engine.files, a map[string][]byte) with Get, GetBytes,
// Glob, Lines, AsConfig and AsSecrets.
import {
  T,
  T2,
  declareMethods,
  namedType,
  newGoMap,
  mapOf,
  sortedKeys,
  typedSlice,
  goString,
} from '../gotemplate/index.js';
import type { GoMap, GoType, GoValue } from '../gotemplate/index.js';
import { basePath } from '../gotemplate/sprig/paths.js';
import type { ChartFile } from './chart.js';
import { compileGlob } from './glob.js';
import { marshalYaml } from './yaml.js';

export const filesType: GoType = namedType('engine.files', mapOf(T.string, T2.bytes));

export function filesValue(from: readonly ChartFile[]): GoMap {
  const m = newGoMap(filesType);
  for (const f of from) m[f.name] = f.data;
  return m;
}

function bytesOf(f: GoMap, name: string): Uint8Array {
  const v = Object.hasOwn(f, name) ? f[name] : undefined;
  return v instanceof Uint8Array ? v : new Uint8Array(0);
}

function toYAML(m: GoMap): string {
  try {
    return marshalYaml(m).replace(/\n$/, '');
  } catch {
    return '';
  }
}

const text = goString;

declareMethods(filesType, {
  GetBytes: {
    params: [T.string],
    result: T2.bytes,
    call: (f: GoMap, name: GoValue) => bytesOf(f, name as string),
  },
  Get: {
    params: [T.string],
    result: T.string,
    call: (f: GoMap, name: GoValue) => text(bytesOf(f, name as string)),
  },
  Glob: {
    params: [T.string],
    result: filesType,
    call: (f: GoMap, pattern: GoValue) => {
      const re = compileGlob(pattern as string) ?? /^.*$/s;
      const nf = newGoMap(filesType);
      for (const name of Object.keys(f)) if (re.test(name)) nf[name] = f[name];
      return nf;
    },
  },
  AsConfig: {
    params: [],
    result: T.string,
    call: (f: GoMap | null) => {
      if (f === null) return '';
      const m = newGoMap();
      for (const k of sortedKeys(f)) m[basePath(k)] = text(f[k] as Uint8Array);
      return toYAML(m);
    },
  },
  AsSecrets: {
    params: [],
    result: T.string,
    call: (f: GoMap | null) => {
      if (f === null) return '';
      const m = newGoMap();
      for (const k of sortedKeys(f))
        m[basePath(k)] = Buffer.from(f[k] as Uint8Array).toString('base64');
      return toYAML(m);
    },
  },
  Lines: {
    params: [T.string],
    result: T2.sliceString,
    call: (f: GoMap | null, path: GoValue) => {
      const b = f === null ? new Uint8Array(0) : bytesOf(f, path as string);
      if (b.length === 0) return typedSlice([], T2.sliceString);
      let s = text(b);
      if (s.endsWith('\n')) s = s.slice(0, -1);
      return typedSlice(s.split('\n'), T2.sliceString);
    },
  },
});
