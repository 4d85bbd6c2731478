// The product entry as users run it: bin/flotilla.js over the bundle scripts/build-cli.js makes,
// built into a temporary tree here (never the shared dist/), with its V8 code cache.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { buildShippedTree } from '../../testing/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const golden = join(root, 'src/render/kustomize/testdata/generators/overlay');
const tree = mkdtempSync(join(tmpdir(), 'flotilla-bin-'));
const bin = join(tree, 'bin', 'flotilla.js');
const cache = join(tree, 'dist', 'bundle', 'flotilla.cjs.cache');
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
delete env['NODE_OPTIONS'];

async function flotilla(args: string[], nodeFlags: string[] = []) {
  try {
    const res = await run(process.execPath, [...nodeFlags, bin, ...args], { env });
    return { code: 0, stdout: res.stdout, stderr: res.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// a tree of its own, not the shared one of the run: these tests watch its code cache from the start
before(async () => {
  await buildShippedTree(tree);
});
after(() => rmSync(tree, { recursive: true, force: true }));

describe('bin/flotilla.js over the bundle', () => {
  it('writes a code cache on the first run and keeps it while V8 accepts it', async () => {
    assert.equal(existsSync(cache), false);
    const first = await flotilla(['kustomize', 'build', golden]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, readFileSync(join(golden, 'expected.yaml'), 'utf8'));
    assert.ok(statSync(cache).size > 0, 'cache written');
    const written = readFileSync(cache);
    const second = await flotilla(['kustomize', 'build', golden]);
    assert.equal(second.stdout, first.stdout);
    assert.deepEqual(readFileSync(cache), written, 'an accepted cache is not rewritten');
  });

  it('FLOTILLA_CODE_CACHE=refresh adds what a run compiled to an accepted cache', async () => {
    const accepted = readFileSync(cache);
    const res = await run(process.execPath, [bin, 'version', '-o', 'yaml'], {
      env: { ...env, FLOTILLA_CODE_CACHE: 'refresh' },
    });
    assert.match(res.stdout, /^flotilla: /);
    const refreshed = readFileSync(cache);
    assert.ok(refreshed.length > accepted.length, `${refreshed.length} > ${accepted.length}`);
  });

  it('rewrites a cache V8 rejects (damaged, or made with other flags) and still runs', async () => {
    writeFileSync(cache, 'not a code cache');
    const res = await flotilla(['kustomize', 'build', golden]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, readFileSync(join(golden, 'expected.yaml'), 'utf8'));
    const rewritten = readFileSync(cache);
    assert.notEqual(rewritten.toString('latin1'), 'not a code cache');
    const flagged = await flotilla(['version', '-o', 'json'], ['--max-semi-space-size=32']);
    assert.equal(flagged.code, 0, flagged.stderr);
    assert.notDeepEqual(readFileSync(cache), rewritten, 'a cache made with other V8 flags');
  });

  it('does not use a cache older than the bundle (V8 would only compare lengths)', async () => {
    const bundle = join(tree, 'dist', 'bundle', 'flotilla.cjs');
    const earlier = new Date(statSync(bundle).mtimeMs - 60_000);
    utimesSync(cache, earlier, earlier);
    const res = await flotilla(['kustomize', 'build', golden]);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(statSync(cache).mtimeMs >= statSync(bundle).mtimeMs, 'cache rewritten');
  });

  it('reports a failed build on stderr with exit code 1 and nothing on stdout', async () => {
    const res = await flotilla(['kustomize', 'build', join(tree, 'missing')]);
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /^error: .*missing/);
  });

  it('prints the version, reading package.json from the checkout', async () => {
    const res = await flotilla(['version', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    const info = JSON.parse(res.stdout) as Record<string, string>;
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(info['flotilla'], pkg.version);
    assert.equal(info['node'], process.versions.node);
  });

  it('--help lists the commands, and a usage error exits non-zero', async () => {
    const help = await flotilla(['--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['kustomize', 'version', 'get', 'up', 'controller']) {
      assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'));
    }
    const bad = await flotilla(['kustomize', 'build']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /missing required argument 'dir'/);
  });

  it('large output reaches a pipe whole', async () => {
    const big = join(tree, 'big');
    mkdirSync(big);
    const docs = Array.from(
      { length: 3000 },
      (_, i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${String(i).padStart(4, '0')}\ndata:\n  k: ${'v'.repeat(40)}\n`,
    );
    writeFileSync(join(big, 'cms.yaml'), docs.join('---\n'));
    writeFileSync(join(big, 'kustomization.yaml'), 'resources:\n- cms.yaml\n');
    const res = await flotilla(['kustomize', 'build', big]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.length, docs.join('---\n').length);
    assert.ok(res.stdout.endsWith('name: cm-2999\n'));
  });
});
