/**
 * What yjs uses of `lib0/logging` in the browser build (vite.config.ts resolves yjs's import here): a few warnings
 * (a remote update reusing this doc's client id, a type read before it joined a doc). lib0's own module imports
 * lib0's DOM helpers and, with them, its schema library: about 3 kB gzip of the first screen's JavaScript for
 * those lines. tests/unit/yjs-logging.test.ts checks that every name yjs uses is here.
 */
export const BOLD = '';
export const UNBOLD = '';
export const RED = '';
export const ORANGE = '';

const text = (args: unknown[]) => args.filter((a) => typeof a === 'string' && a !== '').join('');

export const print = (...args: unknown[]): void => {
  console.warn(text(args));
};

export const warn = (...args: unknown[]): void => {
  console.warn(text(args));
};
