// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Layers point one way: composition -> modules -> infrastructure (test/architecture/layers.unit.spec.ts checks the same). */
const upwards = (layers, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ regex: `^((\\.\\./)+|src/)(${layers.join('|')})(/|$)`, message: why }] }],
});

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests, benchmarks and scripts read the gateway's JSON answers untyped (`body.code`, `body.items[0]`): typing
    // every answer there is a fixtures task of its own. In src an `any` is an error.
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // scripts/built.mjs runs on Node before anything is compiled: plain JavaScript with Node's globals.
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['src/infrastructure/**'],
    rules: upwards(['modules', 'composition'], 'infrastructure knows no module and no composition root: let the module or src/composition hand it what it needs.'),
  },
  {
    files: ['src/modules/**'],
    rules: upwards(['composition'], 'a module does not reach up into the composition root.'),
  },
  // Last: turns off the stylistic rules Prettier owns (e.g. no-unexpected-multiline on its chained calls).
  prettier,
);
