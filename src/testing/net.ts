// Ports for test servers: a free one on 127.0.0.1, and waiting until one accepts connections.
import { connect, createServer } from 'node:net';
import { until } from './until.js';

/** A free TCP port on 127.0.0.1 (free now; a server should bind it soon). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once 127.0.0.1:port accepts a TCP connection. */
export async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  await until(
    `port ${port} to open`,
    () =>
      new Promise<boolean>((resolve) => {
        const c = connect(port, '127.0.0.1');
        c.on('connect', () => {
          c.destroy();
          resolve(true);
        });
        c.on('error', () => resolve(false));
      }),
    { timeoutMs },
  );
}
