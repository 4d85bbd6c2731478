// ESLint 9 flat config: type-aware typescript-eslint rules plus Flotilla's layering rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import flotilla from './eslint-rules/layers.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.flotilla/',
      'coverage/',
      '**/testdata/**',
      'src/tower/web/vendor/**',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.tools.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The browser app has its own compiler settings (DOM, JSX, bundler resolution).
    files: ['src/tower/web/**/*.ts', 'src/tower/web/**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: './src/tower/web/tsconfig.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    plugins: { flotilla },
    rules: { 'flotilla/layers': 'error' },
  },
  {
    // The shipped CLI runs its bundle from a V8 code cache, where import() has no loader: esbuild
    // bundles import() of the project's own modules, but one of a package would fail at run time.
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/testing/**', '**/testing/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportExpression:not([source.type='Literal'][source.value=/^\\.\\.?\\//])",
          message:
            "a dynamic import() of a package fails in the shipped bundle; load it with core's lazyRequire",
        },
      ],
    },
  },
  {
    // Reconcile paths never block the event loop: one synchronous file or process call stalls
    // every other reconcile, watch and health probe of the controller (issue 24).
    files: [
      'src/controller/**/*.ts',
      'src/apply/**/*.ts',
      'src/source/**/*.ts',
      'src/render/flux/**/*.ts',
    ],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:fs', 'fs', 'node:child_process', 'child_process'],
              importNamePattern: 'Sync$',
              message:
                'no synchronous file system or child process calls in reconcile paths: use node:fs/promises or spawn',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
