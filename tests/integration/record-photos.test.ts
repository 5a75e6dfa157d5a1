// Issue 17: photos of patrol check-ins (patrols.<gridId>) and of task answers (taskanswers.<gridId>) on a real relay
// (port 0) with insiders holding valid tokens. A blob named by an accepted event of such a doc, by its uploader, is
// served to every reader of that doc (docAccess: gridWorkAccess / patrolsAccess); to anyone else the relay answers
// 404, the same as for a blob that does not exist. Naming someone else's blob opens nothing. The references are
// indexed like a case's, so GC keeps the blobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/events.ts';
import { grid, worker } from '../support/county.ts';
import { getBlob, jpeg, png, sha, upload } from './blob-harness.ts';
import { appendAs, refusedAs, FIXTURE_ORG, login, recordEvent as ev, seedFixture, startTestServer, SyncClient, tempDir, type TestServer } from './relay-harness.ts';

const DAY = 86_400_000;
const WHO = ['w0001', 'w0002', 'w0003', 'town01', 'town02', 'st01v01', 'county', 'unit001', 'resident01'] as const;
let server: TestServer;
let now = Date.now();
const tmp = tempDir('gridlink-recphotos-');
const tokens: Record<string, string> = {};
const fix = () => ({ lat: 41.12, lng: 122.07, accuracyM: 12, fixMs: Date.now() });

const write = (doc: string, who: string, ...values: unknown[]) => appendAs(server.wsBase, doc, tokens[who]!, ...values);
const refusedCode = (doc: string, who: string, value: unknown) => refusedAs(server.wsBase, doc, tokens[who]!, value);
const statusOf = async (who: string, hash: string) => (await getBlob(server.url, tokens[who]!, hash)).status;
/** Upload as `who`; returns its hash. */
async function put(who: string, bytes: Uint8Array): Promise<string> {
  expect((await upload(server.url, tokens[who]!, bytes)).status).toBe(201);
  return sha(bytes);
}

const checkinPhoto = { full: '', thumb: '' };
const answerPhoto = { full: '', thumb: '' };
let stolen = '';
let loose = '';

beforeAll(async () => {
  // g0003: a second grid of town t01 (worker w0003), to show a neighbour grid's worker reads none of g0001's photos.
  await seedFixture(tmp.dir, [], { ...FIXTURE_ORG, grids: [...FIXTURE_ORG.grids, grid('g0003', 't01v01', '一村第二网格', [122.08, 41.13])], users: [...FIXTURE_ORG.users, worker('g0003', 't01v01', '网格员三')] });
  server = await startTestServer({ dataDir: tmp.dir, seed: false, now: () => now, blobGraceMs: 7 * DAY });
  for (const u of WHO) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp.remove();
});

describe('a patrol check-in photo', () => {
  it('is the owner\'s alone until a check-in names it; then every reader of patrols.g0001 gets it, everyone else 404', async () => {
    checkinPhoto.full = await put('w0001', jpeg(20_000));
    checkinPhoto.thumb = await put('w0001', png(11));
    for (const who of ['town01', 'st01v01', 'w0003']) expect(await statusOf(who, checkinPhoto.full), who).toBe(404);
    expect(await statusOf('w0001', checkinPhoto.full)).toBe(200);

    const started = ev('patrol_started', 'w0001', { patrolId: 'X' });
    const patrolId = started.id;
    (started as unknown as { data: { patrolId: string } }).data.patrolId = patrolId;
    await write('patrols.g0001', 'w0001', started, ev('checkin_recorded', 'w0001', { patrolId, fix: fix(), note: '河堤', photos: [checkinPhoto] }));

    for (const hash of [checkinPhoto.full, checkinPhoto.thumb]) {
      // The grid's town center, its village secretary and the county read patrols.g0001 (patrolsAccess).
      for (const who of ['w0001', 'town01', 'st01v01', 'county']) expect(await statusOf(who, hash), who).toBe(200);
      // Another town's center, another grid's worker (of the same town too), a unit, a resident: 404.
      for (const who of ['town02', 'w0002', 'w0003', 'unit001', 'resident01']) expect(await statusOf(who, hash), who).toBe(404);
    }
    const got = await getBlob(server.url, tokens.town01!, checkinPhoto.full);
    expect(sha(got.bytes)).toBe(checkinPhoto.full);
  });

  it("naming someone else's blob in one's own check-in opens it to nobody", async () => {
    // w0002 (town t02) uploads a photo of their own; w0001 learns its hash and names it in a g0001 check-in.
    stolen = await put('w0002', jpeg(21_000));
    const c = new SyncClient(server.wsBase, 'patrols.g0001', tokens.w0001!);
    await c.synced();
    const open = (c.doc.getArray('events').toArray() as Array<{ type: string; data: { patrolId: string } }>).find((e) => e.type === 'patrol_started')!;
    c.append(ev('checkin_recorded', 'w0001', { patrolId: open.data.patrolId, fix: fix(), photos: [{ full: stolen, thumb: stolen }] }) as CaseEvent);
    await c.allSaved();
    c.destroy();
    for (const who of ['w0001', 'town01', 'st01v01', 'county']) expect(await statusOf(who, stolen), who).toBe(404);
    expect(await statusOf('w0002', stolen)).toBe(200); // still its owner's
  });

  it('refuses a check-in with too many photos or a photo that is not a hash (invalid_event)', async () => {
    const c = new SyncClient(server.wsBase, 'patrols.g0001', tokens.w0001!);
    await c.synced();
    const open = (c.doc.getArray('events').toArray() as Array<{ type: string; data: { patrolId: string } }>).find((e) => e.type === 'patrol_started')!;
    c.destroy();
    const p = { full: checkinPhoto.full, thumb: checkinPhoto.thumb };
    expect(await refusedCode('patrols.g0001', 'w0001', ev('checkin_recorded', 'w0001', { patrolId: open.data.patrolId, fix: fix(), photos: [p, p, p, p] }))).toBe('invalid_event');
    expect(await refusedCode('patrols.g0001', 'w0001', ev('checkin_recorded', 'w0001', { patrolId: open.data.patrolId, fix: fix(), photos: [{ full: '../etc/passwd', thumb: p.thumb }] }))).toBe('invalid_event');
  });
});

describe('a task answer photo', () => {
  it("is served to the readers of taskanswers.g0001 (its town's center), not to another town's center", async () => {
    const taskId = ev('x', 'town01', {}).id;
    const form = [
      { key: 'f1', label: '现场照片', kind: 'photo', required: true },
      { key: 'f2', label: '有隐患', kind: 'yesno', required: true },
    ];
    await write('tasks.t01', 'town01', ev('task_sent', 'town01', { taskId, by: 'town', title: '燃气瓶排查', deadlineMs: Date.now() + DAY, target: 1, form, scope: { kind: 'grid', id: 'g0001' }, targets: ['g0001'] }));
    answerPhoto.full = await put('w0001', jpeg(22_000));
    answerPhoto.thumb = await put('w0001', png(12));
    expect(await statusOf('town01', answerPhoto.full)).toBe(404);
    await write('taskanswers.g0001', 'w0001', ev('entry_saved', 'w0001', { taskId, entryId: ev('x', 'w0001', {}).id, label: '张家', values: { f1: answerPhoto, f2: false } }));
    for (const hash of [answerPhoto.full, answerPhoto.thumb]) {
      for (const who of ['w0001', 'town01', 'st01v01']) expect(await statusOf(who, hash), who).toBe(200);
      for (const who of ['town02', 'w0002', 'w0003', 'unit001', 'resident01']) expect(await statusOf(who, hash), who).toBe(404);
    }
  });
});

describe('GC', () => {
  it('keeps the blobs check-ins and answers name past the grace period; removes the unnamed one', async () => {
    loose = await put('w0001', jpeg(23_000));
    now += 8 * DAY;
    expect(server.blobs.collect().blobs).toBe(1); // `loose` (a naming keeps a blob, vouched for or not: as for cases)
    for (const h of [checkinPhoto.full, checkinPhoto.thumb, answerPhoto.full, answerPhoto.thumb]) expect(server.blobs.get(h), h).not.toBeNull();
    expect(server.blobs.get(loose)).toBeNull();
  });
});
