// The project's logger: pino, JSON lines by default and human-readable on a TTY.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

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
  return pino({ level: 'silent' });
}
