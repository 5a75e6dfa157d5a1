// Issue 17: what an insider with a valid token can do with the mediation docs on a real relay: the town summary
// (`mediation.<town>`: who opens where, eligible mediators, outcomes by mediators only, forged actors) and a
// dispute's details (`dispute.<town>.<id>`: readers exactly the mediators the summary names and the town center;
// 403 for anyone else, a party member of the same town included; a removed mediator's socket is closed; the
// detail doc opens once the summary naming its writer is on the relay).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/events.ts';
import { foldMediation } from '../../src/domain/mediation.ts';
import type { UserInfo } from '../../src/domain/org.ts';
import { api, FIXTURE_MEMBER, FIXTURE_ORG, login, recordEvent, seedFixture, startTestServer, SyncClient, tempDir, upgradeStatus, waitFor, type TestServer } from './relay-harness.ts';

const P2: UserInfo = { id: 'p0002', username: 'p0002', name: '党员二', role: 'member', townId: 't01', villageId: 't01v01', gridId: 'g0001' };
let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
const ev = recordEvent;
const ws = (doc: string, who: string) => `${server.wsBase}/sync/${doc}?token=${tokens[who]}`;
const D1 = '01JD0000000000000000000001';
const D2 = '01JD0000000000000000000002';
const opened = (actor: string, disputeId: string, mediators: string[], gridId = 'g0001') => ev('dispute_opened', actor, { disputeId, gridId, type: 'neighbour', mediators });
const parties = (actor: string) => ev('parties_saved', actor, { parties: [{ name: '张三', side: 'applicant', phone: '13800000000' }], description: '宅基地边界' });

/** Writes through `base`'s sockets: the sync relay's by default; `server.url`'s relay is the other one with two relays. */
async function write(doc: string, who: string, value: unknown, base = server.wsBase): Promise<{ code: string } | 'saved'> {
  const c = new SyncClient(base, doc, tokens[who]!);
  try {
    await c.synced(`${who} ${doc}`);
    const refused = c.refused();
    c.append(value as CaseEvent);
    return await Promise.race([refused, c.allSaved().then(() => 'saved' as const)]);
  } finally {
    c.destroy();
  }
}

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, [], { ...FIXTURE_ORG, users: [...FIXTURE_ORG.users, FIXTURE_MEMBER, P2] });
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['town01', 'town02', 'st01v01', 'w0001', 'w0002', 'p0001', 'p0002', 'county', 'resident01']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

describe('mediation.t01 (the summary)', () => {
  it("the town's staff and members open it, county reads, another town's and residents get 403; /api/me lists it", async () => {
    for (const who of ['town02', 'w0002', 'resident01']) expect(await upgradeStatus(ws('mediation.t01', who)), who).toBe(403);
    expect(await upgradeStatus(ws('mediation.t99', 'w0001'))).toBe(404);
    const docs = ((await api(server.url, '/api/me', { token: tokens.p0001! })).body as { docs: Array<{ name: string; access: string }> }).docs;
    expect(docs).toContainEqual({ name: 'mediation.t01', access: 'write' });
    expect(await write('mediation.t01', 'county', opened('county', D2, ['w0001']))).toEqual(expect.objectContaining({ code: 'read_only' }));
  });

  it('refuses an insider: forged actor, a member opening, an ineligible mediator, opening without mediating, a grid of another town', async () => {
    const cases: Array<[who: string, value: unknown, code: string]> = [
      ['w0001', opened('p0001', D2, ['p0001']), 'forged_actor'],
      ['p0001', opened('p0001', D2, ['p0001']), 'role_not_allowed'],
      ['w0001', opened('w0001', D2, ['w0001', 'w0002']), 'role_not_allowed'],
      ['w0001', opened('w0001', D2, ['p0001']), 'role_not_allowed'],
      ['town01', opened('town01', D2, ['town01'], 'g0002'), 'not_authorized'],
      ['w0001', { ...opened('w0001', D2, ['w0001']), data: { disputeId: D2, parties: ['张三'] } }, 'invalid_event'],
      ['town01', ev('outcome_recorded', 'town01', { disputeId: D2, outcome: 'failed' }), 'not_authorized'],
    ];
    for (const [who, value, code] of cases) expect(await write('mediation.t01', who, value), `${who} ${code}`).toEqual(expect.objectContaining({ code }));
  });
});

describe('dispute.t01.<id> (the details)', () => {
  const doc = `dispute.t01.${D1}`;

  it('before the summary names anyone, only the town center opens it; once it does, exactly the mediators and the center', async () => {
    expect(await upgradeStatus(ws(doc, 'w0001')), 'the summary does not have it yet').toBe(403);
    expect(await write(doc, 'town01', parties('town01'))).toBe('saved');
    expect(await write('mediation.t01', 'w0001', opened('w0001', D1, ['w0001', 'p0001']))).toBe('saved');
    // The device that opened the dispute offline now syncs its details: accepted.
    expect(await write(doc, 'w0001', parties('w0001'))).toBe('saved');
    expect(await write(doc, 'p0001', ev('session_recorded', 'p0001', { heldMs: Date.now(), present: ['w0001', 'p0001'], note: '双方到场' }))).toBe('saved');
    for (const who of ['p0002', 'st01v01', 'county', 'town02', 'w0002', 'resident01']) expect(await upgradeStatus(ws(doc, who)), who).toBe(403);
    expect(await upgradeStatus(ws(`dispute.t99.${D1}`, 'town01'))).toBe(404);
    // GET /api/docs answers as the socket would.
    expect((await api(server.url, `/api/docs/${doc}`, { token: tokens.p0002! })).status).toBe(403);
  });

  it('refuses a forged actor and a full ID number in the details', async () => {
    expect(await write(doc, 'w0001', parties('p0001'))).toEqual(expect.objectContaining({ code: 'forged_actor' }));
    const leak = ev('session_recorded', 'w0001', { heldMs: Date.now(), present: ['w0001'], note: '张三身份证211102198001011234' });
    expect(await write(doc, 'w0001', leak)).toEqual(expect.objectContaining({ code: 'invalid_event' }));
  });

  it('two mediators record outcomes: both accepted (each had the authority), the fold keeps the first', async () => {
    expect(await write('mediation.t01', 'p0002', ev('outcome_recorded', 'p0002', { disputeId: D1, outcome: 'failed' })), 'a member not named').toEqual(
      expect.objectContaining({ code: 'not_authorized' }),
    );
    expect(await write('mediation.t01', 'w0001', ev('outcome_recorded', 'w0001', { disputeId: D1, outcome: 'agreement', followUpMs: Date.now() + 86_400_000 }))).toBe('saved');
    expect(await write('mediation.t01', 'p0001', ev('outcome_recorded', 'p0001', { disputeId: D1, outcome: 'failed' }))).toBe('saved');
    const r = new SyncClient(server.wsBase, 'mediation.t01', tokens.town01!);
    await r.synced();
    const s = foldMediation(r.doc.getArray('events').toArray());
    expect(s.disputes.get(D1)?.status).toBe('agreement');
    expect(s.superseded.map((x) => x.actor)).toEqual(['p0001']);
    r.destroy();
  });

  it("a removed mediator's open socket is closed (4403) and they cannot open it again", async () => {
    const D3 = '01JD0000000000000000000003';
    const doc3 = `dispute.t01.${D3}`;
    expect(await write('mediation.t01', 'st01v01', opened('st01v01', D3, ['st01v01', 'p0001']))).toBe('saved');
    const member = new SyncClient(server.wsBase, doc3, tokens.p0001!);
    await member.synced('member on the details');
    expect(await write('mediation.t01', 'st01v01', ev('mediators_set', 'st01v01', { disputeId: D3, mediators: ['st01v01'] }))).toBe('saved');
    await waitFor(member, () => member.closeCodes.includes(4403), 'the removed mediator closed');
    member.destroy();
    expect(await upgradeStatus(ws(doc3, 'p0001'))).toBe(403);
    const still = new SyncClient(server.wsBase, doc3, tokens.st01v01!);
    await still.synced('the remaining mediator');
    still.destroy();
  });

  it('the same when the change reaches another relay (PostgreSQL, two relays: the summary is caught up where the socket is)', async () => {
    const D6 = '01JD0000000000000000000006';
    const doc6 = `dispute.t01.${D6}`;
    const other = server.url.replace(/^http/, 'ws');
    expect(await write('mediation.t01', 'st01v01', opened('st01v01', D6, ['st01v01', 'p0001']), other)).toBe('saved');
    const member = new SyncClient(server.wsBase, doc6, tokens.p0001!);
    await member.synced('member on the details');
    expect(await write('mediation.t01', 'st01v01', ev('mediators_set', 'st01v01', { disputeId: D6, mediators: ['st01v01'] }), other)).toBe('saved');
    await waitFor(member, () => member.closeCodes.includes(4403), 'the removed mediator closed on the other relay');
    member.destroy();
    expect(await upgradeStatus(ws(doc6, 'p0001'))).toBe(403);
  });
});

describe('撤销登记 (dispute_withdrawn) on the relay', () => {
  const D4 = '01JD0000000000000000000004';
  const D5 = '01JD0000000000000000000005';
  const wd = (actor: string, disputeId = D4, reason = '重复登记') => ev('dispute_withdrawn', actor, { disputeId, reason });

  it("refuses a mediator who did not open it, a member, a secretary, a forged actor, no reason; another town's center cannot even open the doc", async () => {
    expect(await write('mediation.t01', 'w0001', opened('w0001', D4, ['w0001', 'p0001']))).toBe('saved');
    const cases: Array<[who: string, value: unknown, code: string]> = [
      ['p0001', wd('p0001'), 'not_authorized'],
      ['p0002', wd('p0002'), 'not_authorized'],
      ['st01v01', wd('st01v01'), 'not_authorized'],
      ['p0001', wd('w0001'), 'forged_actor'],
      ['w0001', wd('w0001', D4, ' '), 'invalid_event'],
      ['w0001', wd('w0001', D4, '错'.repeat(201)), 'invalid_event'],
      ['county', wd('county'), 'read_only'],
    ];
    for (const [who, value, code] of cases) expect(await write('mediation.t01', who, value), `${who} ${code}`).toEqual(expect.objectContaining({ code }));
    expect(await upgradeStatus(ws('mediation.t01', 'town02'))).toBe(403);
  });

  it('the opener withdraws; a mediator offline recorded an outcome later: accepted (they had the authority), the fold keeps the first', async () => {
    expect(await write('mediation.t01', 'w0001', wd('w0001'))).toBe('saved');
    expect(await write('mediation.t01', 'p0001', ev('outcome_recorded', 'p0001', { disputeId: D4, outcome: 'failed' }))).toBe('saved');
    // The town center withdraws a dispute it did not open.
    expect(await write('mediation.t01', 'w0001', opened('w0001', D5, ['w0001']))).toBe('saved');
    expect(await write('mediation.t01', 'town01', wd('town01', D5, '登错网格'))).toBe('saved');
    const r = new SyncClient(server.wsBase, 'mediation.t01', tokens.town01!);
    await r.synced();
    const s = foldMediation(r.doc.getArray('events').toArray());
    expect(s.disputes.get(D4)).toMatchObject({ status: 'withdrawn', withdrawn: { by: 'w0001', reason: '重复登记' } });
    expect(s.disputes.get(D5)).toMatchObject({ status: 'withdrawn', withdrawn: { by: 'town01', reason: '登错网格' } });
    expect(s.superseded.filter((x) => x.disputeId === D4).map((x) => [x.actor, x.type])).toEqual([['p0001', 'outcome_recorded']]);
    r.destroy();
  });
});
