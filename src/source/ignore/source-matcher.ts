// Decides which paths of a source tree are left out of an artifact, with Flux's sourceignore rules:
// go-git's gitignore matcher over Flux's default exclusions, the `.sourceignore` files (each scoped
// to its directory) and `spec.ignore`, the last matching pattern deciding.
import { GitignorePattern, MatchResult } from './gitignore-pattern.js';
import { NameGroup, isNamePattern } from './name-group.js';

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

  // go-git's matcher (which Flux uses) tests each pattern on its own, last pattern first; a
  // pattern that matches a directory matches everything below it, so, unlike git, a later
  // negation can bring back a file below an excluded directory.
  const patterns: GitignorePattern[] = [];
  for (const st of sets) {
    const domain = st.domain === '' ? [] : st.domain.split('/');
    for (const p of st.patterns) patterns.push(new GitignorePattern(p, domain));
  }
  const units = compileUnits(patterns);

  /** The index of the (last) pattern that decides a path, and whether it excludes it. */
  const decide = (path: readonly string[], isDir: boolean): { at: number; excluded: boolean } => {
    for (let u = units.length - 1; u >= 0; u--) {
      const unit = units[u] as Unit;
      if (unit.group) {
        if (unit.group.matches(path, isDir))
          return { at: unit.last, excluded: !unit.group.inclusion };
        continue;
      }
      const r = (patterns[unit.last] as GitignorePattern).match(path, isDir);
      if (r !== MatchResult.NoMatch) return { at: unit.last, excluded: r === MatchResult.Exclude };
    }
    return { at: -1, excluded: false };
  };

  const ignores = (relPath: string, isDir: boolean): boolean => {
    if (relPath === '' || relPath === '.') return false;
    return decide(relPath.split('/'), isDir).excluded;
  };

  const canPrune = (relDir: string): boolean => {
    // Everything below an excluded directory is excluded by the same pattern, unless an
    // inclusion after it could match something there.
    const dir = relDir.split('/');
    const { at, excluded } = decide(dir, true);
    if (!excluded) return false;
    for (let i = at + 1; i < patterns.length; i++) {
      const p = patterns[i] as GitignorePattern;
      if (p.inclusion && p.couldMatchBelow(dir)) return false;
    }
    return true;
  };

  return { ignores, canPrune, ruleSets: sets };
}

/** A pattern on its own, or a run of name patterns tested together; `last` indexes the patterns. */
interface Unit {
  readonly last: number;
  readonly group?: NameGroup;
}

/**
 * Consecutive name patterns of one polarity and domain become one group: within such a run the
 * verdict of the last match equals that of any match, and the run's last index stands for it
 * (no pattern of the other polarity lies between).
 */
function compileUnits(patterns: readonly GitignorePattern[]): Unit[] {
  const units: Unit[] = [];
  let i = 0;
  while (i < patterns.length) {
    const p = patterns[i] as GitignorePattern;
    let j = i + 1;
    if (isNamePattern(p)) {
      const domain = p.domain.join('/');
      while (j < patterns.length) {
        const q = patterns[j] as GitignorePattern;
        if (!isNamePattern(q) || q.inclusion !== p.inclusion || q.domain.join('/') !== domain)
          break;
        j++;
      }
    }
    units.push(
      j - i > 1 ? { last: j - 1, group: new NameGroup(patterns.slice(i, j)) } : { last: i },
    );
    i = j;
  }
  return units;
}
