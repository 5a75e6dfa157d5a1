/**
 * The Session contract (tests/support/session-contract.ts) over the real pairing: the app's session
 * (createAuthService: profiles, SyncEngine, read model in fake-indexeddb, Node's fetch, `ws` as the WebSocket)
 * against the real relay (server/app.ts on port 0 with the fixture county of relay-harness.ts).
 * The in-memory pairings run the same suite in tests/unit/sync/session-contract.test.ts.
 */
import { WebSocket } from 'ws';
import { createAuthService, type GridlinkAuthService } from '../../src/app/session.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { contractDevice, describeSessionContract, type ContractDevice, type SessionEnv } from '../support/session-contract.ts';
import { PASSWORD, startTestServer } from './relay-harness.ts';

let nsCounter = 0;

async function realEnv(): Promise<SessionEnv> {
  const server = await startTestServer();
  let refusals = 0;
  const onRefused = () => void refusals++;
  // The app's sockets go to `server.url`, the HTTP API's relay: counted on every relay of the server.
  for (const r of server.relays) r.events.on('refused', onRefused);
  const services: GridlinkAuthService[] = [];
  /** A device (one IndexedDB namespace): signed in online, or resumed offline after a reload. */
  async function open(userId: string, namespace: string, reloaded: boolean): Promise<ContractDevice> {
    let online = !reloaded;
    const auth = createAuthService({
      baseUrl: server.url,
      fetch: globalThis.fetch,
      WebSocketPolyfill: WebSocket,
      online: () => online,
      namespace,
      pollMs: 20,
      pbkdf2Iterations: 2000,
    });
    services.push(auth);
    return contractDevice(auth, userId, reloaded, (on) => (online = on), () => auth.dispose().then(() => open(userId, namespace, true)), PASSWORD);
  }
  return {
    // The fixture county: w0001 works grid g0001 of town t01, w0002 a grid of town t02, unit001 is the county's u001.
    cast: { worker: 'w0001', otherWorker: 'w0002', town: 'town01', unit: 'unit001', unitId: 'u001', gridId: 'g0001', category: '0101', location: { lat: 41.12, lng: 122.07 } },
    device: (userId) => open(userId, `sc${Date.now().toString(36)}${nsCounter++}`, false),
    relay: {
      eventIds: (name) => server.relay.withDoc(name, (d) => d.getArray<{ id: string }>(EVENTS_ARRAY).toArray().map((e) => e.id)),
      refusals: () => refusals,
    },
    async close() {
      for (const s of services) await s.dispose();
      for (const r of server.relays) r.events.off('refused', onRefused);
      await server.stop();
    },
  };
}

describeSessionContract('real session, real relay', realEnv);
