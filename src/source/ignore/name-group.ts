// A run of go-git name patterns (no `/`: `*.png`, `.github/`, `keep.yaml`) of one polarity and
// one domain, tested together: for the verdict, "the last of them that matches" and "any of them
// matches" agree, so a path's components are tested once against a set of literal names, a list
// of `*suffix` endings and one combined expression, instead of once per pattern. Flux's default
// exclusions are such a run.
import { componentSource, type GitignorePattern } from './gitignore-pattern.js';

const GLOB = /[*?[\\]/;

/** Name tests of one kind of component (any, or the last component of a file). */
class NameTests {
  readonly #literals = new Set<string>();
  readonly #suffixes: string[] = [];
  readonly #rest: RegExp | undefined;

  constructor(patterns: readonly string[]) {
    const rest: string[] = [];
    for (const p of patterns) {
      if (!GLOB.test(p)) this.#literals.add(p);
      else if (p.startsWith('*') && !GLOB.test(p.slice(1))) this.#suffixes.push(p.slice(1));
      else {
        const source = componentSource(p);
        // A malformed pattern matches nothing (filepath.ErrBadPattern).
        if (source !== undefined) rest.push(source);
      }
    }
    this.#rest = rest.length === 0 ? undefined : new RegExp(`^(?:${rest.join('|')})$`, 'u');
  }

  test(name: string): boolean {
    if (this.#literals.has(name)) return true;
    for (const s of this.#suffixes) if (name.endsWith(s)) return true;
    return this.#rest?.test(name) ?? false;
  }
}

/** Whether a pattern can join a name group. */
export function isNamePattern(p: GitignorePattern): boolean {
  return !p.isGlob;
}

export class NameGroup {
  readonly inclusion: boolean;
  readonly domain: readonly string[];
  readonly #any: NameTests;
  readonly #file: NameTests;

  constructor(readonly patterns: readonly GitignorePattern[]) {
    const first = patterns[0] as GitignorePattern;
    this.inclusion = first.inclusion;
    this.domain = first.domain;
    this.#any = new NameTests(patterns.map((p) => p.parts[0] as string));
    this.#file = new NameTests(patterns.filter((p) => !p.dirOnly).map((p) => p.parts[0] as string));
  }

  /** Whether a pattern of the group matches the path (simpleNameMatch of each, ORed). */
  matches(path: readonly string[], isDir: boolean): boolean {
    if (path.length <= this.domain.length) return false;
    for (let i = 0; i < this.domain.length; i++) if (path[i] !== this.domain[i]) return false;
    const last = path.length - 1;
    for (let i = this.domain.length; i <= last; i++) {
      const tests = i === last && !isDir ? this.#file : this.#any;
      if (tests.test(path[i] as string)) return true;
    }
    return false;
  }
}
