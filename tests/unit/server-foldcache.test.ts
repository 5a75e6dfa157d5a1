// server/foldcache.ts: a stored doc's fold is kept while the doc's content key and the salt are unchanged (an
// unchanged doc is neither loaded nor folded again), folded again when either changes, and the cache stays bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cachedFolds } from '../../server/foldcache.ts';
import type { HttpContext } from '../../server/http.ts';
import { Store } from '../../server/store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeCtx() {
  const keys = new Map<string, number>();
  const loads: string[] = [];
  const store = {
    contentKeys: (names: readonly string[]) => new Map(names.map((n) => [n, `w${keys.get(n) ?? 0}`])),
    hasDoc: (name: string) => keys.has(name),
  };
  const relay = {
    withDoc: async (name: string, fn: (d: { getArray(): { toArray(): unknown[] } }) => unknown) => {
      loads.push(name);
      return fn({ getArray: () => ({ toArray: () => [`${name}@${keys.get(name)}`] }) });
    },
  };
  return { ctx: { store, relay } as unknown as HttpContext, keys, loads };
}

describe('cachedFolds', () => {
  it('folds a doc once while it is unchanged; again after a write or with another salt', async () => {
    const { ctx, keys, loads } = fakeCtx();
    keys.set('a', 1).set('b', 1);
    let folds = 0;
    const fold = (events: unknown[] | null) => (folds++, events?.[0] ?? 'never written');
    expect([...(await cachedFolds(ctx, 'k', ['a', 'b', 'c'], 's1', fold))]).toEqual([['a', 'a@1'], ['b', 'b@1'], ['c', 'never written']]);
    expect(loads).toEqual(['a', 'b']);
    expect(folds).toBe(3);
    await cachedFolds(ctx, 'k', ['a', 'b', 'c'], 's1', fold);
    expect(loads, 'nothing loaded again').toEqual(['a', 'b']);
    expect(folds).toBe(3);
    keys.set('b', 2);
    expect((await cachedFolds(ctx, 'k', ['a', 'b'], 's1', fold)).get('b')).toBe('b@2');
    expect(loads).toEqual(['a', 'b', 'b']);
    await cachedFolds(ctx, 'k', ['a'], 's2', fold);
    expect(loads, 'another salt (the task log changed)').toEqual(['a', 'b', 'b', 'a']);
    await cachedFolds(ctx, 'other', ['a'], 's2', fold);
    expect(loads, 'another kind of fold').toEqual(['a', 'b', 'b', 'a', 'a']);
  });
});

describe('Store.contentKeys (SQLite)', () => {
  it('changes with every write to the doc, not with compaction, nor with writes to other docs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridlink-keys-'));
    dirs.push(dir);
    const store = new Store(dir);
    try {
      const update = (n: number) => {
        const d = new Y.Doc();
        d.getArray('events').push([n]);
        return Y.encodeStateAsUpdate(d);
      };
      const key = () => store.contentKeys(['a']).get('a');
      const k0 = key();
      store.appendUpdate('a', update(1));
      const k1 = key();
      expect(k1).not.toBe(k0);
      store.appendUpdate('b', update(2));
      expect(key(), 'another doc').toBe(k1);
      store.compact('a');
      expect(key(), 'compaction merges what is there').toBe(k1);
      store.appendUpdate('a', update(3));
      expect(key()).not.toBe(k1);
    } finally {
      store.close();
    }
  });
});
