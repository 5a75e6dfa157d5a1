/**
 * The app's data layer as a device for integration tests: createAuthService (profiles, SyncEngine, records, the
 * outbox) on fake-indexeddb, Node's fetch and `ws` as the WebSocket, against a relay of the test. Every device is
 * kept in `devices` so a test's `afterAll` disposes of them (`disposeDevices`).
 */
import { WebSocket } from 'ws';
import { createAuthService, type AuthServiceOptions, type GridlinkAuthService, type GridlinkSession } from '../../src/app/session.ts';

const devices: GridlinkAuthService[] = [];
let counter = 0;

/** A device of the relay at `baseUrl`: online, a fresh namespace unless given, fast polls; `opts` override. */
export function appDevice(baseUrl: string, opts: Partial<AuthServiceOptions> = {}): GridlinkAuthService {
  const s = createAuthService({
    baseUrl,
    fetch: globalThis.fetch,
    WebSocketPolyfill: WebSocket,
    online: () => true,
    namespace: `dev${Date.now().toString(36)}${counter++}`,
    pollMs: 20,
    pbkdf2Iterations: 1000,
    ...opts,
  });
  devices.push(s);
  return s;
}

/** Signs in on the device (throws with the error when refused). */
export async function appSignIn(auth: GridlinkAuthService, username: string, password: string): Promise<GridlinkSession> {
  const r = await auth.login(username, password);
  if (!r.ok) throw new Error(`login ${username}: ${r.error}`);
  return r.session;
}

/** Disposes of every device made (afterAll). */
export async function disposeDevices(): Promise<void> {
  for (const s of devices.splice(0)) await s.dispose();
}
