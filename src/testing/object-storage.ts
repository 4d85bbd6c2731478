// Test-only: starts real object storage servers (s3rver, Azurite) on 127.0.0.1 as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import aws4 from 'aws4';

export interface TestServer {
  /** `host:port` */
  readonly hostPort: string;
  readonly port: number;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within 20 s:\n${lines.join('\n')}`));
    }, 20_000);
    const onLine = (line: string): void => {
      lines.push(line);
      const m = pattern.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${String(code)}:\n${lines.join('\n')}`));
    });
  });
}

function stopper(child: ChildProcess, cleanup: () => Promise<void>): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await cleanup();
  };
}

/** A SigV4-signed PUT or DELETE of an object on s3rver (credentials `S3RVER`); resolves with the status. */
export function s3Request(
  server: Pick<TestServer, 'hostPort' | 'port'>,
  method: 'PUT' | 'DELETE',
  path: string,
  body = '',
): Promise<number> {
  const signed = aws4.sign(
    { host: server.hostPort, path, method, service: 's3', region: 'us-east-1', body, headers: {} },
    { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  );
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method,
        headers: signed.headers as Record<string, string>,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Starts s3rver (credentials `S3RVER`/`S3RVER`) with the given buckets. It runs in a child
 * process with OpenSSL's legacy provider because s3rver encrypts ListObjectsV2 continuation
 * tokens with DES, which Node 20's OpenSSL 3 refuses otherwise.
 */
export async function startS3rver(
  buckets: readonly string[],
  tls?: { readonly keyFile: string; readonly certFile: string },
): Promise<TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'flotilla-s3rver-'));
  const main = require.resolve('s3rver');
  const tlsOptions = tls
    ? `key: require('fs').readFileSync(${JSON.stringify(tls.keyFile)}),
       cert: require('fs').readFileSync(${JSON.stringify(tls.certFile)}),`
    : '';
  const script = `
    const S3rver = require(${JSON.stringify(main)});
    const srv = new S3rver({ port: 0, address: '127.0.0.1', silent: true, ${tlsOptions}
      directory: ${JSON.stringify(directory)},
      configureBuckets: ${JSON.stringify(buckets.map((name) => ({ name })))} });
    srv.run().then((a) => console.log('LISTENING ' + a.port));
    process.on('SIGTERM', () => srv.close().then(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const m = await waitForLine(child, /^LISTENING (\d+)$/, 's3rver');
  const port = Number(m[1]);
  return {
    hostPort: `127.0.0.1:${port}`,
    port,
    stop: stopper(child, () => rm(directory, { recursive: true, force: true })),
  };
}

/** Azurite's well-known development account. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Starts Azurite's blob service in memory on a free loopback port. */
export async function startAzurite(): Promise<TestServer & { readonly blobEndpoint: string }> {
  const cwd = await mkdtemp(join(tmpdir(), 'flotilla-azurite-'));
  const bin = join(dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '64',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const m = await waitForLine(child, /listens on http:\/\/127\.0\.0\.1:(\d+)/, 'azurite-blob');
  const port = Number(m[1]);
  return {
    hostPort: `127.0.0.1:${port}`,
    port,
    blobEndpoint: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
    stop: stopper(child, () => rm(cwd, { recursive: true, force: true })),
  };
}
