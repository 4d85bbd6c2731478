// Picks a chart version from a repository index as Flux's source-controller does: an exact
// version first, else the highest version satisfying the range (`*` or empty: the latest stable),
// ties broken by the newest `created` time.
import { FlotillaError } from '../../core/index.js';
import {
  compareSemver,
  parseSemver,
  parseSemverConstraint,
  semverSatisfies,
  type SemverVersion,
} from '../../render/index.js';
import type { ChartVersion, IndexFile } from '../../source/index.js';

export function selectChartVersion(index: IndexFile, name: string, range: string): ChartVersion {
  const versions = index.entries[name];
  if (versions === undefined)
    throw new FlotillaError(`no chart name found`, { reason: 'InvalidChartReference' });
  if (versions.length === 0)
    throw new FlotillaError(`no chart version found`, { reason: 'InvalidChartReference' });
  if (range !== '') {
    const exact = versions.find((v) => v.version === range);
    if (exact) return exact;
  }
  let constraint;
  try {
    constraint = parseSemverConstraint(range === '' ? '*' : range);
  } catch (err) {
    throw new FlotillaError(`improper constraint: ${range}`, {
      reason: 'InvalidChartReference',
      field: 'spec.version',
      cause: err,
    });
  }
  const matched: { v: SemverVersion; cv: ChartVersion }[] = [];
  for (const cv of versions) {
    let v: SemverVersion;
    try {
      v = parseSemver(cv.version);
    } catch {
      continue;
    }
    if (semverSatisfies(constraint, v)) matched.push({ v, cv });
  }
  matched.sort(
    (a, b) =>
      compareSemver(b.v, a.v) ||
      Date.parse(b.cv.created ?? '') - Date.parse(a.cv.created ?? '') ||
      0,
  );
  const best = matched[0];
  if (!best) {
    throw new FlotillaError(`no '${name}' chart with version matching '${range}' found`, {
      reason: 'InvalidChartReference',
    });
  }
  return best.cv;
}
