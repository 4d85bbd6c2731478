// Finds the upstream programs that tests run and compare against (the oracles), built from their
// Go modules by scripts/oracles/build.sh into .oracles/bin/. Tests never use a program from PATH:
// the machine's own kubectl, helm, … may be another version, or absent.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type OracleName =
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kubectl'
  | 'etcd'
  | 'kustomize'
  | 'helm'
  | 'opa'
  | 'sops'
  | 'gator'
  | 'flux'
  | 'kwok';

/** The project root (two folders above this file, in the sources and in dist/). */
export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Where the oracles are: `$ORACLES_DIR/bin`, else `.oracles/bin` in the project. */
export function oraclesBinDir(): string {
  const dir = process.env['ORACLES_DIR'];
  return join(dir ? dir : join(projectRoot, '.oracles'), 'bin');
}

/** The path of an oracle, or undefined when it has not been built. */
export function findOracle(name: OracleName): string | undefined {
  const path = join(oraclesBinDir(), name);
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

const underCi = (): boolean => process.env['CI'] === 'true' || process.env['CI'] === '1';

/**
 * The `skip` option for a test or suite that needs these oracles: false when all are built;
 * otherwise the reason, printed once. Under CI (`CI=true`) a missing oracle is a failure, not a
 * skip: this returns false there, and {@link oracle} then throws in the test with the reason.
 */
export function oracleSkip(...names: OracleName[]): string | false {
  const missing = names.filter((n) => findOracle(n) === undefined);
  if (missing.length === 0) return false;
  const reason = `oracle ${missing.join(', ')} not built in ${oraclesBinDir()} (run scripts/oracles/build.sh)`;
  if (underCi()) return false;
  if (!printed.has(reason)) {
    printed.add(reason);
    console.log(`# skipped: ${reason}`);
  }
  return reason;
}
const printed = new Set<string>();

/** The path of an oracle; throws (failing the test) with the reason when it is missing. */
export function oracle(name: OracleName): string {
  const path = findOracle(name);
  if (path === undefined) {
    throw new Error(
      `oracle ${name} not built in ${oraclesBinDir()} (run scripts/oracles/build.sh)` +
        (underCi() ? '; under CI a missing oracle is a failure' : ''),
    );
  }
  return path;
}
