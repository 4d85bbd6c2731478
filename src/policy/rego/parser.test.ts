// Parser: rule kinds per syntax version, keyword handling, template strings and error positions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RegoError } from './errors.js';
import { parseModule, parseQuery } from './parser.js';

describe('rule kinds', () => {
  const cases: readonly { src: string; version: 'v0' | 'v1'; kinds: string[] }[] = [
    { src: 'p := 1', version: 'v1', kinds: ['complete'] },
    { src: 'p contains x if x := 1', version: 'v1', kinds: ['multi'] },
    { src: 'p[x] if x := 1', version: 'v1', kinds: ['object'] },
    { src: 'p[x] { x := 1 }', version: 'v0', kinds: ['multi'] },
    { src: 'p[x] = 2 { x := 1 }', version: 'v0', kinds: ['object'] },
    { src: 'p.q.r := 1', version: 'v1', kinds: ['complete'] },
    { src: 'p.q[r] := 1 if r := "a"', version: 'v1', kinds: ['object'] },
    { src: 'f(x) := x + 1', version: 'v1', kinds: ['function'] },
    { src: 'p { true } { false }', version: 'v0', kinds: ['complete', 'complete'] },
    { src: 'default p := false\np if input.x', version: 'v1', kinds: ['complete', 'complete'] },
  ];
  for (const c of cases) {
    test(`${c.version}: ${c.src.replace(/\n/g, '; ')}`, () => {
      const m = parseModule(`package t\n${c.src}\n`, 't.rego', { regoVersion: c.version });
      assert.deepEqual(
        m.rules.map((r) => r.head.kind),
        c.kinds,
      );
    });
  }
});

describe('syntax', () => {
  test('keywords are names in v0 without future imports, keywords with them', () => {
    const v0 = parseModule('package t\nin := 1\nif := 2', 't.rego', { regoVersion: 'v0' });
    assert.equal(v0.rules.length, 2);
    assert.throws(
      () =>
        parseModule('package t\nimport future.keywords.in\nin := 1', 't.rego', {
          regoVersion: 'v0',
        }),
      RegoError,
    );
  });

  test('template strings split into text and expressions', () => {
    const [e] = parseQuery('x := $"a{1 + 2}b\\{c}"');
    assert.ok(e?.type === 'expr' && e.term.type === 'call');
    const tpl = e.term.args[1];
    assert.ok(tpl?.type === 'template');
    assert.equal(tpl.parts.length, 3);
    assert.equal(tpl.parts[0], 'a');
    assert.equal(tpl.parts[2], 'b{c}');
  });

  test('newlines end expressions; operators may continue a line', () => {
    const q = parseQuery('x := 1 +\n  2\ny := x');
    assert.equal(q.length, 2);
  });

  test('k, v in xs at the literal level and in parentheses', () => {
    const [a] = parseQuery('1, 2 in [2]');
    assert.ok(a?.type === 'expr' && a.term.type === 'call');
    assert.deepEqual(a.term.op, ['internal', 'member_3']);
    const [b] = parseQuery('f(1, 2 in [2])');
    assert.ok(b?.type === 'expr' && b.term.type === 'call');
    assert.equal(b.term.args.length, 2);
  });
});

describe('parse errors carry file:row:col', () => {
  const cases: readonly { src: string; row: number; col: number; message: RegExp }[] = [
    { src: 'package t\np := [1, 2', row: 2, col: 11, message: /unexpected eof token/ },
    { src: 'package t\np := "abc', row: 2, col: 6, message: /non-terminated string/ },
    { src: 'package t\np := 1 ~ 2', row: 2, col: 8, message: /illegal token/ },
    { src: 'package t\np if {\n}', row: 3, col: 2, message: /found empty body/ },
    { src: 'p := 1', row: 1, col: 1, message: /expected package/ },
    { src: 'package t\nimport foo.bar', row: 2, col: 1, message: /invalid import foo/ },
    { src: 'package t\np { true }', row: 2, col: 3, message: /`if` keyword is required/ },
  ];
  for (const c of cases) {
    test(c.src.replace(/\n/g, '⏎'), () => {
      try {
        parseModule(c.src, 'e.rego');
        assert.fail('expected a parse error');
      } catch (e) {
        assert.ok(e instanceof RegoError, String(e));
        assert.equal(e.code, 'rego_parse_error');
        assert.match(e.detail, c.message);
        assert.deepEqual(e.location, { file: 'e.rego', row: c.row, col: c.col });
      }
    });
  }
});
