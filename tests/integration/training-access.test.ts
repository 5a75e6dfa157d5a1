// Issue 14: who may open a town's training doc (403 at the upgrade), what the relay accepts into it (trainers only,
// their own actor, learners of the doc's own town), and the practice sandbox's names, refused whoever asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/events.ts';
import { recordEvent, api, login, seedFixture, startTestServer, SyncClient, tempDir, upgradeStatus, type TestServer } from './relay-harness.ts';

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
let learners = 0;
const ev = recordEvent;
const ws = (doc: string, who: string) => `${server.wsBase}/sync/${doc}?token=${tokens[who]}`;
const learner = (actor: string, villageId = 't01v01', learnerId = `L${++learners}`) =>
  ev('learner_saved', actor, { learnerId, name: '王奶奶', villageId, ageBand: '70s', consent: 'verbal' });

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, []);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['trainer01', 'town01', 'town02', 'st01v01', 'w0001', 'county', 'resident01', 'admin']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

describe('training docs: access', () => {
  it("the town's trainer, center, secretaries and the county open training.t01; others get 403; practice names 403 for all", async () => {
    for (const who of ['w0001', 'town02', 'resident01']) expect(await upgradeStatus(ws('training.t01', who)), who).toBe(403);
    for (const who of ['trainer01', 'town01', 'st01v01', 'county']) {
      const c = new SyncClient(server.wsBase, 'training.t01', tokens[who]!);
      await c.synced(`${who} sync`);
      c.destroy();
    }
    expect(await upgradeStatus(ws('training.t99', 'trainer01'))).toBe(404);
    for (const who of ['trainer01', 'admin']) expect(await upgradeStatus(ws('practice.trainer01', who)), who).toBe(403);
  });

  it('/api/me lists training.t01 for the trainer (write) and the town center (read)', async () => {
    const docs = async (who: string) => ((await api(server.url, '/api/me', { token: tokens[who]! })).body as { docs: Array<{ name: string; access: string }> }).docs;
    expect(await docs('trainer01')).toContainEqual({ name: 'training.t01', access: 'write' });
    expect(await docs('town01')).toContainEqual({ name: 'training.t01', access: 'read' });
    expect((await docs('w0001')).map((d) => d.name)).not.toContain('training.t01');
  });
});

describe('training docs: what the relay accepts', () => {
  it("takes a trainer's learner and session, and another reader sees them", async () => {
    const c = new SyncClient(server.wsBase, 'training.t01', tokens.trainer01!);
    await c.synced();
    const l = learner('trainer01', 't01v01', 'LA');
    c.append(l);
    c.append(ev('session_recorded', 'trainer01', { learnerId: 'LA', startedMs: Date.now(), minutes: 20, skills: [{ skill: 'report_photo', level: 'helped', attempts: 2, mistakes: 1 }] }));
    await c.allSaved();
    c.destroy();
    const r = new SyncClient(server.wsBase, 'training.t01', tokens.town01!);
    await r.synced();
    const seen = r.doc.getArray('events').toArray() as Array<{ type: string }>;
    expect(seen.map((e) => e.type)).toEqual(['learner_saved', 'session_recorded']);
    r.destroy();
  });

  it('refuses an insider: a reader writing, a forged actor, a learner of another town, a malformed event', async () => {
    const cases: Array<[who: string, value: unknown, code: string]> = [
      ['town01', learner('town01'), 'read_only'],
      ['trainer01', learner('town01'), 'forged_actor'],
      ['trainer01', learner('trainer01', 't02v01'), 'invalid_event'],
      ['trainer01', { ...learner('trainer01'), data: { name: 'x' } }, 'invalid_event'],
    ];
    for (const [who, value, code] of cases) {
      const c = new SyncClient(server.wsBase, 'training.t01', tokens[who]!);
      await c.synced();
      const refused = c.refused();
      c.append(value as CaseEvent);
      expect((await refused).code, `${who} ${code}`).toBe(code);
      c.destroy();
    }
    const r = new SyncClient(server.wsBase, 'training.t01', tokens.county!);
    await r.synced();
    expect(r.doc.getArray('events').length, 'nothing refused was kept').toBe(2);
    r.destroy();
  });
});
