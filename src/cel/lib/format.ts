// Kubernetes' format library (kubernetes.NamedFormat): format.dns1123Label() and friends,
// format.named(name), and <format>.validate(s) → optional list of apimachinery's messages.
import { fail, global, library, member, type Library } from '../library.js';
import { T } from '../types.js';
import { CelOpaque, CelOptional, celList, type CelValue } from '../values.js';

export const FORMAT_TYPE = T.opaque('kubernetes.NamedFormat');

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const DNS1035 = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QNAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples
    .map((e) => `'${e}', `)
    .join('or ')
    .replace(/, or /g, ', or ')}regex used for validation is '${fmt}')`;
}

function exampleList(msg: string, fmt: string, examples: string[]): string {
  let s = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) s += ' or ';
    s += `'${e}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

const full = (re: string): RegExp => new RegExp(`^${re}$`);
const maxLen = (n: number): string => `must be no more than ${n} characters`;

function dns1123Label(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push(maxLen(63));
  if (!full(LABEL).test(s)) {
    if (full(SUBDOMAIN).test(s)) errs.push('must not contain dots');
    else
      errs.push(
        exampleList(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          LABEL,
          ['my-name', '123-abc'],
        ),
      );
  }
  return errs;
}

function dns1123Subdomain(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 253) errs.push(maxLen(253));
  if (!full(SUBDOMAIN).test(s))
    errs.push(
      exampleList(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        SUBDOMAIN,
        ['example.com'],
      ),
    );
  return errs;
}

function dns1035Label(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push(maxLen(63));
  if (!full(DNS1035).test(s))
    errs.push(
      exampleList(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035,
        ['my-name', 'abc-123'],
      ),
    );
  return errs;
}

/** apimachinery's NameIs* with prefix: a generateName prefix may end in '-'. */
const prefixed = (f: (s: string) => string[]) => (s: string) =>
  f(s.endsWith('-') && s.length > 0 ? `${s.slice(0, -1)}a` : s);

function qualifiedName(s: string): string[] {
  const errs: string[] = [];
  const parts = s.split('/');
  let name: string;
  const qmsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  if (parts.length === 1) name = parts[0] ?? '';
  else if (parts.length === 2) {
    const [prefix = '', n = ''] = parts;
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of dns1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${exampleList(qmsg, QNAME, ['MyName', 'my.name', '123-abc']).replace(/^name part /, '')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (!full(QNAME).test(name))
    errs.push(exampleList(qmsg, QNAME, ['MyName', 'my.name', '123-abc']));
  return errs;
}

function labelValue(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push(maxLen(63));
  if (!full(LABEL_VALUE).test(s))
    errs.push(
      exampleList(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE,
        ['MyValue', 'my_value', '12345'],
      ),
    );
  return errs;
}

function uri(s: string): string[] {
  if (s.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s)) return [];
  return [`parse ${JSON.stringify(s)}: invalid URI for request`];
}

const FORMATS: Record<string, (s: string) => string[]> = {
  dns1123Label,
  dns1123Subdomain,
  dns1035Label,
  qualifiedName,
  dns1123LabelPrefix: prefixed(dns1123Label),
  dns1123SubdomainPrefix: prefixed(dns1123Subdomain),
  dns1035LabelPrefix: prefixed(dns1035Label),
  labelValue,
  uri,
  uuid: (s) =>
    /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(s)
      ? []
      : ['does not match the UUID format'],
  byte: (s) => (/^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 ? [] : ['invalid base64']),
  date: (s) =>
    /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? [] : ['invalid date'],
  datetime: (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s)
      ? []
      : ['invalid datetime'],
};

export class FormatValue extends CelOpaque {
  readonly typeName = 'kubernetes.NamedFormat';
  constructor(readonly name: string) {
    super();
  }
  equals(o: CelOpaque): boolean {
    return o instanceof FormatValue && o.name === this.name;
  }
}

const constants = Object.fromEntries(
  Object.keys(FORMATS).map((name) => [
    `format.${name}`,
    [global(`format_${name}`, [], FORMAT_TYPE, () => new FormatValue(name))],
  ]),
);

export const FORMAT: Library = library({
  ...constants,
  'format.named': [
    global('format-named', [T.string], T.optional(FORMAT_TYPE), ([n]) =>
      FORMATS[n as string] === undefined
        ? CelOptional.NONE
        : new CelOptional(new FormatValue(n as string)),
    ),
  ],
  validate: [
    member('format-validate', [FORMAT_TYPE, T.string], T.optional(T.list(T.string)), ([f, s]) => {
      if (!(f instanceof FormatValue)) fail('no such overload');
      const errs = (FORMATS[f.name] ?? (() => []))(s as string);
      return errs.length === 0 ? CelOptional.NONE : new CelOptional(celList(errs));
    }),
  ],
});

export { regexError };
export type { CelValue };
