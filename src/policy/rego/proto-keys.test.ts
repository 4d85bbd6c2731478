// `__proto__`, `constructor` and `prototype` as keys (issue 22, prototype pollution): pushed through
// input, data, rule heads, METADATA and every built-in that builds objects from keys — JSON and
// YAML unmarshalling, json.patch, object.union(_n), object.remove/filter/get/subset, json.filter/
// remove, urlquery, JSON Schema, JWT, graph, walk, comprehensions. Each result must equal opa's,
// and afterwards Object.prototype (and Array's, Function's) must be exactly as before.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { oracleSkip } from '../../testing/index.js';
import { OpaComparison } from './testing/opa-compare.js';
import type { Case } from './testing/opa-compare.js';

// JSON.stringify drops a literal `__proto__` key of an object literal: write the text by hand.
const INPUT_TEXT =
  '{"__proto__": {"polluted": "input"}, "constructor": {"prototype": {"polluted": "input"}},' +
  ' "prototype": {"polluted": "input"}, "nested": {"__proto__": {"x": 1}, "toString": "no"}}';
const DATA_TEXT =
  '{"cfg": {"__proto__": {"polluted": "data"}, "constructor": {"prototype": {"polluted": "data"}}}}';

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

const JWT =
  `${b64url('{"alg":"HS256","typ":"JWT","__proto__":{"x":1}}')}.` +
  `${b64url('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"sub":"a"}')}.` +
  'c2lnbmF0dXJl';

const q = (name: string, query: string, more: Partial<Case> = {}): Case => ({
  name,
  query,
  input: INPUT_TEXT,
  data: DATA_TEXT,
  ...more,
});

const CASES: readonly Case[] = [
  q('input as a whole', 'input'),
  q('data as a whole', 'data.cfg'),
  q(
    'references through the keys',
    '[input.__proto__, input.constructor.prototype, input.prototype.polluted]',
  ),
  q(
    'keys that are not there',
    '[object.get({}, "__proto__", "d"), object.get({}, ["constructor", "prototype"], "d"), object.get({}, "toString", "d")]',
  ),
  q('object.keys and count', '[object.keys(input), count(input.nested)]'),
  q(
    'json.unmarshal',
    'json.unmarshal(`{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "a": {"__proto__": 2}}`)',
  ),
  q(
    'yaml.unmarshal',
    'yaml.unmarshal("__proto__:\\n  polluted: 1\\nconstructor:\\n  prototype:\\n    polluted: 1\\nprototype: 3\\n")',
  ),
  q(
    'json.patch add',
    'json.patch({}, [{"op": "add", "path": "/__proto__", "value": {"polluted": 1}}, {"op": "add", "path": "/__proto__/polluted2", "value": 2}, {"op": "add", "path": "/constructor", "value": {"prototype": {}}}, {"op": "add", "path": "/constructor/prototype/polluted", "value": 3}])',
  ),
  q(
    'json.patch copy, move, remove, replace, test',
    'json.patch(input, [{"op": "copy", "from": "/__proto__", "path": "/b"}, {"op": "move", "from": "/constructor", "path": "/c"}, {"op": "remove", "path": "/prototype"}, {"op": "replace", "path": "/nested/__proto__", "value": 9}, {"op": "test", "path": "/b/polluted", "value": "input"}])',
  ),
  q(
    'json.patch into a missing parent',
    'json.patch({"a": 1}, [{"op": "add", "path": "/__proto__/polluted", "value": 1}])',
  ),
  q(
    'object.union',
    'object.union({"__proto__": {"a": 1}, "constructor": {"prototype": {"a": 1}}}, {"__proto__": {"b": 2}, "constructor": {"prototype": {"b": 2}}})',
  ),
  q(
    'object.union_n',
    'object.union_n([input, {"__proto__": {"c": 3}}, {"prototype": {"polluted": "later"}}])',
  ),
  q('object.remove', 'object.remove(input, ["__proto__", "constructor"])'),
  q('object.filter', 'object.filter(input, {"__proto__", "prototype"})'),
  q(
    'object.subset',
    '[object.subset(input, {"__proto__": {}}), object.subset(input, {"__proto__": {"polluted": "input"}})]',
  ),
  q(
    'json.filter',
    'json.filter(input, ["__proto__/polluted", "constructor/prototype", "nested/__proto__"])',
  ),
  q('json.remove', 'json.remove(input, ["__proto__/polluted", "constructor", "nested/toString"])'),
  q('json.marshal and yaml.marshal', '[json.marshal(input), yaml.marshal(input)]'),
  q(
    'urlquery objects',
    '[urlquery.decode_object("__proto__=a&constructor=b&prototype=c&__proto__=d"), urlquery.encode_object({"__proto__": "a", "constructor": ["b", "c"]})]',
  ),
  q(
    'JSON Schema: required and properties named like Object.prototype members',
    '[json.match_schema({}, {"required": ["constructor", "__proto__", "toString"]}), json.match_schema({"__proto__": 1}, {"properties": {"__proto__": {"type": "string"}, "constructor": {"type": "string"}}}), json.verify_schema({"properties": {"__proto__": {"type": "integer"}}})]',
  ),
  q(
    'JSON Schema: format and dependencies named like Object.prototype members',
    '[json.match_schema({"a": "x"}, {"properties": {"a": {"type": "string", "format": "constructor"}}}), json.match_schema({"toString": 1}, {"dependencies": {"toString": ["constructor"]}})]',
  ),
  q('object comprehension and walk', '[{k: v | v := input[k]}, [p | walk(input, [p, _])]]'),
  q('sprintf of such an object', 'sprintf("%v", [input])'),
  q('io.jwt.decode of a token with such claims', `io.jwt.decode("${JWT}")`),
  q(
    'io.jwt.encode_sign with such header and claims',
    'io.jwt.encode_sign({"alg": "HS256", "__proto__": {"x": 1}}, {"constructor": {"prototype": 1}, "__proto__": 2}, {"kty": "oct", "k": "c2VjcmV0"})',
  ),
  q(
    'graph.reachable and walk over such keys',
    '[graph.reachable({"__proto__": ["constructor"], "constructor": ["prototype"], "prototype": []}, ["__proto__"]), graph.reachable_paths({"__proto__": ["constructor"], "constructor": []}, ["__proto__"])]',
  ),
  q(
    'time and duration lookups by such names are undefined',
    '[x | x := time.parse_ns("constructor", "constructor")], [y | y := time.parse_duration_ns("1constructor")]',
  ),
  q(
    'time layouts and zones named like Object.prototype members',
    '[x | x := time.format([0, "__proto__"])]',
  ),
  q(
    'with replacing data and input under such keys',
    'data.cfg with data.cfg.__proto__ as {"p": 1} with input.constructor as 2',
  ),
  {
    name: 'rules and object rules with such names',
    module:
      'package t\np[k] = 1 { k := "__proto__" }\np[k] = 2 { k := "constructor" }\nconstructor := {"prototype": 1}\nprototype[x] { x := "__proto__" }',
    query: 'data.t',
  },
  {
    name: 'METADATA with such keys',
    module:
      'package t\n# METADATA\n# title: t\n# custom:\n#   __proto__:\n#     polluted: 1\n#   constructor:\n#     prototype: 2\np := rego.metadata.rule()',
    query: 'data.t.p',
  },
];

function prototypes(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((p) =>
      Object.getOwnPropertyNames(p)
        .sort()
        .map((n) => `${n}:${typeof Object.getOwnPropertyDescriptor(p, n)?.value}`)
        .join(','),
    )
    .join('|');
}

describe('__proto__, constructor and prototype keys', { skip: oracleSkip('opa') }, () => {
  const compare = new OpaComparison();
  let before0 = '';
  before(() => {
    before0 = prototypes();
  });
  after(() => compare.dispose());

  for (const c of CASES) {
    test(c.name, () => {
      const r = compare.run(c);
      assert.ok(r.same, r.report);
    });
  }

  test('Object.prototype and its kin are untouched', () => {
    assert.equal(prototypes(), before0);
    const probe: Record<string, unknown> = {};
    assert.equal(probe['polluted'], undefined);
    assert.equal(probe['polluted2'], undefined);
  });
});
