// Tests of the layering rule: a wrong-way import between layers fails lint.
import { describe, it } from 'node:test';
import { RuleTester } from 'eslint';
import { layersRule } from './layers.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const options = [{ srcRoot: '/repo/src' }];
const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } });

tester.run('flotilla/layers', layersRule, {
  valid: [
    {
      filename: '/repo/src/apply/engine.ts',
      code: "import { x } from '../core/index.js';",
      options,
    },
    { filename: '/repo/src/apply/engine.ts', code: "import { x } from './diff.js';", options },
    {
      filename: '/repo/src/cli/main.ts',
      code: "import { x } from '../localcluster/index.js';",
      options,
    },
    { filename: '/repo/src/core/errors.ts', code: "import { z } from 'yaml';", options },
    {
      filename: '/repo/src/apply/engine.test.ts',
      code: "import { startLocalCluster } from '../localcluster/index.js';",
      options,
    },
    {
      filename: '/repo/bench/apply.bench.ts',
      code: "import { x } from '../src/apply/index.js';",
      options,
    },
    {
      filename: '/repo/src/controller/gitrepository/gitrepository.test.ts',
      code: "import { until } from '../../testing/index.js';",
      options,
    },
    {
      filename: '/repo/src/policy/rego/builtins/encoding.test.ts',
      code: "import { runCases } from './testing/builtin-cases.js';",
      options,
    },
    {
      filename: '/repo/src/testing/git-servers.ts',
      code: "import { startGitHttpServer } from '../source/index.js';",
      options,
    },
  ],
  invalid: [
    {
      filename: '/repo/src/controller/controllers.ts',
      code: "import { until } from '../testing/index.js';",
      options,
      errors: [{ messageId: 'testOnly' }],
    },
    {
      filename: '/repo/src/policy/rego/builtins/strings.ts',
      code: "import { runCases } from './testing/builtin-cases.js';",
      options,
      errors: [{ messageId: 'testOnly' }],
    },
    {
      filename: '/repo/src/apply/engine.ts',
      code: "export { fixture } from './engine.test.js';",
      options,
      errors: [{ messageId: 'testOnly' }],
    },
    {
      filename: '/repo/src/core/errors.ts',
      code: "import { x } from '../apply/index.js';",
      options,
      errors: [{ messageId: 'wrongWay' }],
    },
    {
      filename: '/repo/src/kube/client.ts',
      code: "import { x } from '../controller/index.js';",
      options,
      errors: [{ messageId: 'wrongWay' }],
    },
    {
      filename: '/repo/src/render/kustomize/build.ts',
      code: "export * from '../../apply/index.js';",
      options,
      errors: [{ messageId: 'wrongWay' }],
    },
    {
      filename: '/repo/src/controller/runtime/queue.ts',
      code: "import { x } from '../../apply/engine.js';",
      options,
      errors: [{ messageId: 'notIndex' }],
    },
    {
      filename: '/repo/src/localcluster/server.ts',
      code: "import { x } from '../kube/index.js';",
      options,
      errors: [{ messageId: 'wrongWay' }],
    },
    {
      filename: '/repo/src/policy/audit.ts',
      code: "const m = await import('../tower/index.js');",
      options,
      errors: [{ messageId: 'wrongWay' }],
    },
  ],
});
