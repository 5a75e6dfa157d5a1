/**
 * The browser build resolves yjs's `lib0/logging` import to src/shims/lib0-logging.ts (vite.config.ts). Every name
 * yjs reads from it must be there, or that warning would throw (a yjs upgrade that uses another name fails here).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as shim from '../../src/shims/lib0-logging.ts';

describe('lib0/logging shim for yjs', () => {
  it('exports every name yjs uses', () => {
    const require = createRequire(import.meta.url);
    const yjs = readFileSync(require.resolve('yjs').replace(/yjs\.cjs$/, 'yjs.mjs'), 'utf8');
    expect(yjs).toMatch(/import \* as logging from 'lib0\/logging'/);
    const used = new Set([...yjs.matchAll(/\blogging\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(0);
    const missing = [...used].filter((name) => !(name in shim));
    expect(missing).toEqual([]);
  });
});
