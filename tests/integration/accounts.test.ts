// Issue 15, staff accounts and the audit log at a real relay on port 0: an administrator and a town center
// create, change, disable and re-enable accounts; insiders (a town center of another town, a grid worker, a
// secretary) are refused; a temporary password must be changed before the account opens anything else; disabling
// an account, changing its role and resetting its password close its live socket at once and refuse its old
// tokens; every sign-in, sign-out, refusal and change is in the audit log, which no API and no SQL can edit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, casesDoc, login, startTestServer, SyncClient, upgradeStatus, USERS, waitFor, type TestServer } from './relay-harness.ts';

let server: TestServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ tokenTtl: 24 * 3600 });
  for (const u of ['admin', 'town01', 'town02', 'w0001', 'st01v01', 'resident01', 'w0002']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
});

type Account = { id: string; username: string; name: string; role: string; townId?: string; villageId?: string; gridId?: string; unitId?: string; disabled: boolean; mustChange: boolean };
type Entry = { seq: number; at: number; actor: string | null; action: string; target: string | null; ip: string | null; detail: Record<string, unknown> };

const call = (path: string, who: string | null, init: { method?: string; body?: unknown } = {}) => api(server.url, path, { ...init, ...(who ? { token: tokens[who]! } : {}) });
const create = (who: string, body: Record<string, unknown>) => call('/api/accounts', who, { body });
const patch = (who: string, id: string, body: Record<string, unknown>) => call(`/api/accounts/${id}`, who, { method: 'PATCH', body });
const audit = async (query = ''): Promise<Entry[]> => {
  const r = await call(`/api/audit${query}`, 'admin');
  expect(r.status).toBe(200);
  return (r.body as { entries: Entry[] }).entries;
};
const signIn = (username: string, password: string) => api(server.url, '/api/login', { body: { username, password } });

describe('who manages accounts', () => {
  it('an administrator creates an account of any staff role; its scope follows from the role', async () => {
    const r = await create('admin', { username: 'w9001', name: '新网格员', role: 'worker', gridId: 'g0002', phone: '13800000001' });
    expect(r.status).toBe(201);
    const { account, temporaryPassword } = r.body as { account: Account; temporaryPassword: string };
    // The grid's village and town are derived, never typed.
    expect(account).toMatchObject({ id: 'w9001', role: 'worker', gridId: 'g0002', villageId: 't02v01', townId: 't02', disabled: false, mustChange: true });
    expect(temporaryPassword).toMatch(/^[a-z2-9]{10}$/);
    // In the org doc's directory too (names in timelines).
    const me = await call('/api/me', 'admin');
    expect(me.status).toBe(200);
  });

  it('refuses a scope that does not fit the role, an unknown place, and a taken username', async () => {
    expect((await create('admin', { username: 'x1', name: 'x', role: 'worker' })).body).toMatchObject({ error: 'bad_scope', field: 'gridId', problem: 'required' });
    expect((await create('admin', { username: 'x1', name: 'x', role: 'worker', gridId: 'g9999' })).body).toMatchObject({ error: 'bad_scope', field: 'gridId', problem: 'unknown' });
    // A village that is not the grid's.
    expect((await create('admin', { username: 'x1', name: 'x', role: 'worker', gridId: 'g0001', villageId: 't02v01' })).body).toMatchObject({ error: 'bad_scope', field: 'villageId', problem: 'not_allowed' });
    expect((await create('admin', { username: 'x1', name: 'x', role: 'county', townId: 't01' })).body).toMatchObject({ error: 'bad_scope', field: 'townId' });
    expect((await create('admin', { username: 'x1', name: 'x', role: 'resident' })).status).toBe(400);
    expect((await create('admin', { username: 'W0001', name: 'x', role: 'town', townId: 't01' })).status).toBe(409);
    expect((await create('admin', { username: 'bad name', name: 'x', role: 'town', townId: 't01' })).status).toBe(400);
    expect((await call('/api/accounts', 'admin', { method: 'POST', body: { username: 'x2', name: 'x', role: 'town', townId: 't01', extra: 1 } })).status).toBe(400);
    expect((await api(server.url, '/api/accounts', { token: tokens.admin!, rawBody: '{' })).status).toBe(400);
  });

  it("a town center manages its own town's staff only; other insiders manage none", async () => {
    expect((await create('town01', { username: 's9001', name: '新书记', role: 'secretary', villageId: 't01v01' })).status).toBe(201);
    expect((await create('town01', { username: 's9002', name: 'x', role: 'secretary', villageId: 't02v01' })).status).toBe(403);
    expect((await create('town01', { username: 'a9001', name: 'x', role: 'admin' })).status).toBe(403);
    expect((await create('town01', { username: 'c9001', name: 'x', role: 'county' })).status).toBe(403);
    // A county-level unit has no town: not the town center's.
    expect((await create('town01', { username: 'u9001', name: 'x', role: 'unit', unitId: 'u001' })).status).toBe(403);
    expect((await create('town01', { username: 'u9002', name: 'x', role: 'unit', unitId: 'u002' })).status).toBe(201);
    for (const who of ['w0001', 'st01v01', 'resident01']) {
      expect((await create(who, { username: 'z9001', name: 'x', role: 'worker', gridId: 'g0001' })).status, who).toBe(403);
      expect((await call('/api/accounts', who)).status, who).toBe(403);
      expect((await patch(who, 'w0002', { disabled: true })).status, who).toBe(403);
      expect((await call('/api/accounts/w0002/password-reset', who, { method: 'POST', body: {} })).status, who).toBe(403);
    }
    expect((await call('/api/accounts', null)).status).toBe(401);
    // Another town's account: not changed, not reset, not listed.
    expect((await patch('town01', 'w0002', { disabled: true })).status).toBe(403);
    expect((await call('/api/accounts/w0002/password-reset', 'town01', { method: 'POST', body: {} })).status).toBe(403);
    // Nor moved into another town, or made county.
    expect((await patch('town01', 's9001', { villageId: 't02v01' })).status).toBe(403);
    expect((await patch('town01', 's9001', { role: 'county' })).status).toBe(403);
    const listed = (await call('/api/accounts?limit=500', 'town01')).body as { accounts: Account[]; total: number };
    expect(listed.accounts.length).toBeGreaterThan(0);
    expect(listed.accounts.every((a) => a.townId === 't01')).toBe(true);
    expect(listed.accounts.map((a) => a.id)).toContain('s9001');
    expect((await call('/api/accounts?town=t02', 'town01')).status).toBe(403);
    const all = (await call('/api/accounts?limit=500', 'admin')).body as { accounts: Account[]; total: number };
    expect(all.accounts.some((a) => a.townId === 't02')).toBe(true);
    // Residents sign themselves up: not in the staff list, not managed here.
    expect(all.accounts.some((a) => a.role === 'resident')).toBe(false);
    expect((await patch('admin', 'resident01', { disabled: true })).status).toBe(404);
  });

  it('an administrator cannot disable themselves or the last administrator', async () => {
    expect((await patch('admin', 'admin', { disabled: true })).body).toMatchObject({ error: 'own_account' });
    expect((await patch('admin', 'admin', { role: 'county' })).body).toMatchObject({ error: 'own_account' });
  });
});

describe('temporary passwords', () => {
  it('a new account must change its temporary password before anything else; the new one signs in', async () => {
    const made = (await create('admin', { username: 't9001', name: '新中心', role: 'town', townId: 't01' })).body as { temporaryPassword: string };
    const first = await signIn('t9001', made.temporaryPassword);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ mustChangePassword: true });
    const temp = (first.body as { token: string }).token;
    // Only /api/me, the password and sign-out open; everything else and sync refuse the token.
    expect((await api(server.url, '/api/me', { token: temp })).status).toBe(200);
    expect((await api(server.url, '/api/accounts', { token: temp })).status).toBe(401);
    expect((await api(server.url, '/api/stats?scope=t01', { token: temp })).status).toBe(401);
    expect(await upgradeStatus(`${server.wsBase}/sync/${casesDoc('t01')}?token=${temp}`)).toBe(401);
    // A weak password, the same one again, a wrong current password: refused.
    expect((await api(server.url, '/api/me/password', { token: temp, body: { current: made.temporaryPassword, next: 'short' } })).body).toMatchObject({ error: 'weak_password', problem: 'too_short' });
    expect((await api(server.url, '/api/me/password', { token: temp, body: { current: made.temporaryPassword, next: 'xt9001xx-yy' } })).body).toMatchObject({ problem: 'contains_username' });
    expect((await api(server.url, '/api/me/password', { token: temp, body: { current: made.temporaryPassword, next: made.temporaryPassword } })).body).toMatchObject({ problem: 'same_as_before' });
    expect((await api(server.url, '/api/me/password', { token: temp, body: { current: 'wrong-one-1', next: 'river-stone-42' } })).status).toBe(403);
    const changed = await api(server.url, '/api/me/password', { token: temp, body: { current: made.temporaryPassword, next: 'river-stone-42' } });
    expect(changed.status).toBe(200);
    const fresh = (changed.body as { token: string }).token;
    expect((await api(server.url, '/api/stats?scope=t01', { token: fresh })).status).toBe(200);
    // The temporary token is spent; the temporary password no longer signs in; the new one does, without the flag.
    expect((await api(server.url, '/api/me', { token: temp })).status).toBe(401);
    expect((await signIn('t9001', made.temporaryPassword)).status).toBe(401);
    const again = await signIn('t9001', 'river-stone-42');
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('mustChangePassword');
  });
});

describe('revocation', () => {
  it('disabling an account closes its live socket within 5 s and refuses its tokens; re-enabling lets it sign in again', async () => {
    const made = (await create('admin', { username: 'w9101', name: '网格员甲', role: 'worker', gridId: 'g0001' })).body as { temporaryPassword: string };
    const temp = (await signIn('w9101', made.temporaryPassword)).body as { token: string };
    const token = ((await api(server.url, '/api/me/password', { token: temp.token, body: { current: made.temporaryPassword, next: 'field-walk-77' } })).body as { token: string }).token;
    const device = new SyncClient(server.wsBase, casesDoc('t01'), token);
    try {
      await device.synced();
      const started = Date.now();
      expect((await patch('town01', 'w9101', { disabled: true })).body).toMatchObject({ account: { disabled: true } });
      await waitFor(device, () => device.closeCodes.includes(4401), 'the socket closed with 4401', 5000);
      expect(Date.now() - started).toBeLessThan(5000);
      device.provider.disconnect();
      expect(await upgradeStatus(`${server.wsBase}/sync/${casesDoc('t01')}?token=${token}`)).toBe(401);
      expect((await api(server.url, '/api/me', { token })).status).toBe(401);
      // Its password no longer signs in (answered as a wrong password is).
      expect((await signIn('w9101', 'field-walk-77')).status).toBe(401);
      expect((await patch('town01', 'w9101', { disabled: false })).body).toMatchObject({ account: { disabled: false } });
      // The old token stays refused: disabling raised its token version.
      expect((await api(server.url, '/api/me', { token })).status).toBe(401);
      expect((await signIn('w9101', 'field-walk-77')).status).toBe(200);
    } finally {
      device.destroy();
    }
  });

  it('a role change and a password reset close live sockets too; a name change does not', async () => {
    const made = (await create('admin', { username: 's9101', name: '书记乙', role: 'secretary', villageId: 't01v01' })).body as { temporaryPassword: string };
    const temp = ((await signIn('s9101', made.temporaryPassword)).body as { token: string }).token;
    let token = ((await api(server.url, '/api/me/password', { token: temp, body: { current: made.temporaryPassword, next: 'village-well-3' } })).body as { token: string }).token;
    let device = new SyncClient(server.wsBase, casesDoc('t01'), token);
    try {
      await device.synced();
      expect((await patch('town01', 's9101', { name: '书记丙' })).status).toBe(200);
      expect((await api(server.url, '/api/me', { token })).status).toBe(200);
      expect(device.closeCodes).toEqual([]);
      // Secretary -> trainer of the same town: the place follows (the village's town).
      const r = await patch('town01', 's9101', { role: 'trainer' });
      expect(r.body).toMatchObject({ account: { role: 'trainer', townId: 't01' } });
      expect((r.body as { account: Account }).account.villageId).toBeUndefined();
      await waitFor(device, () => device.closeCodes.includes(4401), 'closed after the role change', 5000);
      device.destroy();
      token = await login(server.url, 's9101', 'village-well-3');
      device = new SyncClient(server.wsBase, `training.t01`, token);
      await device.synced();
      const reset = await call('/api/accounts/s9101/password-reset', 'town01', { method: 'POST', body: {} });
      expect(reset.status).toBe(200);
      await waitFor(device, () => device.closeCodes.includes(4401), 'closed after the reset', 5000);
      expect((await api(server.url, '/api/me', { token })).status).toBe(401);
      expect((await signIn('s9101', 'village-well-3')).status).toBe(401);
      expect((await signIn('s9101', (reset.body as { temporaryPassword: string }).temporaryPassword)).body).toMatchObject({ mustChangePassword: true });
    } finally {
      device.destroy();
    }
  });
});

describe('several roles of one person', () => {
  it('a village secretary who is also a grid worker switches roles without signing out; each role writes as itself', async () => {
    const added = await call('/api/accounts/st01v01/roles', 'town01', { body: { role: 'worker', gridId: 'g0001' } });
    expect(added.status).toBe(201);
    const role = (added.body as { account: Account & { person: string } }).account;
    expect(role).toMatchObject({ id: 'st01v01.worker', role: 'worker', gridId: 'g0001', villageId: 't01v01', townId: 't01', person: 'st01v01', name: USERS.st01v01.name });
    // Held already; another town's center may not add one; a role account gets no roles of its own.
    expect((await call('/api/accounts/st01v01/roles', 'town01', { body: { role: 'worker', gridId: 'g0001' } })).body).toMatchObject({ error: 'role_held' });
    expect((await call('/api/accounts/st01v01/roles', 'town02', { body: { role: 'member', gridId: 'g0002' } })).status).toBe(403);
    expect((await call('/api/accounts/st01v01/roles', 'town01', { body: { role: 'worker', gridId: 'g0002' } })).status).toBe(403);
    expect((await call('/api/accounts/st01v01.worker/roles', 'admin', { body: { role: 'member', gridId: 'g0001' } })).body).toMatchObject({ error: 'role_account' });

    const me = await api(server.url, '/api/me', { token: tokens.st01v01! });
    expect((me.body as { roles: Array<{ id: string; role: string }> }).roles.map((r) => [r.id, r.role])).toEqual([
      ['st01v01', 'secretary'],
      ['st01v01.worker', 'worker'],
    ]);
    const switched = await api(server.url, '/api/me/role', { token: tokens.st01v01!, body: { userId: 'st01v01.worker' } });
    expect(switched.status).toBe(200);
    const asWorker = switched.body as { token: string; user: Account };
    expect(asWorker.user).toMatchObject({ id: 'st01v01.worker', role: 'worker', gridId: 'g0001' });
    const meAsWorker = (await api(server.url, '/api/me', { token: asWorker.token })).body as { user: Account; docs: Array<{ name: string }> };
    expect(meAsWorker.user.role).toBe('worker');
    expect(meAsWorker.docs.map((d) => d.name)).toContain('people.g0001');
    // And back: the main account is one of the person's roles too.
    expect((await api(server.url, '/api/me/role', { token: asWorker.token, body: { userId: 'st01v01' } })).status).toBe(200);
    // Nobody switches into someone else's role; a role account has no password to sign in with.
    expect((await api(server.url, '/api/me/role', { token: tokens.w0001!, body: { userId: 'st01v01.worker' } })).body).toMatchObject({ error: 'not_your_role' });
    expect((await api(server.url, '/api/me/role', { token: tokens.w0001!, body: { userId: 'nobody' } })).status).toBe(404);
    expect((await signIn('st01v01.worker', 'fixture-pw')).status).toBe(401);
    expect((await call('/api/accounts/st01v01.worker/password-reset', 'town01', { method: 'POST', body: {} })).body).toMatchObject({ error: 'role_account' });
    expect((await audit('?action=role.switched')).some((e) => e.actor === 'st01v01' && e.target === 'st01v01.worker')).toBe(true);
  });

  it("disabling the main account ends every role's session; removing a role keeps the rest", async () => {
    const made = (await create('admin', { username: 'p9201', name: '党员甲', role: 'member', gridId: 'g0002' })).body as { temporaryPassword: string };
    const temp = ((await signIn('p9201', made.temporaryPassword)).body as { token: string }).token;
    const main = ((await api(server.url, '/api/me/password', { token: temp, body: { current: made.temporaryPassword, next: 'harvest-moon-5' } })).body as { token: string }).token;
    expect((await call('/api/accounts/p9201/roles', 'admin', { body: { role: 'worker', gridId: 'g0002' } })).status).toBe(201);
    const roleToken = ((await api(server.url, '/api/me/role', { token: main, body: { userId: 'p9201.worker' } })).body as { token: string }).token;
    const device = new SyncClient(server.wsBase, casesDoc('t02'), roleToken);
    try {
      await device.synced();
      // Removing the role (disabling its account) leaves the person's main role working.
      expect((await patch('admin', 'p9201.worker', { disabled: true })).status).toBe(200);
      await waitFor(device, () => device.closeCodes.includes(4401), 'the role socket closed', 5000);
      expect((await api(server.url, '/api/me', { token: main })).body).not.toHaveProperty('roles');
      expect((await api(server.url, '/api/me/role', { token: main, body: { userId: 'p9201.worker' } })).status).toBe(404);
      // Given back: the same account, its history with it.
      expect((await call('/api/accounts/p9201/roles', 'admin', { body: { role: 'worker', gridId: 'g0002' } })).body).toMatchObject({ account: { id: 'p9201.worker', disabled: false } });
      const again = ((await api(server.url, '/api/me/role', { token: main, body: { userId: 'p9201.worker' } })).body as { token: string }).token;
      expect((await api(server.url, '/api/me', { token: again })).status).toBe(200);
      // Disabling the person: their role's token is refused too.
      expect((await patch('admin', 'p9201', { disabled: true })).status).toBe(200);
      expect((await api(server.url, '/api/me', { token: again })).status).toBe(401);
    } finally {
      device.destroy();
    }
  });
});

describe('the audit log', () => {
  it('records sign-ins, failures, sign-outs, token refusals and account changes, with who, when and from where', async () => {
    const before = Date.now();
    expect((await signIn('w0001', 'not-the-password')).status).toBe(401);
    const tok = await login(server.url, 'w0001');
    expect((await api(server.url, '/api/logout', { token: tok, body: {} })).status).toBe(204);
    expect((await api(server.url, '/api/me', { token: 'forged.token.value' })).status).toBe(401);
    const entries = await audit('?limit=500');
    const find = (action: string, pred: (e: Entry) => boolean = () => true) => entries.find((e) => e.action === action && pred(e));
    expect(find('login.failed', (e) => e.target === 'w0001')).toMatchObject({ actor: null, detail: { reason: 'bad_credentials' } });
    expect(find('login.ok', (e) => e.actor === USERS.w0001.id)).toBeTruthy();
    expect(find('logout', (e) => e.actor === USERS.w0001.id)).toBeTruthy();
    expect(find('token.refused', (e) => e.detail.reason === 'invalid_or_expired')).toBeTruthy();
    expect(find('token.refused', (e) => e.detail.reason === 'disabled' || e.detail.reason === 'revoked')).toBeTruthy();
    expect(find('account.created', (e) => e.target === 'w9001')).toMatchObject({ actor: 'admin', detail: { role: 'worker', gridId: 'g0002' } });
    expect(find('account.disabled', (e) => e.target === 'w9101')).toMatchObject({ actor: USERS.town01.id });
    expect(find('account.enabled', (e) => e.target === 'w9101')).toBeTruthy();
    expect(find('account.changed', (e) => e.target === 's9101' && 'name' in (e.detail.changed as object))).toMatchObject({ detail: { changed: { name: ['书记乙', '书记丙'] } } });
    expect(find('account.changed', (e) => e.target === 's9101' && 'role' in (e.detail.changed as object))).toMatchObject({
      detail: { changed: { role: ['secretary', 'trainer'], villageId: ['t01v01', null] } },
    });
    expect(find('account.password_reset', (e) => e.target === 's9101')).toBeTruthy();
    expect(find('account.password_changed', (e) => e.target === 't9001')).toBeTruthy();
    const recent = entries.find((e) => e.action === 'logout')!;
    expect(recent.at).toBeGreaterThanOrEqual(before);
    expect(recent.ip).toMatch(/127\.0\.0\.1/);
    // Newest first, with filters.
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => b - a));
    const mine = await audit(`?actor=${USERS.town01.id}&action=account.`);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.actor === USERS.town01.id && e.action.startsWith('account.'))).toBe(true);
  });

  it('opening the full ID numbers of a grid is recorded', async () => {
    const device = new SyncClient(server.wsBase, 'idnumbers.g0001', tokens.w0001!);
    try {
      await device.synced();
      const read = await audit('?action=idnumbers.read');
      expect(read[0]).toMatchObject({ actor: USERS.w0001.id, target: 'idnumbers.g0001' });
    } finally {
      device.destroy();
    }
  });

  it('a stream of forged tokens from one address is written once a minute, with the count', async () => {
    const count = async () => (await audit('?action=token.refused&limit=500')).filter((e) => e.detail.reason === 'invalid_or_expired').length;
    const n0 = await count();
    for (let i = 0; i < 30; i++) await api(server.url, '/api/me', { token: `forged-${i}` });
    expect((await count()) - n0).toBeLessThanOrEqual(1);
  });

  it('is readable by administrators only, pages, and no API or SQL edits it', async () => {
    for (const who of ['town01', 'w0001', 'resident01']) expect((await call('/api/audit', who)).status, who).toBe(403);
    expect((await call('/api/audit', null)).status).toBe(401);
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) expect((await call('/api/audit', 'admin', { method, body: {} })).status, method).toBe(405);
    expect((await call('/api/audit?limit=x', 'admin')).status).toBe(400);
    const page1 = (await call('/api/audit?limit=3', 'admin')).body as { entries: Entry[]; next: number };
    expect(page1.entries.length).toBe(3);
    const page2 = (await call(`/api/audit?limit=3&before=${page1.next}`, 'admin')).body as { entries: Entry[] };
    expect(page2.entries[0]!.seq).toBeLessThan(page1.entries[2]!.seq);
    const first = page1.entries[0]!;
    expect(() => server.store.execRaw(`UPDATE audit SET actor = 'someone' WHERE seq = ${first.seq}`)).toThrow(/append-only/);
    expect(() => server.store.execRaw(`DELETE FROM audit WHERE seq = ${first.seq}`)).toThrow(/append-only/);
    expect(() => server.store.execRaw('DELETE FROM audit')).toThrow(/append-only/);
    const still = server.store.auditEntries({ limit: 1, beforeSeq: first.seq + 1 })[0]!;
    expect(still).toEqual(first);
  });
});
