// Sprig's path and filepath functions: Go's path.Base, Dir, Clean, Ext, IsAbs (Unix paths for both).
import { T } from '../value.js';
import type { GoFunc } from '../value.js';
import { fn } from './def.js';

/** path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p[0] === '/';
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** path.Base. */
export function basePath(p0: string): string {
  if (p0 === '') return '.';
  let p = p0;
  while (p.length > 0 && p.endsWith('/')) p = p.slice(0, -1);
  const i = p.lastIndexOf('/');
  if (i >= 0) p = p.slice(i + 1);
  return p === '' ? '/' : p;
}

/** path.Dir. */
export function dirPath(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

/** path.Ext. */
export function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

const S = T.string;
export const pathFuncs: Readonly<Record<string, GoFunc>> = {
  base: fn([S], S, basePath),
  dir: fn([S], S, dirPath),
  clean: fn([S], S, cleanPath),
  ext: fn([S], S, extPath),
  isAbs: fn([S], T.bool, (p: string) => p.startsWith('/')),
  osBase: fn([S], S, basePath),
  osClean: fn([S], S, cleanPath),
  osDir: fn([S], S, dirPath),
  osExt: fn([S], S, extPath),
  osIsAbs: fn([S], T.bool, (p: string) => p.startsWith('/')),
};
