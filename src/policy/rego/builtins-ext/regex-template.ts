// regex.template_match: a template with delimited regex parts (gorilla/mux's template syntax, as OPA forked it).
import { compileRaw } from './go-regexp.js';
import type { RE2JS } from 're2js';

/** Go's regexp.QuoteMeta. */
export function quoteGoRegexpMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

/** Go's %q for a plain string (close enough for error messages: JSON escapes). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Start/end index pairs of the first-level delimited parts; throws on unbalanced delimiters. */
function delimiterIndices(s: string, open: string, close: string): number[] {
  let level = 0;
  let idx = 0;
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === open) {
      level++;
      if (level === 1) idx = i;
    } else if (c === close) {
      level--;
      if (level === 0) out.push(idx, i + 1);
      else if (level < 0) throw new Error(`unbalanced braces in ${goQuote(s)}`);
    }
  }
  if (level !== 0) throw new Error(`unbalanced braces in ${goQuote(s)}`);
  return out;
}

/** Compiles a template such as "urn:foo:{.*}" into an anchored regexp. */
export function compileRegexTemplate(tpl: string, open: string, close: string): RE2JS {
  const idxs = delimiterIndices(tpl, open, close);
  let pattern = '^';
  let end = 0;
  for (let i = 0; i < idxs.length; i += 2) {
    const raw = tpl.slice(end, idxs[i]);
    end = idxs[i + 1]!;
    const part = tpl.slice(idxs[i]! + 1, end - 1);
    pattern += `${quoteGoRegexpMeta(raw)}(${part})`;
    compileRaw(`^${part}$`);
  }
  pattern += `${quoteGoRegexpMeta(tpl.slice(end))}$`;
  return compileRaw(pattern);
}
