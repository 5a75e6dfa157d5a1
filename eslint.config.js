import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Layering (README "Architecture", docs/DESIGN.md §2): which parts of src/ each layer may import.
 *   domain -> nothing; protocol -> domain; storage -> domain; sync -> domain, protocol, storage;
 *   app -> domain, sync, storage, ui (App.tsx, the composition root, and morescreens.tsx, its rarely opened
 *   screens, also mount the features);
 *   features -> app, domain, ui; ui -> nothing of src/; server/ -> src/domain, src/protocol.
 * A layer not allowed is refused in static imports, re-exports (type-only ones too) and dynamic `import()`.
 * A relative path is matched by the layer directory it reaches: `../sync/x.ts`, `../../sync/x.ts`, `../src/sync/x.ts`.
 */
const LAYERS = ['domain', 'protocol', 'storage', 'sync', 'app', 'features', 'ui'];
const MESSAGE = 'Layering: this layer may not import that one (README "Architecture", eslint.config.js).';

function layer(files, allowed, packages = [], ignores = []) {
  const forbidden = LAYERS.filter((l) => !allowed.includes(l));
  const regex = `(^|/)(\\.\\./)+(src/)?(${forbidden.join('|')})/`;
  const patterns = [{ regex, message: MESSAGE }];
  if (packages.length > 0) patterns.push({ group: packages, message: MESSAGE });
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      // no-restricted-imports does not look at import(): the same path rule for dynamic imports (no '/' in esquery regexes).
      'no-restricted-syntax': ['error', { selector: `ImportExpression > Literal[value=/${regex.replaceAll('/', '\\x2F')}/]`, message: MESSAGE }],
    },
  };
}

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
  // The domain is pure: no DOM, storage, sync, UI or server imports.
  layer(['src/domain/**/*.ts'], ['domain'], ['dexie', 'yjs', 'y-*', 'lib0', 'lib0/*', 'preact*', '@preact/*', 'node:*']),
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'indexedDB', 'localStorage', 'navigator'],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The domain takes time as a parameter.' }],
    },
  },
  // The wire protocol and the reading of docs, shared by the app's sync layer and the relay: Yjs and lib0, no DOM or Node.
  layer(['src/protocol/**/*.ts'], ['domain', 'protocol'], ['dexie', 'y-indexeddb', 'y-websocket', 'preact*', '@preact/*', 'node:*']),
  layer(['src/storage/**/*.ts'], ['domain', 'storage'], ['yjs', 'y-*', 'lib0', 'lib0/*', 'preact*', '@preact/*', 'node:*']),
  layer(['src/sync/**/*.ts'], ['domain', 'protocol', 'storage', 'sync'], ['preact', 'preact/*', 'node:*']),
  layer(['src/app/**/*.{ts,tsx}'], ['domain', 'storage', 'sync', 'app', 'ui'], ['node:*'], ['src/app/App.tsx', 'src/app/morescreens.tsx']),
  layer(['src/app/App.tsx', 'src/app/morescreens.tsx'], ['domain', 'storage', 'sync', 'app', 'ui', 'features'], ['node:*']),
  // Screens read signals and call the services of src/app/services.ts: no Dexie, no Yjs.
  layer(['src/features/**/*.{ts,tsx}'], ['domain', 'app', 'ui', 'features'], ['dexie', 'yjs', 'y-*', 'lib0', 'lib0/*', 'node:*']),
  layer(['src/ui/**/*.{ts,tsx}'], ['ui'], ['dexie', 'yjs', 'y-*', 'lib0', 'lib0/*', 'node:*']),
  // The relay imports only the domain and the protocol from src/.
  layer(['server/**/*.ts'], ['domain', 'protocol']),
);
