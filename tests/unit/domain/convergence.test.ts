// Convergence: several replicas (devices) make random commands on shared cases while partitioned, exchange events
// in random order and random subsets, and end — once everything is delivered — with identical case states and
// identical assessment figures. Seeded, so a failure replays exactly.
// The county's reference data changes during the run (plans, units, a worker's grid, a grid's name): a relay
// receipts each event against the org doc it holds when the event first reaches it, replicas learn receipts and
// org versions when they sync with it, and each folds with whichever org version it holds (src/domain/receipts.ts).
import { describe, expect, it } from 'vitest';
import { assessAll } from '../../../src/domain/assessment.ts';
import { allowedCommands, COMMAND_EVENT, decide, type Command, type CommandType } from '../../../src/domain/commands.ts';
import { SATISFACTIONS, type CaseEvent } from '../../../src/domain/events.ts';
import { foldAll, foldCase } from '../../../src/domain/fold.ts';
import { formatHlc, receive, tick, initialHlc, type HlcState } from '../../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../../src/domain/ids.ts';
import { EVENT_TYPES } from '../../../src/domain/events.ts';
import type { CaseState } from '../../../src/domain/workflow.ts';
import { indexOrg, type OrgData, type OrgIndex, type UserInfo } from '../../../src/domain/org.ts';
import { contextFrom, makeReceipt, type Receipt } from '../../../src/domain/receipts.ts';
import { IDX, ORG, pick, REPORT, shuffle, T0, user, type Rnd } from './fixture.ts';

/** Devices and who uses them: two town-center PCs, a unit's phone and PC, grid workers, the county. */
const DEVICES: Record<string, string[]> = {
  pcA: ['town01', 'county'],
  pcB: ['town01', 'admin'],
  unitPhone: ['unit002', 'unit001'],
  unitPc: ['unit002'],
  worker: ['w0001', 'w0002', 'resident01'],
};

/** Org versions: each a change of the last. */
type OrgVersion = { data: OrgData; index: OrgIndex };
function nextOrg(r: Rnd, prev: OrgData): OrgData {
  const d = structuredClone(prev);
  const change = Math.floor(r.next() * 4);
  if (change === 0) Object.assign(d.plans.find((p) => p.id === 'P001')!, { dueHours: pick(r, [4, 12, 24, 48]), steps: pick(r, [['a'], ['a', 'b', 'c'], ['a', 'b', 'c', 'd']]) });
  if (change === 1) {
    const u002 = ORG.units.find((u) => u.id === 'u002')!;
    d.units = d.units.some((u) => u.id === 'u002') ? d.units.filter((u) => u.id !== 'u002') : [...d.units, u002];
  }
  if (change === 2) {
    const w = d.users.find((u) => u.id === 'w0002')!;
    Object.assign(w, w.gridId === 'g0002' ? { gridId: 'g0001', villageId: 't01v01' } : { gridId: 'g0002', villageId: 't01v02' });
  }
  if (change === 3) Object.assign(d.grids.find((g) => g.id === 'g0001')!, { name: `曙光村第一网格${Math.floor(r.next() * 100)}` });
  return d;
}

class Replica {
  readonly events = new Map<string, CaseEvent>();
  readonly receipts = new Map<string, Receipt>();
  clock: HlcState;
  org: OrgVersion = { data: ORG, index: IDX };
  constructor(
    readonly name: string,
    readonly users: string[],
  ) {
    this.clock = initialHlc(name);
  }
  states(): Map<string, CaseState> {
    return foldAll(this.events.values(), contextFrom(this.receipts, this.org.index));
  }
  user(id: string): UserInfo {
    return this.org.index.user(id) ?? user(id);
  }
  receive(e: CaseEvent, wall: number): void {
    this.events.set(e.id, e);
    this.clock = receive(this.clock, e.at, wall);
  }
}

/** The relay: the latest org doc, and a receipt for each event the first time it arrives. */
class Relay {
  readonly events = new Map<string, CaseEvent>();
  readonly receipts = new Map<string, Receipt>();
  constructor(public org: OrgVersion) {}
  /** A replica syncs: its events go up (receipted on arrival), everything comes down. */
  sync(x: Replica, wall: number): void {
    for (const e of x.events.values()) {
      if (this.events.has(e.id)) continue;
      this.events.set(e.id, e);
      this.receipts.set(e.id, makeReceipt(e, this.org.index, wall, wall - 3_600_000));
    }
    for (const e of this.events.values()) x.receive(e, wall);
    for (const [id, rc] of this.receipts) x.receipts.set(id, rc);
    x.org = this.org;
  }
}

const RARE: ReadonlySet<CommandType> = new Set(['withdraw', 'merge', 'reopen', 'reject', 'release_assist']);

function commandFor(r: Rnd, type: CommandType, caseIds: string[], state: CaseState): Command | null {
  const reason = { reason: '原因' };
  switch (type) {
    case 'report':
      return null;
    case 'accept':
    case 'acknowledge':
    case 'start':
    case 'verify':
    case 'close':
      return { type } as Command;
    case 'reject':
    case 'return':
    case 'fail_verification':
    case 'withdraw':
    case 'reopen':
      return { type, ...reason } as Command;
    case 'dispatch': {
      const unitId = pick(r, ['u001', 'u002']);
      // Issue 17: a third of the dispatches name the other unit as helper (协办).
      const helpers = r.next() < 0.35 ? { helperUnitIds: [unitId === 'u001' ? 'u002' : 'u001'] } : {};
      return { type, unitId, ...(r.next() < 0.5 ? { planId: 'P001' } : {}), ...(r.next() < 0.3 ? { dueHours: 4 } : {}), ...helpers };
    }
    case 'record_assist':
      return { type, dispatchId: state.dispatchId!, note: '配合情况' };
    case 'confirm_assist':
      return { type, dispatchId: state.dispatchId! };
    case 'release_assist': {
      const h = state.helpers?.find((x) => x.status === 'assisting');
      return h ? { type, dispatchId: state.dispatchId!, unitId: h.unitId, reason: '原因' } : null;
    }
    case 'resolve':
    case 'self_resolve':
    case 'supervise':
    case 'call_revisit':
      return { type, note: '说明' } as Command;
    case 'feedback':
      return { type, satisfaction: pick(r, SATISFACTIONS) };
    case 'request_extension':
      return { type, hours: pick(r, [12, 24]), reason: '原因' };
    case 'decide_extension':
      return { type, approve: r.next() < 0.7 };
    case 'merge':
      return { type, intoCaseId: pick(r, caseIds) };
    case 'checklist':
      return { type, step: Math.floor(r.next() * 3), done: r.next() < 0.8 };
  }
}

const simulated = new Map<number, ReturnType<typeof run>>();
const simulate = (seed: number) => simulated.get(seed) ?? simulated.set(seed, run(seed)).get(seed)!;

function run(seed: number) {
  const r = seededRandom(seed);
  const replicas = Object.entries(DEVICES).map(([name, users]) => new Replica(name, users));
  const relay = new Relay({ data: ORG, index: IDX });
  let orgChanges = 0;
  let wall = T0;
  let partition = new Map(replicas.map((x) => [x, 0]));
  const skew = new Map(replicas.map((x) => [x, Math.floor(r.next() * 120_000) - 60_000]));
  let made = 0;

  for (let round = 0; round < 600; round++) {
    wall += Math.floor(r.next() * 20 * 60_000);
    // New partitions now and then: each replica lands in one of 1-3 groups that only talk within themselves.
    if (r.next() < 0.08) {
      const groups = 1 + Math.floor(r.next() * 3);
      partition = new Map(replicas.map((x) => [x, Math.floor(r.next() * groups)]));
    }
    // The county's reference data changes now and then (an admin's edit reaches the relay).
    if (r.next() < 0.03) {
      const data = nextOrg(r, relay.org.data);
      relay.org = { data, index: indexOrg(data) };
      orgChanges++;
    }
    const x = pick(r, replicas);
    const now = wall + skew.get(x)!;
    const states = x.states();
    const caseIds = [...states.keys()];
    const actor = x.user(pick(r, x.users));
    const org = x.org.index;
    x.clock = tick(x.clock, now);
    const at = formatHlc(x.clock);
    const eventId = newId(now, r.bytes);
    if (caseIds.length < 3 || r.next() < 0.06) {
      const grid = pick(r, ['g0001', 'g0002']);
      const d = decide(null, { type: 'report', ...REPORT, gridId: grid }, { actor: x.user(grid === 'g0001' ? 'w0001' : 'w0002'), org, at, eventId, caseId: newId(now, r.bytes) });
      if (d.ok) {
        x.events.set(d.event.id, d.event);
        made++;
      }
    } else {
      const caseId = pick(r, caseIds);
      const state = states.get(caseId)!;
      const allowed = allowedCommands(state, actor, org);
      if (allowed.length) {
        // The detours (withdraw, merge, reopen, reject) are rare, as in life; otherwise they end most cases early.
        const weights = allowed.map((t) => (RARE.has(t) ? 0.08 : 1));
        let roll = r.next() * weights.reduce((a, b) => a + b, 0);
        const type = allowed.find((_, i) => (roll -= weights[i]!) < 0) ?? allowed[allowed.length - 1]!;
        const cmd = commandFor(r, type, caseIds, state);
        const d = cmd && decide(state, cmd, { actor, org, at, eventId, caseId });
        if (d && d.ok) {
          x.events.set(d.event.id, d.event);
          made++;
        }
      }
    }
    // Gossip: a random subset of one replica's events reaches another in the same group, in random order.
    if (r.next() < 0.7) {
      const from = pick(r, replicas);
      const to = pick(r, replicas);
      if (from !== to && partition.get(from) === partition.get(to)) {
        const all = shuffle(r, [...from.events.values()]);
        for (const e of all.slice(0, Math.ceil(all.length * r.next()))) to.receive(e, wall + skew.get(to)!);
        // Receipts travel with what a replica has learnt from the relay.
        for (const [id, rc] of from.receipts) if (to.events.has(id)) to.receipts.set(id, rc);
      }
    }
    // Replicas in group 0 reach the relay now and then.
    if (r.next() < 0.3) {
      const y = pick(r, replicas);
      if (partition.get(y) === 0) relay.sync(y, wall);
    }
  }
  // Heal: everyone gets everything, each in its own random order.
  const union = new Map<string, CaseEvent>();
  for (const x of replicas) for (const [id, e] of x.events) union.set(id, e);
  for (const x of replicas) for (const e of shuffle(r, [...union.values()])) x.receive(e, wall);
  for (const x of replicas) relay.sync(x, wall);
  for (const x of replicas) relay.sync(x, wall);
  return { replicas, union, wall, made, relay, orgChanges };
}

describe('convergence: random commands on partitioned replicas', () => {
  it.each([1, 2, 3, 4, 5, 6])('seed %i: identical states and assessment everywhere', (seed) => {
    const { replicas, union, wall, made, relay, orgChanges } = simulate(seed);
    expect(made).toBeGreaterThan(150);
    expect(orgChanges).toBeGreaterThan(5);
    const period = { fromMs: T0 - 86_400_000, toMs: wall + 86_400_000 };
    const reference = replicas[0]!.states();
    const figures = assessAll(reference.values(), period, wall);
    for (const x of replicas.slice(1)) {
      expect(x.states(), x.name).toEqual(reference);
      expect(assessAll(x.states().values(), period, wall), x.name).toEqual(figures);
    }
    // the fold of each case also equals the fold of its events in any other order
    const r = seededRandom(seed * 31);
    for (const [id, s] of reference) expect(foldCase(shuffle(r, [...union.values()].filter((e) => e.caseId === id)), contextFrom(relay.receipts, IDX))).toEqual(s);
    // Once every event has its receipt, the org version a replica holds no longer matters: the first org folds
    // the same history to the same states as the last.
    expect(foldAll(union.values(), contextFrom(relay.receipts, IDX))).toEqual(foldAll(union.values(), contextFrom(relay.receipts, relay.org.index)));
  });

  it('the histories were worth testing: races happened and were recorded with their winners', () => {
    let superseded = 0;
    let withWinner = 0;
    const statuses = new Set<string>();
    const types = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { replicas } = simulate(seed);
      for (const s of replicas[0]!.states().values()) {
        statuses.add(s.status);
        for (const t of s.timeline) if (t.applied) types.add(t.event.type);
        for (const x of s.superseded) {
          superseded++;
          if (x.winner) {
            withWinner++;
            // the winner is an applied event of the same case, made before the loser
            const w = s.timeline.find((t) => t.event.id === x.winner!.eventId)!;
            expect(w.applied).toBe(true);
            expect(w.event.at < x.at || (w.event.at === x.at && w.event.id < x.eventId)).toBe(true);
          }
          const entry = s.timeline.find((t) => t.event.id === x.eventId)!;
          expect(entry).toMatchObject({ applied: false, reason: x.reason });
          expect(x.actor).toBe(entry.event.actor);
        }
      }
    }
    expect(superseded).toBeGreaterThan(20);
    expect(withWinner).toBeGreaterThan(10);
    expect(statuses.size).toBeGreaterThanOrEqual(9);
    expect([...EVENT_TYPES].filter((t) => !types.has(t))).toEqual([]);
    expect(Object.keys(COMMAND_EVENT)).toHaveLength(EVENT_TYPES.length);
  });
});

describe('concurrency: the two races of the issue', () => {
  it('a return racing a resolve: the earlier wins on every replica; the other is superseded with who and when', async () => {
    const { ev, happyPath } = await import('./fixture.ts');
    const base = [...happyPath().slice(0, 3), ev('acknowledged', 'unit002', 3)];
    const ret = ev('returned', 'unit002', 10, { node: 'phone' });
    const res = ev('resolved', 'unit002', 11, { node: 'pc' });
    for (const order of [
      [ret, res],
      [res, ret],
    ]) {
      const s = foldCase([...order, ...base], IDX)!;
      expect(s.status).toBe('returned');
      expect(s.superseded).toEqual([
        { eventId: res.id, type: 'resolved', actor: 'unit002', at: res.at, ms: T0 + 11 * 60_000, reason: 'state_not_allowed', winner: { eventId: ret.id, type: 'returned', actor: 'unit002', at: ret.at } },
      ]);
    }
    // the resolve made one minute earlier wins instead
    const early = ev('resolved', 'unit002', 9, { node: 'pc' });
    const s = foldCase([...base, ret, early], IDX)!;
    expect(s.status).toBe('resolved');
    expect(s.superseded.map((x) => [x.eventId, x.winner?.eventId])).toEqual([[ret.id, early.id]]);
  });

  it('two offline dispatches: the first stamp wins; the loser is listed for its author', async () => {
    const { ev, happyPath } = await import('./fixture.ts');
    const { supersededFor } = await import('../../../src/domain/workflow.ts');
    const base = happyPath().slice(0, 2);
    const d1 = ev('dispatched', 'town01', 5, { node: 'pc-a', data: { unitId: 'u002' } });
    const d2 = ev('dispatched', 'county', 6, { node: 'pc-b', data: { unitId: 'u001' } });
    const s = foldCase([d2, ...base, d1], IDX)!;
    expect(s.unitId).toBe('u002');
    expect(supersededFor(s, 'county')).toMatchObject([{ eventId: d2.id, reason: 'state_not_allowed', winner: { actor: 'town01', type: 'dispatched' } }]);
    expect(supersededFor(s, 'town01')).toEqual([]);
  });
});
