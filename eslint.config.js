import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The renderer runs sandboxed: it may use the contract, never Node or the backend core.
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', '**/src-main/core/**', '**/src-main/hosts/**', '**/src-main/sandbox/**', 'electron'], message: 'The renderer may import only src-main/contract.' }] }],
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/contract/**/*.ts'],
    rules: {
      // Dependencies point one way: hosts -> contract -> core. Core and contract never import a host.
      'no-restricted-imports': ['error', { patterns: [{ group: ['electron', '**/hosts/**'], message: 'core and contract must not depend on a host.' }] }],
    },
  },
  {
    // The sandbox handles arbitrary Kubernetes JSON, where `any` is the honest type.
    files: ['src-main/sandbox/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
