import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/', 'scratch/', '**/*.js', '!api/dashboard/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Workflow code is replayed: it must be deterministic, so no Node built-ins and no I/O modules.
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'test/fixtures/workflows/**/*.ts', 'bench/floor/*-workflow.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      // Type-only imports are erased at build time, so a workflow may name its activities' types.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow and domain code must not use Node built-ins.' })),
          patterns: [
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflows may import only @temporalio/workflow.' },
            { group: ['mongoose', 'axios', 'express', 'ws', 'pino', 'openai', '@deepgram/*'], message: 'Workflows do no I/O: use an activity.' },
            { group: ['**/db/**', '**/lib/**', '**/activities/**', '**/api/**', '**/media-server/**'], message: 'Workflows import only pure code from domain/.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The dashboard's browser script: plain JS served as is, so it is linted without type information.
    files: ['api/dashboard/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'script',
      parserOptions: { projectService: false },
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', CSS: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URLSearchParams: 'readonly', EventSource: 'readonly', Chart: 'readonly', console: 'readonly' },
    },
  },
);
