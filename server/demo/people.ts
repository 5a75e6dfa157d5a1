/**
 * Demo people and party data (issue 5), deterministic from the org, for every town and grid: 12 households per
 * grid in the first town (t01), 4 elsewhere (see HOUSEHOLDS_PER_GRID), 1-5 residents each; their full ID numbers in the grid's
 * `idnumbers.<gridId>` doc, the people doc with the masked form only (src/domain/people.ts). Party: two members per
 * village (`p0001`.., numbered town by town, so town t01 keeps p0001..p0030; password as every demo account; the
 * first of each village is in service 在职党员, the second a local member), each with 3 contact households of a
 * grid of the village, plus published needs per village (one claimed, worked on and confirmed).
 *
 * Each town has its own random stream (the first town's is the one this generator always had, so its households,
 * residents and members did not change when the other towns were added); ID number events have a stream of their
 * own, so splitting them out did not move anything either.
 *
 * ID numbers are fake: 18 characters starting 2111 (Panjin prefecture), birth date, sequence, a check character
 * computed like the real one (so they look valid), never real people.
 */
import { idNumbersDocName, partyDocName, peopleDocName } from '../../src/domain/docs.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import type { OrgData, UserInfo } from '../../src/domain/org.ts';
import type { ContactHousehold } from '../../src/domain/party.ts';
import { maskIdNumber, type Household, type ResidentTag } from '../../src/domain/people.ts';
import { GIVEN_FEMALE, GIVEN_MALE, SURNAMES } from './county.ts';

export const PEOPLE_SEED = 5005;
/** Households per grid: the first town (the one tests and the walkthrough use) 12; the others fewer, so that the
 * first start stays fast and the store small (about 29,000 people events county-wide instead of 72,000). */
const HOUSEHOLDS_PER_GRID = 12;
const HOUSEHOLDS_PER_GRID_ELSEWHERE = 4;
const MEMBERS_PER_VILLAGE = 2;
/** Issue 15: the demo's person with two roles: t01v01's village secretary is a party member of the village too. */
export const DEMO_TWO_ROLES = { person: 'st01v01', role: 'member' } as const;
const ROADS = ['兴盛路', '建设街', '幸福街', '团结路', '光明巷', '育才路', '胜利街', '和平路', '新华街', '前进巷'];

export interface PeopleSeed {
  /** Party member accounts (role `member`), to add to the user directory. */
  users: UserInfo[];
  /** Issue 15: role accounts (id -> the person's main account): a person who holds a second role. */
  persons: Map<string, string>;
  /** Event logs by doc name (`people.<gridId>`, `idnumbers.<gridId>`, `party.<townId>`), each in (at, id) order. */
  docs: Map<string, Array<Record<string, unknown>>>;
}

export function generatePeople(org: OrgData, nowMs: number, seed = PEOPLE_SEED): PeopleSeed {
  const docs = new Map<string, Array<Record<string, unknown>>>();
  const users: UserInfo[] = [];
  const counters = { idSeq: 0, memberSeq: 0 };
  const persons = new Map<string, string>();
  const towns = [...org.towns].sort((a, b) => a.id.localeCompare(b.id));
  for (const [i, town] of towns.entries()) {
    generateTown(org, town.id, nowMs, (seed + i * 7919) >>> 0, i === 0 ? HOUSEHOLDS_PER_GRID : HOUSEHOLDS_PER_GRID_ELSEWHERE, counters, docs, users, persons);
  }
  return { users, docs, persons };
}

function generateTown(
  org: OrgData,
  townId: string,
  nowMs: number,
  seed: number,
  householdsPerGrid: number,
  counters: { idSeq: number; memberSeq: number },
  docs: PeopleSeed['docs'],
  users: UserInfo[],
  persons: PeopleSeed['persons'],
): void {
  const rnd = seededRandom(seed);
  const idRnd = seededRandom((seed ^ 0x1d5eed) >>> 0);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd.next() * a.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd.next() * (hi - lo + 1));
  const name = (surname?: string) => (surname ?? pick(SURNAMES)) + pick(rnd.next() < 0.5 ? GIVEN_MALE : GIVEN_FEMALE) + (rnd.next() < 0.7 ? pick(GIVEN_FEMALE) : '');
  let tick = 0;
  const base = nowMs - 90 * 86_400_000;
  const hlc = (ms: number) => formatHlc({ ms, counter: 0, node: 'seed' });
  const event = (type: string, actor: string, data: unknown, ms?: number) => {
    const at = ms ?? base + tick++ * 1000;
    return { id: newId(at, rnd.bytes), type, actor, at: hlc(at), data };
  };
  const grids = org.grids.filter((g) => g.townId === townId).sort((a, b) => a.id.localeCompare(b.id));
  const villages = org.villages.filter((v) => v.townId === townId).sort((a, b) => a.id.localeCompare(b.id));
  const households = new Map<string, Household[]>();
  for (const g of grids) {
    const village = villages.find((v) => v.id === g.villageId);
    const log: Array<Record<string, unknown>> = [];
    const ids: Array<Record<string, unknown>> = [];
    const list: Household[] = [];
    for (let h = 1; h <= householdsPerGrid; h++) {
      const surname = pick(SURNAMES);
      const head = name(surname);
      const hid = `${g.id}h${String(h).padStart(3, '0')}`;
      const household: Household = {
        id: hid,
        gridId: g.id,
        address: `${village?.name ?? ''}${pick(ROADS)}${int(1, 120)}号`,
        head,
        phone: phone(int),
        location: { lng: round6(g.center[0] + (rnd.next() - 0.5) * 0.004), lat: round6(g.center[1] + (rnd.next() - 0.5) * 0.003) },
      };
      list.push(household);
      log.push(event('household_saved', g.workerId, household));
      const size = int(1, 5);
      for (let r = 0; r < size; r++) {
        const child = r >= 2;
        const born = child ? int(2010, 2020) : int(1940, 1995);
        const tags: ResidentTag[] = [];
        if (size === 1 && born < 1960) tags.push('elderly_alone');
        if (rnd.next() < 0.08) tags.push('low_income');
        if (rnd.next() < 0.04) tags.push('disabled');
        if (child && rnd.next() < 0.25) tags.push('left_behind_child');
        const residentId = `${hid}r${r + 1}`;
        const data = {
          id: residentId,
          householdId: hid,
          name: r === 0 ? head : name(child ? surname : undefined),
          ...(child ? {} : { phone: phone(int) }),
          idNumber: idNumber(born, int(1, 12), int(1, 28), ++counters.idSeq),
          relation: r === 0 ? '户主' : child ? '子女' : r === 1 ? '配偶' : '亲属',
          tags,
        };
        const saved = event('resident_saved', g.workerId, { ...data, idNumber: maskIdNumber(data.idNumber) });
        log.push(saved);
        // The full number goes to the ID doc (same time, own id stream); the people doc keeps it masked.
        const ms = base + (tick - 1) * 1000;
        ids.push({ id: newId(ms, idRnd.bytes), type: 'id_number_saved', actor: g.workerId, at: saved.at, data: { residentId, idNumber: data.idNumber } });
      }
    }
    households.set(g.id, list);
    docs.set(peopleDocName(g.id), log);
    docs.set(idNumbersDocName(g.id), ids);
  }

  // Party: members per village, their contact households, needs.
  const party: Array<Record<string, unknown>> = [];
  for (const v of villages) {
    const vGrids = grids.filter((g) => g.villageId === v.id);
    if (vGrids.length === 0) continue;
    const secretary = `s${v.id}`;
    const members: string[] = [];
    for (let k = 0; k < MEMBERS_PER_VILLAGE; k++) {
      const id = `p${String(++counters.memberSeq).padStart(4, '0')}`;
      const g = vGrids[k % vGrids.length]!;
      const inService = k === 0;
      const user: UserInfo = { id, username: id, name: name(), role: 'member', townId, villageId: v.id, gridId: g.id };
      users.push(user);
      members.push(id);
      const list = households.get(g.id) ?? [];
      // Three households from the k*3-th on, wrapping round (a grid of 4 households has room for one and a bit).
      const picked = list.length <= 3 ? list : [0, 1, 2].map((j) => list[(k * 3 + j) % list.length]!);
      const contacts: ContactHousehold[] = picked.map((h) => ({
        householdId: h.id,
        gridId: g.id,
        address: h.address,
        head: h.head,
        ...(h.phone ? { phone: h.phone } : {}),
        ...(h.location ? { location: h.location } : {}),
      }));
      party.push(
        event('member_saved', secretary, {
          userId: id,
          name: user.name,
          villageId: v.id,
          gridId: g.id,
          inService,
          ...(inService ? { employer: pick(['县农业农村局', '县卫生健康局', '县住建局', '县供电公司', '县教育局']) } : {}),
          contacts,
        }),
      );
    }
    if (secretary === DEMO_TWO_ROLES.person) {
      // The secretary's second role: a party member account of their own, linked to the main one (no random draw,
      // so the rest of the county stays as it was).
      const main = org.users.find((u) => u.id === secretary);
      const g = vGrids[0]!;
      const id = `${secretary}.${DEMO_TWO_ROLES.role}`;
      if (main) {
        users.push({ id, username: id, name: main.name, role: DEMO_TWO_ROLES.role, townId, villageId: v.id, gridId: g.id });
        persons.set(id, secretary);
        const contacts = (households.get(g.id) ?? []).slice(-3).map((h) => ({ householdId: h.id, gridId: g.id, address: h.address, head: h.head, ...(h.phone ? { phone: h.phone } : {}), ...(h.location ? { location: h.location } : {}) }));
        // Its own id stream and a time just after the last event: the village's other events keep their ids and times.
        const at = base + tick * 1000 - 500;
        party.push({ id: newId(at, seededRandom(0x2701e5).bytes), type: 'member_saved', actor: secretary, at: hlc(at), data: { userId: id, name: main.name, villageId: v.id, gridId: g.id, inService: false, contacts } });
      }
    }
    const needs = [
      { kind: 'resident', title: '独居老人冬季取暖检查', detail: '村里5户独居老人需要上门检查炉具和烟道。' },
      { kind: 'enterprise', title: '合作社用电增容咨询', detail: '水稻合作社烘干设备需要用电增容，请协助联系办理。', requester: `${v.name}水稻合作社` },
    ];
    for (const [i, n] of needs.entries()) {
      const pub = event('need_published', secretary, { villageId: v.id, ...n });
      party.push(pub);
      if (i === 0) {
        const claimer = members[0]!;
        party.push(event('need_claimed', claimer, { needId: pub.id }));
        party.push(event('need_work', claimer, { needId: pub.id, hours: 3, note: '上门检查了5户的炉具和烟道，更换了2个烟筒。' }));
        party.push(event('need_confirmed', secretary, { needId: pub.id, note: '已核实' }));
      }
    }
  }
  docs.set(partyDocName(townId), party);
}

function phone(int: (lo: number, hi: number) => number): string {
  return `1${[3, 5, 8][int(0, 2)]}${int(0, 9)}${String(int(0, 99_999_999)).padStart(8, '0')}`;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
/** A fake 18-character ID number of Panjin (2111xx) with a valid check character. */
export function idNumber(year: number, month: number, day: number, seq: number): string {
  const body = `2111${String(2 + (seq % 3)).padStart(2, '0')}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(seq % 1000).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * WEIGHTS[i]!;
  return body + CHECK[sum % 11]!;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
