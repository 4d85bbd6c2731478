// The local cluster measured against kube-apiserver v1.36: every request of the corpus
// (testdata/differential/*.yaml) goes to both servers and the normalised answers are compared.
// Prints the share of identical answers per group; fails on a difference the corpus does not
// explain (`differs:`), and when fewer than 95% of the requests are identical.
// DIFF_ONLY=regex runs the matching cases (group/name); DIFF_REPORT=file writes every difference.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startLocalCluster, type LocalCluster } from './index.js';
import {
  allSteps,
  DiffClient,
  figures,
  formatDifferences,
  formatFigures,
  loadCorpus,
  realClusterSkip,
  runCase,
  startRealCluster,
  type CaseResult,
  type RealCluster,
} from '../testing/index.js';

const CORPUS = fileURLToPath(new URL('./testdata/differential', import.meta.url));
const AIM = 0.95;

describe(
  'local cluster against kube-apiserver (differential corpus)',
  { skip: realClusterSkip() },
  () => {
    let real: RealCluster;
    let local: LocalCluster;
    let clients: DiffClient[] = [];
    before(async () => {
      [real, local] = await Promise.all([
        startRealCluster({ fakeNodes: false }),
        startLocalCluster({ port: 0, inMemory: true, simulationDelayMs: 300 }),
      ]);
    });
    after(async () => {
      for (const c of clients) c.close();
      await Promise.all([real?.stop(), local?.stop()]);
    });

    it('answers the corpus as kube-apiserver does', async () => {
      const only = process.env['DIFF_ONLY'];
      const cases = loadCorpus(CORPUS).filter(
        (c) => only === undefined || new RegExp(only).test(`${c.group}/${c.name}`),
      );
      const realClient = new DiffClient({
        name: 'real',
        url: real.server,
        caPem: real.caPem,
        token: real.token,
      });
      const localClient = new DiffClient({
        name: 'local',
        url: local.url,
        caPem: local.caPem,
        token: local.token,
        settleMs: 3000,
      });
      clients = [realClient, localClient];
      const results: CaseResult[] = [];
      for (const [i, c] of cases.entries())
        results.push(await runCase({ real: realClient, local: localClient }, c, `d${i}`));
      const groups = figures(results);
      console.log(formatFigures(groups));
      const report = process.env['DIFF_REPORT'];
      if (report !== undefined) writeFileSync(report, formatDifferences(results) + '\n');
      const steps = allSteps(results);
      const unexplained = steps.filter(
        (s) => !s.equal && s.differs === undefined && s.pending === undefined,
      );
      assert.deepEqual(
        unexplained.map(
          (s) => `${s.group} / ${s.caseName} / #${s.index} ${s.req}\n  ${s.diffs.join('\n  ')}`,
        ),
        [],
        'requests answered differently without a `differs:` explanation in the corpus',
      );
      const identical = steps.filter((s) => s.equal).length;
      if (only === undefined)
        assert.ok(
          identical >= AIM * steps.length,
          `${identical} of ${steps.length} requests identical: below the aim of ${AIM * 100}%`,
        );
    });
  },
);
