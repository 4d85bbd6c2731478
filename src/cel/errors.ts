// Errors of the CEL environment: compile issues rendered as cel-go renders them (`ERROR:
// <input>:1:6: message` with the source line and a caret), and evaluation errors.
import { FlotillaError } from '../core/index.js';

/** One compile problem at an offset of the source. */
export interface CelIssue {
  readonly offset: number;
  readonly message: string;
}

/** cel-go's Errors.ToDisplayString: issues sorted by location, each with its snippet. */
export function formatIssues(source: string, issues: readonly CelIssue[]): string {
  const sorted = [...issues].sort((a, b) => a.offset - b.offset);
  return sorted.map((i) => formatIssue(source, i)).join('\n');
}

function formatIssue(source: string, issue: CelIssue): string {
  const before = source.slice(0, issue.offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = [...source.slice(lineStart, issue.offset)].length;
  let out = `ERROR: <input>:${line}:${col + 1}: ${issue.message}`;
  const snippet = (source.split('\n')[line - 1] ?? '').replace(/\t/g, ' ');
  if ([...snippet].length <= 16384) {
    const chars = [...snippet];
    let ind = '';
    for (let i = 0; i < col && i < chars.length; i++)
      ind += (chars[i] ?? '').length > 1 || (chars[i]?.charCodeAt(0) ?? 0) > 0x7f ? '\uff0e' : '.';
    const at = chars[col];
    ind += at !== undefined && at.charCodeAt(0) > 0x7f ? '\uff3e' : '^';
    out += `\n | ${snippet}\n | ${ind}`;
  }
  return out;
}

/** An expression that does not parse or type-check. */
export class CelCompileError extends FlotillaError {
  constructor(
    readonly source: string,
    readonly issues: readonly CelIssue[],
  ) {
    super(formatIssues(source, issues), { reason: 'CELCompileError' });
    this.name = 'CelCompileError';
  }
}

/**
 * A runtime error of an expression (no such key, division by zero, cost limit…), with the
 * message cel-go gives.
 */
export class CelEvalError extends Error {
  constructor(
    message: string,
    /** true when the per-call cost limit cancelled the evaluation */
    readonly costLimit = false,
  ) {
    super(message);
    this.name = 'CelEvalError';
  }
}

export const COST_LIMIT_MESSAGE = 'operation cancelled: actual cost limit exceeded';
