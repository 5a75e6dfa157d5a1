import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-server/**', 'node_modules/**', 'data/**', 'coverage/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain is pure: no DOM, storage, sync, UI or server imports.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['dexie', 'yjs', 'y-*', 'preact*', '@preact/*', 'node:*', '../sync/*', '../storage/*', '../app/*', '../features/*', '../ui/*'] }],
      'no-restricted-globals': ['error', 'window', 'document', 'indexedDB', 'localStorage', 'navigator'],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The domain takes time as a parameter.' }],
    },
  },
);
