// Issue 17: a county center follows a task sent down without syncing the grids' answers: the task screen shows
// what the relay last said (GET /api/tasks/<town>/progress) for the grids the device does not hold, says where the
// figures come from, and says 未同步 while it has never reached the relay.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '../../src/app/services.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { TownTasksScreen } from '../../src/features/towntasks/TownTasks.tsx';
import { NOW, recordsSession, stubRecordSync } from './fake-services.ts';
import { byText, click, mount, settle, waitFor, type Mounted } from './helpers.ts';

const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const at = (ms: number) => formatHlc({ ms, counter: 0, node: 'ui' });
const sent = {
  id: newId(NOW - 3_600_000, rnd),
  type: 'task_sent',
  actor: 'county',
  at: at(NOW - 3_600_000),
  data: { taskId: 'K1', by: 'county', title: '汛后房屋受损统计', deadlineMs: NOW + 86_400_000, target: 0, form: [], scope: { kind: 'village', id: 't01v01' }, targets: ['g0001', 'g0002'] },
};

function countySession(api: Session['api']): Session {
  return recordsSession('county', { 'tasks.t01': [sent] }, { api }) as unknown as Session;
}

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

describe('tasks sent down: progress from the relay (issue 17)', () => {
  it('shows each grid as the relay folded it, and says so', async () => {
    const calls: string[] = [];
    const api = (async (path: string) => {
      calls.push(path);
      return new Response(JSON.stringify({ townId: 't01', tasks: { K1: { g0001: { entries: 3, completedAt: at(NOW - 600_000), late: false }, g0002: { entries: 1, late: false } } } }), { status: 200 });
    }) as Session['api'];
    m = await mount(<TownTasksScreen session={countySession(api)} town="t01" task="K1" />);
    await waitFor(() => m!.root.textContent?.includes('1/2 个网格已完成') ?? false, 'progress from the relay');
    expect(calls).toEqual(['/api/tasks/t01/progress']);
    expect(m.root.textContent).toContain('其中 2 个网格的进度来自服务器');
    expect(m.root.textContent).not.toContain('未同步');
  });

  it('offline: 未同步 for every grid, and says it will update', async () => {
    const api = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as Session['api'];
    m = await mount(<TownTasksScreen session={countySession(api)} town="t01" task="K1" />);
    await settle();
    expect(m.root.textContent).toContain('0/2 个网格已完成');
    expect(m.root.textContent).toContain('2 个网格的进度尚未同步');
  });

  it('asks for a town whose task doc arrives after the screen opened, at once (not at the next poll)', async () => {
    const calls: string[] = [];
    const api = (async (path: string) => {
      calls.push(path);
      return new Response(JSON.stringify({ townId: 't01', tasks: { K1: { g0001: { entries: 2, completedAt: at(NOW - 600_000), late: false } } } }), { status: 200 });
    }) as Session['api'];
    const docs: Record<string, unknown[]> = { 'tasks.t01': [] };
    const sync = Object.assign(stubRecordSync(docs), { setDerivedGrants: async () => undefined });
    const session = recordsSession('county', docs, { api, sync }) as unknown as Session;
    m = await mount(<TownTasksScreen session={session} />);
    await settle();
    expect(calls, 'nothing sent down yet: nothing to ask').toEqual([]);
    // The town's task log syncs now (the screen was opened right after sign-in).
    sync.append('tasks.t01', sent);
    await waitFor(() => calls.length === 1, 'asked on the change');
    expect(calls).toEqual(['/api/tasks/t01/progress']);
    await waitFor(() => m!.root.textContent?.includes('汛后房屋受损统计') ?? false, 'the task listed');
    await settle();
    expect(calls, 'asked once').toHaveLength(1);
  });

  it('exports the grids it does not hold as the relay has them; offline, says how many are missing from the file', async () => {
    const blobs: Blob[] = [];
    const spy = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:test';
    });
    try {
      let online = true;
      const api = (async (path: string) => {
        if (!online) throw new TypeError('Failed to fetch');
        if (path.endsWith('/progress')) return new Response(JSON.stringify({ townId: 't01', tasks: {} }), { status: 200 });
        expect(path).toBe('/api/tasks/t01/K1/answers');
        const entry = { id: 'E1', taskId: 'K1', label: '王秀英家', values: {}, by: 'w0001', at: at(NOW - 1_200_000), savedAt: at(NOW - 1_200_000), late: false };
        return new Response(JSON.stringify({ townId: 't01', taskId: 'K1', grids: { g0001: { entries: [entry], completed: { by: 'w0001', at: at(NOW - 600_000), late: false } }, g0002: { entries: [] } } }), { status: 200 });
      }) as Session['api'];
      m = await mount(<TownTasksScreen session={countySession(api)} town="t01" task="K1" />);
      await click(byText(m.root, 'button', '导出填报结果（CSV）'));
      await waitFor(() => blobs.length === 1, 'the file');
      const csv = await blobs[0]!.text();
      expect(csv).toContain('王秀英家');
      expect(csv).toContain('w0001');
      expect(m.root.textContent).not.toContain('未能从服务器取到');
      online = false;
      await click(byText(m.root, 'button', '导出填报结果（CSV）'));
      await waitFor(() => blobs.length === 2, 'the second file');
      expect(await blobs[1]!.text()).not.toContain('王秀英家');
      await waitFor(() => m!.root.textContent?.includes('有 2 个网格的填报未能从服务器取到') ?? false, 'the note');
    } finally {
      spy.mockRestore();
    }
  });
});
