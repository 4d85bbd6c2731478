// Asking the user to confirm a destructive step (`delete`, `uninstall`, a deploy key), as flux's
// prompts do: `? LABEL? [y/N] ` on stderr, one line read from stdin; `y` or `yes` goes ahead,
// anything else (or no input at all) does not.
import { createInterface } from 'node:readline';
import type { CliContext } from './context.js';

export async function confirm(ctx: Pick<CliContext, 'stderr'>, label: string): Promise<boolean> {
  ctx.stderr.write(`? ${label}? [y/N] `);
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    if (!process.stdin.isTTY) ctx.stderr.write(`${answer}\n`);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
    process.stdin.unref?.();
  }
}
