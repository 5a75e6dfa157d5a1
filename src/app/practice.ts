/**
 * The practice sandbox (练习模式, issue 14): a practice copy of the resident app for a learner, on the trainer's
 * device. The resident screens run unchanged on a Session whose data is local only:
 *
 *  - the real resident sync (src/sync/resident.ts: reference data, outbox, own reports), with its "relay" being the
 *    PracticeRelay on this device (src/sync/practicerelay.ts): no socket and no `fetch` is ever made;
 *  - its own IndexedDB database, named under `practice.` (src/domain/docs.ts PRACTICE_PREFIX; the relay refuses
 *    such names): the practice cases, the learner's reports and the practice relay's state survive a reload;
 *  - photos and voice notes (src/app/practiceevidence.ts): captured and compressed as in a real report, kept only in
 *    that database (never an upload outbox, never /api/blobs), shown from it in the practice report;
 *  - `reset()` deletes that database and starts again from the seeded practice village.
 */
import { signal } from '@preact/signals';
import type { Session, SyncStatus } from './services.ts';
import type { RandomBytes } from '../domain/ids.ts';
import type { OrgView, UserInfo } from '../domain/org.ts';
import { getMeta, setMeta } from '../storage/meta.ts';
import { ReadModel } from '../storage/readmodel.ts';
import { practiceDbName, UserDb } from '../storage/schema.ts';
import { ResidentSync } from '../sync/resident.ts';
import { practiceEvidence } from './practiceevidence.ts';
import { PracticeRelay, practiceOrg, practiceUser, type PracticeSnapshot } from '../sync/practicerelay.ts';

const SNAPSHOT_KEY = 'practice.relay';

export interface PracticeHandle {
  session: Session;
  relay: PracticeRelay;
  /** Drop everything practised and start again from the seeded village. */
  reset(): Promise<void>;
  /** Stop the sandbox (its data stays until `reset` or the trainer's data is removed). */
  stop(): Promise<void>;
}

export { practiceDbName };

const isSnapshot = (v: unknown): v is PracticeSnapshot => typeof v === 'object' && v !== null && typeof (v as PracticeSnapshot).cases === 'object' && Array.isArray((v as PracticeSnapshot).own);

export async function openPractice(opts: {
  ns: string;
  trainer: UserInfo;
  org: OrgView;
  learnerName?: string;
  now: () => number;
  random: RandomBytes;
  /** How often the practice app asks for its reports (ms): how soon a report is seen to move on. */
  refreshMs?: number;
}): Promise<PracticeHandle> {
  const user = practiceUser(opts.learnerName);
  const data = practiceOrg(opts.org.data, opts.trainer.townId, user);
  const name = practiceDbName(opts.ns, opts.trainer.id);
  let db = new UserDb(name);
  let relay = new PracticeRelay(data, user, opts.now, opts.random);
  const casesVersion = signal(0);
  const status = signal<SyncStatus>({ connection: 'online', unsaved: 0, lastSavedMs: null, ready: false, authExpired: false });
  const org = signal<OrgView | null>(null);
  let rs: ResidentSync | null = null;
  let disposeStatus = () => {};
  let disposeOrg = () => {};
  const evidence = practiceEvidence(() => db, opts.now);

  const start = async () => {
    await db.open();
    relay.load((await getMeta(db, SNAPSHOT_KEY, isSnapshot)) ?? null);
    await setMeta(db, SNAPSHOT_KEY, relay.snapshot());
    const readModel = new ReadModel(db);
    const r = new ResidentSync({
      user,
      db,
      readModel,
      casesVersion,
      api: async (path, init) => {
        const res = await relay.fetch(path, init);
        await setMeta(db, SNAPSHOT_KEY, relay.snapshot());
        return res;
      },
      now: opts.now,
      random: opts.random,
      online: () => true,
      unauthorized: () => {},
      paused: () => false,
      watchNetwork: () => () => {},
      refreshMs: opts.refreshMs ?? 5_000,
      beforeSave: (events) => evidence.attach(events),
    });
    rs = r;
    disposeStatus = r.status.subscribe((s) => (status.value = s));
    disposeOrg = r.org.subscribe((o) => (org.value = o));
    await r.start();
    await r.sync();
  };
  const stopSync = async () => {
    disposeStatus();
    disposeOrg();
    await rs?.stop();
    rs = null;
  };
  const withSync = async <T>(f: (r: ResidentSync) => Promise<T>): Promise<T> => {
    if (!rs) throw new Error('practice stopped');
    return f(rs);
  };
  await start();

  const session: Session = {
    user,
    status,
    org,
    casesVersion,
    queryCases: (filter, offset, limit) => new ReadModel(db).query(filter, offset, limit),
    countCases: (filter) => new ReadModel(db).count(filter),
    getCase: (id) => withSync((r) => r.getCase(id)),
    report: (input) => withSync((r) => r.report(input)),
    act: (caseId, command) => withSync((r) => r.act(caseId, command)),
    reportResolved: () => Promise.resolve({ ok: false, error: 'forbidden' }),
    queryQueue: () => Promise.resolve([]),
    countQueue: () => Promise.resolve(0),
    findDuplicates: () => Promise.resolve([]),
    stats: () => Promise.reject(new Error('no statistics in practice')),
    now: opts.now,
    renew: () => Promise.resolve(false),
    logout: () => Promise.resolve(),
    geoFetch: () => Promise.resolve(null),
    evidence: evidence.api,
    api: (path, init = {}) => relay.fetch(path, { method: init.method ?? 'GET', ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) }),
  };

  return {
    session,
    get relay() {
      return relay;
    },
    reset: async () => {
      await stopSync();
      db.close();
      await UserDb.delete(name);
      db = new UserDb(name);
      relay = new PracticeRelay(data, user, opts.now, opts.random);
      await start();
      casesVersion.value++;
    },
    stop: async () => {
      await stopSync();
      db.close();
    },
  };
}
