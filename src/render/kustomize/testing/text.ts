// Awkward text for the differential generator: scripts, file contents, env files and literals with
// blank lines, odd endings, CRLF, unicode, tabs, long lines, quotes and YAML look-alikes.
import type { Rng } from './random.js';
import { RawScalar } from './yaml-writer.js';

const WORDS = [
  'alpha',
  'beta',
  'deploy',
  'cluster',
  'ünïcødé',
  '日本語',
  'Ελληνικά',
  'emoji😀',
  '✓',
  'naïve',
  'x',
  'value',
  'kubectl',
  'name',
  '--flag=1',
];

const LINES = [
  '#!/bin/sh',
  'set -euo pipefail',
  'echo "hello $NAME"',
  "echo 'single quoted'",
  'if [ -f /tmp/x ]; then',
  '  exit 1',
  'fi',
  'for i in 1 2 3; do echo $i; done',
  '---',
  '...',
  '# a comment line',
  'key: value',
  '- item',
  'yes',
  'no',
  'on',
  '0644',
  '1e3',
  '~',
  'null',
  'true',
  '2024-01-02',
  '12:30:45',
  '0x1F',
  '{{ .Values.image }}',
  '${VAR} and $(OTHER_VAR)',
  'C:\\path\\to\\file',
  'a\tb\tc',
  'trailing space ',
  '  indented two',
  '    indented four',
  '%percent @at `backtick`',
  'colon: inside # hash',
  '"quoted line"',
  'ünïcødé ✓ 日本語 😀',
  '',
];

export function word(rng: Rng): string {
  return rng.pick(WORDS);
}

/** A line longer than the 80-column fold width, with or without spaces to fold at. */
function longLine(rng: Rng): string {
  if (rng.chance(0.3)) return 'x'.repeat(rng.int(81, 160));
  const words: string[] = [];
  while (words.join(' ').length < rng.int(85, 200)) words.push(rng.pick(WORDS));
  return words.join(' ');
}

/** One line of awkward content (no line break). */
export function oddLine(rng: Rng): string {
  const r = rng.next();
  if (r < 0.1) return longLine(rng);
  if (r < 0.15) return ' '.repeat(rng.int(1, 3)) + rng.pick(LINES);
  return rng.pick(LINES);
}

/** Multi-line text with blank lines inside and a random ending (none, one or several newlines). */
export function oddText(rng: Rng, maxLines = 12): string {
  const lines: string[] = [];
  const n = rng.int(1, maxLines);
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.15)) lines.push('');
    lines.push(oddLine(rng));
  }
  const ending = rng.pick(['', '\n', '\n', '\n', '\n\n', '\n\n\n', ' \n']);
  return lines.join('\n') + ending;
}

/** A short single-line string that may need quoting. */
export function oddScalar(rng: Rng): string {
  return rng.pick([
    'plain',
    'yes',
    'No',
    'on',
    'off',
    'y',
    '0644',
    '1e3',
    '1.0',
    '012',
    '0x10',
    '1_000',
    '.5',
    '+1',
    '-',
    '12:30',
    '2024-01-02',
    '2024-01-02T10:00:00Z',
    'null',
    '~',
    'true',
    'True',
    'FALSE',
    '',
    ' leading',
    'trailing ',
    'with: colon',
    'hash #tag',
    "it's",
    '"dq"',
    'back\\slash',
    'tab\there',
    'ünïcødé',
    '😀',
    '\uFEFFbom',
    '*star',
    '&amp',
    '!bang',
    '%pct',
    '@at',
    '`tick',
    '[not, list]',
    '{not: map}',
    '- dash',
    '? q',
    '<<',
    '=',
    'a=b',
    'x'.repeat(90),
    `${word(rng)} ${word(rng)} ${word(rng)}`,
  ]);
}

/**
 * A block scalar written directly (literal or folded, with chomping and sometimes an indentation
 * indicator), so both how kustomize reads and how it re-writes such scalars are compared.
 */
export function blockScalar(rng: Rng, text?: string): RawScalar {
  const style = rng.pick(['|', '|', '|', '>', '|']);
  const chomp = rng.pick(['', '', '-', '+']);
  const lines = (text ?? oddText(rng)).split('\n');
  // Drop a final empty element: the block's own line breaks come from the chomping indicator and
  // trailing empty lines.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const extraBlank = rng.pick([0, 0, 0, 1, 2]);
  const needsIndicator = (lines[0] ?? '').startsWith(' ') || (lines[0] ?? '') === '';
  const useIndicator = needsIndicator || rng.chance(0.05);
  return new RawScalar((indent) => {
    const pad = ' '.repeat(indent + 2);
    const body = lines
      .map((l) => (l.includes('\t') && l.startsWith('\t') ? ' ' + l : l))
      .map((l) => (l === '' ? (rng.chance(0.2) ? pad : '') : pad + l));
    return ` ${style}${useIndicator ? '2' : ''}${chomp}\n${body.join('\n')}\n${'\n'.repeat(extraBlank)}`;
  });
}

/** File content for configMapGenerator/secretGenerator `files`: text with odd endings, sometimes bytes that are not UTF-8. */
export function fileContent(rng: Rng): Buffer {
  const r = rng.next();
  if (r < 0.05) return Buffer.alloc(0);
  if (r < 0.1) return Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41, 0x0a]);
  if (r < 0.13) return Buffer.from('\uFEFF' + oddText(rng, 4), 'utf8');
  let text = oddText(rng);
  if (rng.chance(0.15)) text = text.replace(/\n/g, '\r\n');
  if (rng.chance(0.05)) text += '\r';
  if (rng.chance(0.05)) text = text.replace(/\n/g, '\u2028');
  return Buffer.from(text, 'utf8');
}

/** An env file as people write them: comments, blank lines, quotes, CRLF, values with `=`. */
export function envFile(rng: Rng, keys: readonly string[]): string {
  const lines: string[] = [];
  for (const k of keys) {
    if (rng.chance(0.2)) lines.push(rng.pick(['# comment', '', '   ', '#KEY=disabled']));
    const v = rng.pick([
      'value',
      '"double quoted"',
      "'single quoted'",
      '',
      'a=b=c',
      ' spaced ',
      'ünïcødé',
      '"unterminated',
      'with # hash',
      '123',
      'yes',
      oddScalar(rng).replace(/[\r\n]/g, ''),
    ]);
    const lead = rng.chance(0.1) ? '  ' : '';
    lines.push(rng.chance(0.05) ? `${lead}${k}` : `${lead}${k}=${v}`);
  }
  let text = lines.join('\n') + rng.pick(['', '\n', '\n\n']);
  if (rng.chance(0.15)) text = text.replace(/\n/g, '\r\n');
  return text;
}

/** A `key=value` literal for a generator's `literals`. */
export function literal(rng: Rng, key: string): string {
  const v = rng.pick([
    'value',
    '"double quoted"',
    "'single'",
    '',
    'a=b',
    'multi\nline\n',
    'ünïcødé',
    'tab\tvalue',
    oddScalar(rng),
    oddText(rng, 3),
  ]);
  return `${key}=${v}`;
}

/** Plain scalars whose meaning depends on the YAML version or resolver (numbers, dates, words). */
export const TRICKY_PLAIN = [
  '1e3',
  '1E3',
  '0o17',
  '017',
  '0x1F',
  '0b101',
  '1_000',
  '.5',
  '+1',
  '-0',
  '0.0',
  '1.0',
  '123456789012345678901',
  '9007199254740993',
  '-9223372036854775808',
  '18446744073709551615',
  '.inf',
  '-.Inf',
  '.NaN',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5',
  '12:30:45',
  '190:20:30',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'True',
  'FALSE',
  'null',
  'Null',
  '~',
  '=',
  '<<',
  '0.1.2',
  '1.2e',
  'v1.0',
];
