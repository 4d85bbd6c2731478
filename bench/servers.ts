// The API servers benchmarks measure against — the local cluster (`flotilla cluster start`, its
// own process) and a real kube-apiserver — and the table that prints their figures side by side.
// Which ones run: BENCH_TARGETS=local,real (default both; the real one is skipped, with the
// reason, when its oracles are not built).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { KubeClient } from '../src/kube/index.js';
import { realClusterSkip, startCli, startRealCluster } from '../src/testing/index.js';

export interface BenchServer {
  readonly kubeconfigPath: string;
  readonly client: KubeClient;
  /** Whether something rewrites Deployments' status after an apply (the local cluster's simulation). */
  readonly rollsOut: boolean;
  stop(): Promise<void>;
}

export interface BenchTarget {
  /** As BENCH_TARGETS names it. */
  readonly id: 'local' | 'real';
  /** The column heading. */
  readonly name: string;
  /** Why it cannot run here, or false. */
  readonly skip: string | false;
  start(): Promise<BenchServer>;
}

function withTempDir(
  start: (dir: string) => Promise<Omit<BenchServer, 'stop'> & { stop(): Promise<void> }>,
) {
  return async (): Promise<BenchServer> => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-server-'));
    const server = await start(dir);
    return {
      ...server,
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

/** A client for the server a kubeconfig file names; `stop` also stops the server. */
async function served(kubeconfigPath: string, stopServer: () => Promise<void>) {
  const client = await KubeClient.fromKubeConfig({ path: kubeconfigPath });
  return {
    kubeconfigPath,
    client,
    rollsOut: true,
    async stop() {
      client.close();
      await stopServer();
    },
  };
}

/** The local cluster as users run it: `flotilla cluster start --in-memory`, its own process. */
export const localProcess: BenchTarget = {
  id: 'local',
  name: 'local cluster',
  skip: false,
  start: withTempDir(async (dir) => {
    const proc = await startCli(['cluster', 'start', '--data', dir, '--port', '0', '--in-memory']);
    await proc.waitFor(/local cluster serving at/);
    return served(join(dir, 'kubeconfig'), async () => {
      await proc.stop();
    });
  }),
};

/** etcd and kube-apiserver, no controllers: nothing but the benchmark writes to it. */
export const realServer: BenchTarget = {
  id: 'real',
  name: 'kube-apiserver',
  skip: realClusterSkip(),
  async start() {
    const cluster = await startRealCluster({ controllerManager: false, fakeNodes: false });
    const client = await KubeClient.fromKubeConfig({ path: cluster.kubeconfigPath });
    return {
      kubeconfigPath: cluster.kubeconfigPath,
      client,
      rollsOut: false,
      async stop() {
        client.close();
        await cluster.stop();
      },
    };
  },
};

/**
 * The same server behind a TCP proxy that delays every chunk by half of `rttMs` each way, as a
 * cluster in the cloud is a network round trip away (TLS passes through; the certificate names
 * 127.0.0.1, so only the port in the kubeconfig changes).
 */
export function withLatency(target: BenchTarget, rttMs: number): BenchTarget {
  return {
    ...target,
    name: `${target.name}, ${rttMs} ms RTT`,
    async start() {
      const inner = await target.start();
      const upstream = new URL(
        /server: (\S+)/.exec(readFileSync(inner.kubeconfigPath, 'utf8'))?.[1] ?? '',
      );
      const delay = (from: Socket, to: Socket) =>
        from.on('data', (chunk: Buffer) => setTimeout(() => to.write(chunk), rttMs / 2));
      const open = new Set<Socket>();
      const proxy = createServer((client) => {
        const server = connect(Number(upstream.port), upstream.hostname);
        open.add(client).add(server);
        // No Nagle: a small write held back for the ACK of the last one would add ~40 ms.
        client.setNoDelay(true);
        server.setNoDelay(true);
        delay(client, server);
        delay(server, client);
        const close = () => {
          client.destroy();
          server.destroy();
          open.delete(client);
          open.delete(server);
        };
        client.on('error', close).on('close', close);
        server.on('error', close).on('close', close);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      const port = (proxy.address() as AddressInfo).port;
      const kubeconfigPath = `${inner.kubeconfigPath}.rtt`;
      writeFileSync(
        kubeconfigPath,
        readFileSync(inner.kubeconfigPath, 'utf8').replace(
          upstream.origin,
          `https://127.0.0.1:${port}`,
        ),
      );
      const client = await KubeClient.fromKubeConfig({ path: kubeconfigPath });
      return {
        kubeconfigPath,
        client,
        rollsOut: inner.rollsOut,
        async stop() {
          client.close();
          proxy.close();
          for (const socket of open) socket.destroy();
          await inner.stop();
        },
      };
    },
  };
}

/** One figure per row label; rows a server did not measure print as `-`. */
export type Figures = Map<string, string>;

/** Runs `measure` against each chosen target in turn and prints the figures side by side. */
export async function sideBySide(
  targets: readonly BenchTarget[],
  measure: (target: BenchTarget) => Promise<Figures>,
): Promise<void> {
  const wanted = (process.env['BENCH_TARGETS'] ?? 'local,real').split(',');
  const columns: string[] = [];
  const results: Figures[] = [];
  for (const target of targets.filter((t) => wanted.includes(t.id))) {
    if (target.skip) {
      console.log(`# ${target.name}: skipped: ${target.skip}`);
      continue;
    }
    console.log(`# measuring against the ${target.name}...`);
    results.push(await measure(target));
    columns.push(target.name);
  }
  const rows: string[] = [];
  for (const r of results) for (const k of r.keys()) if (!rows.includes(k)) rows.push(k);
  const width = Math.max(0, ...rows.map((r) => r.length)) + 2;
  const cell = Math.max(
    24,
    ...results.flatMap((r) => [...r.values()].map((v) => v.length + 2)),
    ...columns.map((c) => c.length + 2),
  );
  console.log(''.padEnd(width) + columns.map((c) => c.padEnd(cell)).join(''));
  for (const row of rows) {
    console.log(row.padEnd(width) + results.map((r) => (r.get(row) ?? '-').padEnd(cell)).join(''));
  }
}
