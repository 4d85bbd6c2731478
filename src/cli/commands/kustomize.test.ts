// `flotilla kustomize build`: stdout is exactly the rendered YAML; failures are CliErrors with exit code 1.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { CliError } from '../errors.js';
import { registerKustomizeCommand } from './kustomize.js';

const golden = fileURLToPath(
  new URL('../../render/kustomize/testdata/generators/overlay', import.meta.url),
);
const tmp = mkdtempSync(join(tmpdir(), 'kustomize-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  const chunks: string[] = [];
  registerKustomizeCommand(program, (text) => chunks.push(text));
  await program.parseAsync(['node', 'flotilla', ...args]);
  return chunks.join('');
}

test('kustomize build prints exactly what kubectl kustomize prints', async () => {
  const out = await run(['kustomize', 'build', golden]);
  assert.equal(out, readFileSync(join(golden, 'expected.yaml'), 'utf8'));
});

test('kustomize build honours --load-restrictor', async () => {
  mkdirSync(join(tmp, 'app'), { recursive: true });
  writeFileSync(join(tmp, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n');
  writeFileSync(join(tmp, 'app', 'kustomization.yaml'), 'resources:\n- ../cm.yaml\n');
  await assert.rejects(run(['kustomize', 'build', join(tmp, 'app')]), (err: unknown) => {
    assert.ok(err instanceof CliError);
    assert.equal(err.exitCode, 1);
    assert.match(err.message, /is not in or below/);
    return true;
  });
  const out = await run([
    'kustomize',
    'build',
    join(tmp, 'app'),
    '--load-restrictor',
    'LoadRestrictionsNone',
  ]);
  assert.equal(out, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n');
});

test('kustomize build writes nothing to stdout when the build fails', async () => {
  let printed = '';
  await assert.rejects(async () => {
    printed = await run(['kustomize', 'build', join(tmp, 'does-not-exist')]);
  }, CliError);
  assert.equal(printed, '');
});
