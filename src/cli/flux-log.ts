// Progress lines on stderr with flux's symbols (► action, ✚ generate, ◎ waiting, ✔ success,
// ⚠️ warning, ✗ failure), so scripts reading flux's output read Flotilla's the same way and stdout
// keeps only results (tables, YAML).
import type { CliContext } from './context.js';

export interface FluxLog {
  action(message: string): void;
  generate(message: string): void;
  waiting(message: string): void;
  success(message: string): void;
  warning(message: string): void;
  failure(message: string): void;
}

export const FLUX_SYMBOLS = {
  action: '\u25ba',
  generate: '\u271a',
  waiting: '\u25ce',
  success: '\u2714',
  warning: '\u26a0\ufe0f',
  failure: '\u2717',
} as const;

/** The progress logger of a command, writing to its stderr. */
export function fluxLog(ctx: Pick<CliContext, 'stderr'>): FluxLog {
  const line = (symbol: string) => (message: string) => {
    ctx.stderr.write(`${symbol} ${message}\n`);
  };
  return {
    action: line(FLUX_SYMBOLS.action),
    generate: line(FLUX_SYMBOLS.generate),
    waiting: line(FLUX_SYMBOLS.waiting),
    success: line(FLUX_SYMBOLS.success),
    warning: line(FLUX_SYMBOLS.warning),
    failure: line(FLUX_SYMBOLS.failure),
  };
}
