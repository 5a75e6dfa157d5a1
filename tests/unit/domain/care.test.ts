// Issue 17: care visits (src/domain/care.ts): levels (county settings and defaults), who is due or overdue at CST day
// boundaries, party and people-register visits counted for the same household, offline races, superseded events,
// access to care.<gridId>, and the county's `care.set` reference change (refchanges.ts).
import { describe, expect, it } from 'vitest';
import { buildCareIndex, careStatus, coverage, cstDay, cstDayStart, DEFAULT_CARE, dueList, foldCare, parseCareEvent, visitsBetween, withVisits, type CareData, type CareEventType, type CareSettings } from '../../../src/domain/care.ts';
import { careAccess, careDocName, docAccess, partyAccess, recordDocsForUser } from '../../../src/domain/docs.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { foldPeople, parsePeopleEvent } from '../../../src/domain/people.ts';
import { checkChange, foldChanges } from '../../../src/domain/refchanges.ts';
import { ORG, user } from './fixture.ts';

/** 2026-11-02 00:00 in China (UTC+8) is 2026-11-01 16:00 UTC. */
const DAY0 = Date.UTC(2026, 10, 1, 16);
const D = 86_400_000;
let seq = 0;
const hlc = (ms: number, node = 'n1') => formatHlc({ ms, counter: 0, node });
const nextId = () => `01J${String(++seq).padStart(23, '0')}`;
function ev<T extends CareEventType>(type: T, data: CareData[T], ms: number, actor = 'w0001', node = 'n1') {
  return { id: nextId(), type, actor, at: hlc(ms, node), data };
}
const visit = (householdId: string, ms: number, extra: Partial<CareData['visit_recorded']> = {}, actor = 'w0001', node = 'n1') =>
  ev('visit_recorded', { householdId, mode: 'home', condition: 'well', needs: [], ...extra }, ms, actor, node);
const pe = (type: string, data: unknown, ms: number, actor = 'w0001') => ({ id: nextId(), type, actor, at: hlc(ms), data });
const household = (id: string, ms: number, extra: Record<string, unknown> = {}) => pe('household_saved', { id, gridId: 'g0001', address: `曙光村${id}号`, head: `户主${id}`, ...extra }, ms);
const resident = (id: string, householdId: string, tags: string[], ms: number) => pe('resident_saved', { id, householdId, name: `居民${id}`, tags }, ms);

function index(people: unknown[], care: unknown[] = [], opts: { settings?: CareSettings; others?: Array<{ householdId: string; ms: number; source: 'people' | 'party' }>; asOfMs?: number } = {}) {
  const p = foldPeople(people);
  return buildCareIndex({ settings: opts.settings, households: p.households.values(), residents: p.residents.values(), care: foldCare(care), ...(opts.others ? { others: opts.others } : {}), ...(opts.asOfMs !== undefined ? { asOfMs: opts.asOfMs } : {}) });
}

describe('care events', () => {
  it('parse a visit; refuse an unknown condition, an unknown need, an extra field, a bad envelope', () => {
    expect(parseCareEvent(visit('h1', DAY0)).ok).toBe(true);
    expect(parseCareEvent(visit('h1', DAY0, { condition: 'fine' as 'well' })).ok).toBe(false);
    expect(parseCareEvent(visit('h1', DAY0, { needs: ['money' as 'financial'] })).ok).toBe(false);
    expect(parseCareEvent({ ...visit('h1', DAY0), data: { ...visit('h1', DAY0).data, idNumber: 'x' } }).ok).toBe(false);
    expect(parseCareEvent({ ...visit('h1', DAY0), actor: '' }).ok).toBe(false);
  });

  it('the people register takes county tags and a household level, and keeps since when a resident is tagged', () => {
    expect(parsePeopleEvent(resident('r1', 'h1', ['elderly_alone', 'veteran'], DAY0)).ok).toBe(true);
    expect(parsePeopleEvent(resident('r1', 'h1', ['Bad Tag'], DAY0)).ok).toBe(false);
    expect(parsePeopleEvent(household('h1', DAY0, { careLevel: 'high' })).ok).toBe(true);
    const p = foldPeople([resident('r1', 'h1', ['elderly_alone'], DAY0), resident('r1', 'h1', ['elderly_alone', 'disabled'], DAY0 + 5 * D), household('h1', DAY0, { careLevel: 'high' }), household('h1', DAY0 + 3 * D, { careLevel: 'high', phone: '1' })]);
    expect(p.residents.get('r1')?.taggedAt, 'a re-save keeps the first tagging').toBe(hlc(DAY0));
    expect(p.households.get('h1')?.levelAt, 'a re-save with the same level keeps its time').toBe(hlc(DAY0));
    const untagged = foldPeople([resident('r1', 'h1', ['elderly_alone'], DAY0), resident('r1', 'h1', [], DAY0 + D), resident('r1', 'h1', ['low_income'], DAY0 + 2 * D)]);
    expect(untagged.residents.get('r1')?.taggedAt, 'tagged again after a break: since the new tag').toBe(hlc(DAY0 + 2 * D));
  });
});

describe('levels', () => {
  it('defaults: elderly alone monthly, low income quarterly; the most frequent tag wins; a household level overrides; none leaves care', () => {
    const people = [
      household('h1', DAY0),
      resident('r1', 'h1', ['elderly_alone'], DAY0),
      household('h2', DAY0),
      resident('r2', 'h2', ['low_income'], DAY0),
      resident('r3', 'h2', ['left_behind_child'], DAY0),
      household('h3', DAY0, { careLevel: 'high' }),
      resident('r4', 'h3', ['low_income'], DAY0),
      household('h4', DAY0, { careLevel: 'none' }),
      resident('r5', 'h4', ['disabled'], DAY0),
      household('h5', DAY0),
      resident('r6', 'h5', [], DAY0),
    ];
    const byId = new Map(index(people).entries.map((e) => [e.householdId, e]));
    expect(byId.get('h1')?.level.days).toBe(30);
    expect(byId.get('h2')?.level.id).toBe('key');
    expect(byId.get('h2')?.tags.sort()).toEqual(['left_behind_child', 'low_income']);
    expect(byId.get('h3')?.level.days).toBe(7);
    expect(byId.has('h4')).toBe(false);
    expect(byId.has('h5')).toBe(false);
  });

  it("the county's settings: its own days, a tag it adds, a built-in tag it leaves out is no care tag", () => {
    const settings: CareSettings = { levels: [{ id: 'high', name: '高', days: 3 }, { id: 'monthly', name: '月', days: 28 }], tags: [{ id: 'elderly_alone', name: '独居老人', level: 'high' }, { id: 'veteran', name: '退役军人', level: 'monthly' }] };
    const people = [household('h1', DAY0), resident('r1', 'h1', ['elderly_alone'], DAY0), household('h2', DAY0), resident('r2', 'h2', ['veteran'], DAY0), household('h3', DAY0), resident('r3', 'h3', ['low_income'], DAY0)];
    const byId = new Map(index(people, [], { settings }).entries.map((e) => [e.householdId, e]));
    expect(byId.get('h1')?.level.days).toBe(3);
    expect(byId.get('h2')?.level.id).toBe('monthly');
    expect(byId.has('h3')).toBe(false);
  });
});

describe('due and overdue at CST day boundaries', () => {
  // Weekly (high): a visit on day 0 makes the household due again on day 7: due on day 6 (lead 1), overdue from day 8.
  const people = [household('h1', DAY0 - 30 * D, { careLevel: 'high' })];
  it('a visit at 23:59 China time counts for that day, one at 00:00 for the next', () => {
    const late = index(people, [visit('h1', DAY0 + D - 60_000)]).entries[0]!; // 23:59 on day 0 (15:59 UTC)
    expect(late.dueDay).toBe(cstDay(DAY0) + 7);
    const early = index(people, [visit('h1', DAY0 + D)]).entries[0]!; // 00:00 on day 1 (16:00 UTC the day before in UTC terms)
    expect(early.dueDay).toBe(cstDay(DAY0) + 8);
    expect(new Date(DAY0 + D).getUTCDate(), 'UTC still says the 2nd at 16:00').toBe(2);
  });
  it('ok through day 5, due on days 6 and 7, overdue from the first instant of day 8', () => {
    const e = index(people, [visit('h1', DAY0 + 10 * 3_600_000)]).entries[0]!;
    expect(careStatus(e, cstDayStart(cstDay(DAY0) + 5) + D - 1)).toBe('ok');
    expect(careStatus(e, cstDayStart(cstDay(DAY0) + 6))).toBe('due');
    expect(careStatus(e, cstDayStart(cstDay(DAY0) + 8) - 1)).toBe('due');
    expect(careStatus(e, cstDayStart(cstDay(DAY0) + 8))).toBe('overdue');
  });
  it('never visited: due from when the household entered care, not from the epoch', () => {
    const e = index([household('h1', DAY0), resident('r1', 'h1', ['elderly_alone'], DAY0 + 2 * D)]).entries[0]!;
    expect(e.lastMs).toBeUndefined();
    expect(e.dueDay).toBe(cstDay(DAY0) + 2 + 30);
  });
  it('the due list: overdue by days late, then due by days left, ties by address in Chinese collation', () => {
    const now = DAY0 + 40 * D;
    const at = (id: string, address: string, ms: number) => [household(id, ms, { address }), resident(`r${id}`, id, ['elderly_alone'], ms)];
    // Same days late for 张 (zhang), 李 (li) and 安 (an); 王 later tagged: fewer days late; 赵 tagged lately: due soon.
    const list = dueList(index([...at('h1', '张家村1号', DAY0), ...at('h2', '李家村2号', DAY0), ...at('h3', '安家村3号', DAY0), ...at('h4', '王家村4号', DAY0 + 3 * D), ...at('h5', '赵家村5号', DAY0 + 12 * D)]), now);
    expect(list.map((x) => [x.address, x.status, x.days])).toEqual([
      ['安家村3号', 'overdue', 10],
      ['李家村2号', 'overdue', 10],
      ['张家村1号', 'overdue', 10],
      ['王家村4号', 'overdue', 7],
      ['赵家村5号', 'due', 2],
    ]);
    expect(list.slice(0, 3).map((x) => x.address)).toEqual(['张家村1号', '李家村2号', '安家村3号'].sort((a, b) => a.localeCompare(b, 'zh')));
  });
  it('a visit turns an overdue household on time; the due list and coverage follow', () => {
    const now = DAY0 + 40 * D;
    const tagged = [household('h1', DAY0), resident('r1', 'h1', ['elderly_alone'], DAY0), household('h2', DAY0), resident('r2', 'h2', ['low_income'], DAY0)];
    const before = index(tagged);
    expect(dueList(before, now).map((x) => [x.householdId, x.status, x.days])).toEqual([['h1', 'overdue', 10]]);
    expect(coverage(before, now)).toEqual({ households: 2, onTime: 1, due: 0, overdue: 1 });
    const after = index(tagged, [visit('h1', now)]);
    expect(dueList(after, now)).toEqual([]);
    expect(coverage(after, now)).toEqual({ households: 2, onTime: 2, due: 0, overdue: 0 });
    expect(coverage(index(tagged, [visit('h1', now)], { asOfMs: now - 1 }), now).overdue, 'as of before the visit').toBe(1);
  });
});

describe('visits from elsewhere', () => {
  const tagged = [household('h1', DAY0), resident('r1', 'h1', ['elderly_alone'], DAY0)];
  it("a party member's contact-household visit and a people-register visit count for the same household", () => {
    const now = DAY0 + 40 * D;
    const party = index(tagged, [], { others: [{ householdId: 'h1', ms: now - D, source: 'party' }] }).entries[0]!;
    expect(party.lastSource).toBe('party');
    expect(careStatus(party, now)).toBe('ok');
    const other = index(tagged, [], { others: [{ householdId: 'h9', ms: now - D, source: 'party' }] }).entries[0]!;
    expect(careStatus(other, now), 'another household: no').toBe('overdue');
    const latest = index(tagged, [visit('h1', now - 5 * D)], { others: [{ householdId: 'h1', ms: now - 2 * D, source: 'people' }] }).entries[0]!;
    expect([latest.lastSource, latest.lastMs]).toEqual(['people', now - 2 * D]);
  });
  it('party visits counted on an index of the grid\'s own docs (withVisits) decide as among its others', () => {
    const now = DAY0 + 40 * D;
    const people = [...tagged, household('h2', DAY0), resident('r2', 'h2', ['low_income'], DAY0), household('h3', DAY0), resident('r3', 'h3', ['disabled'], DAY0)];
    const care = [visit('h1', now - 5 * D), visit('h3', now - 3 * D)];
    const own = [{ householdId: 'h2', ms: now - 20 * D, source: 'people' as const }];
    const party = [
      { householdId: 'h1', ms: now - 2 * D, source: 'party' as const }, // later than the care visit: counts
      { householdId: 'h2', ms: now - 30 * D, source: 'party' as const }, // earlier than the register's: not
      { householdId: 'h3', ms: now - 3 * D, source: 'party' as const }, // the same time: the care visit stays
      { householdId: 'h2', ms: now + D, source: 'party' as const }, // after asOf (below)
      { householdId: 'h9', ms: now, source: 'party' as const }, // another household
    ];
    for (const asOfMs of [undefined, now]) {
      const both = index(people, care, { others: [...own, ...party], ...(asOfMs !== undefined ? { asOfMs } : {}) });
      expect(withVisits(index(people, care, { others: own, ...(asOfMs !== undefined ? { asOfMs } : {}) }), party, asOfMs)).toEqual(both);
    }
    const base = index(people, care, { others: own });
    expect(withVisits(base, []), 'nothing to add: the same index').toBe(base);
  });
});

describe('foldCare: offline races and superseded', () => {
  it('two devices recording visits offline both count, in (at, id) order; the latest decides', () => {
    const a = visit('h1', DAY0 + 3_600_000, { condition: 'attention' }, 'w0001', 'phone');
    const b = visit('h1', DAY0 + 2 * 3_600_000, { condition: 'well' }, 'w0001', 'tablet');
    const s = foldCare([b, a]);
    expect(s.byHousehold.get('h1')?.map((x) => x.id)).toEqual([a.id, b.id]);
    expect(s.superseded).toEqual([]);
    expect(visitsBetween(s, DAY0, DAY0 + D)).toBe(2);
  });
  it('a second case link, a second withdrawal, another worker linking, an unknown visit and a reused id are superseded', () => {
    const v1 = visit('h1', DAY0);
    const link1 = ev('case_linked', { visitId: v1.id, caseId: '01JC0000000000000000000001' }, DAY0 + 1000, 'w0001', 'phone');
    const link2 = ev('case_linked', { visitId: v1.id, caseId: '01JC0000000000000000000002' }, DAY0 + 2000, 'w0001', 'tablet');
    const foreign = ev('case_linked', { visitId: v1.id, caseId: '01JC0000000000000000000003' }, DAY0 + 500, 'w0002');
    const orphan = ev('visit_withdrawn', { visitId: '01JX0000000000000000000000', reason: '错户' }, DAY0 + 3000);
    const w1 = ev('visit_withdrawn', { visitId: v1.id, reason: '错户' }, DAY0 + 4000);
    const w2 = ev('visit_withdrawn', { visitId: v1.id, reason: '重复' }, DAY0 + 5000);
    const dup = { ...visit('h2', DAY0 + 6000), id: v1.id };
    const s = foldCare([w2, link2, dup, v1, link1, foreign, orphan, w1]);
    expect(s.visits[0]?.caseId).toBe('01JC0000000000000000000001');
    expect(s.superseded.sort()).toEqual([link2.id, foreign.id, orphan.id, w2.id, dup.id].sort());
    expect(s.byHousehold.has('h1'), 'a withdrawn visit does not count').toBe(false);
    expect(s.byHousehold.has('h2')).toBe(false);
  });
});

describe('access', () => {
  it("care.<gridId>: the grid's worker writes; its secretary, town, county, admin read; others nothing", () => {
    const g = ORG.grids.find((x) => x.id === 'g0001')!;
    expect(careAccess(user('w0001'), g)).toBe('write');
    expect(careAccess(user('w0002'), g)).toBeNull();
    expect(careAccess(user('st01v01'), g)).toBe('read');
    expect(careAccess(user('town01'), g)).toBe('read');
    expect(careAccess(user('town02'), g)).toBeNull();
    expect(careAccess(user('county'), g)).toBe('read');
    expect(careAccess(user('unit001'), g)).toBeNull();
    const lookup = (id: string) => ORG.grids.find((x) => x.id === id);
    expect(docAccess(user('w0001'), careDocName('g0001'), ['t01', 't02'], lookup)).toBe('write');
    expect(partyAccess(user('w0001'), 't01'), 'the worker reads their town party doc').toBe('read');
    expect(partyAccess(user('w0001'), 't02')).toBeNull();
    expect(recordDocsForUser(user('w0001'), ['t01', 't02'], ORG.grids).filter((x) => /^(people|idnumbers|care|party)\./.test(x.name)).map((x) => `${x.name}:${x.access}`)).toEqual(['people.g0001:write', 'idnumbers.g0001:write', 'care.g0001:write', 'party.t01:read']);
    expect(recordDocsForUser(user('county'), ['t01', 't02'], ORG.grids).some((x) => x.name.startsWith('care.')), 'county devices are not given every grid').toBe(false);
  });
});

describe("the county's care.set change", () => {
  const change = (actor: string, data: unknown, n = 1) => ({ id: `01JK${String(n).padStart(22, '0')}`, at: hlc(DAY0 + n), actor, type: 'care.set', data });
  const good = { levels: [{ id: 'high', name: '高', days: 7 }, { id: 'key', name: '重点', days: 14 }], tags: [{ id: 'veteran', name: '退役军人', level: 'key' }] };
  it('the county and an admin may set it; a worker, a town center may not; a forged actor is refused', () => {
    expect(checkChange(change('county', good), ORG, user('county'))).toBeNull();
    expect(checkChange(change('admin', good), ORG, user('admin'))).toBeNull();
    expect(checkChange(change('w0001', good), ORG, user('w0001'))?.code).toBe('role_not_allowed');
    expect(checkChange(change('town01', good), ORG, user('town01'))?.code).toBe('role_not_allowed');
    expect(checkChange(change('admin', good), ORG, user('county'))?.code).toBe('forged_actor');
    const town = { id: '01JK0000000000000000000009', at: hlc(DAY0), actor: 'county', type: 'town.set', data: { ...ORG.towns[0]!, name: '改名' } };
    expect(checkChange(town, ORG, user('county'))?.code, 'the county sets care only').toBe('role_not_allowed');
  });
  it('refuses a tag naming no level, a level twice, zero days; the fold keeps the last valid settings', () => {
    expect(checkChange(change('county', { ...good, tags: [{ id: 'veteran', name: '退役军人', level: 'monthly' }] }), ORG, user('county'))?.code).toBe('invalid_event');
    expect(checkChange(change('county', { ...good, levels: [good.levels[0], good.levels[0]] }), ORG, user('county'))?.code).toBe('invalid_event');
    expect(checkChange(change('county', { ...good, levels: [{ id: 'high', name: '高', days: 0 }] }), ORG, user('county'))?.code).toBe('invalid_event');
    const folded = foldChanges(ORG, [change('county', good, 1), change('county', { ...good, tags: [{ id: 'x1', name: 'x', level: 'nope' }] }, 2)]);
    expect(folded.org.care).toEqual(good);
    expect(foldChanges(ORG, []).org.care, 'none set: the app uses DEFAULT_CARE').toBeUndefined();
    expect(DEFAULT_CARE.levels.map((l) => l.days)).toEqual([7, 30, 90]);
  });
});
