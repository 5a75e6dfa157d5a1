import { describe, expect, it } from 'vitest';
import { docAccess, parseRecordDocName, recordDocsForUser } from '../../../src/domain/docs.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { seededRandom, newId } from '../../../src/domain/ids.ts';
import { foldParty, MAX_CONTACTS, mayEditContacts, parsePartyEvent, partyChain, partyPlaceProblem, partyPlaces, partyPlacesNamed, summarizeParty, type PartyEvent } from '../../../src/domain/party.ts';
import { indexOrg } from '../../../src/domain/org.ts';
import { foldPeople, maskIdNumber, parsePeopleEvent, residentFor, seesFullIdNumber } from '../../../src/domain/people.ts';
import { generateCounty } from '../../../server/demo/generate.ts';
import { generatePeople, idNumber } from '../../../server/demo/people.ts';
import { IDX, ORG, user } from './fixture.ts';

const rnd = seededRandom(7);
let ms = Date.UTC(2025, 5, 1);
const ev = (type: string, actor: string, data: unknown, at = ms++) => ({ id: newId(at, rnd.bytes), type, actor, at: formatHlc({ ms: at, counter: 0, node: 't' }), data });
const grid = (id: string) => IDX.grid(id);
const TOWNS = ['t01', 't02'];
/** The places of party.t01 (the fixture's org directory). */
const T01 = partyPlaces(IDX, 't01');
/** A party event that parses (the tests build them as plain objects). */
function parsed(e: unknown): PartyEvent {
  const p = parsePartyEvent(e);
  if (!p.ok) throw new Error(`fixture: ${p.detail}`);
  return p.event;
}

describe('people and party docs: access', () => {
  it('people.<grid>: its worker, its village secretary, its town center; nobody else', () => {
    expect(parseRecordDocName('people.g0001')).toEqual({ kind: 'people', gridId: 'g0001' });
    expect(parseRecordDocName('party.t01')).toEqual({ kind: 'party', townId: 't01' });
    expect(parseRecordDocName('people.x')).toBeNull();
    for (const who of ['w0001', 'st01v01', 'town01']) expect(docAccess(user(who), 'people.g0001', TOWNS, grid), who).toBe('write');
    for (const who of ['w0002', 'w0003', 'st01v02', 'town02', 'county', 'admin', 'unit002', 'trainer01', 'resident01', 'p0001']) {
      expect(docAccess(user(who), 'people.g0001', TOWNS, grid), who).toBeNull();
    }
    expect(docAccess(user('w0001'), 'people.g0001', TOWNS), 'no grid lookup: refused').toBeNull();
  });
  it('party.<town>: the town, its secretaries and members, county, admin', () => {
    for (const who of ['town01', 'st01v01', 'p0001', 'county', 'admin']) expect(docAccess(user(who), 'party.t01', TOWNS), who).toBe('write');
    for (const who of ['town02', 'unit002', 'resident01']) expect(docAccess(user(who), 'party.t01', TOWNS), who).toBeNull();
    // Issue 17: the town's grid workers read it (party members' contact-household visits count as care visits).
    expect(docAccess(user('w0001'), 'party.t01', TOWNS)).toBe('read');
  });
  it('lists the record docs per user', () => {
    // The issue-17 task and patrol docs are listed too (towntasks.test.ts, patrols.test.ts); these lists are the people, care, party and mediation ones.
    const names = (who: string) => recordDocsForUser(user(who), TOWNS, ORG.grids).map((g) => g.name).filter((n) => !/^task/.test(n) && !n.startsWith('patrols.'));
    // issue 17: every town's staff and party members hold its mediation summary (parties are in the dispute docs).
    expect(names('w0001')).toEqual(['people.g0001', 'idnumbers.g0001', 'care.g0001', 'party.t01', 'mediation.t01']);
    expect(names('st01v01')).toEqual(['people.g0001', 'care.g0001', 'party.t01', 'training.t01', 'mediation.t01']);
    expect(names('town01')).toEqual(['people.g0001', 'idnumbers.g0001', 'care.g0001', 'people.g0002', 'idnumbers.g0002', 'care.g0002', 'party.t01', 'training.t01', 'mediation.t01']);
    expect(names('p0001')).toEqual(['party.t01', 'mediation.t01']);
    expect(names('county')).toEqual(['party.t01', 'training.t01', 'mediation.t01', 'party.t02', 'training.t02', 'mediation.t02']);
  });
});

describe('people: fold, masking, validation', () => {
  it('masks ID numbers as 2111**********1234 for everyone but the grid worker and the town center', () => {
    expect(maskIdNumber('211103198001011234')).toBe('2111**********1234');
    expect(maskIdNumber('1234')).toBe('****');
    const g = grid('g0001');
    expect(seesFullIdNumber(user('w0001'), g)).toBe(true);
    expect(seesFullIdNumber(user('town01'), g)).toBe(true);
    for (const who of ['st01v01', 'w0002', 'town02', 'county', 'admin', 'p0001']) expect(seesFullIdNumber(user(who), g), who).toBe(false);
    const r = { id: 'r', householdId: 'h', name: '王', idNumber: '211103198001011234', tags: [] };
    expect(residentFor(r, user('st01v01'), g)).toMatchObject({ idNumber: '2111**********1234', idMasked: true });
    expect(residentFor(r, user('w0001'), g)).toMatchObject({ idNumber: '211103198001011234', idMasked: false });
  });
  it('last save of a record wins by (at, id) whatever the arrival order; visits are kept', () => {
    const a = ev('household_saved', 'w0001', { id: 'h1', gridId: 'g0001', address: '旧址', head: '王' }, 10);
    const b = ev('household_saved', 'st01v01', { id: 'h1', gridId: 'g0001', address: '新址', head: '王' }, 20);
    const v1 = ev('visit_recorded', 'w0001', { householdId: 'h1', note: '一' }, 15);
    const v2 = ev('visit_recorded', 'st01v01', { householdId: 'h1', note: '二' }, 16);
    for (const order of [[a, b, v1, v2], [v2, b, v1, a]]) {
      const s = foldPeople(order);
      expect(s.households.get('h1')?.address).toBe('新址');
      expect(s.visits.map((x) => x.note)).toEqual(['一', '二']);
    }
    expect(foldPeople([{ junk: true }, ev('resident_saved', 'w0001', { id: 'r', householdId: 'h1', name: 'x', idNumber: 'bad', tags: [] })]).residents.size).toBe(0);
  });
  it('rejects bad tags and ID numbers', () => {
    // People docs hold masked numbers only (full ones: tests/unit/domain/idnumbers.test.ts).
    expect(parsePeopleEvent(ev('resident_saved', 'w0001', { id: 'r', householdId: 'h', name: 'x', idNumber: '2111**********123X', tags: ['low_income'] })).ok).toBe(true);
    expect(parsePeopleEvent(ev('resident_saved', 'w0001', { id: 'r', householdId: 'h', name: 'x', idNumber: '2111**********123X', tags: ['Rich!'] })).ok).toBe(false);
    // Issue 17: a tag the county adds (care.set) is any well-formed tag id; its meaning is the county's settings.
    expect(parsePeopleEvent(ev('resident_saved', 'w0001', { id: 'r', householdId: 'h', name: 'x', tags: ['veteran'] })).ok).toBe(true);
  });
});

describe('party: fold and summaries', () => {
  const member = ev('member_saved', 'st01v01', {
    userId: 'p0001',
    name: '周立',
    villageId: 't01v01',
    gridId: 'g0001',
    inService: true,
    contacts: [{ householdId: 'h1', gridId: 'g0001', address: '一村1号', head: '王' }],
  });
  it('visits only to own contact households; issues link to a case once; needs claimed once, worked by the claimer, confirmed by the village', () => {
    const visit = ev('contact_visit', 'p0001', { householdId: 'h1', gridId: 'g0001', note: '走访', issues: ['路灯坏了', '垃圾'] });
    const stranger = ev('contact_visit', 'p0001', { householdId: 'h9', gridId: 'g0001', note: '走访', issues: [] });
    const caseId = newId(ms, rnd.bytes);
    const link = ev('issue_reported', 'p0001', { visitId: visit.id, issue: 0, caseId });
    const link2 = ev('issue_reported', 'p0001', { visitId: visit.id, issue: 0, caseId: newId(ms, rnd.bytes) });
    const need = ev('need_published', 'st01v01', { kind: 'enterprise', villageId: 't01v01', title: '用电', detail: '增容', requester: '合作社' });
    const claim = ev('need_claimed', 'p0001', { needId: need.id });
    const claimAgain = ev('need_claimed', 'p0001', { needId: need.id });
    const work = ev('need_work', 'p0001', { needId: need.id, hours: 3, note: '联系供电所' });
    const otherConfirm = ev('need_confirmed', 'st01v02', { needId: need.id });
    const confirm = ev('need_confirmed', 'st01v01', { needId: need.id });
    const all = [member, visit, stranger, link, link2, need, claim, claimAgain, work, otherConfirm, confirm];
    const s = foldParty([...all].reverse(), (id) => IDX.user(id), T01);
    expect(s.superseded.sort()).toEqual([stranger.id, link2.id, claimAgain.id, otherConfirm.id].sort());
    expect(s.visits[0]!.issues).toEqual([{ text: '路灯坏了', caseId }, { text: '垃圾' }]);
    expect(s.needs.get(need.id)).toMatchObject({ status: 'confirmed', claimedBy: 'p0001', confirmedBy: 'st01v01' });
    const sum = summarizeParty(s, 0, Date.UTC(2030, 0, 1));
    expect(sum.members[0]).toMatchObject({ memberId: 'p0001', visits: 1, issues: 2, issuesReported: 1, needsClaimed: 1, needsConfirmed: 1, hours: 3, confirmedHours: 3 });
    expect(sum.branches).toEqual([expect.objectContaining({ villageId: 't01v01', members: 1, hours: 3 })]);
    expect(summarizeParty(s, 0, 1).members[0]).toMatchObject({ visits: 0, hours: 0 });
  });
  it('a grid worker cannot act as a member (role)', () => {
    const s = foldParty([member, ev('need_published', 'w0001', { kind: 'resident', villageId: 't01v01', title: 'x', detail: 'y' })], (id) => IDX.user(id), T01);
    expect(s.needs.size).toBe(0);
  });
  it("contact households: added and removed one at a time by the member's village secretary, the town, county, admin", () => {
    const h2 = { householdId: 'h2', gridId: 'g0001', address: '一村2号', head: '李' };
    const add = ev('contact_added', 'st01v01', { memberId: 'p0001', contact: h2 });
    const byTown = ev('contact_added', 'town01', { memberId: 'p0001', contact: { householdId: 'h3', gridId: 'g0001', address: '一村3号', head: '孙' } });
    const otherVillage = ev('contact_added', 'st01v02', { memberId: 'p0001', contact: { householdId: 'h4', gridId: 'g0001', address: 'x', head: 'y' } });
    const bySelf = ev('contact_added', 'p0001', { memberId: 'p0001', contact: { householdId: 'h5', gridId: 'g0001', address: 'x', head: 'y' } });
    const byWorker = ev('contact_added', 'w0001', { memberId: 'p0001', contact: { householdId: 'h6', gridId: 'g0001', address: 'x', head: 'y' } });
    const unknownMember = ev('contact_added', 'st01v01', { memberId: 'p0999', contact: h2 });
    const update = ev('contact_added', 'county', { memberId: 'p0001', contact: { ...h2, address: '一村2号之一' } });
    const remove = ev('contact_removed', 'admin', { memberId: 'p0001', householdId: 'h1' });
    const removeAgain = ev('contact_removed', 'st01v01', { memberId: 'p0001', householdId: 'h1' });
    const removeOther = ev('contact_removed', 'st01v02', { memberId: 'p0001', householdId: 'h3' });
    const all = [member, add, byTown, otherVillage, bySelf, byWorker, unknownMember, update, remove, removeAgain, removeOther];
    for (const order of [all, [...all].reverse()]) {
      const s = foldParty(order, (id) => IDX.user(id), T01);
      expect(s.members.get('p0001')!.contacts.map((c) => [c.householdId, c.address])).toEqual([
        ['h2', '一村2号之一'],
        ['h3', '一村3号'],
      ]);
      expect(s.superseded.sort()).toEqual([otherVillage.id, bySelf.id, byWorker.id, unknownMember.id, removeAgain.id, removeOther.id].sort());
    }
    // The member's own record is not touched by the fold (the event's list stays as it was).
    expect((member.data as { contacts: unknown[] }).contacts).toHaveLength(1);
  });
  it('contact households: a visit needs a current contact; a later member_saved replaces the list; at most 30', () => {
    const remove = ev('contact_removed', 'st01v01', { memberId: 'p0001', householdId: 'h1' });
    const visitAfter = ev('contact_visit', 'p0001', { householdId: 'h1', gridId: 'g0001', note: '走访', issues: [] });
    let s = foldParty([member, remove, visitAfter], (id) => IDX.user(id), T01);
    expect(s.superseded).toEqual([visitAfter.id]);
    const add = ev('contact_added', 'st01v01', { memberId: 'p0001', contact: { householdId: 'h2', gridId: 'g0001', address: '一村2号', head: '李' } });
    const resave = ev('member_saved', 'town01', { ...(member.data as object), contacts: [] });
    s = foldParty([member, add, resave], (id) => IDX.user(id), T01);
    expect(s.members.get('p0001')!.contacts).toEqual([]);
    const many = Array.from({ length: MAX_CONTACTS }, (_, i) => ev('contact_added', 'town01', { memberId: 'p0001', contact: { householdId: `hx${i}`, gridId: 'g0001', address: `${i}号`, head: '户' } }));
    s = foldParty([member, ...many], (id) => IDX.user(id), T01);
    expect(s.members.get('p0001')!.contacts).toHaveLength(MAX_CONTACTS);
    expect(s.superseded).toEqual([many[MAX_CONTACTS - 1]!.id]);
    expect(parsePartyEvent(ev('contact_added', 'town01', { memberId: 'p0001', contact: { householdId: 'h2', gridId: 'g0001', address: '', head: '李' } })).ok).toBe(false);
    expect(parsePartyEvent(ev('contact_removed', 'town01', { memberId: 'p0001', householdId: 'bad id!' })).ok).toBe(false);
  });
  it("a town's party doc names only its town's villages and grids: other towns' are set aside, whoever writes them", () => {
    // t02v01 and its grid g0003 are of t02; the care link of each need and decision below holds (grid in village).
    const t02Contact = { householdId: 'g0003h001', gridId: 'g0003', address: '红旗村1号', head: '张' };
    const t02Need = ev('need_published', 'town01', { kind: 'resident', villageId: 't02v01', title: '关怀走访：需要就医', detail: '陪同就医', fromCare: { gridId: 'g0003', visitId: newId(ms, rnd.bytes) } });
    const foreign = [
      t02Need,
      ev('need_published', 'town01', { kind: 'enterprise', villageId: 't02v01', title: '用电', detail: '增容' }),
      ev('care_need_declined', 'town01', { villageId: 't02v01', gridId: 'g0003', visitId: newId(ms, rnd.bytes), reason: '家属已安排' }),
      ev('member_saved', 'county', { ...(member.data as object), userId: 'p0002', villageId: 't02v01', gridId: 'g0003' }),
      ev('member_saved', 'town01', { ...(member.data as object), userId: 'p0003', gridId: 'g0003' }),
      ev('member_saved', 'town01', { ...(member.data as object), userId: 'p0004', contacts: [t02Contact] }),
      ev('contact_added', 'town01', { memberId: 'p0001', contact: t02Contact }),
      ev('contact_visit', 'p0001', { householdId: 'h1', gridId: 'g0003', note: '走访', issues: [] }),
    ];
    const claim = ev('need_claimed', 'p0001', { needId: t02Need.id });
    const problems = foreign.map((e) => partyPlaceProblem(parsed(e), T01));
    expect(problems).toEqual([
      'village t02v01 is not in t01',
      'village t02v01 is not in t01',
      'village t02v01 is not in t01',
      'village t02v01 is not in t01',
      'grid g0003 is not in t01',
      'grid g0003 is not in t01',
      'grid g0003 is not in t01',
      'grid g0003 is not in t01',
    ]);
    // In t02's own doc the same places are at home; a care visit's grid of another village is still refused first.
    expect(partyPlaceProblem(parsed(t02Need), partyPlaces(IDX, 't02'))).toBeNull();
    expect(partyPlaceProblem(parsed({ ...t02Need, data: { ...(t02Need.data as object), villageId: 't01v01' } }), T01)).toMatch(/g0003 is not in village t01v01/);
    // Unknown places, or no org directory to place them: out of the town.
    expect(partyPlaceProblem(parsed(ev('need_published', 'town01', { kind: 'resident', villageId: 't09v01', title: 'x', detail: 'y' })), T01)).toBe('village t09v01 is not in t01');
    expect(partyPlaceProblem(parsed(member), partyPlaces(undefined, 't01'))).toBe('village t01v01 is not in t01');
    // Events naming no place of their own: nothing to check here (they act on what a need or member named).
    expect(partyPlaceProblem(parsed(claim), T01)).toBeNull();
    expect(partyPlacesNamed(parsed(claim))).toEqual({ villages: [], grids: [] });
    expect(partyPlaceProblem(parsed(member), T01)).toBeNull();

    const s = foldParty([member, ...foreign, claim], (id) => IDX.user(id), T01);
    expect(s.superseded.sort()).toEqual([...foreign, claim].map((e) => e.id).sort());
    expect([...s.members.keys()]).toEqual(['p0001']);
    expect(s.members.get('p0001')!.contacts.map((c) => c.householdId)).toEqual(['h1']);
    expect(s.visits).toEqual([]);
    expect(s.needs.size).toBe(0);
    expect(s.careNeeds.size + s.careDeclined.size).toBe(0);
    // The same log folded as t02's doc keeps t02's need (p0001, a member of t01, still may claim it: any member may).
    expect(foldParty([t02Need], (id) => IDX.user(id), partyPlaces(IDX, 't02')).needs.has(t02Need.id)).toBe(true);
  });
  it('mayEditContacts: the village secretary for their own village, town, county, admin', () => {
    expect(mayEditContacts(user('st01v01'), 't01v01')).toBe(true);
    expect(mayEditContacts(user('st01v02'), 't01v01')).toBe(false);
    for (const who of ['town01', 'county', 'admin']) expect(mayEditContacts(user(who), 't01v01'), who).toBe(true);
    for (const who of ['p0001', 'w0001', 'unit002']) expect(mayEditContacts(user(who), 't01v01'), who).toBe(false);
  });
  it('the chain: county - town committee - village branches - grid groups', () => {
    const c = partyChain(ORG, 't01');
    expect(c.level).toBe('county');
    expect(c.children[0]!.level).toBe('town');
    expect(c.children[0]!.children.map((b) => b.id)).toEqual(['t01v01', 't01v02']);
    expect(c.children[0]!.children[0]!.children.map((g) => [g.level, g.id])).toEqual([['group', 'g0001']]);
  });
});

describe('demo people seed', () => {
  it('is deterministic, valid, with Panjin-style ID numbers (every town: tests/unit/domain/idnumbers.test.ts)', () => {
    const { org } = generateCounty();
    const a = generatePeople(org, Date.UTC(2026, 0, 1));
    const b = generatePeople(org, Date.UTC(2026, 0, 1));
    expect(JSON.stringify([...a.docs])).toBe(JSON.stringify([...b.docs]));
    const t01 = org.grids.filter((g) => g.townId === 't01').length;
    expect(a.docs.size).toBe(2 * org.grids.length + org.towns.length);
    expect([...a.docs.keys()].filter((n) => n.startsWith('people.g') && Number(n.slice(8)) <= t01)).toHaveLength(t01);
    for (const [name, events] of a.docs) {
      if (!name.startsWith('people.')) continue;
      for (const e of events) expect(parsePeopleEvent(e).ok, JSON.stringify(e)).toBe(true);
    }
    expect(idNumber(1980, 1, 1, 1)).toMatch(/^2111\d{13}[\dX]$/);
    const users = [...org.users, ...a.users];
    const s = foldParty(a.docs.get('party.t01')!, (id) => users.find((u) => u.id === id), partyPlaces(indexOrg(org), 't01'));
    expect(s.superseded).toEqual([]);
    expect(s.members.size).toBe(a.users.filter((u) => u.townId === 't01').length);
    expect([...s.members.values()].every((m) => m.contacts.length === 3)).toBe(true);
  });
});
