// Issue 5 gap: full ID numbers live in `idnumbers.<gridId>` (the grid's worker and town center only); the people doc,
// which the village secretary syncs too, holds the masked form at most. Readers join the two with `residentFor`.
// Also the demo: people and party data for every town, ID numbers only in the ID docs.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { docAccess, idNumbersDocName, parseRecordDocName, recordDocsForUser } from '../../../src/domain/docs.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../../src/domain/ids.ts';
import { foldParty, partyPlaces } from '../../../src/domain/party.ts';
import { indexOrg } from '../../../src/domain/org.ts';
import {
  carriesFullIdNumber,
  foldIdNumbers,
  foldPeople,
  ID_NUMBER_PATTERN,
  maskIdNumber,
  parseIdNumberEvent,
  parsePeopleEvent,
  residentFor,
  splitResident,
} from '../../../src/domain/people.ts';
import { generateCounty } from '../../../server/demo/generate.ts';
import { generatePeople } from '../../../server/demo/people.ts';
import { IDX, ORG, user } from './fixture.ts';

const rnd = seededRandom(11);
let ms = Date.UTC(2025, 5, 1);
const ev = (type: string, actor: string, data: unknown, at = ms++) => ({ id: newId(at, rnd.bytes), type, actor, at: formatHlc({ ms: at, counter: 0, node: 't' }), data });
const grid = (id: string) => IDX.grid(id);
const TOWNS = ['t01', 't02'];
const FULL = '211103198001011234';
const MASKED = '2111**********1234';

describe('idnumbers.<gridId>: who holds it', () => {
  it('only the grid worker and the town center, never the village secretary', () => {
    expect(idNumbersDocName('g0001')).toBe('idnumbers.g0001');
    expect(parseRecordDocName('idnumbers.g0001')).toEqual({ kind: 'idnumbers', gridId: 'g0001' });
    expect(parseRecordDocName('idnumbers.t01')).toBeNull();
    for (const who of ['w0001', 'town01']) expect(docAccess(user(who), 'idnumbers.g0001', TOWNS, grid), who).toBe('write');
    for (const who of ['st01v01', 'w0002', 'st01v02', 'town02', 'county', 'admin', 'unit002', 'trainer01', 'resident01', 'p0001']) {
      expect(docAccess(user(who), 'idnumbers.g0001', TOWNS, grid), who).toBeNull();
    }
    expect(docAccess(user('w0001'), 'idnumbers.g0001', TOWNS), 'no grid lookup: refused').toBeNull();
  });

  it('is listed next to the people doc for those users only', () => {
    // The issue-17 task and patrol docs are listed too (towntasks.test.ts, patrols.test.ts); these lists are the people, care, party and mediation ones.
    const names = (who: string) => recordDocsForUser(user(who), TOWNS, ORG.grids).map((g) => g.name).filter((n) => !/^task/.test(n) && !n.startsWith('patrols.'));
    expect(names('w0001')).toEqual(['people.g0001', 'idnumbers.g0001', 'care.g0001', 'party.t01', 'mediation.t01']);
    expect(names('st01v01')).toEqual(['people.g0001', 'care.g0001', 'party.t01', 'training.t01', 'mediation.t01']);
    const town = names('town01');
    for (const g of ORG.grids.filter((x) => x.townId === 't01')) expect(town).toEqual(expect.arrayContaining([`people.${g.id}`, `idnumbers.${g.id}`]));
    expect(town.filter((n) => n.startsWith('idnumbers.'))).toHaveLength(ORG.grids.filter((x) => x.townId === 't01').length);
  });
});

describe('people events carry no full ID number', () => {
  it('the schema takes the masked form or none, and refuses a full number', () => {
    const base = { id: 'r', householdId: 'h', name: '王', tags: [] };
    expect(parsePeopleEvent(ev('resident_saved', 'w0001', { ...base, idNumber: MASKED })).ok).toBe(true);
    expect(parsePeopleEvent(ev('resident_saved', 'w0001', base)).ok).toBe(true);
    const full = parsePeopleEvent(ev('resident_saved', 'w0001', { ...base, idNumber: FULL }));
    expect(full.ok).toBe(false);
    expect(!full.ok && full.detail).toContain('idnumbers');
  });

  it('carriesFullIdNumber finds a number anywhere in the data, not phone numbers or masked ones', () => {
    expect(carriesFullIdNumber(ev('visit_recorded', 'w0001', { householdId: 'h', note: `核对身份证${FULL}` }))).toBe(true);
    expect(carriesFullIdNumber(ev('visit_recorded', 'w0001', { householdId: 'h', note: '身份证 21110319800101123x' }))).toBe(true);
    expect(carriesFullIdNumber(ev('resident_saved', 'w0001', { id: 'r', householdId: 'h', name: '王', phone: '13800000000', idNumber: MASKED, tags: [] }))).toBe(false);
    expect(carriesFullIdNumber(ev('visit_recorded', 'w0001', { householdId: 'h', note: '订单号 1234567890123456789012' }))).toBe(false);
  });

  it('a people event written before the split is read with its number masked', () => {
    const legacy = ev('resident_saved', 'w0001', { id: 'r1', householdId: 'h', name: '王', idNumber: FULL, tags: [] });
    expect(foldPeople([legacy]).residents.get('r1')?.idNumber).toBe(MASKED);
  });

  it('splitResident: the record gets the masked form, the number goes to the ID doc', () => {
    expect(splitResident({ id: 'r1', householdId: 'h', name: '王', idNumber: '21110319800101123x', tags: [] })).toEqual({
      record: { id: 'r1', householdId: 'h', name: '王', idNumber: '2111**********123X', tags: [] },
      idNumber: { residentId: 'r1', idNumber: '21110319800101123X' },
    });
    expect(splitResident({ id: 'r1', householdId: 'h', name: '王', tags: [] })).toEqual({ record: { id: 'r1', householdId: 'h', name: '王', tags: [] }, idNumber: null });
    expect(splitResident({ id: 'r1', householdId: 'h', name: '王', idNumber: 'bad', tags: [] }).idNumber).toBeNull();
  });
});

describe('ID number docs: events and the join', () => {
  it('parses id_number_saved (full numbers only) and folds last save by (at, id)', () => {
    const a = ev('id_number_saved', 'w0001', { residentId: 'r1', idNumber: FULL }, 10);
    const b = ev('id_number_saved', 'town01', { residentId: 'r1', idNumber: '21110319800101123X' }, 20);
    expect(parseIdNumberEvent(a).ok).toBe(true);
    expect(parseIdNumberEvent(ev('id_number_saved', 'w0001', { residentId: 'r1', idNumber: MASKED })).ok).toBe(false);
    expect(parseIdNumberEvent(ev('resident_saved', 'w0001', { residentId: 'r1', idNumber: FULL })).ok).toBe(false);
    for (const order of [[a, b], [b, a]]) expect(foldIdNumbers([{ junk: 1 }, ...order]).get('r1')).toBe('21110319800101123X');
  });

  it('residentFor: full for the worker and the town center holding the ID doc, masked otherwise', () => {
    const g = grid('g0001');
    const r = { id: 'r1', householdId: 'h', name: '王', idNumber: MASKED, tags: [] };
    const ids = new Map([['r1', FULL]]);
    for (const who of ['w0001', 'town01']) expect(residentFor(r, user(who), g, ids), who).toMatchObject({ idNumber: FULL, idMasked: false });
    // Even handed the numbers by mistake, a secretary, another grid's worker or the county sees them masked.
    for (const who of ['st01v01', 'w0002', 'county']) expect(residentFor(r, user(who), g, ids), who).toMatchObject({ idNumber: MASKED, idMasked: true });
    // Without the ID doc (not yet synced): the masked form from the people record.
    expect(residentFor(r, user('w0001'), g, null)).toMatchObject({ idNumber: MASKED, idMasked: true });
    expect(residentFor({ ...r, idNumber: undefined }, user('st01v01'), g, null)).toMatchObject({ idNumber: '', idMasked: true });
  });
});

describe('demo people and party: every town', () => {
  const { org } = generateCounty();
  const NOW = Date.UTC(2026, 0, 1);
  const a = generatePeople(org, NOW);

  it('is deterministic, with a people and an ID doc for each of the 844 grids and a party doc for each of the 13 towns', () => {
    expect(JSON.stringify([...generatePeople(org, NOW).docs])).toBe(JSON.stringify([...a.docs]));
    const names = [...a.docs.keys()];
    expect(names.filter((n) => n.startsWith('people.'))).toHaveLength(844);
    expect(names.filter((n) => n.startsWith('idnumbers.'))).toHaveLength(844);
    expect(names.filter((n) => n.startsWith('party.')).sort()).toEqual(org.towns.map((t) => `party.${t.id}`).sort());
    for (const g of org.grids) expect(foldPeople(a.docs.get(`people.${g.id}`)!).households.size, g.id).toBeGreaterThanOrEqual(4);
  });

  it('keeps full ID numbers out of every people doc; each resident has its number in the ID doc', () => {
    let residents = 0;
    for (const g of org.grids) {
      const people = a.docs.get(`people.${g.id}`)!;
      expect(JSON.stringify(people), g.id).not.toMatch(/\d{17}[\dX]/);
      for (const e of people) expect(parsePeopleEvent(e).ok, JSON.stringify(e)).toBe(true);
      const ids = foldIdNumbers(a.docs.get(`idnumbers.${g.id}`)!);
      const state = foldPeople(people);
      expect(ids.size).toBe(state.residents.size);
      for (const r of state.residents.values()) {
        const full = ids.get(r.id);
        expect(full, r.id).toMatch(ID_NUMBER_PATTERN);
        expect(r.idNumber).toBe(maskIdNumber(full!));
      }
      residents += state.residents.size;
    }
    expect(residents).toBeGreaterThan(10_000);
  });

  it('gives every town party members (two per village); p0001..p0030 stay the t01 members they were', () => {
    // Issue 15: and one role account, t01v01's secretary as a party member of the village (no p-number of its own).
    expect([...a.persons]).toEqual([['st01v01.member', 'st01v01']]);
    const members = a.users.filter((u) => !a.persons.has(u.id));
    expect(members).toHaveLength(2 * org.villages.length);
    expect(members.map((u) => u.id)).toEqual(Array.from({ length: members.length }, (_, i) => `p${String(i + 1).padStart(4, '0')}`));
    const t01 = members.filter((u) => u.townId === 't01');
    expect(t01.map((u) => u.id)).toEqual(Array.from({ length: 30 }, (_, i) => `p${String(i + 1).padStart(4, '0')}`));
    expect(t01[0]).toMatchObject({ id: 'p0001', villageId: 't01v01', gridId: 'g0001', role: 'member' });
    // The t01 members as the generator made them before the other towns were added (names, villages, grids).
    expect(createHash('sha256').update(JSON.stringify(t01)).digest('hex').slice(0, 16)).toBe('50eb3712ac0b3360');
    const users = [...org.users, ...a.users];
    for (const t of org.towns) {
      const s = foldParty(a.docs.get(`party.${t.id}`)!, (id) => users.find((u) => u.id === id), partyPlaces(indexOrg(org), t.id));
      expect(s.superseded, t.id).toEqual([]);
      expect(s.members.size, t.id).toBe(2 * org.villages.filter((v) => v.townId === t.id).length + (t.id === 't01' ? 1 : 0));
      expect([...s.members.values()].every((m) => m.contacts.length === 3), t.id).toBe(true);
    }
  });
});
