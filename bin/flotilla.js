#!/usr/bin/env node
// The `flotilla` command. Runs the compiled CLI from dist/ (built by `npm run build`, which
// `npm ci` and `npm install` run through the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'flotilla: the CLI is not compiled yet; run `npm run build` (or `npm ci`) in the flotilla checkout first\n',
  );
  process.exit(1);
}
await import(entry.href);
