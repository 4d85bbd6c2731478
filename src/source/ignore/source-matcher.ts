// Decides which paths of a source tree are left out of an artifact, with Flux's sourceignore rules.
import ignore, { type Ignore } from 'ignore';
import { NamePatternSet, compileNamePattern, type NamePattern } from './name-patterns.js';

/** `.git/` and friends: Flux excludes these from every GitRepository artifact, always. */
export const EXCLUDE_VCS: readonly string[] = [
  '.git/',
  '.gitignore',
  '.gitmodules',
  '.gitattributes',
];

/** File types Flux leaves out by default (fluxcd/pkg sourceignore `ExcludeExt`). */
export const EXCLUDE_EXT: readonly string[] = [
  '*.jpg',
  '*.jpeg',
  '*.gif',
  '*.png',
  '*.wmv',
  '*.flv',
  '*.tar.gz',
  '*.zip',
];

/** CI configuration Flux leaves out by default (`ExcludeCI`). */
export const EXCLUDE_CI: readonly string[] = [
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
];

/** Tool configuration Flux leaves out by default (`ExcludeExtra`). */
export const EXCLUDE_EXTRA: readonly string[] = [
  '**/.goreleaser.yml',
  '**/.sops.yaml',
  '**/.flux.yaml',
];

/** The name of the per-directory ignore file, in gitignore syntax. */
export const SOURCE_IGNORE_FILE = '.sourceignore';

/** Which built-in rules sit beneath the user's rules. */
export const IgnoreBaseline = {
  /**
   * Flux's GitRepository rules: the VCS patterns always; the extension, CI and extra patterns
   * only when no `.sourceignore` file and no `spec.ignore` contributes a single pattern (any
   * user pattern replaces them, as Flux's `SourceIgnoreFilter` does).
   */
  Source: 'Source',
  /** No built-in rules: what Flux applies to Bucket objects (only `.sourceignore` + `spec.ignore`). */
  None: 'None',
} as const;
export type IgnoreBaseline = (typeof IgnoreBaseline)[keyof typeof IgnoreBaseline];

/** Patterns that apply below one directory of the tree, as one `.sourceignore` file gives. */
export interface IgnoreRuleSet {
  /** The directory the patterns are relative to, with `/` separators; `''` is the root. */
  readonly domain: string;
  readonly patterns: readonly string[];
  /** Where the patterns came from, for messages (e.g. `apps/.sourceignore`, `spec.ignore`). */
  readonly origin: string;
}

/** A compiled set of ignore rules. Paths are relative to the tree root, with `/` separators. */
export interface SourceMatcher {
  /** True when the path is left out. */
  ignores(relPath: string, isDir: boolean): boolean;
  /**
   * True when an ignored directory can be skipped without looking inside: no later rule
   * could bring back anything below it (Flux walks into ignored directories, so a later
   * negation such as `!/dir/keep.yaml` can still include a file).
   */
  canPrune(relDir: string): boolean;
  /** The rule sets in effect, lowest priority first. */
  readonly ruleSets: readonly IgnoreRuleSet[];
}

/** Splits gitignore text into patterns the way Flux's `ReadPatterns` does. */
export function parseIgnoreText(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#') || line.trim().length === 0) continue;
    out.push(line);
  }
  return out;
}

/**
 * A run of patterns of one polarity and domain (see `createSourceMatcher`): plain name patterns
 * compiled into one expression, the rest in an `ignore` instance.
 */
interface CompiledGroup {
  readonly prefix: string;
  readonly negative: boolean;
  readonly names: NamePattern[];
  readonly complex: string[];
  nameSet?: NamePatternSet;
  ig?: Ignore;
  /** For positive name patterns: directory (relative to the domain) → some component matched. */
  readonly dirHits: Map<string, boolean>;
}

export interface SourceMatcherOptions {
  /** @default IgnoreBaseline.Source */
  readonly baseline?: IgnoreBaseline;
  /** Rules from `.sourceignore` files, in the order Flux loads them (parents first). */
  readonly ruleSets?: readonly IgnoreRuleSet[];
  /** The object's `spec.ignore`, applied at the root with the highest priority. */
  readonly specIgnore?: string | undefined;
}

/** Builds a matcher from rule sets, a `spec.ignore` text and a baseline, with Flux's priority. */
export function createSourceMatcher(options: SourceMatcherOptions = {}): SourceMatcher {
  const baseline = options.baseline ?? IgnoreBaseline.Source;
  const user: IgnoreRuleSet[] = [...(options.ruleSets ?? [])];
  if (options.specIgnore !== undefined) {
    user.push({ domain: '', patterns: parseIgnoreText(options.specIgnore), origin: 'spec.ignore' });
  }
  const userPatternCount = user.reduce((n, s) => n + s.patterns.length, 0);
  const sets: IgnoreRuleSet[] = [];
  if (baseline === IgnoreBaseline.Source) {
    sets.push({ domain: '', patterns: EXCLUDE_VCS, origin: 'Flux VCS exclusions' });
    if (userPatternCount === 0) {
      sets.push({
        domain: '',
        patterns: [...EXCLUDE_EXT, ...EXCLUDE_CI, ...EXCLUDE_EXTRA],
        origin: 'Flux default exclusions',
      });
    }
  }
  for (const s of user) if (s.patterns.length > 0) sets.push(s);

  // go-git's matcher (which Flux uses) tests each pattern on its own, last pattern first, and
  // a pattern matching a parent directory matches everything below it. Unlike git, a later
  // negation can therefore re-include a file below an excluded directory. `ignore` applies
  // git's rule within one instance, so patterns share an instance only within a run of the
  // same polarity and domain: there, "the last matching pattern" and "any pattern" agree.
  const compiled: CompiledGroup[] = [];
  for (const st of sets) {
    const prefix = st.domain === '' ? '' : `${st.domain}/`;
    for (const pattern of st.patterns) {
      const negative = pattern.startsWith('!');
      let g = compiled.at(-1);
      if (!g || g.prefix !== prefix || g.negative !== negative) {
        g = { prefix, negative, names: [], complex: [], dirHits: new Map() };
        compiled.push(g);
      }
      const name = compileNamePattern(negative ? pattern.slice(1) : pattern);
      if (name) g.names.push(name);
      else g.complex.push(pattern);
    }
  }
  for (const g of compiled) {
    if (g.names.length > 0) g.nameSet = new NamePatternSet(g.names);
    if (g.complex.length > 0)
      g.ig = ignore({ allowRelativePaths: true, ignoreCase: false }).add(g.complex);
  }

  // Within one positive group a path is ignored when a pattern matches it or one of its
  // directories (below the domain); a negative group re-includes what a pattern matches itself.
  // Splitting a group between the name set and `ignore` keeps that: both sides are ORed.
  const dirHit = (g: CompiledGroup, set: NamePatternSet, dir: string): boolean => {
    if (dir === '') return false;
    let hit = g.dirHits.get(dir);
    if (hit === undefined) {
      const slash = dir.lastIndexOf('/');
      hit =
        set.matches(dir.slice(slash + 1), true) || dirHit(g, set, dir.slice(0, Math.max(0, slash)));
      g.dirHits.set(dir, hit);
    }
    return hit;
  };
  const matches = (g: CompiledGroup, rel: string, isDir: boolean): boolean => {
    if (g.nameSet) {
      const slash = rel.lastIndexOf('/');
      if (g.nameSet.matches(slash < 0 ? rel : rel.slice(slash + 1), isDir)) return true;
      if (!g.negative && slash > 0 && dirHit(g, g.nameSet, rel.slice(0, slash))) return true;
    }
    if (g.ig) {
      const res = g.ig.test(isDir ? `${rel}/` : rel);
      return g.negative ? res.unignored : res.ignored;
    }
    return false;
  };

  const ignores = (relPath: string, isDir: boolean): boolean => {
    if (relPath === '' || relPath === '.') return false;
    for (let i = compiled.length - 1; i >= 0; i--) {
      const g = compiled[i] as CompiledGroup;
      if (g.prefix !== '' && !relPath.startsWith(g.prefix)) continue;
      const rel = relPath.slice(g.prefix.length);
      if (rel === '') continue;
      if (matches(g, rel, isDir)) return !g.negative;
    }
    return false;
  };

  const canPrune = (relDir: string): boolean => {
    // A negation that applies at or below this directory could re-include a path inside it.
    for (const c of compiled) {
      if (!c.negative) continue;
      if (c.prefix === '' || c.prefix.startsWith(`${relDir}/`) || relDir.startsWith(c.prefix)) {
        return false;
      }
    }
    return true;
  };

  return { ignores, canPrune, ruleSets: sets };
}
