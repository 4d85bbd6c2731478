// Sprig v3.3.0's function map (TxtFuncMap), as Helm exposes it. Helm's own functions live in render/helm.
import { GoError, T } from '../value.js';
import type { GoFunc } from '../value.js';
import { cryptoFuncs } from './crypto.js';
import { dateFuncs } from './date.js';
import { fn } from './def.js';
import { defaultFuncs } from './defaults.js';
import { dictFuncs } from './dicts.js';
import { listFuncs } from './lists.js';
import { numericFuncs } from './numeric.js';
import { pathFuncs } from './paths.js';
import { reflectFuncs } from './reflect.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver-funcs.js';
import { stringFuncs } from './strings.js';
import { urlFuncs } from './url.js';

/** Options for the functions that reach outside the template. */
export interface SprigOptions {
  /** Environment for env/expandenv (Helm removes both); undefined leaves them out. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Resolves getHostByName; Helm answers "" unless DNS lookups are enabled. */
  readonly lookupHost?: (name: string) => string;
}

/** Every Sprig function, keyed by its template name. */
export function sprigFuncs(opts: SprigOptions = {}): Record<string, GoFunc> {
  const m = Object.assign(
    Object.create(null) as Record<string, GoFunc>,
    stringFuncs,
    listFuncs,
    dictFuncs,
    numericFuncs,
    defaultFuncs,
    reflectFuncs,
    regexFuncs,
    semverFuncs,
    dateFuncs,
    urlFuncs,
    pathFuncs,
    cryptoFuncs,
  ) as Record<string, GoFunc>;
  m['hello'] = fn([], T.string, () => 'Hello!');
  m['fail'] = fn(
    [T.string],
    T.string,
    (msg: string) => {
      throw new GoError(msg);
    },
    { errors: true },
  );
  m['getHostByName'] = fn([T.string], T.string, (name: string) =>
    opts.lookupHost ? opts.lookupHost(name) : '',
  );
  if (opts.env !== undefined) {
    const env = opts.env;
    m['env'] = fn([T.string], T.string, (k: string) => env[k] ?? '');
    m['expandenv'] = fn([T.string], T.string, (s: string) =>
      s.replace(
        /\$\{([^}]*)\}|\$([A-Za-z0-9_]+|[*#$@!?\-0-9])/g,
        (_, a: string | undefined, b: string | undefined) => env[a ?? b ?? ''] ?? '',
      ),
    );
  }
  return m;
}
