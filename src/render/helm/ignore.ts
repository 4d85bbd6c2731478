// .helmignore rules (helm.sh/helm/v3/pkg/ignore), including their quirks: a negated rule that does
// not match ignores the path, and the default rule ignores hidden files under templates/.
import { goPathMatch, validGoPattern } from './glob.js';
import { HelmError } from './errors.js';

interface Pattern {
  readonly raw: string;
  readonly negate: boolean;
  readonly mustDir: boolean;
  readonly match: (path: string) => boolean;
}

const base = (p: string): string => {
  const t = p.replace(/\/+$/, '');
  const i = t.lastIndexOf('/');
  return i < 0 ? t : t.slice(i + 1);
};

export class IgnoreRules {
  private readonly patterns: Pattern[] = [];

  /** Parses .helmignore text (blank lines and # comments skipped; ** is rejected). */
  static parse(text: string): IgnoreRules {
    const r = new IgnoreRules();
    const body = text.startsWith('\ufeff') ? text.slice(1) : text;
    for (const line of body.split(/\r?\n/)) r.addRule(line);
    return r;
  }

  addDefaults(): void {
    this.addRule('templates/.?*');
  }

  addRule(line: string): void {
    let rule = line.trim();
    if (rule === '' || rule.startsWith('#')) return;
    if (rule.includes('**'))
      throw new HelmError('double-star (**) syntax is not supported', 'ChartLoadFailed');
    if (!validGoPattern(rule)) throw new HelmError('syntax error in pattern', 'ChartLoadFailed');
    const raw = rule;
    let negate = false;
    let mustDir = false;
    if (rule.startsWith('!')) {
      negate = true;
      rule = rule.slice(1);
    }
    if (rule.endsWith('/')) {
      mustDir = true;
      rule = rule.slice(0, -1);
    }
    let match: (n: string) => boolean;
    if (rule.startsWith('/')) {
      const r = rule.slice(1);
      match = (n) => safeMatch(r, n);
    } else if (rule.includes('/')) {
      const r = rule;
      match = (n) => safeMatch(r, n);
    } else {
      const r = rule;
      match = (n) => safeMatch(r, base(n));
    }
    this.patterns.push({ raw, negate, mustDir, match });
  }

  /** Whether the path (slash-separated, relative to the chart) is ignored. */
  ignore(path: string, isDir: boolean): boolean {
    if (path === '' || path === '.' || path === './') return false;
    for (const p of this.patterns) {
      if (p.negate) {
        if (p.mustDir && !isDir) return true;
        if (!p.match(path)) return true;
        continue;
      }
      if (p.mustDir && !isDir) continue;
      if (p.match(path)) return true;
    }
    return false;
  }
}

function safeMatch(pattern: string, name: string): boolean {
  try {
    return goPathMatch(pattern, name);
  } catch {
    return false;
  }
}
