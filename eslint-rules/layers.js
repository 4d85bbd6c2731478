// ESLint rule that keeps Flotilla's layering true: each folder under src/ may import only
// the folders it depends on (see ARCHITECTURE.md), and only through their index.ts.
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * Which layers each layer may import. Keep in step with ARCHITECTURE.md.
 * @type {Record<string, readonly string[]>}
 */
export const ALLOWED = {
  core: [],
  kube: ['core'],
  cel: ['core'],
  localcluster: ['core', 'cel'],
  source: ['core'],
  render: ['core'],
  apply: ['core', 'kube', 'render'],
  controller: ['core', 'kube', 'source', 'render', 'apply'],
  policy: ['core', 'kube', 'render', 'cel'],
  tower: ['core', 'kube', 'source', 'render', 'apply', 'controller', 'policy', 'cel'],
  cli: [
    'core',
    'cel',
    'kube',
    'localcluster',
    'source',
    'render',
    'apply',
    'controller',
    'policy',
    'tower',
  ],
  // Helpers shared by tests (oracles, a real kube-apiserver, polling, test servers). Not shipped:
  // product code may not import it (no product layer lists it); tests may (TEST_EXTRA).
  testing: [
    'core',
    'cel',
    'kube',
    'localcluster',
    'source',
    'render',
    'apply',
    'controller',
    'policy',
  ],
};

/** Layers that tests and benchmarks may import on top of their own layer's allowance. */
const TEST_EXTRA = ['localcluster', 'kube', 'core', 'testing'];

/**
 * The layer a file belongs to and its path inside src/, or undefined outside src/.
 * @param {string} file absolute path
 * @param {string} srcRoot absolute path of src/
 */
export function layerOf(file, srcRoot) {
  const rel = relative(srcRoot, file);
  if (rel.startsWith('..') || rel === '') return undefined;
  const [layer, ...rest] = rel.split(sep);
  return layer === undefined ? undefined : { layer, rest: rest.join('/') };
}

/**
 * Whether a file is test code, which the build leaves out: a test or benchmark, or anything in a
 * `testing/` folder (src/testing/ and a layer's own testing/ folders).
 * @param {string} file
 */
export function isTestCode(file) {
  return /\.(test|bench)\.[cm]?[jt]s$/.test(file) || /[/\\]testing([/\\]|$)/.test(file);
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'enforce the one-way dependencies between src/ layers' },
    schema: [
      {
        type: 'object',
        properties: { srcRoot: { type: 'string' } },
        additionalProperties: false,
      },
    ],
    messages: {
      wrongWay:
        "layer '{{from}}' must not import layer '{{to}}' (allowed: {{allowed}}); see ARCHITECTURE.md",
      notIndex: "import another layer through its index: use '{{suggest}}' instead of '{{source}}'",
      unknownLayer: "'{{layer}}' is not a known layer under src/; add it to eslint-rules/layers.js",
      testOnly:
        "product code must not import test code '{{source}}' (src/testing/, a testing/ folder or a *.test file): the build does not ship it",
    },
  },
  create(context) {
    const options = context.options[0] ?? {};
    const srcRoot = resolve(context.cwd, options.srcRoot ?? 'src');
    const filename = context.filename;
    const from = layerOf(filename, srcRoot);
    const isTest = isTestCode(filename);

    /** @param {import('estree').Node & { source?: { value?: unknown } | null }} node */
    function check(node) {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(filename), source);
      const to = layerOf(target, srcRoot);
      if (!to) return;
      if (from && !isTest && isTestCode(target)) {
        context.report({ node, messageId: 'testOnly', data: { source } });
        return;
      }
      if (!from) {
        // Code outside src/ (bench, scripts) may import any layer, through its index.
        if (to.rest !== 'index.js' && to.rest !== 'index.ts') {
          context.report({
            node,
            messageId: 'notIndex',
            data: {
              source,
              suggest: `${source.slice(0, source.lastIndexOf(to.layer) + to.layer.length)}/index.js`,
            },
          });
        }
        return;
      }
      if (from.layer === to.layer) return;
      const allowed = ALLOWED[from.layer];
      if (!allowed) {
        context.report({ node, messageId: 'unknownLayer', data: { layer: from.layer } });
        return;
      }
      const ok = allowed.includes(to.layer) || (isTest && TEST_EXTRA.includes(to.layer));
      if (!ok) {
        context.report({
          node,
          messageId: 'wrongWay',
          data: { from: from.layer, to: to.layer, allowed: allowed.join(', ') || 'none' },
        });
        return;
      }
      if (to.rest !== 'index.js' && to.rest !== 'index.ts') {
        const idx = source.lastIndexOf(to.layer);
        context.report({
          node,
          messageId: 'notIndex',
          data: { source, suggest: `${source.slice(0, idx + to.layer.length)}/index.js` },
        });
      }
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { layers: layersRule } };
