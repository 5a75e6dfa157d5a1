// Issue 14: the practice sandbox runs the real resident sync against the practice relay on the device: seeded cases
// to follow and rate, the learner's report moves on by itself, a reset starts again, and nothing goes to the network.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { indexOrg } from '../../../src/domain/org.ts';
import { ProfileStore } from '../../../src/storage/profiles.ts';
import { openPractice, practiceDbName, type PracticeHandle } from '../../../src/app/practice.ts';
import { STEP_MS } from '../../../src/sync/practicerelay.ts';
import { ORG, user } from '../domain/fixture.ts';
import { forbidNetwork } from './sandbox.ts';

let clock = Date.UTC(2026, 11, 6, 2);
const now = () => clock;
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
let handle: PracticeHandle | null = null;
const network = forbidNetwork();

afterEach(async () => {
  await handle?.stop();
  handle = null;
});

const open = (ns: string) => openPractice({ ns, trainer: user('trainer01'), org: { ...indexOrg(ORG), data: ORG }, learnerName: '王奶奶', now, random, refreshMs: 60_000 });
const rows = async (h: PracticeHandle) => h.session.queryCases({}, 0, 50);

describe('practice sandbox', () => {
  it('opens on a practice db with two seeded cases: one being handled, one closed waiting for a rating', async () => {
    handle = await open('t1');
    expect(practiceDbName('t1', 'trainer01')).toMatch(/^practice\./);
    const list = await rows(handle);
    expect(list.map((r) => r.status).sort()).toEqual(['closed', 'dispatched']);
    expect(handle.session.org.value?.data.villages.map((v) => v.name)).toEqual(['练习村']);
    expect(handle.session.user).toMatchObject({ role: 'resident', name: '王奶奶' });
    expect(network).not.toHaveBeenCalled();
  });

  it("the learner's report is sent to the practice relay and moves on one step per STEP_MS; a rating is taken", async () => {
    handle = await open('t2');
    const s = handle.session;
    const sub = ORG.subcategories[0]!.code;
    const d = await s.report({ category: sub, description: '门口的路坏了', location: { lat: 41.23, lng: 121.99 }, gridId: 'g9999' });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    await vi.waitFor(() => expect(handle!.relay.snapshot().cases[d.state.id], 'the outbox sent it to the practice relay').toBeDefined());
    expect((await s.getCase(d.state.id))?.status).toBe('reported');
    for (const status of ['accepted', 'dispatched', 'resolved', 'verified', 'closed']) {
      clock += STEP_MS;
      await s.api!('/api/cases/mine');
      // The app asks again on its own schedule; here the test's call moved the relay and the next sync shows it.
      expect(handle.relay.snapshot().cases[d.state.id]!.at(-1)!.type, status).toBe(status);
    }
    const closed = (await rows(handle)).find((r) => r.status === 'closed' && r.id !== d.state.id)!;
    const rated = await s.act(closed.id, { type: 'feedback', satisfaction: 'satisfied' });
    expect(rated.ok).toBe(true);
    expect(network).not.toHaveBeenCalled();
  });

  it('keeps the practice over a reopen, and a reset starts again from the seeded village', async () => {
    handle = await open('t3');
    const d = await handle.session.report({ category: ORG.subcategories[0]!.code, description: '练习上报', location: { lat: 41.23, lng: 121.99 }, gridId: 'g9999' });
    expect(d.ok).toBe(true);
    await vi.waitFor(async () => expect(await rows(handle!)).toHaveLength(3));
    await handle.stop();
    handle = await open('t3');
    expect(await rows(handle)).toHaveLength(3);
    await handle.reset();
    expect(await rows(handle)).toHaveLength(2);
  });

  it("is one of the trainer's databases on this device (sealed on a shared PC, removed with their data)", async () => {
    handle = await open('t4');
    const store = new ProfileStore('t4');
    expect(await store.dbNamesOf('trainer01')).toContain(practiceDbName('t4', 'trainer01'));
    expect(await store.dbNamesOf('trainer011')).not.toContain(practiceDbName('t4', 'trainer01'));
    store.close();
  });
});
