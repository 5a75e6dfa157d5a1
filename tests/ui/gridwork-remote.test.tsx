// Issue 17: the county assesses a town's patrols and care coverage without the grids' docs: the 考核 cards show what
// the relay folded (GET /api/patrols/figures, /api/care/coverage), say so, and say they wait for a connection offline.
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/app/services.ts';
import { CareCoverageCard } from '../../src/features/care/CareCoverage.tsx';
import { PatrolFiguresCard } from '../../src/features/patrols/PatrolFigures.tsx';
import { NOW, orgView, recordsSession } from './fake-services.ts';
import { mount, settle, waitFor, type Mounted } from './helpers.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const query = { scope: 't01', from: '2026-11-01', to: '2026-11-30' };
const card = (session: Session) => <PatrolFiguresCard session={session} org={orgView()} townId="t01" fromMs={NOW - 30 * 86_400_000} toMs={NOW} query={query} />;

describe('patrol figures from the relay (issue 17)', () => {
  it('the county sees each grid of the town as the relay folded it, per worker too', async () => {
    const calls: string[] = [];
    const api = (async (path: string) => {
      calls.push(path);
      const g = (gridId: string, done: number, expected: number | null, byWorker: Record<string, number>) => ({ gridId, done, expected, byWorker, distanceM: 2400, checkins: 6, cases: 1 });
      return new Response(JSON.stringify({ scope: 't01', fromMs: 0, toMs: 1, grids: [g('g0001', 3, 4, { w0001: 3 }), g('g0002', 0, null, {})] }), { status: 200 });
    }) as Session['api'];
    m = await mount(card(recordsSession('county', {}, { api }) as unknown as Session));
    await waitFor(() => m!.root.querySelector('tbody tr') !== null, 'the rows');
    expect(calls).toEqual(['/api/patrols/figures?scope=t01&from=2026-11-01&to=2026-11-30']);
    expect(m.root.textContent).toContain('以下数据来自服务器');
    const rows = [...m.root.querySelectorAll('tbody tr')].map((r) => r.textContent);
    // g0002: nothing done and no expectation: not listed; the worker table lists 张伟 for g0001.
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('3');
    expect(rows[0]).toContain('75.0%');
    expect(rows[1]).toContain('张伟');
  });

  it('offline: says the figures come once online', async () => {
    const api = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as Session['api'];
    m = await mount(card(recordsSession('county', {}, { api }) as unknown as Session));
    await settle();
    expect(m.root.textContent).toContain('联网后显示服务器上的数据');
    expect(m.root.querySelector('table')).toBeNull();
  });

  it('a town center holding its grids’ docs does not ask the relay', async () => {
    const calls: string[] = [];
    const api = (async (path: string) => (calls.push(path), new Response('{}'))) as Session['api'];
    m = await mount(card(recordsSession('town01', { 'patrols.g0001': [] }, { api }) as unknown as Session));
    await settle();
    expect(calls).toEqual([]);
  });
});

describe('care coverage from the relay (issue 17)', () => {
  const coverageCard = (session: Session) => <CareCoverageCard session={session} org={orgView()} townId="t01" fromMs={NOW - 30 * 86_400_000} toMs={NOW} query={query} />;

  it('the county sees each grid of the town as the relay counted it, with the total', async () => {
    const calls: string[] = [];
    const api = (async (path: string) => {
      calls.push(path);
      const g = (gridId: string, households: number, onTime: number, due: number, overdue: number, visits: number) => ({ gridId, households, onTime, due, overdue, visits });
      return new Response(JSON.stringify({ scope: 't01', grids: [g('g0001', 10, 6, 2, 2, 9), g('g0002', 4, 4, 0, 0, 5)] }), { status: 200 });
    }) as Session['api'];
    m = await mount(coverageCard(recordsSession('county', {}, { api }) as unknown as Session));
    await waitFor(() => m!.root.querySelector('tbody tr') !== null, 'the rows');
    expect(calls).toEqual(['/api/care/coverage?scope=t01&from=2026-11-01&to=2026-11-30']);
    expect(m.root.textContent).toContain('以下数据来自服务器');
    expect(m.root.querySelector('tr[data-grid="g0001"]')!.textContent).toContain('60%');
    expect(m.root.querySelector('tfoot')!.textContent).toContain('14');
  });

  it('offline: says the figures come once online', async () => {
    const api = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as Session['api'];
    m = await mount(coverageCard(recordsSession('county', {}, { api }) as unknown as Session));
    await settle();
    expect(m.root.textContent).toContain('联网后显示服务器上的数据');
    expect(m.root.querySelector('table')).toBeNull();
  });
});

