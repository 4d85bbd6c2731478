// Loads a CommonJS package on first use, so that importing core does not pay for pino or
// prom-client in processes that never log or count (`flotilla kustomize build`, `--help`).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Returns a function that loads `specifier` on its first call and returns the cached module after. */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: { readonly module: T } | undefined;
  return () => {
    loaded ??= { module: require(specifier) as T };
    return loaded.module;
  };
}

type AnyClass = abstract new (...args: never[]) => unknown;

/**
 * A stand-in for a class of a lazily loaded package: `new`, `instanceof`, `extends` and static
 * members all reach the real class, which is loaded the first time any of them is used.
 */
export function lazyClass<C extends AnyClass>(load: () => C): C {
  // A plain function as target, so the proxy is constructible and callable.
  const target = function lazyClassTarget() {} as unknown as C;
  const proxy: C = new Proxy(target, {
    construct: (_t, args: unknown[], newTarget: object) => {
      const real = load() as unknown as new (...a: unknown[]) => object;
      // `new Proxy()` itself targets the real class; a subclass (`extends`) stays the new.target.
      const target = newTarget === proxy ? real : (newTarget as typeof real);
      return Reflect.construct(real, args, target);
    },
    get: (_t, key) => Reflect.get(load(), key) as unknown,
    has: (_t, key) => Reflect.has(load(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(load()),
  });
  return proxy;
}
