// Issue 15 through the app's own session (createAuthService, fake-indexeddb) against the REAL relay on port 0: an
// account made by the town center signs in with its temporary password, is told to set its own, and the session
// opens with the new one; the relay records the sign-out when the device is online. A person with two roles
// switches between them without signing out, offline too once the device has held the role, and each role's
// unsaved work stays with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createAuthService, type GridlinkAuthService } from '../../../src/app/session.ts';
import { until } from '../../support/wait.ts';
import { api, login, PASSWORD, startTestServer, type TestServer } from '../../integration/relay-harness.ts';

let server: TestServer;
const services: GridlinkAuthService[] = [];
let n = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const s of services) await s.dispose();
  await server?.stop();
});

function device(net = { online: true }): GridlinkAuthService {
  const auth = createAuthService({
    baseUrl: server.url,
    WebSocketPolyfill: WebSocket,
    fetch: (input, init) => (net.online ? globalThis.fetch(input, init) : Promise.reject(new TypeError('Failed to fetch'))),
    online: () => net.online,
    namespace: `temp${Date.now().toString(36)}${n++}`,
    pollMs: 20,
    pbkdf2Iterations: 2000,
  });
  services.push(auth);
  return auth;
}

describe('a temporary password', () => {
  it('asks for a new password, refuses a weak one, then opens the session with the new one', async () => {
    const town = await login(server.url, 'town01');
    const made = await api(server.url, '/api/accounts', { token: town, body: { username: 'w7001', name: '新网格员', role: 'worker', gridId: 'g0001' } });
    expect(made.status).toBe(201);
    const temp = (made.body as { temporaryPassword: string }).temporaryPassword;

    const auth = device();
    expect(await auth.login('w7001', temp)).toEqual({ ok: false, error: 'must_change_password' });
    // Nothing of the account is kept on the device before the password is changed.
    expect(await auth.profiles()).toEqual([]);
    expect(await auth.changeTemporaryPassword!('w7001', temp, 'short')).toEqual({ ok: false, error: 'weak_password', problem: 'too_short' });
    expect(await auth.changeTemporaryPassword!('w7001', 'wrong-temp', 'pine-river-88')).toEqual({ ok: false, error: 'bad_password' });
    const r = await auth.changeTemporaryPassword!('w7001', temp, 'pine-river-88');
    if (!r.ok) throw new Error(r.error);
    expect(r.session.user).toMatchObject({ id: 'w7001', role: 'worker', gridId: 'g0001' });
    // Spent: the temporary sign-in is gone, and the new password signs in on another device.
    expect(await auth.changeTemporaryPassword!('w7001', temp, 'pine-river-99')).toEqual({ ok: false, error: 'expired' });
    const other = await device().login('w7001', 'pine-river-88');
    expect(other.ok).toBe(true);

    await r.session.logout();
    await until(() => server.store.auditEntries({ actor: 'w7001', action: 'logout', limit: 1 }).length === 1, 'the sign-out recorded');
  });

  it('a secretary who is also a grid worker switches roles without signing out, and back offline', async () => {
    const town = await login(server.url, 'town01');
    expect((await api(server.url, '/api/accounts/st01v01/roles', { token: town, body: { role: 'worker', gridId: 'g0001' } })).status).toBe(201);
    const net = { online: true };
    const auth = device(net);
    const first = await auth.login('st01v01', PASSWORD);
    if (!first.ok) throw new Error(first.error);
    const secretary = first.session;
    expect(secretary.roles!.value.map((r) => r.id)).toEqual(['st01v01', 'st01v01.worker']);
    const toWorker = await auth.switchRole!(secretary, 'st01v01.worker');
    if (!toWorker.ok) throw new Error(toWorker.error);
    const worker = toWorker.session;
    expect(worker.user).toMatchObject({ id: 'st01v01.worker', role: 'worker', gridId: 'g0001' });
    // The role is not a person to sign in as on this device's list.
    expect((await auth.profiles()).map((p) => p.userId)).toEqual(['st01v01']);
    // A reload resumes the role in use.
    expect((await auth.resume())?.user.id).toBe('st01v01.worker');
    // Offline: back to the secretary and again to the worker, both held on this device before.
    net.online = false;
    const back = await auth.switchRole!(worker, 'st01v01');
    if (!back.ok) throw new Error(back.error);
    expect(back.session.user.role).toBe('secretary');
    const again = await auth.switchRole!(back.session, 'st01v01.worker');
    expect(again.ok).toBe(true);
    // Someone else's role: refused by the relay when online; unknown offline.
    net.online = true;
    const other = device();
    const w = await other.login('w0001', PASSWORD);
    if (!w.ok) throw new Error(w.error);
    expect(await other.switchRole!(w.session, 'st01v01.worker')).toEqual({ ok: false, error: 'unknown' });
    expect(w.session.user.id).toBe('w0001');
  });
});
