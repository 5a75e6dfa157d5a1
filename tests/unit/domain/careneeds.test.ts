// Issue 17: needs found on care visits taken up as party needs (src/domain/careneeds.ts, party.ts `fromCare`): the
// fold keeps one need per visit and only for a grid of the need's village; which visits wait for a need; the inbox
// item of the village's secretary and the town's center.
import { describe, expect, it } from 'vitest';
import { foldCare, type CareData, type CareEventType } from '../../../src/domain/care.ts';
import { CARE_NEED_DAYS, needOfVisit, pendingCareNeeds, type CareGrid } from '../../../src/domain/careneeds.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { inboxItems, type InboxCareNeed } from '../../../src/domain/inbox.ts';
import { careLinkProblem, foldParty, partyPlaces } from '../../../src/domain/party.ts';
import { IDX, user } from './fixture.ts';

const NOW = Date.UTC(2026, 10, 20, 4);
const D = 86_400_000;
let seq = 0;
const nextId = () => `01J${String(++seq).padStart(23, '0')}`;
const ev = (type: string, actor: string, data: unknown, ms: number, node = 'n1') => ({ id: nextId(), type, actor, at: formatHlc({ ms, counter: 0, node }), data });
function care<T extends CareEventType>(type: T, data: CareData[T], ms: number) {
  return ev(type, 'w0001', data, ms);
}
const visit = (householdId: string, ms: number, needs: CareData['visit_recorded']['needs'] = ['medical'], note?: string) =>
  care('visit_recorded', { householdId, mode: 'home', condition: needs.length ? 'attention' : 'well', needs, ...(note ? { note } : {}) }, ms);
const users = (id: string) => IDX.user(id);
const grids = (id: string) => IDX.grid(id);
/** The places of party.t01 (the fixture's org directory). */
const T01 = partyPlaces(IDX, 't01');
const need = (actor: string, visitId: string, ms: number, gridId = 'g0001', villageId = 't01v01') =>
  ev('need_published', actor, { kind: 'resident', villageId, title: '关怀走访：需要就医', detail: '陪同就医', fromCare: { gridId, visitId } }, ms);
const member = ev('member_saved', 'town01', { userId: 'p0001', name: '周立', villageId: 't01v01', gridId: 'g0001', inService: false, contacts: [] }, NOW - 60 * D);
const g0001 = (events: unknown[]): CareGrid => ({ gridId: 'g0001', villageId: 't01v01', townId: 't01', care: foldCare(events) });

describe('party needs taking up care visits', () => {
  it('keeps the link; a second need naming the same visit (two offline publishers) loses to the first by (at, id)', () => {
    const v = visit('h1', NOW - D);
    const first = need('st01v01', v.id, NOW - 10_000);
    const second = need('town01', v.id, NOW - 20_000);
    const s = foldParty([first, second, member], users, T01);
    expect(s.needs.get(second.id)?.fromCare).toEqual({ gridId: 'g0001', visitId: v.id });
    expect(s.needs.has(first.id)).toBe(false);
    expect(s.superseded).toContain(first.id);
    expect(needOfVisit(s, 'g0001', v.id)?.id).toBe(second.id);
    // In either arrival order.
    expect(foldParty([second, member, first], users, T01).careNeeds.get(`g0001/${v.id}`)).toBe(second.id);
  });

  it('sets aside a need whose visit is in a grid of another village, an unknown grid, or when grids cannot be resolved', () => {
    const vid = nextId();
    const other = need('town01', vid, NOW, 'g0002', 't01v01');
    const unknown = need('town01', nextId(), NOW, 'g9999', 't01v01');
    // Another town's visit: the grid is in the need's village, but neither is of this doc's town (party.ts partyPlaceProblem).
    const otherTown = need('town01', nextId(), NOW, 'g0003', 't02v01');
    const s = foldParty([other, unknown, otherTown], users, T01);
    expect(s.needs.size).toBe(0);
    expect(s.superseded).toEqual(expect.arrayContaining([other.id, unknown.id, otherTown.id]));
    expect(foldParty([otherTown], users, partyPlaces(IDX, 't02')).needs.size, "in t02's own doc").toBe(1);
    expect(careLinkProblem(other.data as never, grids)).toMatch(/g0002 is not in village t01v01/);
    expect(careLinkProblem({ villageId: 't01v02', fromCare: { gridId: 'g0002', visitId: vid } }, grids)).toBeNull();
    expect(careLinkProblem({ villageId: 't01v01' }, undefined), 'no link: nothing to check').toBeNull();
    const ok = need('town01', vid, NOW);
    expect(foldParty([ok], users, partyPlaces(undefined, 't01')).needs.size, 'no org directory: set aside').toBe(0);
    expect(foldParty([ok], users, T01).needs.size).toBe(1);
  });
});

describe('care visits waiting for a need', () => {
  it('a household’s latest visit with needs, within the window, not yet taken up, waits', () => {
    const a = visit('h1', NOW - 2 * D, ['medical', 'daily_living'], '腿脚不便，需要陪同复诊');
    const b = visit('h2', NOW - D, []);
    const c = visit('h3', NOW - (CARE_NEED_DAYS + 1) * D);
    const d1 = visit('h4', NOW - 5 * D, ['financial']);
    const d2 = visit('h4', NOW - 3 * D, []);
    const e = visit('h5', NOW - 3 * D, ['safety']);
    const withdrawn = care('visit_withdrawn', { visitId: e.id, reason: '走错户' }, NOW - 3 * D + 1000);
    const pending = pendingCareNeeds([g0001([a, b, c, d1, d2, e, withdrawn])], null, NOW);
    expect(pending).toEqual([
      { gridId: 'g0001', villageId: 't01v01', townId: 't01', visitId: a.id, householdId: 'h1', workerId: 'w0001', ms: NOW - 2 * D, condition: 'attention', needs: ['medical', 'daily_living'], note: '腿脚不便，需要陪同复诊' },
    ]);
  });

  it('a published need takes the visit out; while it is open or claimed the household’s later visits wait for nothing; once confirmed, a new visit with needs waits again', () => {
    const v1 = visit('h1', NOW - 10 * D);
    const n = need('st01v01', v1.id, NOW - 9 * D);
    const v2 = visit('h1', NOW - 2 * D, ['company']);
    const open = foldParty([member, n], users, T01);
    expect(pendingCareNeeds([g0001([v1])], open, NOW)).toEqual([]);
    expect(pendingCareNeeds([g0001([v1, v2])], open, NOW), 'helped already').toEqual([]);
    const claim = ev('need_claimed', 'p0001', { needId: n.id }, NOW - 8 * D);
    const work = ev('need_work', 'p0001', { needId: n.id, hours: 2, note: '陪同就医' }, NOW - 7 * D);
    const done = ev('need_confirmed', 'st01v01', { needId: n.id }, NOW - 6 * D);
    expect(pendingCareNeeds([g0001([v1, v2])], foldParty([member, n, claim, work], users, T01), NOW), 'claimed: still being helped').toEqual([]);
    const confirmed = foldParty([member, n, claim, work, done], users, T01);
    expect(pendingCareNeeds([g0001([v1, v2])], confirmed, NOW).map((p) => p.visitId)).toEqual([v2.id]);
    // A need from another grid's visit with the same id changes nothing here.
    expect(needOfVisit(confirmed, 'g0002', v1.id)).toBeUndefined();
  });

  it('a visit recorded after `nowMs` (a clock ahead) does not wait yet; the list is newest first', () => {
    const a = visit('h1', NOW - 3 * D);
    const b = visit('h2', NOW - D);
    const ahead = visit('h3', NOW + D);
    expect(pendingCareNeeds([g0001([a, b, ahead])], null, NOW).map((p) => p.householdId)).toEqual(['h2', 'h1']);
  });
});

describe('a visit declined by the village (无需发布)', () => {
  const decline = (actor: string, visitId: string, ms: number, gridId = 'g0001', villageId = 't01v01') => ev('care_need_declined', actor, { villageId, gridId, visitId, reason: '家属已安排陪同就医' }, ms);

  it('waits no more; the first decision on a visit stands (a need after a decline, a decline after a need: set aside)', () => {
    const v = visit('h1', NOW - 2 * D);
    const no = decline('st01v01', v.id, NOW - D);
    const s = foldParty([no], users, T01);
    expect(s.careDeclined.get(`g0001/${v.id}`)).toEqual({ by: 'st01v01', at: no.at, reason: '家属已安排陪同就医' });
    expect(pendingCareNeeds([g0001([v])], s, NOW)).toEqual([]);
    const late = need('town01', v.id, NOW - 1000);
    const both = foldParty([no, late], users, T01);
    expect(both.needs.has(late.id)).toBe(false);
    expect(both.superseded).toEqual([late.id]);
    const first = need('town01', v.id, NOW - 3 * D);
    const after = foldParty([first, no], users, T01);
    expect(after.superseded).toEqual([no.id]);
    expect(after.careDeclined.size).toBe(0);
    // A later visit that found needs again waits again (a new visit, a new decision).
    const v2 = visit('h1', NOW - 1000, ['company']);
    expect(pendingCareNeeds([g0001([v, v2])], s, NOW).map((p) => p.visitId)).toEqual([v2.id]);
  });

  it('is set aside for a grid of another village, a village of another town, another village’s secretary, or a role that may not decide', () => {
    const vid = nextId();
    const wrongGrid = decline('town01', vid, NOW, 'g0002', 't01v01');
    const otherSecretary = decline('st01v02', vid, NOW + 1, 'g0001', 't01v01');
    const worker = decline('w0001', vid, NOW + 2);
    const otherTown = decline('town01', nextId(), NOW + 3, 'g0003', 't02v01');
    const s = foldParty([wrongGrid, otherSecretary, worker, otherTown], users, T01);
    expect(s.careDeclined.size).toBe(0);
    expect(s.superseded).toEqual([wrongGrid.id, otherSecretary.id, worker.id, otherTown.id]);
  });
});

describe('the inbox item', () => {
  const item: InboxCareNeed = { gridId: 'g0001', villageId: 't01v01', townId: 't01', visitId: '01J00000000000000000000099', ms: NOW - D, needs: ['medical', 'company'], household: '户主h1 · 曙光村1号' };
  const items = (who: string, careNeeds = [item]) => inboxItems({ user: user(who), nowMs: NOW, cases: [], careNeeds });

  it('reaches the village’s secretary, with a link to publish it; nobody else (the town’s center sees it on its needs tab)', () => {
    expect(items('st01v01')).toEqual([
      {
        id: `care_need:t01v01:${item.ms}`,
        kind: 'care_need',
        careVisit: `g0001/${item.visitId}`,
        ms: item.ms,
        text: 'inbox.kind.care_need',
        subject: '1',
        detail: '户主h1 · 曙光村1号',
        href: `#/party/needs?care=g0001/${item.visitId}`,
      },
    ]);
    for (const who of ['st01v02', 'town01', 'town02', 'w0001', 'p0001', 'county', 'admin']) expect(items(who), who).toEqual([]);
  });

  it('is one item for the village however many wait, led by the newest visit, and new again with a newer one', () => {
    const older = { ...item, visitId: '01J00000000000000000000098', ms: NOW - 3 * D, household: '户主h2 · 曙光村2号' };
    const other = { ...item, villageId: 't01v02', gridId: 'g0002', visitId: '01J00000000000000000000097', ms: NOW };
    const two = items('st01v01', [older, item, other]);
    expect(two).toEqual([expect.objectContaining({ id: `care_need:t01v01:${item.ms}`, subject: '2', detail: '户主h1 · 曙光村1号', href: '#/party/needs' })]);
    const newer = { ...item, visitId: '01J00000000000000000000100', ms: NOW - 1000 };
    expect(items('st01v01', [older, item, newer])[0]!.id).toBe(`care_need:t01v01:${newer.ms}`);
  });
});
