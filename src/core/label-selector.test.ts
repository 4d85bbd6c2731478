// Tests of the one label-selector parser every layer uses (the local cluster's ?labelSelector=,
// kustomize's patch and replacement targets, webhook selectors).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlotillaError } from './errors.js';
import {
  labelSelectorRequirements,
  matchesLabels,
  parseLabelSelector,
  splitSelectorTerms,
} from './label-selector.js';

describe('parseLabelSelector', () => {
  // The common forms are tested where they are served (localcluster/selectors.test.ts); these
  // are the edges both of its users rely on.
  const cases: [string, Record<string, string>, boolean][] = [
    ['   ', { a: 'b' }, true],
    ['a in(x,y)', { a: 'x' }, true],
    ['a notin ( x , y )', { a: 'y' }, false],
    ['a=', { a: '' }, true],
    ['a!=', {}, true],
    ['toString', {}, false],
    ['k8s.io/part-of in (web,api),!skip', { 'k8s.io/part-of': 'api' }, true],
  ];
  for (const [sel, labels, want] of cases) {
    it(`${JSON.stringify(sel)} on ${JSON.stringify(labels)} is ${String(want)}`, () => {
      assert.equal(matchesLabels(parseLabelSelector(sel), labels), want);
    });
  }

  it('answers as apimachinery labels.Parse', () => {
    const errs: [string, string][] = [
      ['app===web', "unable to parse requirement: found '=', expected: identifier"],
      ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
      ['!a b', "found 'b', expected: ',' or 'end of string'"],
      ['a,', "found '', expected: identifier after ','"],
      ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
      ['a ~ b', "unable to parse requirement: found '~', expected: in, notin, =, ==, !=, gt, lt"],
      ['=x', "found '=', expected: !, identifier, or 'end of string'"],
    ];
    for (const [sel, message] of errs)
      assert.throws(() => parseLabelSelector(sel), { message }, sel);
    assert.equal(matchesLabels(parseLabelSelector('n>3,n<10'), { n: '5' }), true);
    assert.equal(matchesLabels(parseLabelSelector('n>3'), { n: 'x' }), false);
    assert.equal(matchesLabels(parseLabelSelector('a in (,x)'), { a: '' }), true);
  });

  it('names the part it cannot parse', () => {
    assert.throws(
      () => parseLabelSelector('a=b,a in x'),
      (e: unknown) =>
        e instanceof FlotillaError &&
        e.reason === 'InvalidLabelSelector' &&
        e.message === "unable to parse requirement: found 'x' expected: '('",
    );
  });

  it('splits terms outside parentheses only', () => {
    assert.deepEqual(splitSelectorTerms(' a in (x,y), b ,,c'), ['a in (x,y)', 'b', 'c']);
  });
});

describe('labelSelectorRequirements', () => {
  it('reads matchLabels and matchExpressions', () => {
    const reqs = labelSelectorRequirements({
      matchLabels: { a: 'b' },
      matchExpressions: [
        { key: 'c', operator: 'In', values: ['1', '2'] },
        { key: 'd', operator: 'DoesNotExist' },
        { key: 'e', operator: 'Exists' },
        { key: 'f', operator: 'NotIn', values: ['x'] },
      ],
    });
    assert.equal(matchesLabels(reqs, { a: 'b', c: '2', e: '' }), true);
    assert.equal(matchesLabels(reqs, { a: 'b', c: '3', e: '' }), false);
    assert.equal(matchesLabels(reqs, { a: 'b', c: '1', d: '', e: '' }), false);
    assert.equal(matchesLabels(reqs, { a: 'b', c: '1', e: '', f: 'x' }), false);
  });

  it('selects everything for anything that is not a selector', () => {
    for (const s of [undefined, null, 'a=b', [], 3])
      assert.deepEqual(labelSelectorRequirements(s), []);
  });
});
