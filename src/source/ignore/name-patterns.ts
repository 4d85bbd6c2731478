// Compiles gitignore patterns that only look at one path component (`*.png`, `.github/`,
// `**/.sops.yaml`) into one regular expression, so a path is tested once instead of per pattern.

/**
 * A pattern body (after any `!`) this compiler handles: literal name characters with `*` and
 * `?` wildcards, an optional leading `**` + `/` and an optional trailing `/`. Anything else
 * (inner or leading slashes, `[...]`, escapes, spaces, `**` inside a name) is left to the
 * general matcher.
 */
const NAME_PATTERN = /^(?:\*\*\/)?(?!\*\*)([A-Za-z0-9._+@%,=~*?-]+)(\/?)$/;

/** One name pattern, compiled. */
export interface NamePattern {
  /** Regular-expression source matching a whole component. */
  readonly source: string;
  /** Only matches directories (the pattern ended in `/`). */
  readonly dirOnly: boolean;
}

/** Compiles a pattern body, or returns undefined when it is not a plain name pattern. */
export function compileNamePattern(body: string): NamePattern | undefined {
  const m = NAME_PATTERN.exec(body);
  const name = m?.[1];
  if (!m || name === undefined || name.includes('**') || /^\.+$/.test(name)) return undefined;
  let source = '';
  for (const ch of name) {
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+]/, '\\$&');
  }
  return { source, dirOnly: m[2] === '/' };
}

/** A set of name patterns of one polarity: does any of them match a path component? */
export class NamePatternSet {
  readonly #all: RegExp;
  readonly #files: RegExp;

  constructor(patterns: readonly NamePattern[]) {
    const alt = (ps: readonly NamePattern[]): RegExp =>
      ps.length === 0 ? /(?!)/ : new RegExp(`^(?:${ps.map((p) => p.source).join('|')})$`);
    this.#all = alt(patterns);
    this.#files = alt(patterns.filter((p) => !p.dirOnly));
  }

  /** True when a pattern matches the component `name` (a directory when `isDir`). */
  matches(name: string, isDir: boolean): boolean {
    return (isDir ? this.#all : this.#files).test(name);
  }
}
