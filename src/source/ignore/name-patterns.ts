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
  /** The name itself when the pattern has no wildcard (`.travis.yml`). */
  readonly literal?: string;
  /** The literal rest when the pattern is `*` followed by it (`*.png` → `.png`). */
  readonly suffix?: string;
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
  const dirOnly = m[2] === '/';
  if (!/[*?]/.test(name)) return { source, dirOnly, literal: name };
  if (name.startsWith('*') && !/[*?]/.test(name.slice(1)))
    return { source, dirOnly, suffix: name.slice(1) };
  return { source, dirOnly };
}

/** Patterns of one kind of entry, split by how cheaply they are tested. */
class NameTests {
  readonly #literals: Set<string>;
  readonly #suffixes: readonly string[];
  readonly #rest: RegExp | undefined;

  constructor(patterns: readonly NamePattern[]) {
    this.#literals = new Set(patterns.flatMap((p) => (p.literal === undefined ? [] : [p.literal])));
    this.#suffixes = patterns.flatMap((p) => (p.suffix === undefined ? [] : [p.suffix]));
    const rest = patterns.filter((p) => p.literal === undefined && p.suffix === undefined);
    this.#rest =
      rest.length === 0 ? undefined : new RegExp(`^(?:${rest.map((p) => p.source).join('|')})$`);
  }

  test(name: string): boolean {
    if (this.#literals.has(name)) return true;
    for (const s of this.#suffixes) if (name.endsWith(s)) return true;
    return this.#rest?.test(name) ?? false;
  }
}

/**
 * A set of name patterns of one polarity: does any of them match a path component? Literal
 * names are looked up in a set and `*suffix` patterns compared with `endsWith` (Flux's default
 * exclusions are all one or the other); the rest share one regular expression.
 */
export class NamePatternSet {
  readonly #all: NameTests;
  readonly #files: NameTests;

  constructor(patterns: readonly NamePattern[]) {
    this.#all = new NameTests(patterns);
    this.#files = new NameTests(patterns.filter((p) => !p.dirOnly));
  }

  /** True when a pattern matches the component `name` (a directory when `isDir`). */
  matches(name: string, isDir: boolean): boolean {
    return (isDir ? this.#all : this.#files).test(name);
  }
}
