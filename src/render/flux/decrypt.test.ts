// SOPS in a Flux build, with fixtures encrypted by the real sops: encrypted resources (also after
// kustomize changed them), secretGenerator files and envs, patches and Secret data fields are
// decrypted; a tampered file, a wrong key and a missing decryption fail naming the file or object,
// never printing a value; a keyless local build masks.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { newAgeKey, oracleSkip, sopsEncrypt, type AgeKey } from '../../testing/index.js';
import { importSopsKeys } from '../sops/index.js';
import type { KubeObject } from '../postbuild/index.js';
import { buildFluxKustomization } from './build.js';
import { FluxDecryptor, SOPS_MASK } from './decrypt.js';

const skip = oracleSkip('sops');

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  password: hunter2-secret
  port: "5432"
data:
  token: ${Buffer.from('token-value-1').toString('base64')}
`;

const PATCH = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  api_key: patched-api-key
`;

function tree(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'flux-sops-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const o = objects.find(
    (x) => x['kind'] === kind && (x['metadata'] as { name: string }).name === name,
  );
  assert.ok(o, `${kind}/${name} in the build`);
  return o;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: unknown) => Buffer.from(String(s), 'base64').toString('utf8');

describe('Flux build with SOPS decryption', { skip }, () => {
  let key: AgeKey;
  let other: AgeKey;
  let decryptor: () => Promise<FluxDecryptor>;
  let files: Record<string, string | Uint8Array>;

  before(async () => {
    key = await newAgeKey();
    other = await newAgeKey();
    decryptor = async () =>
      new FluxDecryptor(
        await importSopsKeys([
          {
            source: "Secret 'flux-system/sops'",
            name: 'k.agekey',
            data: Buffer.from(key.identity),
          },
        ]),
        "Secret 'flux-system/sops'",
      );
    const enc = (text: string | Uint8Array, name: string, flags: string[] = []) =>
      sopsEncrypt(text, name, { age: [key.recipient], flags });
    files = {
      'base/kustomization.yaml': `resources:
- secret.yaml
- configmap.yaml
- field-secret.yaml
patches:
- path: patch.yaml
secretGenerator:
- name: generated
  envs:
  - app.env
  - plain.env
  files:
  - config.json
  - cert=cert.bin
  - settings.yaml=settings.enc.yaml
`,
      'base/secret.yaml': enc(SECRET, 'secret.yaml', ['--encrypted-regex', '^(data|stringData)$']),
      'base/configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  api_key: placeholder\n`,
      'base/patch.yaml': enc(PATCH, 'patch.yaml'),
      'base/app.env': enc('DB_USER=admin\nDB_PASS=env-secret-pass\n', 'app.env'),
      'base/plain.env': 'PLAIN=visible\n',
      'base/config.json': enc('{"client_secret": "json-secret-value", "n": 3}', 'config.json'),
      'base/cert.bin': enc(Buffer.from('-----BEGIN CERT-----\nbinary-secret\n'), 'cert.bin'),
      'base/settings.enc.yaml': enc('nested:\n  deep: yaml-secret-value\n', 'settings.yaml'),
      'base/field-secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: fielded\ndata:\n  creds.json: ${enc('{"user": "u", "pass": "field-secret-pass"}', 'creds.json').toString('base64')}\n  other: ${b64('not encrypted')}\n`,
      'app/kustomization.yaml': 'resources:\n- ../base\n',
    };
  });

  it('decrypts resources, generator files and envs, patches and Secret data fields', async () => {
    const root = tree(files);
    try {
      const objects = await buildFluxKustomization({
        root,
        dir: join(root, 'app'),
        // kustomize changes the encrypted Secret's unencrypted fields (namespace, name).
        overlay: { targetNamespace: 'apps', namePrefix: 'p-' },
        decryption: await decryptor(),
        postBuild: true,
        substitute: {},
      });
      const secret = find(objects, 'Secret', 'p-db');
      assert.equal(secret['sops'], undefined);
      assert.deepEqual(secret['stringData'], { password: 'hunter2-secret', port: '5432' });
      assert.equal(unb64((secret['data'] as Record<string, string>)['token']), 'token-value-1');
      assert.equal((secret['metadata'] as { namespace: string }).namespace, 'apps');

      const settings = find(objects, 'ConfigMap', 'p-settings');
      assert.deepEqual(settings['data'], { api_key: 'patched-api-key' });

      const gen = objects.find((o) =>
        (o['metadata'] as { name: string }).name.startsWith('p-generated-'),
      )!;
      const data = gen['data'] as Record<string, string>;
      assert.equal(unb64(data['DB_PASS']), 'env-secret-pass');
      assert.equal(unb64(data['PLAIN']), 'visible');
      assert.match(unb64(data['config.json']), /"client_secret": "json-secret-value"/);
      assert.equal(unb64(data['cert']), '-----BEGIN CERT-----\nbinary-secret\n');
      assert.equal(unb64(data['settings.yaml']), 'nested:\n    deep: yaml-secret-value\n');

      const fielded = find(objects, 'Secret', 'p-fielded');
      const fd = fielded['data'] as Record<string, string>;
      assert.match(unb64(fd['creds.json']), /"pass": "field-secret-pass"/);
      assert.equal(unb64(fd['other']), 'not encrypted');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a tampered resource file fails on its MAC, naming the file', async () => {
    const tampered = Buffer.from(
      String(files['base/secret.yaml']).replace('name: db', 'name: dbx'),
    );
    const root = tree({ ...files, 'base/secret.yaml': tampered });
    try {
      await assert.rejects(
        buildFluxKustomization({ root, dir: join(root, 'app'), decryption: await decryptor() }),
        (err: Error & { reason?: string; file?: string }) => {
          assert.equal(err.reason, 'DecryptionFailed');
          assert.match(err.message, /failed to decrypt 'base\/secret\.yaml'.*MAC mismatch/);
          return true;
        },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('checks the MAC of encrypted files in a directory without a kustomization too', async () => {
    const good = String(files['base/secret.yaml']);
    const root = tree({
      'plain/sub/secret.yaml': good.replace('name: db', 'name: dbx'),
      'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
    });
    try {
      await assert.rejects(
        buildFluxKustomization({ root, dir: join(root, 'plain'), decryption: await decryptor() }),
        /failed to decrypt 'plain\/sub\/secret\.yaml'.*MAC mismatch/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const ok = tree({ 'plain/sub/secret.yaml': good });
    try {
      const objects = await buildFluxKustomization({
        root: ok,
        dir: join(ok, 'plain'),
        decryption: await decryptor(),
      });
      assert.equal(
        (find(objects, 'Secret', 'db')['stringData'] as { password: string }).password,
        'hunter2-secret',
      );
    } finally {
      rmSync(ok, { recursive: true, force: true });
    }
  });

  it('a file encrypted for another key fails naming the recipients, never a value', async () => {
    const root = tree({
      ...files,
      'base/app.env': sopsEncrypt('DB_PASS=env-secret-pass\n', 'app.env', {
        age: [other.recipient],
      }),
    });
    try {
      await assert.rejects(
        buildFluxKustomization({ root, dir: join(root, 'app'), decryption: await decryptor() }),
        (err: Error) => {
          assert.match(err.message, /failed to decrypt 'base\/app\.env'/);
          assert.match(err.message, new RegExp(other.recipient));
          assert.doesNotMatch(err.message, /env-secret-pass|hunter2/);
          return true;
        },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('without spec.decryption an encrypted object is refused; a local build masks', async () => {
    const root = tree({ 'app/secret.yaml': files['base/secret.yaml']! });
    try {
      await assert.rejects(
        buildFluxKustomization({ root, dir: join(root, 'app') }),
        /encrypted with SOPS but spec\.decryption is not set/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const root2 = tree({
      'app/kustomization.yaml': 'resources:\n- secret.yaml\n- field-secret.yaml\n',
      'app/secret.yaml': files['base/secret.yaml']!,
      'app/field-secret.yaml': files['base/field-secret.yaml']!,
    });
    try {
      const objects = await buildFluxKustomization({
        root: root2,
        dir: join(root2, 'app'),
        decryption: 'mask',
      });
      const text = JSON.stringify(objects);
      assert.doesNotMatch(text, /hunter2|field-secret-pass|token-value-1/);
      const secret = find(objects, 'Secret', 'db');
      assert.equal(secret['sops'], undefined);
      assert.deepEqual(secret['stringData'], { password: SOPS_MASK, port: SOPS_MASK });
      const fd = find(objects, 'Secret', 'fielded')['data'] as Record<string, string>;
      assert.equal(unb64(fd['creds.json']), SOPS_MASK);
      assert.equal(unb64(fd['other']), 'not encrypted');
    } finally {
      rmSync(root2, { recursive: true, force: true });
    }
  });

  it('redacts decrypted values from build errors', async () => {
    const d = await decryptor();
    await d.decrypt(
      sopsEncrypt('LINE=a-very-secret-value\n', 'x.env', { age: [key.recipient] }),
      'dotenv',
      'dotenv',
      true,
    );
    assert.equal(
      d.redact("invalid line 'LINE=a-very-secret-value' in x.env"),
      "invalid line 'LINE=***' in x.env",
    );
  });
});
