/**
 * One contract suite for every implementation of the screens' Session (src/app/services.ts), run over each
 * pairing of session and relay, the way TinyBase runs one suite over every persister:
 *  - the real session (createAuthService) against the real relay (server/app.ts on port 0, real `ws`):
 *    tests/integration/session-contract.test.ts
 *  - the real session against the in-memory LoopbackRelay, and the in-memory FakeSession of the screen tests
 *    (tests/ui/fake-services.ts): tests/unit/sync/session-contract.test.ts
 * The behaviours about saving (acknowledgements, offline, refusals, races between offline devices) need a relay;
 * an environment without one (`sync` absent: the FakeSession) skips them explicitly. Waiting is always on the
 * condition meant (`until`), never a fixed sleep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import type { CaseRow, ReportInput, Session } from '../../src/app/services.ts';
import type { Command, Decision } from '../../src/domain/commands.ts';
import type { CaseEvent, LatLng } from '../../src/domain/events.ts';
import type { GridlinkAuthService } from '../../src/app/session.ts';
import type { SyncEngine } from '../../src/sync/engine.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { until } from './wait.ts';

/** Who plays which part in the environment's county. */
export interface ContractCast {
  /** The grid worker of `gridId`. */
  worker: string;
  /** A worker of another grid: never has the worker's cases in their list. */
  otherWorker: string;
  /** The town center of `gridId`'s town. */
  town: string;
  /** A unit user, of unit `unitId`, which the town may dispatch `category` to. */
  unit: string;
  unitId: string;
  gridId: string;
  /** A subcategory code. */
  category: string;
  location: LatLng;
}

export interface ContractDevice {
  session: Session;
  /** The device's sync engine (environments with a relay). */
  engine?: SyncEngine;
  /** Take the device off or onto the network; resolves once it shows offline (every link closed) / was told. */
  setOnline?(on: boolean): Promise<void>;
  /** Close the page and open it again, offline: the same device resumes the session from its own storage. */
  reload?(): Promise<ContractDevice>;
}

export interface ContractRelay {
  /** Ids of the events the relay holds in a doc. */
  eventIds(docName: string): Promise<string[]>;
  /** Whole updates the relay has refused so far. */
  refusals(): number;
}

export interface SessionEnv {
  cast: ContractCast;
  /** A new device signed in as `userId`, its docs loaded (and synced, when there is a relay). */
  device(userId: string): Promise<ContractDevice>;
  /** Present when the sessions sync through a relay. */
  relay?: ContractRelay;
  close(): Promise<void>;
}

/**
 * A ContractDevice over the real session (createAuthService): signed in (docs synced), or resumed after a reload
 * (docs opened from the device's storage). `setNetwork` flips the `online()` the service was made with.
 */
export async function contractDevice(
  auth: GridlinkAuthService,
  userId: string,
  resumed: boolean,
  setNetwork: (on: boolean) => void,
  reload: () => Promise<ContractDevice>,
  password = 'demo',
): Promise<ContractDevice> {
  let s;
  if (resumed) {
    s = await auth.resume();
    if (!s) throw new Error(`${userId}: nothing to resume`);
    await s.engine.start();
  } else {
    const r = await auth.login(userId, password);
    if (!r.ok) throw new Error(`login ${userId}: ${r.error}`);
    s = r.session;
    await s.engine.whenSynced();
    await s.recordSync?.whenSynced();
  }
  const session = s;
  return {
    session,
    engine: session.engine,
    async setOnline(on) {
      setNetwork(on);
      if (on) return;
      // Offline in the status at once; every socket closed at the engine's next network poll.
      await until(async () => session.status.value.connection === 'offline' && (await session.engine.diagnostics()).every((d) => d.linkState === 'disconnected'), 'offline');
    },
    reload,
  };
}

function ok(d: Decision): Extract<Decision, { ok: true }> {
  if (!d.ok) throw new Error(`refused: ${d.error} ${d.detail ?? ''}`);
  return d;
}

const rowOf = async (s: Session, id: string): Promise<CaseRow | undefined> => (await s.queryCases({}, 0, 10_000)).find((r) => r.id === id);

/** The doc of a device that holds an event. */
function docHolding(engine: SyncEngine, eventId: string): [string, Y.Doc] {
  const found = [...engine.docs()].find(([, d]) => d.getArray<{ id?: string }>(EVENTS_ARRAY).toArray().some((e) => e?.id === eventId));
  if (!found) throw new Error(`no doc holds ${eventId}`);
  return found;
}

export function describeSessionContract(name: string, makeEnv: () => Promise<SessionEnv>): void {
  describe(`Session contract: ${name}`, () => {
    let env: SessionEnv;
    let c: ContractCast;
    let n = 0;
    const input = (over: Partial<ReportInput> = {}): ReportInput => ({
      category: c.category,
      description: `合同测试上报 ${++n}：路灯不亮`,
      location: c.location,
      gridId: c.gridId,
      ...over,
    });

    beforeAll(async () => {
      env = await makeEnv();
      c = env.cast;
    });
    afterAll(async () => {
      await env?.close();
    });

    it('a report is in the reporter’s list at once: reported, by them, pending; getCase folds it', async () => {
      const dev = await env.device(c.worker);
      const w = dev.session;
      // Off the network where there is a relay: `pending` means not acknowledged yet, and a relay online may
      // acknowledge before the list is read.
      await dev.setOnline?.(false);
      const before = await w.countCases({ status: 'reported', gridId: c.gridId });
      const d = ok(await w.report(input()));
      expect(d.event).toMatchObject({ type: 'reported', actor: c.worker, data: { gridId: c.gridId, category: c.category } });
      expect(d.state).toMatchObject({ id: d.event.caseId, status: 'reported', reporter: c.worker, gridId: c.gridId });
      expect(await rowOf(w, d.event.caseId)).toMatchObject({ id: d.event.caseId, status: 'reported', reporter: c.worker, category: c.category, pending: true });
      expect(await w.countCases({ status: 'reported', gridId: c.gridId })).toBe(before + 1);
      const state = await w.getCase(d.event.caseId);
      expect(state).toMatchObject({ id: d.event.caseId, status: 'reported', reporter: c.worker });
      expect(state!.timeline.map((t) => [t.event.id, t.applied])).toEqual([[d.event.id, true]]);
      expect((await w.queryQueue('my_reports', 0, 10_000)).map((r) => r.id)).toContain(d.event.caseId);
    });

    it('a command the domain refuses answers its error and writes nothing', async () => {
      const { session: w } = await env.device(c.worker);
      const d = ok(await w.report(input()));
      const total = await w.countCases({});
      expect(await w.act(d.event.caseId, { type: 'accept' } as Command)).toMatchObject({ ok: false, error: 'role_not_allowed' });
      expect(await w.act('01ARZ3NDEKTSV4RRFFQ69G5FAV', { type: 'accept' } as Command)).toMatchObject({ ok: false, error: 'unknown_case' });
      expect(await w.report(input({ gridId: 'g9999' }))).toMatchObject({ ok: false, error: 'unknown_grid' });
      expect(await w.report(input({ category: '9999' }))).toMatchObject({ ok: false, error: 'unknown_category' });
      expect(await w.report(input({ description: '' }))).toMatchObject({ ok: false, error: 'bad_request' });
      expect(await w.countCases({})).toBe(total);
      expect((await w.getCase(d.event.caseId))?.timeline).toHaveLength(1);
    });

    it('across devices: the town accepts and dispatches the report, the unit has it in its work queue, the worker sees it move', async () => {
      const { session: w } = await env.device(c.worker);
      const { session: t } = await env.device(c.town);
      const { session: u } = await env.device(c.unit);
      const d = ok(await w.report(input()));
      const id = d.event.caseId;
      await until(async () => (await rowOf(t, id))?.status === 'reported', 'the case at the town center');
      expect(ok(await t.act(id, { type: 'accept' } as Command)).state.status).toBe('accepted');
      expect((await rowOf(t, id))?.status).toBe('accepted');
      const dispatched = ok(await t.act(id, { type: 'dispatch', unitId: c.unitId } as Command));
      expect(dispatched.state).toMatchObject({ status: 'dispatched', unitId: c.unitId });
      await until(async () => (await u.queryQueue('unit_work', 0, 10_000)).some((r) => r.id === id), 'the case in the unit’s work queue');
      expect(ok(await u.act(id, { type: 'acknowledge' } as Command)).state.status).toBe('acknowledged');
      await until(async () => (await rowOf(w, id))?.status === 'acknowledged', 'the worker sees it acknowledged');
      expect((await w.getCase(id))?.timeline.map((x) => x.event.type)).toEqual(['reported', 'accepted', 'dispatched', 'acknowledged']);
    });

    it('a case is never in the list of a worker of another grid', async () => {
      const { session: w } = await env.device(c.worker);
      const { session: t } = await env.device(c.town);
      const { session: other } = await env.device(c.otherWorker);
      const d = ok(await w.report(input()));
      await until(async () => (await rowOf(t, d.event.caseId)) !== undefined, 'the case at the town center');
      // Accepted by the town: a change every device holding the doc receives after the report.
      ok(await t.act(d.event.caseId, { type: 'accept' } as Command));
      await until(async () => (await rowOf(w, d.event.caseId))?.status === 'accepted', 'the worker sees it accepted');
      expect(await rowOf(other, d.event.caseId)).toBeUndefined();
      expect(await other.countCases({ gridId: c.gridId })).toBe(0);
    });

    it('report and resolve on the spot: both events together, the case closed as self-resolved', async () => {
      const { session: w } = await env.device(c.worker);
      const d = ok(await w.reportResolved(input(), '已当场处理'));
      expect(d.event.type).toBe('self_resolved');
      expect(await rowOf(w, d.event.caseId)).toMatchObject({ status: 'closed', selfResolved: true });
      expect((await w.getCase(d.event.caseId))?.timeline.map((x) => [x.event.type, x.applied])).toEqual([
        ['reported', true],
        ['self_resolved', true],
      ]);
    });

    it('[sync] every own change counts as unsaved until the relay acknowledges it; then nothing is pending', async (ctx) => {
      if (!env.relay) return ctx.skip('no relay: nothing is ever saved');
      const dev = await env.device(c.worker);
      const w = dev.session;
      // Offline, so that no acknowledgement can overtake the counting.
      await dev.setOnline!(false);
      const one = ok(await w.report(input()));
      const two = ok(await w.reportResolved(input(), '已当场处理'));
      expect(w.status.value).toMatchObject({ connection: 'offline', unsaved: 3 });
      for (const id of [one.event.caseId, two.event.caseId]) expect((await rowOf(w, id))?.pending).toBe(true);

      await dev.setOnline!(true);
      await until(() => w.status.value.unsaved === 0 && w.status.value.connection === 'online', 'acknowledged');
      expect(w.status.value.lastSavedMs).not.toBeNull();
      await until(async () => (await rowOf(w, one.event.caseId))?.pending === undefined && (await rowOf(w, two.event.caseId))?.pending === undefined, 'rows no longer pending');
      const [docName] = docHolding(dev.engine!, one.event.id);
      const onRelay = await env.relay.eventIds(docName);
      const twoIds = (await w.getCase(two.event.caseId))!.timeline.map((t) => t.event.id);
      for (const id of [one.event.id, ...twoIds]) expect(onRelay).toContain(id);
    });

    it('[sync] offline work survives a reload, still counted, and is sent on reconnect; the town then sees it', async (ctx) => {
      if (!env.relay) return ctx.skip('no relay: there is no offline');
      const first = await env.device(c.worker);
      await first.setOnline!(false);
      const d = ok(await first.session.report(input()));
      expect(first.session.status.value).toMatchObject({ connection: 'offline', unsaved: 1 });
      const [docName] = docHolding(first.engine!, d.event.id);

      // The page is closed and opened again, still offline.
      const dev = await first.reload!();
      const w = dev.session;
      expect(w.user.id).toBe(c.worker);
      expect(w.status.value).toMatchObject({ connection: 'offline', unsaved: 1 });
      expect(await rowOf(w, d.event.caseId)).toMatchObject({ status: 'reported', pending: true });
      expect(await env.relay.eventIds(docName)).not.toContain(d.event.id);

      await dev.setOnline!(true);
      await until(() => w.status.value.unsaved === 0 && w.status.value.connection === 'online', 'sent and acknowledged');
      expect(await env.relay.eventIds(docName)).toContain(d.event.id);
      const { session: t } = await env.device(c.town);
      await until(async () => (await rowOf(t, d.event.caseId))?.status === 'reported', 'the case at the town center');
    });

    it('[sync] a refused update is recovered: own valid events saved, the forged one dropped, one refusal', async (ctx) => {
      if (!env.relay) return ctx.skip('no relay: nothing refuses');
      const dev = await env.device(c.worker);
      const w = dev.session;
      await dev.setOnline!(false);
      const good = ok(await w.report(input()));
      const [docName, doc] = docHolding(dev.engine!, good.event.id);
      // A forged event (another user as actor) got into the local doc: the relay refuses the whole update.
      const forged: CaseEvent = { ...good.event, id: '01JDB0000000000000000F0RGD', caseId: '01JDB0000000000000000F0RGC', actor: c.otherWorker };
      doc.getArray(EVENTS_ARRAY).push([forged]);
      await dev.engine!.settled();
      expect(w.status.value.unsaved).toBe(2);
      const refusedBefore = env.relay.refusals();

      await dev.setOnline!(true);
      await until(() => w.status.value.unsaved === 0 && w.status.value.connection === 'online', 'recovered and saved');
      expect(env.relay.refusals() - refusedBefore).toBe(1);
      const onRelay = await env.relay.eventIds(docName);
      expect(onRelay).toContain(good.event.id);
      expect(onRelay).not.toContain(forged.id);
      const local = dev.engine!.docs().get(docName)!.getArray<{ id: string }>(EVENTS_ARRAY).toArray().map((e) => e.id);
      expect(local).toContain(good.event.id);
      expect(local).not.toContain(forged.id);
      expect((await w.getCase(good.event.caseId))?.status).toBe('reported');
      expect(await w.getCase(forged.caseId)).toBeNull();
    });

    it('[sync] two offline devices decide on one case: on reconnect both show one winner and the loser superseded', async (ctx) => {
      if (!env.relay) return ctx.skip('no relay: decisions cannot race');
      const { session: w } = await env.device(c.worker);
      const a = await env.device(c.town);
      const b = await env.device(c.town);
      const d = ok(await w.report(input()));
      const id = d.event.caseId;
      for (const x of [a, b]) await until(async () => (await x.session.getCase(id)) !== null, 'the case on both town devices');
      await Promise.all([a.setOnline!(false), b.setOnline!(false)]);
      const accept = ok(await a.session.act(id, { type: 'accept' } as Command));
      const reject = ok(await b.session.act(id, { type: 'reject', reason: '重复上报' } as Command));
      await Promise.all([a.setOnline!(true), b.setOnline!(true)]);
      const settled = async (x: ContractDevice) => (await x.session.getCase(id))?.timeline.length === 3 && x.session.status.value.unsaved === 0;
      await until(async () => (await settled(a)) && (await settled(b)), 'both decisions on both devices, saved');
      const sa = (await a.session.getCase(id))!;
      const sb = (await b.session.getCase(id))!;
      expect(sa).toEqual(sb);
      const [first, second] = accept.event.at < reject.event.at ? [accept, reject] : [reject, accept];
      expect(sa.status).toBe(first.state.status);
      expect(sa.superseded.map((x) => [x.eventId, x.reason, x.winner?.eventId])).toEqual([[second.event.id, 'state_not_allowed', first.event.id]]);
      await until(async () => (await rowOf(a.session, id))?.status === first.state.status && (await rowOf(b.session, id))?.status === first.state.status, 'the rows agree');
    });
  });
}
