// The engine's own tests: v0 syntax, Gatekeeper-style templates, errors, result shape, print, with.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RegoError } from './errors.js';
import { compile } from './eval-query.js';
import type { EvalOptions } from './eval-query.js';
import { parseModule } from './parser.js';
import { numberText } from './value.js';

/** Compiles `modules` (v0 unless they say otherwise) and returns the bindings of `x`. */
function evalX(
  modules: readonly string[],
  query: string,
  options: EvalOptions = {},
  regoVersion: 'v0' | 'v1' = 'v0',
): unknown[] {
  const policy = compile(
    modules.map((source, i) => ({ file: `m${i}.rego`, source })),
    { regoVersion },
  );
  return policy.eval(query, options).map((r) => r.bindings['x']);
}

function errorOf(fn: () => unknown): RegoError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegoError) return e;
    throw e;
  }
  assert.fail('expected a RegoError');
}

describe('v0 syntax', () => {
  const cases: readonly {
    name: string;
    modules: string[];
    query: string;
    want: unknown[];
    input?: unknown;
    data?: unknown;
  }[] = [
    {
      name: 'partial set with p[x] { }',
      modules: ['package t\np[x] { x := input.xs[_]; x > 1 }'],
      query: 'x := data.t.p',
      input: { xs: [1, 2, 3, 2] },
      want: [[2, 3]],
    },
    {
      name: 'partial object with p[k] = v { }',
      modules: ['package t\np[k] = v { v := input.m[k]; v != 0 }'],
      query: 'x := data.t.p',
      input: { m: { a: 1, b: 0, c: 2 } },
      want: [{ a: 1, c: 2 }],
    },
    {
      name: 'complete rule without if, default and else',
      modules: [
        'package t\ndefault allow = false\nallow { input.user == "admin" }\nlevel = "high" { input.n > 10 } else = "low" { true }',
      ],
      query: 'x := [data.t.allow, data.t.level]',
      input: { user: 'bob', n: 3 },
      want: [[false, 'low']],
    },
    {
      name: 'functions with several bodies',
      modules: ['package t\nf(x) = "neg" { x < 0 }\nf(x) = "pos" { x > 0 }\nf(0) = "zero"'],
      query: 'x := [data.t.f(-1), data.t.f(0), data.t.f(5)]',
      want: [['neg', 'zero', 'pos']],
    },
    {
      name: 'future.keywords makes in and if available',
      modules: [
        'package t\nimport future.keywords.in\nimport future.keywords.if\np if { 2 in input.xs }',
      ],
      query: 'x := data.t.p',
      input: { xs: [1, 2] },
      want: [true],
    },
    {
      name: 'import rego.v1 in a v0 module',
      modules: ['package t\nimport rego.v1\np contains x if { some x in [1, 2] }'],
      query: 'x := data.t.p',
      want: [[1, 2]],
    },
    {
      name: 'in, contains and if are plain names in v0 without imports',
      modules: ['package t\ncontains = 1\nif = 2\np = x { x := contains + if }'],
      query: 'x := data.t.p',
      want: [3],
    },
    {
      name: 're_match and any are available to v0 modules',
      modules: ['package t\np { re_match("^a", input.s); any([false, true]) }'],
      query: 'x := data.t.p',
      input: { s: 'abc' },
      want: [true],
    },
    {
      name: 'bodies are reordered for safety',
      modules: ['package t\np[y] { y > 1; y = input.xs[_] }'],
      query: 'x := data.t.p',
      input: { xs: [1, 2, 3] },
      want: [[2, 3]],
    },
    {
      name: 'comprehension closes over body variables',
      modules: ['package t\np = ys { n := 2; ys := [y | y := input.xs[_] * n] }'],
      query: 'x := data.t.p',
      input: { xs: [1, 2] },
      want: [[2, 4]],
    },
    {
      name: 'several bodies on one rule head',
      modules: ['package t\np { input.a } { input.b }'],
      query: 'x := data.t.p',
      input: { b: true },
      want: [true],
    },
    {
      name: 'with replaces input and data',
      modules: ['package t\np = [input.a, data.cfg.b]'],
      query: 'x := data.t.p with input.a as 1 with data.cfg.b as 2',
      want: [[1, 2]],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const opts: EvalOptions = { input: c.input, data: c.data };
      assert.deepEqual(evalX(c.modules, c.query, opts), c.want);
    });
  }
});

describe('Gatekeeper-style templates (v0)', () => {
  // k8srequiredlabels from the Gatekeeper library, with a data.lib helper import.
  const requiredLabels = `package k8srequiredlabels

import data.lib.helpers

get_message(parameters, _default) = msg {
  not parameters.message
  msg := _default
}

get_message(parameters, _default) = msg {
  msg := parameters.message
}

violation[{"msg": msg, "details": {"missing_labels": missing}}] {
  provided := {label | input.review.object.metadata.labels[label]}
  required := {label | label := input.parameters.labels[_].key}
  missing := required - provided
  count(missing) > 0
  def_msg := sprintf("you must provide labels: %v", [missing])
  msg := get_message(input.parameters, def_msg)
}

violation[{"msg": msg}] {
  value := input.review.object.metadata.labels[key]
  expected := input.parameters.labels[_]
  expected.key == key
  expected.allowedRegex != ""
  not helpers.matches(expected.allowedRegex, value)
  def_msg := sprintf("Label <%v: %v> does not satisfy allowed regex: %v", [key, value, expected.allowedRegex])
  msg := get_message(input.parameters, def_msg)
}
`;
  const helpers = `package lib.helpers

matches(pattern, value) {
  regex.match(pattern, value)
}
`;
  const allowedRepos = `package k8sallowedrepos

violation[{"msg": msg}] {
  container := input.review.object.spec.containers[_]
  satisfied := [good | repo = input.parameters.repos[_] ; good = startswith(container.image, repo)]
  not any(satisfied)
  msg := sprintf("container <%v> has an invalid image repo <%v>, allowed repos are %v", [container.name, container.image, input.parameters.repos])
}

violation[{"msg": msg}] {
  container := input.review.object.spec.initContainers[_]
  satisfied := [good | repo = input.parameters.repos[_] ; good = startswith(container.image, repo)]
  not any(satisfied)
  msg := sprintf("initContainer <%v> has an invalid image repo <%v>, allowed repos are %v", [container.name, container.image, input.parameters.repos])
}
`;
  const policy = compile(
    [
      { file: 'required.rego', source: requiredLabels },
      { file: 'helpers.rego', source: helpers },
      { file: 'repos.rego', source: allowedRepos },
    ],
    { regoVersion: 'v0' },
  );
  const pod = (labels: Record<string, string>, images: string[]): unknown => ({
    review: {
      object: {
        metadata: { name: 'p', labels },
        spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
      },
    },
  });
  const cases: readonly { name: string; query: string; input: unknown; want: unknown[] }[] = [
    {
      name: 'required labels present: no violation',
      query: 'x := data.k8srequiredlabels.violation',
      input: {
        ...(pod({ owner: 'me.agilebank.demo' }, []) as object),
        parameters: { labels: [{ key: 'owner', allowedRegex: '^[a-zA-Z]+.agilebank.demo$' }] },
      },
      want: [[]],
    },
    {
      name: 'required label missing',
      query: 'x := data.k8srequiredlabels.violation',
      input: {
        ...(pod({ app: 'x' }, []) as object),
        parameters: { labels: [{ key: 'owner' }, { key: 'team' }] },
      },
      want: [
        [
          {
            details: { missing_labels: ['owner', 'team'] },
            msg: 'you must provide labels: {"owner", "team"}',
          },
        ],
      ],
    },
    {
      name: 'label value does not match the allowed regex; custom message',
      query: 'x := data.k8srequiredlabels.violation',
      input: {
        ...(pod({ owner: 'nobody' }, []) as object),
        parameters: {
          message: 'owner label is wrong',
          labels: [{ key: 'owner', allowedRegex: '^[a-zA-Z]+.agilebank.demo$' }],
        },
      },
      want: [[{ msg: 'owner label is wrong' }]],
    },
    {
      name: 'allowed repos: one image outside the list',
      query: 'x := data.k8sallowedrepos.violation',
      input: {
        ...(pod({}, ['openpolicyagent/opa:0.9', 'nginx:1.27']) as object),
        parameters: { repos: ['openpolicyagent/'] },
      },
      want: [
        [
          {
            msg: 'container <c1> has an invalid image repo <nginx:1.27>, allowed repos are ["openpolicyagent/"]',
          },
        ],
      ],
    },
    {
      name: 'allowed repos: every image allowed',
      query: 'x := count(data.k8sallowedrepos.violation)',
      input: {
        ...(pod({}, ['openpolicyagent/opa:0.9']) as object),
        parameters: { repos: ['openpolicyagent/'] },
      },
      want: [0],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(
        policy.eval(c.query, { input: c.input }).map((r) => r.bindings['x']),
        c.want,
      );
    });
  }

  test('library function imported by its own name; functions with false results', () => {
    const lib = `package lib.exclude_update

is_update(review) {
  review.operation == "UPDATE"
}
`;
    const privileged = `package k8spspprivileged

import data.lib.exclude_update.is_update

violation[{"msg": msg, "details": {}}] {
  not is_update(input.review)
  c := input_containers[_]
  not is_exempt(c)
  c.securityContext.privileged
  msg := sprintf("Privileged container is not allowed: %v, securityContext: %v", [c.name, c.securityContext])
}

is_exempt(container) = true {
  exempt := object.get(input, ["parameters", "exemptImages"], [])
  container.image == exempt[_]
} else = false

input_containers[c] {
  c := input.review.object.spec.containers[_]
}

input_containers[c] {
  c := input.review.object.spec.initContainers[_]
}
`;
    const p = compile(
      [
        { file: 'lib.rego', source: lib },
        { file: 'privileged.rego', source: privileged },
      ],
      { regoVersion: 'v0' },
    );
    const review = (operation: string): unknown => ({
      review: {
        operation,
        object: {
          spec: {
            containers: [
              { name: 'a', image: 'nginx', securityContext: { privileged: true } },
              { name: 'b', image: 'ok', securityContext: { privileged: true } },
            ],
            initContainers: [{ name: 'i', image: 'busybox', securityContext: {} }],
          },
        },
      },
      parameters: { exemptImages: ['ok'] },
    });
    const msgs = (input: unknown): unknown =>
      p.eval('x := {m | data.k8spspprivileged.violation[v]; m := v.msg}', { input })[0]?.bindings[
        'x'
      ];
    assert.deepEqual(msgs(review('CREATE')), [
      'Privileged container is not allowed: a, securityContext: {"privileged": true}',
    ]);
    assert.deepEqual(msgs(review('UPDATE')), []);
  });
});

describe('errors', () => {
  const cases: readonly {
    name: string;
    modules: string[];
    query?: string;
    code: string;
    message: RegExp;
    version?: 'v0' | 'v1';
  }[] = [
    {
      name: 'parse error with file:line',
      modules: ['package t\n\np := [1, 2\n'],
      code: 'rego_parse_error',
      message: /^m0\.rego:4: rego_parse_error: /,
    },
    {
      name: 'v1 requires if before a body',
      modules: ['package t\np { true }'],
      code: 'rego_parse_error',
      message: /`if` keyword is required before rule body/,
      version: 'v1',
    },
    {
      name: 'unsafe variable',
      modules: ['package t\np { x > 1 }'],
      code: 'rego_unsafe_var_error',
      message: /m0\.rego:2: rego_unsafe_var_error: var x is unsafe/,
    },
    {
      name: 'left-out built-in',
      modules: ['package t\np { http.send({"url": "x", "method": "get"}) }'],
      code: 'rego_type_error',
      message: /unsupported built-in function http\.send/,
    },
    {
      name: 'unknown function',
      modules: ['package t\np { nope(1) }'],
      code: 'rego_type_error',
      message: /undefined function nope/,
    },
    {
      name: 'recursion between rules',
      modules: ['package t\np { q }\nq { p }'],
      code: 'rego_recursion_error',
      message: /rule data\.t\.p is recursive: data\.t\.p -> data\.t\.q -> data\.t\.p/,
    },
    {
      name: 'deprecated built-in in a v1 module',
      modules: ['package t\np if re_match("a", "a")'],
      code: 'rego_type_error',
      message: /undefined function re_match/,
      version: 'v1',
    },
    {
      name: 'constant operand of the wrong type',
      modules: ['package t\np { count(1) > 0 }'],
      code: 'rego_type_error',
      message: /count: invalid argument\(s\)/,
    },
    {
      name: 'call of a function that is not defined',
      modules: ['package t\np { data.lib.nope(1) }'],
      code: 'rego_type_error',
      message: /undefined function data\.lib\.nope/,
    },
    {
      name: 'complete rule conflict',
      modules: ['package t\np = 1\np = 2'],
      query: 'x := data.t.p',
      code: 'eval_conflict_error',
      message:
        /rule data\.t\.p produced conflicting values:\n {2}1 at m0\.rego:2\n {2}2 at m0\.rego:3$/,
    },
    {
      name: 'partial object key conflict',
      modules: ['package t\np[k] = v { k := "a"; v := input.vs[_] }'],
      query: 'x := data.t.p',
      code: 'eval_conflict_error',
      message: /object keys must be unique/,
    },
    {
      // OPA: a negated expression has no variables of its own, not even a wildcard.
      name: 'not with a wildcard',
      modules: ['package t\np { not input.xs[_] == 3 }'],
      code: 'rego_unsafe_var_error',
      message: /var _ is unsafe/,
    },
    {
      name: 'function conflict',
      modules: ['package t\nf(x) = 1 { true }\nf(x) = 2 { true }'],
      query: 'x := data.t.f(1)',
      code: 'eval_conflict_error',
      message:
        /function data\.t\.f produced conflicting values for the same inputs:\n {2}1 at m0\.rego:2\n {2}2 at m0\.rego:3$/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const e = errorOf(() =>
        evalX(c.modules, c.query ?? 'x := 1', { input: { vs: [1, 2] } }, c.version ?? 'v0'),
      );
      assert.equal(e.code, c.code);
      assert.match(e.message, c.message);
    });
  }

  test('parse errors carry row and column', () => {
    const e = errorOf(() => parseModule('package t\n\np := 1 +\n', 'x.rego'));
    assert.equal(e.code, 'rego_parse_error');
    assert.deepEqual(e.location, { file: 'x.rego', row: 4, col: 1 });
  });
});

describe('API', () => {
  test('result shape: expressions and bindings, as OPA returns them', () => {
    const policy = compile([{ file: 'a.rego', source: 'package a\nxs := [1, 2]' }]);
    const rs = policy.eval('x := data.a.xs[i]; x > 1');
    assert.deepEqual(rs, [
      {
        expressions: [
          { value: true, text: 'x := data.a.xs[i]', location: { row: 1, col: 1 } },
          { value: true, text: 'x > 1', location: { row: 1, col: 20 } },
        ],
        bindings: { x: 2, i: 1 },
      },
    ]);
    assert.deepEqual(policy.eval('data.a.nope'), []);
  });

  test('print output is captured, undefined operands print <undefined>', () => {
    const policy = compile([
      {
        file: 'a.rego',
        source: 'package a\np if { print("hello", input.n, input.missing, {1}); true }',
      },
    ]);
    const d = policy.evalDetailed('data.a.p', { input: { n: 2 } });
    assert.equal(d.results.length, 1);
    assert.deepEqual(d.prints, ['hello 2 <undefined> {1}']);
  });

  test('numbers beyond 2^53 stay exact', () => {
    const policy = compile([
      { file: 'a.rego', source: 'package a\np := 12345678901234567890 + 1' },
    ]);
    const d = policy.evalDetailed('x := data.a.p');
    const x = d.results[0]?.bindings.get('x');
    assert.equal(x?.kind === 'number' ? numberText(x) : undefined, '12345678901234567891');
  });

  test('rego.parse_module returns OPA’s AST JSON of a module', () => {
    const policy = compile([
      {
        file: 'a.rego',
        source:
          'package a\np := m if m := rego.parse_module("x.rego", "package x.y\\nimport data.lib\\nq contains v if v := input.a[_]")',
      },
    ]);
    assert.deepEqual(policy.eval('x := data.a.p')[0]?.bindings['x'], {
      package: {
        path: [
          { type: 'var', value: 'data' },
          { type: 'string', value: 'x' },
          { type: 'string', value: 'y' },
        ],
      },
      imports: [
        {
          path: {
            type: 'ref',
            value: [
              { type: 'var', value: 'data' },
              { type: 'string', value: 'lib' },
            ],
          },
        },
      ],
      rules: [
        {
          head: {
            name: 'q',
            ref: [{ type: 'var', value: 'q' }],
            key: { type: 'var', value: 'v' },
          },
          body: [
            {
              index: 0,
              terms: [
                { type: 'ref', value: [{ type: 'var', value: 'assign' }] },
                { type: 'var', value: 'v' },
                {
                  type: 'ref',
                  value: [
                    { type: 'var', value: 'input' },
                    { type: 'string', value: 'a' },
                    { type: 'var', value: '$0' },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
  });

  test('trace() notes appear in the trace', () => {
    const policy = compile([
      { file: 'a.rego', source: 'package a\np if { trace(sprintf("n=%d", [input.n])) }' },
    ]);
    const d = policy.evalDetailed('data.a.p', { input: { n: 3 }, trace: true });
    assert.ok(d.trace.includes('Note n=3'), d.trace.join('\n'));
  });

  test('rego.metadata.rule and chain read METADATA blocks', () => {
    const policy = compile([
      {
        file: 'a.rego',
        source: [
          '# METADATA',
          '# title: Pods',
          'package a',
          '',
          '# METADATA',
          '# title: Labels required',
          '# authors:',
          '# - Jane Doe <jane@example.com>',
          '# custom:',
          '#   severity: high',
          'deny := [rego.metadata.rule(), rego.metadata.chain()]',
        ].join('\n'),
      },
    ]);
    const rule = {
      authors: [{ name: 'Jane Doe', email: 'jane@example.com' }],
      custom: { severity: 'high' },
      scope: 'rule',
      title: 'Labels required',
    };
    assert.deepEqual(policy.eval('x := data.a.deny')[0]?.bindings['x'], [
      rule,
      [
        { path: ['a', 'deny'], annotations: rule },
        { path: ['a'], annotations: { scope: 'package', title: 'Pods' } },
      ],
    ]);
  });

  test('trace lists evaluated expressions when asked for', () => {
    const policy = compile([{ file: 'a.rego', source: 'package a\np if { input.a == 1 }' }]);
    const d = policy.evalDetailed('data.a.p', { input: { a: 1 }, trace: true });
    assert.ok(
      d.trace.some((l) => l.startsWith('Eval a.rego:2:8')),
      d.trace.join('\n'),
    );
    assert.ok(d.trace.includes('Enter data.a.p'), d.trace.join('\n'));
    assert.ok(d.trace.includes('Exit data.a.p = true'), d.trace.join('\n'));
    const failed = policy.evalDetailed('data.a.p', { input: { a: 2 }, trace: true });
    assert.ok(
      failed.trace.some((l) => l.startsWith('Fail a.rego:2:8')),
      failed.trace.join('\n'),
    );
    assert.deepEqual(policy.evalDetailed('data.a.p', { input: { a: 1 } }).trace, []);
  });
});
