// The project's logger: pino, JSON lines by default and human-readable on a TTY. pino is loaded
// when the first logger is created, not when core is imported.
import type { Logger, LevelWithSilent } from 'pino';
import type * as Pino from 'pino';
import { lazyRequire } from './lazy-require.js';

export type { Logger } from 'pino';

const loadPino = lazyRequire<typeof Pino>('pino');

export interface LoggerOptions {
  /** @default 'info' */
  readonly level?: LevelWithSilent;
  /** Human-readable output (pino-pretty). @default true when stderr is a TTY */
  readonly pretty?: boolean;
  /** @default 'flotilla' */
  readonly name?: string;
  /** Where log lines go. @default process.stderr (file descriptor 2) */
  readonly destination?: NodeJS.WritableStream;
}

/** Creates a logger; only entry points call this, everything else receives a Logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const { pino } = loadPino();
  const level = options.level ?? 'info';
  const name = options.name ?? 'flotilla';
  const pretty = options.pretty ?? (process.stderr.isTTY === true && !options.destination);
  if (pretty) {
    return pino({
      name,
      level,
      transport: {
        target: 'pino-pretty',
        options: {
          destination: 2,
          colorize: process.stderr.isTTY === true,
          ignore: 'pid,hostname',
        },
      },
    });
  }
  return pino({ name, level }, options.destination ?? pino.destination(2));
}

/** A logger that drops everything, for library callers and tests that want silence. */
export function silentLogger(): Logger {
  return loadPino().pino({ level: 'silent' });
}
