// Terminal colour for the CLI: only on a TTY, and never when NO_COLOR is set.
import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Whether a stream should get ANSI colours. */
export function colourEnabled(stream: { isTTY?: boolean }, env = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  return stream.isTTY === true;
}

/** Styles text for a stream, or returns it unchanged where colour is off. */
export function paint(stream: { isTTY?: boolean }, style: Style, text: string): string {
  return colourEnabled(stream) ? styleText(style, text) : text;
}
