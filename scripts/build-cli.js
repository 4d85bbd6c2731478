#!/usr/bin/env node
// Bundles the CLI into one CommonJS file, dist/bundle/flotilla.cjs (run by `npm run build` after
// tsc), which bin/flotilla.js runs with a V8 code cache. Why: Node 20 spends most of a short
// command's time resolving, reading and compiling hundreds of ES modules; one script whose
// compiled code comes from a cache starts several times faster (see docs/cli.md).
// Usage: node scripts/build-cli.js [--outdir DIR]   (default: dist/bundle)
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = resolve(values.outdir ?? join(root, 'dist', 'bundle'));
const outfile = join(outdir, 'flotilla.cjs');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

/**
 * Packages compiled into the bundle: pure JavaScript on the path of the fast commands
 * (`kustomize build`, `version`, `--help`). Every other dependency stays a require() resolved
 * from node_modules at run time (native addons, large clients, packages reading their own files).
 */
const INLINED = new Set(['commander', 'yaml', 're2js']);

/** The bundle's own URL; `import.meta.url` of the bundled modules is derived from it. */
const BUNDLE_URL = '__flotillaBundleUrl';

/**
 * Modules locate files next to themselves with `import.meta.url` (package.json, config/crd,
 * examples/). In the bundle each of them keeps the URL of its source file (src/ and dist/ sit at
 * the same depth, so `../../package.json` and the like resolve as they do from dist/).
 */
const importMetaUrlPlugin = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(outdir, args.path).split('\\').join('/');
      return {
        contents: text.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(rel)}, ${BUNDLE_URL}).href`,
        ),
        loader: 'ts',
        resolveDir: dirname(args.path),
      };
    });
  },
};

/**
 * commander requires node:child_process at load time only to run external sub-command
 * executables, which flotilla has none of; loading it (with net, dgram and streams) costs every
 * run several milliseconds, so the bundled copy requires it on first use.
 */
const lazyChildProcessPlugin = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[/\\]commander[/\\]lib[/\\]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) {
        throw new Error(
          `${args.path}: expected \`${eager}\` (commander changed; update ${import.meta.url})`,
        );
      }
      const lazy =
        "let loadedChildProcess; const childProcess = { spawn: (...a) => (loadedChildProcess ??= require('node:child_process')).spawn(...a) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

// Built beside the final directory and swapped in, so CLI processes running meanwhile (other
// engineers' tests, benchmarks) never see a half-written bundle.
const staging = `${outdir}.staging-${process.pid}`;
const retired = `${outdir}.old-${process.pid}`;
await rm(staging, { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile: join(staging, 'flotilla.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: Object.keys(pkg.dependencies ?? {}).filter((d) => !INLINED.has(d)),
  banner: { js: `var ${BUNDLE_URL}=require("node:url").pathToFileURL(__filename).href;` },
  // Inlined packages that still say import.meta.url (none today) get the bundle's own URL.
  define: { 'import.meta.url': BUNDLE_URL },
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  plugins: [importMetaUrlPlugin, lazyChildProcessPlugin],
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);
await rename(outdir, retired).catch(() => undefined);
await rename(staging, outdir);
await rm(retired, { recursive: true, force: true });
if (!isAscii(await readFile(outfile))) {
  // esbuild escapes non-ASCII text in strings but not in regular expression literals.
  process.stderr.write(
    `build-cli: ${outfile} is not ASCII (a regular expression with a non-ASCII character?); ` +
      'bin/flotilla.js then decodes it as UTF-8, which is slower: write such characters as \\u escapes\n',
  );
}

// First runs of the fast commands write the code cache next to the bundle (flotilla.cjs.cache):
// the first run creates it, the others add the functions they compile (each rewrite keeps what
// the cache already held), so user runs find most of `kustomize build` already compiled.
const fixtures = join(root, 'src', 'render', 'kustomize', 'testdata');
const WARM_UP = [
  ...['generators/overlay', 'patches', 'smp', 'replacements', 'vars', 'nameref', 'images'].map(
    (fixture) => ['kustomize', 'build', join(fixtures, fixture)],
  ),
  ['version'],
  ['--help'],
];
if (outdir === join(root, 'dist', 'bundle')) {
  const bin = join(root, 'bin', 'flotilla.js');
  for (const [i, args] of WARM_UP.entries()) {
    const warm = spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      env: { ...process.env, FLOTILLA_CODE_CACHE: i === 0 ? '' : 'refresh' },
    });
    if (warm.status !== 0) {
      process.stderr.write(`build-cli: \`flotilla ${args.join(' ')}\` failed:\n${warm.stderr}`);
      process.exit(1);
    }
  }
}
