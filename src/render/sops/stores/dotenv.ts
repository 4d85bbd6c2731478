// SOPS' dotenv store: KEY=value lines (`\n` escapes for line breaks) and `#` comments.
import { Branch, Comment, stringBytes, type TreeItem } from '../tree.js';
import { valueToString } from './values.js';

/** A line that is neither a comment nor KEY=value. */
export class DotenvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DotenvError';
  }
}

export function loadDotenv(data: Uint8Array): Branch[] {
  const items: TreeItem[] = [];
  for (const line of Buffer.from(data).toString('utf8').split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      items.push({ key: new Comment(line.slice(1)), value: null });
      continue;
    }
    const pos = line.indexOf('=');
    if (pos === -1) throw new DotenvError('invalid dotenv input line (no "=")');
    items.push({ key: line.slice(0, pos), value: line.slice(pos + 1).replaceAll('\\n', '\n') });
  }
  return [new Branch(items)];
}

export function emitDotenv(branches: readonly Branch[]): Buffer {
  const parts: Buffer[] = [];
  for (const item of branches[0]?.items ?? []) {
    if (item.value instanceof Branch || Array.isArray(item.value))
      throw new DotenvError(
        `cannot use complex value in dotenv file; offending key ${String(item.key instanceof Comment ? '' : item.key)}`,
      );
    if (item.key instanceof Comment) {
      parts.push(Buffer.from(`#${item.key.value}\n`));
      continue;
    }
    const v = item.value;
    const value =
      typeof v === 'string'
        ? Buffer.from(v.replaceAll('\n', '\\n'))
        : v instanceof Uint8Array
          ? Buffer.from(stringBytes(v).toString('latin1').replaceAll('\n', '\\n'), 'latin1')
          : Buffer.from(valueToString(v instanceof Comment ? v.value : v));
    parts.push(Buffer.from(`${item.key}=`), value, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}
