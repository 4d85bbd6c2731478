// Test-only: starts real object storage servers (s3rver, Azurite) on 127.0.0.1 as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

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

export interface TestCertificates {
  readonly caFile: string;
  readonly keyFile: string;
  readonly certFile: string;
}

/**
 * Makes a throwaway CA and a server certificate for 127.0.0.1 with the openssl CLI, or returns
 * undefined when openssl is not installed (callers skip with a reason).
 */
export async function makeTestCertificates(dir: string): Promise<TestCertificates | undefined> {
  const run = (args: string[]): Promise<number> =>
    new Promise((resolve) => {
      const child = spawn('openssl', args, { cwd: dir, stdio: 'ignore' });
      child.on('error', () => resolve(-1));
      child.on('exit', (code) => resolve(code ?? -1));
    });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const steps = [
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=flotilla-test-ca',
    ],
    ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'],
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '1',
      '-extfile',
      'san.cnf',
    ],
  ];
  await writeFile(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  for (const step of steps) {
    if ((await run(step)) !== 0) return undefined;
  }
  return {
    caFile: join(dir, 'ca.crt'),
    keyFile: join(dir, 'server.key'),
    certFile: join(dir, 'server.crt'),
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
