// Writes generated values as YAML input text in varied but valid styles (the way people and tools
// write it): plain, quoted, folded-quoted and block scalars, compact or indented sequences, comments.
import type { Rng } from './random.js';

/** A generated value: JSON-like data plus scalars that carry their own text. */
export type GenValue =
  null | boolean | number | string | GenValue[] | { [key: string]: GenValue } | RawScalar | Styled;

/** A scalar written exactly as given; `render(indent)` returns the text after `key:` (leading space or newline included). */
export class RawScalar {
  constructor(readonly render: (indent: number) => string) {}
}

/** A string with a requested style (the writer falls back to double quotes when the style cannot hold it). */
export class Styled {
  constructor(
    readonly value: string,
    readonly style: 'plain' | 'single' | 'double' | 'literal' | 'folded-quoted',
  ) {}
}

export interface WriterOptions {
  /** Probability of a comment line above a mapping key. */
  readonly comments: number;
  /** Sequences under a key indented by two more spaces (else "- " at the key's column). */
  readonly indentSequences: boolean;
}

const PLAIN_SAFE = /^[A-Za-z0-9_./$][A-Za-z0-9 _./:@=+,()$<>%^*!?-]*$/;
const SPECIAL_PLAIN =
  /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\.inf|\.nan)|[-+]?\.?[0-9][0-9_.:eExXoObB+-]*)$/i;

function isPrintableForYaml(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x09 || c === 0x0a) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xfeff || c === 0xfffe || c === 0xffff)
      return false;
  }
  return true;
}

/** A double-quoted scalar (JSON escapes are valid YAML escapes), with the characters YAML forbids escaped. */
export function doubleQuoted(s: string): string {
  let out = JSON.stringify(s);
  out = out.replace(/[\u007f-\u009f\ufeff\ufffe\uffff]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16);
  });
  return out;
}

function canBePlain(s: string): boolean {
  return (
    s !== '' &&
    PLAIN_SAFE.test(s) &&
    !/: |\s#|:$|\s$|^[-?:,[\]{}#&*!|>'"%@`]/.test(s) &&
    !SPECIAL_PLAIN.test(s)
  );
}

/** Splits text at spaces into lines of about `width` characters (the way emitters fold long quoted scalars). */
function foldAtSpaces(s: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    if (
      line !== '' &&
      line.length + 1 + word.length > width &&
      word !== '' &&
      !line.endsWith(' ')
    ) {
      out.push(line);
      line = word;
    } else line = line === '' && out.length === 0 ? word : `${line} ${word}`;
  }
  out.push(line);
  return out;
}

/** The literal block text of `s` for content at `indent` columns (undefined when a literal cannot hold it). */
export function literalBlock(s: string, indent: number): string | undefined {
  if (!s.includes('\n') || !isPrintableForYaml(s) || s.includes('\t')) return undefined;
  let trailing = 0;
  while (trailing < s.length && s[s.length - 1 - trailing] === '\n') trailing++;
  if (trailing === s.length) return undefined;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const indicator = s.startsWith(' ') || s.startsWith('\n') ? '2' : '';
  const body = trailing > 0 ? s.slice(0, -1) : s;
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((l) => (l === '' ? '' : pad + l));
  // A first content line after leading empty lines must not be less indented than they are.
  return ` |${indicator}${chomp}\n${lines.join('\n')}\n`;
}

class Writer {
  private out = '';

  constructor(
    private readonly rng: Rng,
    private readonly opts: WriterOptions,
  ) {}

  text(): string {
    return this.out;
  }

  private line(s: string): void {
    this.out += s + '\n';
  }

  private comment(indent: number): void {
    if (this.rng.chance(this.opts.comments)) {
      this.line(
        ' '.repeat(indent) +
          this.rng.pick([
            '# TODO(user): adjust this',
            '#   indented comment: with colon',
            '#',
            '# - not: a list',
            '# +kubebuilder:scaffold:marker',
          ]),
      );
    }
  }

  /** The inline text of a scalar (after `key:`), or undefined for values needing a block. */
  scalar(v: GenValue, indent: number): string | undefined {
    if (v === null) return this.rng.pick([' null', ' ~', '', ' null']);
    if (typeof v === 'boolean') return ` ${String(v)}`;
    if (typeof v === 'number') return ` ${String(v)}`;
    if (v instanceof RawScalar) return v.render(indent);
    if (typeof v === 'string') return this.str(v, indent, undefined);
    if (v instanceof Styled) return this.str(v.value, indent, v.style);
    if (Array.isArray(v) && v.length === 0) return ' []';
    if (Array.isArray(v)) return undefined;
    if (Object.keys(v).length === 0) return ' {}';
    return undefined;
  }

  private str(s: string, indent: number, style: Styled['style'] | undefined): string {
    const chosen =
      style ??
      (s.includes('\n')
        ? this.rng.pick(['literal', 'literal', 'double'] as const)
        : canBePlain(s)
          ? this.rng.pick(['plain', 'plain', 'plain', 'single', 'double'] as const)
          : this.rng.pick(['double', 'single', 'folded-quoted'] as const));
    switch (chosen) {
      case 'plain':
        if (canBePlain(s)) return ` ${s}`;
        break;
      case 'single':
        if (!s.includes('\n') && isPrintableForYaml(s) && !s.includes('\t'))
          return ` '${s.replaceAll("'", "''")}'`;
        break;
      case 'literal': {
        const block = literalBlock(s, indent + 2);
        if (block !== undefined) return block;
        break;
      }
      case 'folded-quoted':
        // Long single-quoted text folded at spaces onto continuation lines (older controller-gen output).
        if (
          !s.includes('\n') &&
          isPrintableForYaml(s) &&
          s.length > 60 &&
          !/\s{2}|^\s|\s$/.test(s)
        ) {
          const lines = foldAtSpaces(s.replaceAll("'", "''"), 70);
          return ` '${lines.join('\n' + ' '.repeat(indent + 2))}'`;
        }
        break;
      case 'double':
        break;
    }
    return ' ' + doubleQuoted(s);
  }

  private key(k: string): string {
    return canBePlain(k) && !k.includes(' ') ? k : doubleQuoted(k);
  }

  mapping(m: { [key: string]: GenValue }, indent: number, firstPrefix?: string): void {
    const keys = Object.keys(m);
    if (keys.length === 0) {
      this.line((firstPrefix ?? ' '.repeat(indent)) + '{}');
      return;
    }
    keys.forEach((k, i) => {
      const v = m[k] as GenValue;
      const lead = i === 0 && firstPrefix !== undefined ? firstPrefix : ' '.repeat(indent);
      if (!(i === 0 && firstPrefix !== undefined)) this.comment(indent);
      const inline = this.scalar(v, indent);
      if (inline !== undefined) {
        this.out += `${lead}${this.key(k)}:${inline}`;
        if (!inline.endsWith('\n')) this.out += '\n';
        return;
      }
      this.line(`${lead}${this.key(k)}:`);
      if (Array.isArray(v)) this.sequence(v, this.opts.indentSequences ? indent + 2 : indent);
      else this.mapping(v as { [key: string]: GenValue }, indent + 2);
    });
  }

  sequence(items: GenValue[], indent: number): void {
    const pad = ' '.repeat(indent);
    for (const item of items) {
      const inline = this.scalar(item, indent);
      if (inline !== undefined) {
        this.out += `${pad}-${inline}`;
        if (!inline.endsWith('\n')) this.out += '\n';
      } else if (Array.isArray(item)) {
        this.line(`${pad}-`);
        this.sequence(item, indent + 2);
      } else this.mapping(item as { [key: string]: GenValue }, indent + 2, `${pad}- `);
    }
  }
}

/** One YAML document for `v` (a map or a list). */
export function writeYaml(v: GenValue, rng: Rng, opts: Partial<WriterOptions> = {}): string {
  const w = new Writer(rng, {
    comments: opts.comments ?? 0,
    indentSequences: opts.indentSequences ?? rng.chance(0.3),
  });
  if (Array.isArray(v)) w.sequence(v, 0);
  else if (
    v !== null &&
    typeof v === 'object' &&
    !(v instanceof RawScalar) &&
    !(v instanceof Styled)
  )
    w.mapping(v, 0);
  else throw new Error('writeYaml: a document must be a map or a list');
  return w.text();
}

/** Several documents joined as a multi-document stream, sometimes with a leading `---`. */
export function writeDocuments(
  docs: readonly GenValue[],
  rng: Rng,
  opts: Partial<WriterOptions> = {},
): string {
  const texts = docs.map((d) => writeYaml(d, rng, opts));
  return (rng.chance(0.3) ? '---\n' : '') + texts.join('---\n');
}
