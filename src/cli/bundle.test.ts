// The bundle the shipped CLI runs has no dynamic import() (issue 22, item 11): bin/flotilla.js runs
// it from a V8 code cache with no module loader behind it, where import() fails at run time
// ("A dynamic import callback was not specified"). esbuild turns import() of bundled modules into
// require(); one of a package left external survives, so product code loads packages with core's
// lazyRequire. The check parses the built bundle and walks its syntax tree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { shippedCli } from '../testing/index.js';

/** Every dynamic import() in a script, with its line and the text of its argument. */
function dynamicImports(file: string): { line: number; argument: string }[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const found: { line: number; argument: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push({ line: line + 1, argument: node.arguments[0]?.getText(source) ?? '' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the shipped bundle', () => {
  it('holds no dynamic import()', async () => {
    const bundle = join(dirname(await shippedCli()), '..', 'dist', 'bundle', 'flotilla.cjs');
    assert.deepEqual(dynamicImports(bundle), []);
  });

  it('the check finds a dynamic import() where there is one', () => {
    const probe = join(
      dirname(new URL(import.meta.url).pathname),
      'testdata',
      'dynamic-import.cjs',
    );
    assert.deepEqual(dynamicImports(probe), [{ line: 2, argument: '"openpgp"' }]);
  });
});
