// A log destination for a controller running outside a cluster: every JSON line is appended to a
// file (what `flotilla logs --log-file` reads), and the lines at or above a level also go to
// stderr, so `flotilla up` keeps its terminal for the status table while its log stays complete.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

const PINO_LEVEL: Record<string, number> = { debug: 20, info: 30, warn: 40, error: 50 };

/** pino's number for a level name (`info` → 30). */
export function pinoLevel(name: string): number {
  return PINO_LEVEL[name] ?? 30;
}

export interface TeeOptions {
  readonly file: string;
  /** Lines at this level or above also go to stderr; `Infinity` sends none there. */
  readonly stderrLevel: number;
}

/** A writable for pino: whole lines to the file, the important ones to stderr as well. */
export function teeLogDestination(o: TeeOptions): Writable & { flushed(): Promise<void> } {
  mkdirSync(dirname(o.file), { recursive: true });
  const file = createWriteStream(o.file, { flags: 'a', mode: 0o600 });
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = pending + chunk.toString('utf8');
      const end = text.lastIndexOf('\n') + 1;
      pending = text.slice(end);
      const lines = text.slice(0, end);
      if (lines === '') {
        done();
        return;
      }
      for (const line of lines.split('\n')) {
        if (line === '') continue;
        const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
        if (level >= o.stderrLevel) process.stderr.write(`${line}\n`);
      }
      file.write(lines, done);
    },
    final(done) {
      file.end(pending, () => done());
    },
  });
  return Object.assign(stream, {
    flushed: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  });
}
