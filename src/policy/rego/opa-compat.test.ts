// Classes of behaviour found on real policies (gatekeeper-library), each case evaluated by the
// engine and by the opa oracle: the value of `x`, or the error code and message, must be equal.
//   - safety: function arguments and outer variables seen from comprehensions (also only from
//     their head), `every`, `with` and nested bodies;
//   - negation: calls and references in a `not` expression are evaluated before it, so an
//     undefined one fails the body (users template: `not accept_value(r, v, params.ranges)`);
//     a negated expression has no variables of its own;
//   - rules written `f() := v` are complete rules (block-endpoint-edit-default-role, seccomp);
//   - conflict errors list the conflicting values.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { oracleSkip } from '../../testing/index.js';
import { OpaComparison } from './testing/opa-compare.js';
import type { Case } from './testing/opa-compare.js';

const compare = new OpaComparison();
after(() => compare.dispose());

const SAFETY: readonly Case[] = [
  {
    name: 'function argument in a set comprehension (the issue’s example)',
    module: `package t
f(xs) = out { names := {n | n = xs[_].metadata.name}; out := count(names) }`,
    query:
      'data.t.f([{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}, {"metadata": {"name": "a"}}])',
  },
  {
    name: 'outer variable used only in the comprehension head',
    module: `package t
f(xs) = out { names := xs; out = [xs | names] }`,
    query: 'data.t.f([1])',
  },
  {
    name: 'function argument in the key and value of an object comprehension, through a call',
    module: `package t
inventory(items) = out {
  namespaces := {ns | ns = items[_].ns}
  out = {"namespace": {ns: {"Ingress": by_name(items, ns)} | ns := namespaces[_]}}
}
by_name(items, ns) = out { out = {o.name: o | o = items[_]; o.ns = ns} }`,
    query: 'data.t.inventory([{"name": "a", "ns": "x"}, {"name": "b", "ns": "y"}])',
  },
  {
    name: 'comprehension nested in a comprehension, over a function argument',
    module: `package t
f(xs) = r { r := [[y | y := xs[_]; y > m] | m := xs[_]] }`,
    query: 'data.t.f([1, 2, 3])',
  },
  {
    name: 'every over a function argument with another argument in its body',
    module: `package t
import future.keywords.every
f(xs, m) = true { every x in xs { x < m } }
r := [f([1], 2), f([], 0)]`,
    query: '[data.t.r, [y | y := data.t.f([3], 2)]]',
  },
  {
    name: 'every body using an outer variable bound after it',
    module: `package t
import future.keywords.every
f(xs) = r { every x in xs { x > m }; m = 0; r := true }`,
    query: 'data.t.f([1, 2])',
  },
  {
    name: 'with value from a function argument',
    module: `package t
q = input.v
f(v) = r { r := q with input as {"v": v} }`,
    query: 'data.t.f(3)',
  },
  {
    name: 'negation inside a comprehension over a function argument',
    module: `package t
f(xs) = {x | x := xs[_]; not x == 1}`,
    query: 'data.t.f([1, 2])',
  },
  {
    name: 'comprehension in an else body using the argument',
    module: `package t
f(x) = y { x > 10; y := "big" } else = y { y := [x | true] }`,
    query: '[data.t.f(1), data.t.f(20)]',
  },
  {
    name: 'outer variable declared with := after the comprehension is unsafe',
    module: `package t
p = y { y := [x | x := a[_]]; a := [1, 2] }`,
    query: 'data.t.p',
  },
  {
    name: 'outer variable unified after the comprehension is in scope',
    module: `package t
p = y { y := [x | x := a[_]]; a = [1, 2] }`,
    query: 'data.t.p',
  },
  {
    name: 'some ... in of an object comprehension with a later := is unsafe',
    module: `package t
import future.keywords.in
f(xs) = r { r := {k: v | some k, v in xs; v > m}; m := 1 }`,
    query: 'data.t.f({"a": 1})',
  },
];

const NEGATION: readonly Case[] = [
  {
    name: 'undefined argument of a user function: the body fails',
    module: `package t
f(a, b) = true { a == "x" }
p { not f("x", input.nope) }`,
    query: 'data.t.p',
    input: '{}',
  },
  {
    name: 'undefined argument of a built-in',
    module: 'package t\np { not lower(input.nope) }',
    query: 'data.t.p',
    input: '{}',
  },
  {
    name: '!= of an undefined reference fails, == is true',
    module:
      'package t\np { not input.nope != 1 }\nq { not input.nope == 1 }\nr := [p | p := data.t.p]',
    query: '[data.t.r, data.t.q]',
    input: '{}',
  },
  {
    name: 'undefined reference inside an array operand',
    module: 'package t\nf(a) = true\np { not f([input.nope]) }',
    query: 'data.t.p',
    input: '{}',
  },
  {
    name: 'nested call is evaluated before the negation',
    module: 'package t\np { not count(input.nope) > 1 }',
    query: 'data.t.p',
    input: '{}',
  },
  {
    name: 'dynamic key of a negated reference',
    module: 'package t\np { not input.a[input.k] }',
    query: 'data.t.p',
    input: '{"a": {}}',
  },
  {
    name: 'with applies to what is evaluated before the negation',
    module: 'package t\nf(a) = true { a == 2 }\np { not f(input.nope) with input as {"nope": 1} }',
    query: 'data.t.p',
    input: '{}',
  },
  {
    name: 'gatekeeper users template: no ranges, no violation',
    module: `package t
accept_value("RunAsAny", _, _)
accept_value("MustRunAs", v, ranges) := count([r | r := ranges[_]; v >= r.min]) > 0
violation[msg] {
  params := input.parameters
  not accept_value(params.rule, input.value, params.ranges)
  msg := "denied"
}
any := v { v := violation with input as {"parameters": {"rule": "RunAsAny"}, "value": 0} }
must := v { v := violation with input as {"parameters": {"rule": "MustRunAs", "ranges": [{"min": 5}]}, "value": 1} }`,
    query: '[data.t.any, data.t.must]',
  },
  {
    name: 'a wildcard in a negation is unsafe',
    module: 'package t\np { not input[_] == 1 }',
    query: 'data.t.p',
  },
  {
    name: 'a variable only in a negation is unsafe',
    module: 'package t\nf(a) = true\np { not f(i) }',
    query: 'data.t.p',
  },
  {
    name: 'a variable of a nested call is bound outside the negation',
    module: 'package t\np { not count(input.xs[i]) > 0 }',
    query: 'data.t.p',
    input: '{"xs": [[], [1]]}',
  },
  {
    name: 'not every is a parse error',
    module: 'package t\nimport future.keywords.every\np { not every x in [1] { x > 1 } }',
    query: 'data.t.p',
  },
];

const WITH: readonly Case[] = [
  {
    name: 'a replaced base document read from above is merged with the base',
    query: '[data.cfg, data.cfg.a] with data.cfg.a as {"p": 1, "d": {"f": 2}}',
    data: '{"cfg": {"a": {"polluted": "data", "d": {"e": 1}}, "b": 1}}',
  },
  {
    name: 'the whole data document sees the replacement',
    query: 'data with data.cfg.a.d as {"g": 1}',
    data: '{"cfg": {"a": {"d": {"e": 1}}}}',
  },
  {
    name: 'a replaced rule is replaced whole',
    module: 'package t\na := {"b": 1, "c": 2}\nq := data.t',
    query: 'data.t.q with data.t.a as {"d": 3}',
  },
];

const RULES: readonly Case[] = [
  {
    name: 'f() := v is a complete rule read as f',
    module: `package t
review() = {"object": {"name": "x"}}
inp := {"review": review}`,
    query: 'data.t.inp',
  },
  {
    name: 'calling f() is an undefined function',
    module: 'package t\nf() = 1\np { f() }',
    query: 'data.t.p',
  },
  {
    name: 'f() with an else chain (seccomp template)',
    module: `package t
d() = out { "runtime/default" == input.p[_]; out := "runtime/default" }
else = out { "docker/default" == input.p[_]; out := "docker/default" }
else = out { out := "runtime/default" }
docker := v { v := d with input as {"p": ["docker/default"]} }
none := v { v := d with input as {"p": []} }`,
    query: '[data.t.docker, data.t.none]',
  },
  {
    name: 'function conflict lists the values',
    module: 'package t\nf(x) = 1\nf(x) = {"a": "b"}',
    query: 'data.t.f(1)',
  },
  {
    name: 'complete rule conflict within one rule',
    module: 'package t\np = x { x := [1, 2, 3][_] }',
    query: 'data.t.p',
  },
];

for (const [group, cases] of [
  ['safety of variables seen from nested bodies', SAFETY],
  ['negation', NEGATION],
  ['f() heads and conflicts', RULES],
  ['with over base and virtual documents', WITH],
] as const) {
  describe(group, { skip: oracleSkip('opa') }, () => {
    for (const c of cases) {
      test(c.name, () => {
        const r = compare.run(c);
        assert.ok(r.same, r.report);
      });
    }
  });
}
