// Issue 15 through the app's own session (createAuthService, fake-indexeddb) against the REAL relay on port 0: an
// account made by the town center signs in with its temporary password, is told to set its own, and the session
// opens with the new one; the relay records the sign-out when the device is online.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createAuthService, type GridlinkAuthService } from '../../../src/app/session.ts';
import { until } from '../../support/wait.ts';
import { api, login, startTestServer, type TestServer } from '../../integration/relay-harness.ts';

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

function device(): GridlinkAuthService {
  const auth = createAuthService({ baseUrl: server.url, WebSocketPolyfill: WebSocket, namespace: `temp${Date.now().toString(36)}${n++}`, pollMs: 20, pbkdf2Iterations: 2000 });
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
});
