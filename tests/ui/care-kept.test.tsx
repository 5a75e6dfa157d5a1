/**
 * 我的任务's 走访 tab over a care index kept by an earlier session (issue 17, src/app/careindex.ts): the real RecordSync
 * (Y docs and the per-user db in fake-indexeddb), a first session that built and kept the index, then a new session
 * on the same device. The screen shows the same rows as a cold fold of the same docs; once a visit arrives in a doc
 * (appended as a sync delivers it) the list follows it, as the cold fold does.
 */
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/app/services.ts';
import { recordDocsForUser } from '../../src/domain/docs.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { WorkerTasks } from '../../src/features/tasks/WorkerTasks.tsx';
import { RecordSync } from '../../src/sync/records.ts';
import { FakeWorld, NOW, recordsSession, stubRecordSync } from './fake-services.ts';
import { resetLang, settle, waitFor } from './helpers.ts';

const DAY = 86_400_000;
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const ev = (type: string, data: unknown, ms: number) => ({ id: newId(ms, rnd), type, actor: 'w0001', at: formatHlc({ ms, counter: 0, node: 'ui' }), data });

let n = 0;
const syncs: RecordSync[] = [];

/** A session of w0001 on device `ns` over the real RecordSync (the same docs and db every time). */
async function deviceSession(ns: string) {
  const u = new FakeWorld().user('w0001');
  const sync = new RecordSync({ ns, user: u, grants: recordDocsForUser(u, [], new FakeWorld().org.data.grids.filter((g) => g.id === 'g0001')), token: 't', transport: null, online: () => false });
  syncs.push(sync);
  await sync.start();
  const session = recordsSession('w0001', {}, { sync });
  await session.records.preloadCareIndex(['g0001']);
  return { sync, session };
}

/** Eight households in care entered long ago; some visited (one lately, the others long enough ago to be due). */
function seedDocs(sync: RecordSync): void {
  const long = NOW - 200 * DAY;
  for (let h = 1; h <= 8; h++) {
    const id = `g0001h00${h}`;
    sync.append('people.g0001', ev('household_saved', { id, gridId: 'g0001', address: `太平村${h}号`, head: `户主${h}` }, long));
    sync.append('people.g0001', ev('resident_saved', { id: `${id}r1`, householdId: id, name: `居民${h}`, tags: [h % 3 === 0 ? 'low_income' : 'elderly_alone'] }, long));
    if (h % 2 === 0) sync.append('care.g0001', ev('visit_recorded', { householdId: id, mode: 'home', condition: 'well', needs: [] }, NOW - (h === 8 ? 2 : 20 + 10 * h) * DAY));
  }
}

const rows = (root: HTMLElement) => Array.from(root.querySelectorAll('.care-list a.care-row')).map((a) => a.textContent);

describe('走访 over a kept care index', () => {
  let root: HTMLElement;
  beforeEach(async () => {
    await resetLang();
    root = document.createElement('div');
    document.body.appendChild(root);
  });
  afterEach(async () => {
    render(null, root);
    root.remove();
    for (const s of syncs.splice(0)) await s.stop();
  });

  /** The rows of the screen over a cold fold of the same docs (a records service that keeps nothing). */
  function coldRows(sync: RecordSync): Array<string | null> {
    const docs = Object.fromEntries(['people.g0001', 'care.g0001'].map((name) => [name, sync.events(name)]));
    const cold = recordsSession('w0001', {}, { sync: stubRecordSync(docs) });
    const other = document.createElement('div');
    render(<WorkerTasks session={cold as unknown as Session} tab="care" />, other);
    const out = rows(other);
    render(null, other);
    return out;
  }

  it('shows the rows of a cold fold, and follows a visit that arrives', async () => {
    const ns = `carekept${n++}`;
    const first = await deviceSession(ns);
    seedDocs(first.sync);
    expect(first.session.records.careIndex('g0001')?.entries).toHaveLength(8);
    await first.session.records.careIndexKept();
    await first.sync.stop();

    const { sync, session } = await deviceSession(ns);
    render(<WorkerTasks session={session as unknown as Session} tab="care" />, root);
    const shown = rows(root);
    expect(shown.length).toBe(7);
    expect(shown).toEqual(coldRows(sync));
    expect(shown.join()).not.toContain('户主8');

    // A visit to the most overdue household arrives (as a sync delivers it): the list follows the doc.
    const top = root.querySelector('.care-list a.care-row')?.getAttribute('data-household') ?? '';
    sync.append('care.g0001', ev('visit_recorded', { householdId: top, mode: 'phone', condition: 'well', needs: [] }, NOW - DAY));
    await settle();
    await waitFor(() => rows(root).length === 6, 'the visited household off the list');
    expect(root.querySelector(`.care-list a.care-row[data-household="${top}"]`)).toBeNull();
    expect(rows(root)).toEqual(coldRows(sync));
  });
});
