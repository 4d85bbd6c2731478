// Table tests of JSON patch (RFC 6902 appendix A examples) and JSON merge patch (RFC 7386 appendix A).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, applyMergePatch, PatchError } from './index.js';

type Obj = Record<string, unknown>;
const jsonPatchCases: { name: string; doc: Obj; patch: unknown; want?: Obj; error?: RegExp }[] = [
  {
    name: 'A.1 add an object member',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux' }],
    want: { baz: 'qux', foo: 'bar' },
  },
  {
    name: 'A.2 add an array element',
    doc: { foo: ['bar', 'baz'] },
    patch: [{ op: 'add', path: '/foo/1', value: 'qux' }],
    want: { foo: ['bar', 'qux', 'baz'] },
  },
  {
    name: 'A.3 remove an object member',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'remove', path: '/baz' }],
    want: { foo: 'bar' },
  },
  {
    name: 'A.4 remove an array element',
    doc: { foo: ['bar', 'qux', 'baz'] },
    patch: [{ op: 'remove', path: '/foo/1' }],
    want: { foo: ['bar', 'baz'] },
  },
  {
    name: 'A.5 replace a value',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'replace', path: '/baz', value: 'boo' }],
    want: { baz: 'boo', foo: 'bar' },
  },
  {
    name: 'A.6 move a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    patch: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  {
    name: 'A.7 move an array element',
    doc: { foo: ['all', 'grass', 'cows', 'eat'] },
    patch: [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    want: { foo: ['all', 'cows', 'eat', 'grass'] },
  },
  {
    name: 'A.8 test success',
    doc: { baz: 'qux', foo: ['a', 2, 'c'] },
    patch: [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    want: { baz: 'qux', foo: ['a', 2, 'c'] },
  },
  {
    name: 'A.9 test failure',
    doc: { baz: 'qux' },
    patch: [{ op: 'test', path: '/baz', value: 'bar' }],
    error: /testing value \/baz failed/,
  },
  {
    name: 'A.10 add nested member',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/child', value: { grandchild: {} } }],
    want: { foo: 'bar', child: { grandchild: {} } },
  },
  {
    name: 'A.12 add to nonexistent target',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz/bat', value: 'qux' }],
    error: /add operation 0 on path "\/baz\/bat".*missing path/,
  },
  {
    name: 'A.14 ~ escape ordering',
    doc: { '/': 9, '~1': 10 },
    patch: [{ op: 'test', path: '/~01', value: 10 }],
    want: { '/': 9, '~1': 10 },
  },
  {
    name: 'A.15 comparing strings and numbers',
    doc: { '/': 9, '~1': 10 },
    patch: [{ op: 'test', path: '/~01', value: '10' }],
    error: /test failed/,
  },
  {
    name: 'A.16 add an array value',
    doc: { foo: ['bar'] },
    patch: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
    want: { foo: ['bar', ['abc', 'def']] },
  },
  {
    name: 'copy',
    doc: { a: { b: 1 } },
    patch: [{ op: 'copy', from: '/a', path: '/c' }],
    want: { a: { b: 1 }, c: { b: 1 } },
  },
  {
    name: 'replace missing key fails',
    doc: { a: 1 },
    patch: [{ op: 'replace', path: '/b', value: 2 }],
    error: /replace operation 0 on path "\/b".*missing/,
  },
  {
    name: 'remove missing key fails',
    doc: { a: 1 },
    patch: [{ op: 'remove', path: '/spec/replicas' }],
    error: /remove operation 0 on path "\/spec\/replicas"/,
  },
  {
    name: 'index out of bounds',
    doc: { a: [1] },
    patch: [{ op: 'add', path: '/a/5', value: 2 }],
    error: /out of bounds/,
  },
  { name: 'unknown op', doc: {}, patch: [{ op: 'frob', path: '/a' }], error: /unknown op "frob"/ },
  { name: 'not an array', doc: {}, patch: { op: 'add' }, error: /must be a JSON array/ },
  { name: 'missing value', doc: {}, patch: [{ op: 'add', path: '/a' }], error: /has no "value"/ },
  {
    name: 'move into own child',
    doc: { a: { b: {} } },
    patch: [{ op: 'move', from: '/a', path: '/a/b/c' }],
    error: /its children/,
  },
  {
    name: 'kubectl-style test-and-set on a Deployment',
    doc: {
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'a:1' }] } } },
    },
    patch: [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'a:2' },
    ],
    want: {
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'c', image: 'a:2' }] } } },
    },
  },
];

describe('applyJsonPatch', () => {
  for (const c of jsonPatchCases) {
    it(c.name, () => {
      const before = structuredClone(c.doc);
      if (c.error) {
        assert.throws(
          () => applyJsonPatch(c.doc, c.patch),
          (e: unknown) => e instanceof PatchError && c.error!.test(e.message),
        );
      } else {
        assert.deepEqual(applyJsonPatch(c.doc, c.patch), c.want);
      }
      assert.deepEqual(c.doc, before, 'input must not be mutated');
    });
  }
  it('answers 400 for an undecodable patch and 422 for one that does not apply', () => {
    assert.throws(
      () => applyJsonPatch({}, {}),
      (e: unknown) => e instanceof PatchError && e.status === 400,
    );
    assert.throws(
      () => applyJsonPatch({}, [{ op: 'remove', path: '/a' }]),
      (e: unknown) => e instanceof PatchError && e.status === 422,
    );
  });
  it('leaves no partial result when a later operation fails', () => {
    const doc = { a: 1 };
    assert.throws(
      () =>
        applyJsonPatch(doc, [
          { op: 'replace', path: '/a', value: 2 },
          { op: 'test', path: '/a', value: 1 },
        ]),
      PatchError,
    );
    assert.deepEqual(doc, { a: 1 });
  });
});

// RFC 7386 appendix A, restricted to object documents and object patches.
const mergeCases: { target: Obj; patch: Obj; want: Obj }[] = [
  { target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { target: { a: 'b' }, patch: { a: null }, want: {} },
  { target: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { target: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { target: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  { target: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
  { target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { target: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { target: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
  { target: { a: 'foo' }, patch: { a: { bb: null } }, want: { a: {} } },
];

describe('applyMergePatch', () => {
  mergeCases.forEach((c, i) => {
    it(`RFC 7386 A.${i + 1}: ${JSON.stringify(c.patch)}`, () => {
      const before = structuredClone(c.target);
      const got = applyMergePatch(c.target, c.patch);
      assert.deepEqual(got, c.want);
      assert.deepEqual(c.target, before);
    });
  });
  it('result shares no structure with the input', () => {
    const target = { metadata: { labels: { a: '1' } }, spec: { x: [1] } };
    const got = applyMergePatch(target, { data: 1 });
    (got.spec as { x: number[] }).x.push(2);
    assert.deepEqual(target.spec.x, [1]);
  });
  it('rejects a non-object patch', () => {
    assert.throws(() => applyMergePatch({}, [1]), /must be a JSON object, got an array/);
  });
});
