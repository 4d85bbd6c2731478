#!/usr/bin/env node
// The `flotilla` command. Runs the bundled CLI, dist/bundle/flotilla.cjs (built by
// `npm run build`, which `npm ci` and `npm install` run through the `prepare` script), with a
// V8 code cache kept next to it: compiling the bundle is most of a short command's start-up.
// CommonJS (bin/package.json), not an ES module: Node then never starts its ES module loader,
// which saves a short command several milliseconds.
/* global require, __dirname */
'use strict';
const { isAscii } = require('node:buffer');
const { existsSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'bundle', 'flotilla.cjs');
const cacheFile = `${bundle}.cache`;
if (!existsSync(bundle)) {
  process.stderr.write(
    'flotilla: the CLI is not built yet; run `npm run build` (or `npm ci`) in the flotilla checkout first\n',
  );
  process.exit(1);
}

// V8 checks a cache against the source's length only, so a cache older than the bundle (the
// bundle replaced by hand) is not used; otherwise there is none yet. Either way this run compiles
// from source and writes a new one.
const cacheStat = statSync(cacheFile, { throwIfNoEntry: false });
const cachedData =
  cacheStat !== undefined && cacheStat.mtimeMs >= statSync(bundle).mtimeMs
    ? readFileSync(cacheFile)
    : undefined;
// The bundle is ASCII (scripts/build-cli.js warns otherwise): read as latin1, a plain copy,
// instead of decoding UTF-8, which costs a short command several milliseconds.
const bytes = readFileSync(bundle);
const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
// The same wrapper Node gives a CommonJS module, so the bundle sees require, module, __filename.
const script = new Script(
  `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
  // No importModuleDynamically: the bundle has no import() (esbuild turns them into require()).
  { filename: bundle, cachedData },
);
// FLOTILLA_CODE_CACHE=refresh rewrites an accepted cache too, adding what this run compiled
// (the build runs the hot commands over several fixtures this way).
if (
  cachedData === undefined ||
  script.cachedDataRejected === true ||
  process.env['FLOTILLA_CODE_CACHE'] === 'refresh'
) {
  // Written at exit, so the cache also holds the functions this run compiled lazily. V8 rejects
  // a cache made by another Node version or with other flags; it is then simply rewritten.
  process.once('exit', () => {
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only installation runs without a cache.
    }
  });
}
const bundled = { exports: {} };
script.runInThisContext()(bundled.exports, createRequire(bundle), bundled, bundle, dirname(bundle));
void bundled.exports.run(process.argv).then((code) => {
  process.exitCode = code;
});
