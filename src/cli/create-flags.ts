// Flags every `flotilla create …` command shares with `flux create`: the object name rule, --label,
// --interval, --export, and comma-separated lists (cobra's StringSlice flags).
import type { Command } from 'commander';
import { formatDuration, parseDuration } from '../core/index.js';
import { CliError } from './errors.js';

/** Collects a repeatable, comma-separated flag (`--label a=b,c=d --label e=f`). */
export function commaList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];
}

/** The flags of `flux create`'s parent command, added to each create sub-command. */
export function addCreateFlags(cmd: Command): Command {
  return cmd
    .option('--interval <duration>', 'source sync interval', '1m0s')
    .option('--export', 'export in YAML format to stdout', false)
    .option(
      '--label <key=value...>',
      'set labels on the resource (can specify multiple labels with commas: label1=value1,label2=value2)',
      commaList,
    );
}

export interface CreateFlags {
  readonly interval?: string;
  readonly export: boolean;
  readonly label?: string[];
}

const OBJECT_NAME = /^[a-z0-9]([a-z0-9-]){0,61}[a-z0-9]$/;

/** flux's rule for the name of a created object. */
export function validateObjectName(name: string): void {
  if (!OBJECT_NAME.test(name))
    throw new CliError(
      `name '${name}' is invalid, it should adhere to standard defined in RFC 1123, the name can only contain alphanumeric characters or '-'`,
    );
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes' IsQualifiedName: an optional DNS subdomain prefix and a name of 63 characters. */
export function qualifiedNameErrors(value: string): string[] {
  const slash = value.split('/');
  const errs: string[] = [];
  const name = slash.length === 2 ? (slash[1] ?? '') : value;
  if (slash.length > 2)
    errs.push(
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    );
  if (slash.length === 2) {
    const prefix = slash[0] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME.test(name))
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  return errs;
}

/** `--label` values as a map, checked as flux checks them. */
export function parseLabels(labels: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const label of labels ?? []) {
    const parts = label.split('=');
    if (parts.length !== 2)
      throw new CliError(`invalid label format '${label}', must be key=value`);
    const [key = '', value = ''] = parts;
    const keyErrs = qualifiedNameErrors(key);
    if (keyErrs.length > 0) throw new CliError(`invalid label '${key}': [${keyErrs.join(' ')}]`);
    if (value.length > 63 || (value !== '' && !QUALIFIED_NAME.test(value)))
      throw new CliError(
        `invalid label value '${value}': [a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]`,
      );
    out[key] = value;
  }
  return out;
}

/** A duration flag in Go's form (`1m0s`), refusing what Go's ParseDuration refuses. */
export function goDuration(value: string, flag: string): string {
  try {
    return formatDuration(parseDuration(value, flag));
  } catch {
    throw new CliError(
      `invalid argument "${value}" for "${flag}" flag: time: invalid duration "${value}"`,
    );
  }
}
