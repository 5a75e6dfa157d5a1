// Issue 15: Session.stamp (SyncEngine.stamp), the `at` of an administrator's reference change: from this device's
// persisted clock, strictly increasing, and after every change the org doc already holds (one made on a device
// whose clock is ahead included), so that the fold applies the new change after what the admin saw. The change
// then goes through the session's changeReference and lands in the org's fold.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { HLC_PATTERN } from '../../../src/domain/hlc.ts';
import { newId } from '../../../src/domain/ids.ts';
import { CHANGES_ARRAY } from '../../../src/domain/org.ts';
import { changeReference } from '../../../src/sync/refedit.ts';
import type { SyncEngine } from '../../../src/sync/engine.ts';
import { T0, USERS, freshNs, orgUpdate, seqRandom, testEngine } from './fixtures.ts';
import { seedLocalDoc } from './loopback.ts';

const running: SyncEngine[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

describe('stamp', () => {
  it('is an HLC after every change in the org doc, and increases', async () => {
    const user = USERS.admin!;
    const ns = freshNs('stamp');
    // A change by another admin whose clock was 10 s ahead of this device's.
    const ahead = T0 + 10_000;
    const d = new Y.Doc();
    Y.applyUpdate(d, orgUpdate());
    const other = { id: newId(ahead, seqRandom(9)), at: `${String(ahead)}:0007:other`, actor: 'admin', type: 'town.set', data: { id: 't09', name: '新镇', nameEn: '', center: [122, 41] } };
    d.getArray(CHANGES_ARRAY).push([other]);
    await seedLocalDoc(ns, user.id, 'org', Y.encodeStateAsUpdate(d));
    d.destroy();

    const e = testEngine(running, user, ns, { now: () => T0, online: () => false });
    const a = await e.stamp();
    const b = await e.stamp();
    expect(a).toMatch(HLC_PATTERN);
    expect(a > other.at).toBe(true);
    expect(b > a).toBe(true);

    // Stamped so, the next change folds after the other admin's: a village of its new town.
    const c = { id: newId(T0, seqRandom(3)), at: await e.stamp(), actor: 'admin', type: 'village.set', data: { id: 't09v01', townId: 't09', name: '新村', kind: 'village' } };
    expect(await e.writeOrg((doc) => changeReference(doc, c, user))).toEqual({ value: null });
    await new Promise<void>((resolve) => {
      const check = () => (e.org.peek()?.village('t09v01') ? resolve() : setTimeout(check, 10));
      check();
    });
  });
});
