// One JSON GET from a real kube-apiserver, for the generators that read the oracle's answers.
import { request } from 'node:https';

/** The parsed answer; any status but 200 rejects naming the path. */
export function getJson(
  server: string,
  caPem: string,
  token: string,
  path: string,
  accept = 'application/json',
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, server),
      { ca: caPem, headers: { authorization: `Bearer ${token}`, accept } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
          else
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
