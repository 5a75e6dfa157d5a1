// Issue 13: the administrator's Open311 API key screen (#/apikeys): issue a key to a client system (shown once,
// focused, copyable), the list of keys with their state, revoking after a confirmation, and clear words when the
// network is not there or the user is not an administrator.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseHash, routeHref } from '../../src/app/router.ts';
import { ApiKeys, type KeyEntry } from '../../src/features/apikeys/ApiKeys.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, resetLang, submit, type, waitFor, type Mounted } from './helpers.ts';

/** A fake relay behind `session.api`: the key routes of server/open311.ts. */
function relay() {
  const keys: KeyEntry[] = [];
  const calls: string[] = [];
  let n = 0;
  const api = vi.fn(async (path: string, init: { method?: string; body?: unknown } = {}) => {
    calls.push(`${init.method ?? 'GET'} ${path}`);
    const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (path === '/api/open311/keys' && (init.method ?? 'GET') === 'GET') return reply(200, { keys });
    if (path === '/api/open311/keys' && init.method === 'POST') {
      const e: KeyEntry = { id: `k${++n}`, name: (init.body as { name: string }).name, prefix: 'AbCdEf', clientId: `o311-k${n}`, createdMs: Date.UTC(2026, 0, 2), createdBy: 'admin' };
      keys.unshift(e);
      return reply(201, { ...e, key: 'AbCdEf-the-whole-secret-key' });
    }
    const del = /^\/api\/open311\/keys\/(.+)$/.exec(path);
    if (del && init.method === 'DELETE') {
      const k = keys.find((x) => x.id === del[1]);
      if (!k) return reply(404, { error: 'not_found' });
      k.revokedMs = Date.UTC(2026, 0, 3);
      return reply(200, k);
    }
    return reply(404, { error: 'not_found' });
  });
  return { keys, calls, api };
}

function session(role = 'admin', api?: unknown): FakeSession {
  const world = new FakeWorld();
  const s = new FakeSession(world, world.user(role));
  if (api) Object.assign(s, { api });
  return s;
}

let m: Mounted | null = null;
beforeEach(() => resetLang());
afterEach(() => {
  m?.unmount();
  m = null;
  vi.restoreAllMocks();
});

describe('Open311 API keys screen', () => {
  it('has its own route, #/apikeys', () => {
    expect(parseHash('#/apikeys')).toEqual({ name: 'apikeys' });
    expect(routeHref({ name: 'apikeys' })).toBe('#/apikeys');
  });

  it('is for administrators only: nothing is asked of the relay for anyone else', async () => {
    const r = relay();
    m = await mount(<ApiKeys session={session('town01', r.api)} />);
    expect(m.root.textContent).toContain('只有管理员可以签发和吊销接口密钥');
    expect(m.root.querySelector('#apikeys-name')).toBeNull();
    expect(r.calls).toEqual([]);
  });

  it('issues a key: shown once, focused, copyable; then listed without the key', async () => {
    const r = relay();
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (t: string) => void copied.push(t) }, configurable: true });
    m = await mount(<ApiKeys session={session('admin', r.api)} />);
    await waitFor(() => byText(m!.root, 'p', '还没有签发任何密钥'), 'the empty list');
    // An empty name is refused on the device.
    await submit(m.root.querySelector('form'));
    expect(m.root.querySelector('#apikeys-name-error')?.textContent).toBe('请填写对接系统名称');
    expect(m.root.querySelector('#apikeys-name')?.getAttribute('aria-invalid')).toBe('true');
    expect(r.calls).toEqual(['GET /api/open311/keys']);

    await type(m.root.querySelector('#apikeys-name'), '  市民热线小程序 ');
    await submit(m.root.querySelector('form'));
    const key = await waitFor(() => m!.root.querySelector<HTMLInputElement>('#apikeys-new'), 'the new key');
    expect(key.value).toBe('AbCdEf-the-whole-secret-key');
    expect(document.activeElement).toBe(key);
    expect(r.api.mock.calls[1]![1]).toEqual({ method: 'POST', body: { name: '市民热线小程序' } });
    expect(byText(m.root, '[role="status"]', '只显示这一次')).toBeTruthy();
    await click(byText(m.root, 'button', '复制密钥'));
    expect(copied).toEqual(['AbCdEf-the-whole-secret-key']);
    const item = await waitFor(() => m!.root.querySelector('.apikeys-item'), 'the listed key');
    expect(item.textContent).toContain('市民热线小程序');
    expect(item.querySelector('code[lang="en"]')?.textContent).toBe('AbCdEf…');
    expect(item.textContent).toContain('有效');
    expect(item.textContent).not.toContain('the-whole-secret-key');
  });

  it('revokes a key only after the confirmation', async () => {
    const r = relay();
    m = await mount(<ApiKeys session={session('admin', r.api)} />);
    await type(m.root.querySelector('#apikeys-name'), '临时客户端');
    await submit(m.root.querySelector('form'));
    const revoke = await waitFor(() => m!.root.querySelector<HTMLButtonElement>('button[aria-label="吊销“临时客户端”的密钥"]'), 'the revoke button');
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    Object.assign(window, { confirm });
    await click(revoke);
    expect(r.calls.filter((c) => c.startsWith('DELETE'))).toEqual([]);
    await click(revoke);
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(r.calls.filter((c) => c.startsWith('DELETE'))).toEqual(['DELETE /api/open311/keys/k1']);
    await waitFor(() => byText(m!.root, '.apikeys-state', '吊销'), 'the revoked state');
    expect(m.root.querySelector('button[aria-label^="吊销"]')).toBeNull();
    expect(byText(m.root, '[role="status"]', '已吊销“临时客户端”的密钥')).toBeTruthy();
  });

  it('says that the network is needed when the relay cannot be reached', async () => {
    const api = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    m = await mount(<ApiKeys session={session('admin', api)} />);
    await waitFor(() => byText(m!.root, '[role="alert"]', '需要联网'), 'the network message');
    await type(m.root.querySelector('#apikeys-name'), '系统');
    await submit(m.root.querySelector('form'));
    expect(m.root.querySelector('#apikeys-new')).toBeNull();
  });
});
