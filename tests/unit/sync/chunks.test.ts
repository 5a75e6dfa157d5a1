// splitUpdate (src/protocol/chunks.ts): slices of a big update give exactly the doc of the whole update, in any order.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { splitUpdate } from '../../../src/protocol/chunks.ts';

function bigDoc(): Y.Doc {
  const a = new Y.Doc();
  a.clientID = 1;
  a.getArray('events').push(Array.from({ length: 3000 }, (_, i) => ({ id: `e${i}`, caseId: `c${i % 500}`, data: { description: '村口路灯损坏，夜间出行不便', i } })));
  const b = new Y.Doc();
  b.clientID = 2;
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  b.getArray('events').insert(100, [{ x: 1 }, { x: 2 }]);
  b.getArray('events').push([{ y: 1 }]);
  b.getMap('m').set('k', 'v');
  b.getMap('m').set('k', 'w');
  b.getArray('events').delete(7, 3);
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
  return a;
}

describe('splitUpdate', () => {
  it('returns a small update whole', () => {
    const u = Y.encodeStateAsUpdate(new Y.Doc());
    expect(splitUpdate(u, 1024)).toEqual([u]);
  });

  it('cuts a big update into slices of about the asked size that rebuild the same doc in any order', () => {
    const a = bigDoc();
    const full = Y.encodeStateAsUpdate(a);
    const slices = splitUpdate(full, 16 * 1024);
    expect(slices.length).toBeGreaterThan(10);
    for (const s of slices) expect(s.length).toBeLessThan(24 * 1024);
    for (const order of [slices, [...slices].reverse()]) {
      const c = new Y.Doc();
      for (const s of order) Y.applyUpdate(c, s);
      expect(c.getArray('events').toJSON()).toEqual(a.getArray('events').toJSON());
      expect(c.getMap('m').toJSON()).toEqual({ k: 'w' });
      expect(Y.encodeStateVector(c)).toEqual(Y.encodeStateVector(a));
      expect(c.store.pendingStructs).toBeNull();
    }
  });
});
