// Differential suite at the template level: hundreds of small templates (Go's text/template and
// fmt corners, every built-in, every Sprig function, Helm's own) rendered by us and by the helm
// oracle in one chart, compared case by case; failing templates are compared by error message.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { oracleSkip, runHelm, writeFileTree } from '../../testing/index.js';
import {
  CASE_FILES,
  CASE_HELPERS,
  CASE_VALUES,
  ERROR_CASES,
  ERROR_HELPERS,
  OK_CASES,
} from './testing/template-cases.js';
import { helmTemplate, parseKubeVersion } from './index.js';

const CHART_YAML = `apiVersion: v2
name: cases
description: template cases
version: 0.1.0
appVersion: "1.0"
keywords: [a, b]
annotations:
  x: y
maintainers:
  - name: me
    email: me@example.com
`;

const root = mkdtempSync(join(tmpdir(), 'flotilla-template-cases-'));
after(() => rmSync(root, { recursive: true, force: true }));

function writeChart(
  dir: string,
  templates: Readonly<Record<string, string>>,
  helpers: string,
): void {
  const files: Record<string, string | Uint8Array> = {
    'Chart.yaml': CHART_YAML,
    'values.yaml': CASE_VALUES,
    'templates/_helpers.tpl': helpers,
    ...CASE_FILES,
  };
  for (const [name, text] of Object.entries(templates)) files[`templates/${name}`] = text;
  writeFileTree(dir, files);
}

const clip = (s: string | undefined): string =>
  s === undefined || s.length <= 800
    ? JSON.stringify(s)
    : `${JSON.stringify(s.slice(0, 400))} … ${JSON.stringify(s.slice(-400))}`;
const id = (i: number): string => `c${String(i).padStart(4, '0')}`;
const ARGS = [
  '--kube-version',
  '1.29.4',
  '-n',
  'casens',
  '--api-versions',
  'monitoring.coreos.com/v1',
];
const OPTS = {
  releaseName: 'rel',
  namespace: 'casens',
  kubeVersion: parseKubeVersion('1.29.4'),
  extraApiVersions: ['monitoring.coreos.com/v1'],
};

/** Each case either runs inside a define (its output made a YAML comment) or, when it defines templates itself, as the file. */
function okTemplates(): Record<string, string> {
  const out: Record<string, string> = {};
  let defines = '';
  OK_CASES.forEach((tpl, i) => {
    if (/\{\{-? *(define|block) /.test(tpl)) {
      out[`${id(i)}.yaml`] = '#' + tpl;
      return;
    }
    defines += `{{- define "${id(i)}" -}}${tpl}{{- end -}}\n`;
    out[`${id(i)}.yaml`] = `#{{ include "${id(i)}" . | replace "\\n" "\\n#" }}`;
  });
  out['_cases.tpl'] = defines;
  return out;
}

/** Output documents by template name. */
function byTemplate(output: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const doc of output.split(/^---\n/m)) {
    const src = /^# Source: cases\/templates\/(\S+)\n/.exec(doc);
    if (src) m.set(src[1] as string, doc.slice(src[0].length));
  }
  return m;
}

describe('template functions against the helm oracle', { skip: oracleSkip('helm') }, () => {
  it(`renders ${OK_CASES.length} templates exactly as helm does`, () => {
    const dir = join(root, 'ok');
    writeChart(dir, okTemplates(), CASE_HELPERS);
    const theirs = runHelm(['template', 'rel', dir, ...ARGS]);
    assert.equal(theirs.status, 0, theirs.stderr);
    const ours = helmTemplate(dir, OPTS).output;
    const a = byTemplate(ours);
    const b = byTemplate(theirs.stdout);
    const failures: string[] = [];
    OK_CASES.forEach((tpl, i) => {
      const name = `${id(i)}.yaml`;
      const x = a.get(name);
      const y = b.get(name);
      if (x !== y)
        failures.push(`${name} ${JSON.stringify(tpl)}\n  ours:   ${clip(x)}\n  theirs: ${clip(y)}`);
    });
    assert.deepEqual(
      failures,
      [],
      `${failures.length} of ${OK_CASES.length} cases differ:\n${failures.join('\n')}`,
    );
    assert.equal(ours, theirs.stdout);
  });

  it(`fails ${ERROR_CASES.length} broken templates with helm's messages`, () => {
    const failures: string[] = [];
    ERROR_CASES.forEach((tpl, i) => {
      const dir = join(root, `err${i}`);
      writeChart(dir, { 'err.yaml': tpl }, `${CASE_HELPERS}\n${ERROR_HELPERS}`);
      const theirs = runHelm(['template', 'rel', dir, ...ARGS]);
      let ours: string;
      try {
        helmTemplate(dir, OPTS);
        ours = '<no error>';
      } catch (e) {
        ours = (e as Error).message;
      }
      const expected =
        theirs.status === 0
          ? '<no error>'
          : theirs.stderr
              .replace(/^Error: /, '')
              .replace(/\n\nUse --debug flag to render out invalid YAML\n$/, '')
              .trimEnd();
      if (ours.trimEnd() !== expected)
        failures.push(
          `${JSON.stringify(tpl)}\n  ours:   ${clip(ours)}\n  theirs: ${clip(expected)}`,
        );
    });
    assert.deepEqual(
      failures,
      [],
      `${failures.length} of ${ERROR_CASES.length} error cases differ:\n${failures.join('\n')}`,
    );
  });
});

/** Keys and certificates Sprig generates, one per line as `name: base64(PEM)`. */
const CRYPTO_TEMPLATE = `{{- $ca := genCA "my-ca" 365 }}
{{- $caKey := genPrivateKey "ecdsa" }}
{{- $ca2 := genCAWithKey "keyed-ca" 30 $caKey }}
{{- $self := genSelfSignedCert "self.example.com" (list "10.0.0.1" "::1") (list "a.example.com" "b.example.com") 10 }}
{{- $selfK := genSelfSignedCertWithKey "selfk" nil nil 3 (genPrivateKey "ed25519") }}
{{- $signed := genSignedCert "leaf" (list "192.168.1.1") (list "leaf.svc" "leaf.svc.cluster.local") 90 $ca }}
{{- $signedK := genSignedCertWithKey "leafk" nil (list "k.svc") 7 $ca2 (genPrivateKey "ecdsa") }}
{{- $custom := buildCustomCert ($ca.Cert | b64enc) ($ca.Key | b64enc) }}
{{- $leaf2 := genSignedCert "via-custom" nil nil 1 $custom }}
ca: {{ $ca.Cert | b64enc }}
cakey: {{ $ca.Key | b64enc }}
ca2: {{ $ca2.Cert | b64enc }}
self: {{ $self.Cert | b64enc }}
selfkey: {{ $self.Key | b64enc }}
selfk: {{ $selfK.Cert | b64enc }}
signed: {{ $signed.Cert | b64enc }}
signedk: {{ $signedK.Cert | b64enc }}
leaf2: {{ $leaf2.Cert | b64enc }}
rsa: {{ genPrivateKey "rsa" | b64enc }}
ecdsa: {{ genPrivateKey "ecdsa" | b64enc }}
ed25519: {{ genPrivateKey "ed25519" | b64enc }}
dsa: {{ genPrivateKey "dsa" | b64enc }}
`;

/** What can be compared of a PEM that differs on every run: its kind and, for certificates, every field but keys, serial and dates. */
function pemShape(pem: string): unknown {
  if (pem.includes('BEGIN CERTIFICATE')) {
    const c = new X509Certificate(pem);
    const days = (Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000;
    return {
      subject: c.subject,
      issuer: c.issuer,
      san: c.subjectAltName,
      ca: c.ca,
      usage: c.keyUsage,
      days: Math.round(days),
      key: c.publicKey.asymmetricKeyType,
      bits: c.publicKey.asymmetricKeyDetails?.modulusLength,
      curve: c.publicKey.asymmetricKeyDetails?.namedCurve,
      serialBytes: Math.ceil(c.serialNumber.replace(/^0+/, '').length / 2) > 8,
      selfSigned: c.checkIssued(c),
      header: pem.split('\n')[0],
    };
  }
  const header = pem.split('\n')[0];
  if (header?.includes('DSA PRIVATE')) return { header };
  const k = createPrivateKey(pem);
  return { header, type: k.asymmetricKeyType, details: k.asymmetricKeyDetails };
}

function cryptoShapes(output: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of output.matchAll(/^(\w+): (\S+)$/gm)) {
    out[m[1] as string] = pemShape(Buffer.from(m[2] as string, 'base64').toString('utf8'));
  }
  return out;
}

describe(
  'key and certificate functions against the helm oracle',
  { skip: oracleSkip('helm') },
  () => {
    it('generates keys and certificates of the shape helm generates', () => {
      const dir = join(root, 'crypto');
      writeChart(dir, { 'crypto.yaml': CRYPTO_TEMPLATE }, CASE_HELPERS);
      const theirs = runHelm([
        'template',
        'rel',
        dir,
        ...ARGS,
        '--show-only',
        'templates/crypto.yaml',
      ]);
      assert.equal(theirs.status, 0, theirs.stderr);
      const ours = helmTemplate(dir, { ...OPTS, showOnly: ['templates/crypto.yaml'] }).output;
      const expected = cryptoShapes(theirs.stdout);
      assert.equal(Object.keys(expected).length, 13);
      assert.deepEqual(cryptoShapes(ours), expected);
    });
  },
);
