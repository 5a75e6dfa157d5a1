/**
 * The command hall's page (bench/figures/hall.ts): the real Hall screen (src/features/hall) over a county of 20,000
 * cases (server/demo's generator, folded once) kept in a real Dexie read model, so the first render reads its
 * window through the `reportedMs` index as on a device. The session around it is minimal: rows from that read
 * model, the row listeners the engine has, no relay and no boundaries (the heat map is not drawn here: maplibre's
 * WebGL is measured by the map figures, not this one).
 * `bench.setup()` (not timed), `bench.render()` and `bench.refresh()` return their own wall times (ms).
 */
import { render } from 'preact';
import { signal } from '@preact/signals';
import { generateDemo } from '../../server/demo/generate.ts';
import { foldAll } from '../../src/domain/fold.ts';
import { indexOrg } from '../../src/domain/org.ts';
import type { CaseRow, Session } from '../../src/app/services.ts';
import { Hall, REFRESHED_MARK, RENDERED_MARK } from '../../src/features/hall/Hall.tsx';
import { messagesReady } from '../../src/app/i18n.ts';
import { ReadModel, rowsReportedBetween, toRecord, toRow } from '../../src/storage/readmodel.ts';
import { UserDb } from '../../src/storage/schema.ts';

const NOW = Date.now();
const CASES = 20_000;
let session: Session;
let rows: CaseRow[] = [];
const listeners = new Set<(c: { put: CaseRow[]; del: string[] } | null) => void>();

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const marked = (name: string, after: number) =>
  new Promise<void>((resolve) => {
    const poll = () => (performance.getEntriesByName(name).some((e) => e.startTime >= after) ? resolve() : setTimeout(poll, 5));
    poll();
  });

async function setup(): Promise<{ cases: number; events: number }> {
  const { org, events } = generateDemo({ nowMs: NOW, cases: CASES });
  const idx = indexOrg(org);
  const states = [...foldAll(events, idx).values()];
  const records = states.map((s) => toRecord(s, 'bench', false));
  const db = new UserDb(`bench-hall-${NOW}`);
  const rm = new ReadModel(db);
  await rm.replaceDoc('bench', records, { doc: '', org: '', acked: '' });
  rows = records.map(toRow);
  const user = org.users.find((u) => u.role === 'county')!;
  session = {
    user,
    status: signal({ connection: 'online', unsaved: 0, lastSavedMs: null, ready: true, synced: true, authExpired: false }),
    org: signal({ ...idx, data: org }),
    casesVersion: signal(0),
    queryCases: async (filter: { status?: string }, offset: number, limit: number) => rows.filter((r) => !filter.status || r.status === filter.status).slice(offset, offset + limit),
    caseRowsBetween: (fromMs: number, toMs: number) => rowsReportedBetween(rm, fromMs, toMs),
    onCaseRows: (f: (c: { put: CaseRow[]; del: string[] } | null) => void) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    now: () => Date.now(),
    geoFetch: async () => null,
  } as unknown as Session;
  await messagesReady();
  return { cases: states.length, events: events.length };
}

/** From mounting the screen to the first frame with every figure drawn. */
async function first(): Promise<number> {
  const t0 = performance.now();
  render(<Hall session={session} />, document.getElementById('root')!);
  await marked(RENDERED_MARK, t0);
  await frame();
  return performance.now() - t0;
}

/**
 * 100 new events as the engine would hand them over after a flush: 50 new reports (today, copies of existing cases
 * under new ids) and 50 cases moved on (accepted). Total: from the rows' arrival to the refreshed frame (it includes
 * the hall's deliberate REFRESH_MS gathering wait); work: the recompute and render alone (from its timer firing).
 */
async function refresh(round: number): Promise<{ total: number; work: number }> {
  const put: CaseRow[] = [];
  for (let i = 0; i < 50; i++) {
    const r = rows[(round * 100 + i) % rows.length]!;
    put.push({ ...r, id: `new-${round}-${i}`, status: 'reported', reportedMs: Date.now() - i * 1000, updatedMs: Date.now() });
  }
  const open = rows.filter((r) => r.status === 'reported');
  for (let i = 0; i < 50; i++) {
    const r = open[(round * 50 + i) % open.length]!;
    put.push({ ...r, status: 'accepted', firstResponseMs: Date.now(), updatedMs: Date.now() });
  }
  const t0 = performance.now();
  for (const f of listeners) f({ put, del: [] });
  await marked(REFRESHED_MARK, t0);
  await frame();
  const total = performance.now() - t0;
  const start = performance.getEntriesByName('gl:hall-compute-start').filter((e) => e.startTime >= t0)[0]?.startTime ?? t0;
  return { total, work: performance.now() - start };
}

(window as unknown as { bench: unknown }).bench = { setup, first, refresh };
