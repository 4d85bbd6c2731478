// Wire-level tests of the S3 client against a small SigV4-verifying server on 127.0.0.1 (s3rver
// checks access key ids only, so request signing is checked here): key and query encoding,
// pagination with awkward continuation tokens, XML escaping, ETag quoting, signature failures.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import aws4 from 'aws4';
import { BucketServiceError, S3Client } from './index.js';

const CREDS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const OBJECTS = new Map<string, string>([
  ['dir/a b+c.yaml', 'space and plus'],
  ['ünï/cödé.yaml', 'unicode'],
  ["it's (1)*!.yaml", 'sub-delims'],
  ['x&y<z>.yaml', 'xml specials'],
  ['plain.yaml', 'plain'],
]);
const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');

/** Recomputes the SigV4 signature of a received request and compares it with the one sent. */
function signatureMatches(req: IncomingMessage): boolean {
  const auth = req.headers.authorization ?? '';
  const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const h of signed) headers[h] = String(req.headers[h] ?? '');
  const host = headers.host ?? '';
  delete headers.host;
  const again = aws4.sign(
    {
      host,
      path: req.url ?? '/',
      method: req.method ?? 'GET',
      service: 's3',
      region: 'eu-central-1',
      headers,
    },
    CREDS,
  );
  return (again.headers as Record<string, string>).Authorization === auth;
}

function error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

describe('S3Client request signing and encoding', () => {
  let server: Server;
  let endpoint: string;
  let work: string;
  const seenPaths: string[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'flotilla-s3client-'));
    server = createServer((req, res) => {
      seenPaths.push(req.url ?? '');
      if (!signatureMatches(req)) {
        res.writeHead(403, { 'Content-Type': 'application/xml' });
        res.end(
          error('SignatureDoesNotMatch', 'The request signature we calculated does not match'),
        );
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      const [, bucket, ...rest] = url.pathname.split('/');
      if (bucket !== 'bkt') {
        res.writeHead(404, { 'Content-Type': 'application/xml' });
        res.end(error('NoSuchBucket', 'The specified bucket does not exist'));
        return;
      }
      if (rest.length === 0) {
        const prefix = url.searchParams.get('prefix') ?? '';
        const keys = [...OBJECTS.keys()].filter((k) => k.startsWith(prefix)).sort();
        const start = Number(url.searchParams.get('continuation-token')?.split('+/=')[1] ?? '0');
        const page = keys.slice(start, start + 2);
        const more = start + 2 < keys.length;
        const contents = page
          .map(
            (k) =>
              `<Contents><Key>${escapeXml(k)}</Key><ETag>&quot;etag-${k.length}&quot;</ETag></Contents>`,
          )
          .join('');
        res.writeHead(200, { 'Content-Type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bkt</Name>${contents}` +
            `<IsTruncated>${more}</IsTruncated>` +
            (more ? `<NextContinuationToken>tok+/=${start + 2}</NextContinuationToken>` : '') +
            `</ListBucketResult>`,
        );
        return;
      }
      const key = rest.map((s) => decodeURIComponent(s)).join('/');
      const body = OBJECTS.get(key);
      if (body === undefined) {
        res.writeHead(404, { 'Content-Type': 'application/xml' });
        res.end(error('NoSuchKey', 'The specified key does not exist.'));
        return;
      }
      res.writeHead(200, { ETag: `"etag-${key.length}"` });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(work, { recursive: true, force: true });
  });

  const client = (secretAccessKey = CREDS.secretAccessKey): S3Client =>
    new S3Client({
      endpoint,
      insecure: true,
      region: 'eu-central-1',
      credentials: { ...CREDS, secretAccessKey },
    });

  it('lists every page with signed continuation tokens and decodes keys and ETags', async () => {
    const c = client();
    const seen: [string, string][] = [];
    await c.visitObjects('bkt', '', (k, e) => seen.push([k, e]));
    c.close();
    assert.deepEqual(
      seen,
      [...OBJECTS.keys()].sort().map((k) => [k, `etag-${k.length}`]),
    );
    assert.ok(seenPaths.some((p) => p.includes('continuation-token=tok%2B%2F%3D2')));
  });

  it('signs prefixes and object keys with reserved and non-ASCII characters', async () => {
    const c = client();
    const keys: string[] = [];
    await c.visitObjects('bkt', 'ünï/', (k) => keys.push(k));
    assert.deepEqual(keys, ['ünï/cödé.yaml']);
    for (const [key, body] of OBJECTS) {
      const out = join(work, 'objects', String(key.length), 'file');
      assert.equal(await c.getObject('bkt', key, out), `etag-${key.length}`, key);
      assert.equal(await readFile(out, 'utf8'), body);
    }
    assert.equal(await c.bucketExists('bkt'), true);
    assert.equal(await c.bucketExists('other'), false);
    await assert.rejects(
      c.getObject('bkt', 'missing.yaml', join(work, 'missing')),
      (err: unknown) => {
        assert.ok(c.isObjectNotFound(err));
        return true;
      },
    );
    c.close();
  });

  it('surfaces a signature mismatch with the service code and message', async () => {
    const c = client('the-wrong-secret');
    await assert.rejects(c.bucketExists('bkt'), (err: unknown) => {
      assert.ok(err instanceof BucketServiceError);
      assert.equal(err.code, 'SignatureDoesNotMatch');
      assert.equal(err.statusCode, 403);
      assert.match(
        err.message,
        /^SignatureDoesNotMatch: The request signature we calculated does not match \(HTTP 403\)$/,
      );
      return true;
    });
    c.close();
  });
});
