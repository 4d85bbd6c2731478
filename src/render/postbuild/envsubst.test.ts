// Table tests of envsubst, with cases from drone/envsubst's own test table (which Flux relies on).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envsubst, globMatch } from './envsubst.js';

const cases: { params: Record<string, string>; input: string; output: string }[] = [
  { params: {}, input: 'abcdEFGH28ij', output: 'abcdEFGH28ij' },
  { params: { var01: 'abcdEFGH28ij' }, input: '${#var01}', output: '12' },
  { params: { var01: 'abcdEFGH28ij' }, input: '${var01^}', output: 'AbcdEFGH28ij' },
  { params: { var01: 'abcdEFGH28ij' }, input: '${var01^^}', output: 'ABCDEFGH28IJ' },
  { params: { var01: 'ABCDEFGH28IJ' }, input: '${var01,}', output: 'aBCDEFGH28IJ' },
  { params: { var01: 'ABCDEFGH28IJ' }, input: '${var01,,}', output: 'abcdefgh28ij' },
  {
    params: { path_name: '/home/bozo/ideas/thoughts.for.today' },
    input: '${path_name:11}',
    output: 'ideas/thoughts.for.today',
  },
  {
    params: { path_name: '/home/bozo/ideas/thoughts.for.today' },
    input: '${path_name:11:5}',
    output: 'ideas',
  },
  { params: { var: 'abc' }, input: '${var=abc}', output: 'abc' },
  { params: {}, input: '${var=xyz}', output: 'xyz' },
  {
    params: { default_var: 'foo' },
    input: 'something ${var=${default_var}}',
    output: 'something foo',
  },
  {
    params: { default_var: 'foo1' },
    input: 'foo: ${var=${default_var}-suffix}',
    output: 'foo: foo1-suffix',
  },
  {
    params: { default_var: 'foo1' },
    input: 'foo: ${var=prefix${default_var}-suffix}',
    output: 'foo: prefixfoo1-suffix',
  },
  { params: {}, input: '${var:=xyz}', output: 'xyz' },
  { params: {}, input: '${var:-xyz}', output: 'xyz' },
  {
    params: { stringZ: 'abcABC123ABCabc' },
    input: '${stringZ/%abc/XYZ}',
    output: 'abcABC123ABCXYZ',
  },
  {
    params: { stringZ: 'abcABC123ABCabc' },
    input: '${stringZ/#abc/XYZ}',
    output: 'XYZABC123ABCabc',
  },
  {
    params: { stringZ: 'abcABC123ABCabc' },
    input: '${stringZ//abc/xyz}',
    output: 'xyzABC123ABCxyz',
  },
  {
    params: { stringZ: 'abcABC123ABCabc' },
    input: '${stringZ/abc/xyz}',
    output: 'xyzABC123ABCabc',
  },
  { params: { filename: 'bash.string.txt' }, input: '${filename#*.}', output: 'string.txt' },
  { params: { filename: 'path/to/file' }, input: '${filename#*/}', output: 'to/file' },
  { params: { filename: '/path/to/file' }, input: '${filename#*/}', output: 'path/to/file' },
  { params: { filename: 'bash.string.txt' }, input: '${filename##*.}', output: 'txt' },
  { params: { filename: 'path/to/file' }, input: '${filename##*/}', output: 'file' },
  { params: { filename: '/path/to/file' }, input: '${filename##*/}', output: 'file' },
  { params: { filename: 'bash.string.txt' }, input: '${filename%.*}', output: 'bash.string' },
  { params: { filename: 'bash.string.txt' }, input: '${filename%%.*}', output: 'bash' },
  { params: { var01: 'abcdEFGH28ij' }, input: '${var=${var01^^}}', output: 'ABCDEFGH28IJ' },
  { params: { var01: 'abcdEFGH28ij' }, input: '$${var01}', output: '${var01}' },
  {
    params: { var01: 'abcdEFGH28ij' },
    input: 'some text ${var01}$${var$${var01}$var01${var01}',
    output: 'some text abcdEFGH28ij${var${var01}$var01abcdEFGH28ij',
  },
  {
    params: { default_var: 'foo' },
    input: 'something $${var=${default_var}}',
    output: 'something ${var=foo}',
  },
  { params: { stringZ: 'foo/bar' }, input: '${stringZ/\\//-}', output: 'foo-bar' },
  { params: { stringZ: 'foo/bar/baz' }, input: '${stringZ//\\//-}', output: 'foo-bar-baz' },
  { params: { stringZ: 'foo.bar' }, input: '${stringZ/./}', output: 'foobar' },
  // Flux-relevant: bare $var is left alone, unset vars become empty, `$` in replacement is literal.
  { params: { a: 'x' }, input: 'echo $a and ${a}', output: 'echo $a and x' },
  { params: {}, input: 'name: app-${missing}', output: 'name: app-' },
  { params: { v: 'a.b' }, input: '${v/./$&}', output: 'a$&b' },
];

describe('envsubst', () => {
  for (const c of cases) {
    it(`${c.input} -> ${c.output}`, () => {
      assert.equal(
        envsubst(c.input, (n) => c.params[n]),
        c.output,
      );
    });
  }

  for (const bad of ['${', '${var', '${ var}', '${var:=x', '${#}']) {
    it(`refuses malformed ${JSON.stringify(bad)}`, () => {
      assert.throws(() => envsubst(bad, () => undefined), /bad substitution/);
    });
  }

  it('strict mode fails on an unset variable without a default, naming it', () => {
    assert.throws(
      () => envsubst('x: ${nope}', () => undefined, { strict: true }),
      /variable not set \(strict mode\): "nope"/,
    );
    assert.equal(
      envsubst('x: ${nope:=d}', () => undefined, { strict: true }),
      'x: d',
    );
  });
});

describe('globMatch', () => {
  const table: [string, string, boolean][] = [
    ['*.', 'bash.', true],
    ['*.', 'bash', false],
    ['a?c', 'abc', true],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'bx', false],
    ['\\*', '*', true],
  ];
  for (const [p, n, want] of table)
    it(`${p} ~ ${n} is ${want}`, () => assert.equal(globMatch(p, n), want));
  it('a malformed pattern is undefined', () => assert.equal(globMatch('[abc', 'a'), undefined));
});
