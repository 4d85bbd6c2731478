#!/usr/bin/env node
// Builds Tower's web app (src/tower/web, TypeScript + Preact) with Vite into dist/tower/web, the
// folder the Tower server serves and the package ships (run by `npm run build`). Built beside the
// final folder and swapped in, so a running Tower never serves a half-written app.
// Usage: node scripts/build-web.js [--outdir DIR]   (default: dist/tower/web)
import { rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = resolve(values.outdir ?? join(root, 'dist', 'tower', 'web'));
const staging = `${outdir}.staging-${process.pid}`;
const retired = `${outdir}.old-${process.pid}`;

await build({
  root: join(root, 'src', 'tower', 'web'),
  configFile: false,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: staging,
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    // No inline scripts: the server's Content-Security-Policy allows scripts from its own origin only.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
await rename(outdir, retired).catch(() => undefined);
await rename(staging, outdir);
await rm(retired, { recursive: true, force: true });
