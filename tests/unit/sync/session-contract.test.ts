/**
 * The Session contract (tests/support/session-contract.ts) over the in-memory pairings:
 *  - the real session (createAuthService: profiles, SyncEngine, read model in fake-indexeddb) against the
 *    LoopbackRelay, with the relay's HTTP API (login, /api/me) in memory;
 *  - the FakeSession the screen tests use (tests/ui/fake-services.ts), which has no relay: the saving behaviours
 *    are skipped for it, the query/act/report semantics must be the real ones.
 * The real session against the real relay: tests/integration/session-contract.test.ts.
 */
import * as Y from 'yjs';
import { createAuthService, type GridlinkAuthService } from '../../../src/app/session.ts';
import { caseYear } from '../../../src/domain/docs.ts';
import { EVENTS_ARRAY } from '../../../src/protocol/wire.ts';
import { contractDevice, describeSessionContract, type ContractDevice, type SessionEnv } from '../../support/session-contract.ts';
import { FakeSession, FakeWorld } from '../../ui/fake-services.ts';
import { USERS, freshNs, grantsFor, orgUpdate } from './fixtures.ts';
import { LoopbackRelay } from './loopback.ts';

// The session stamps with the real clock: reports go to this year's doc.
const YEAR_NOW = caseYear(Date.now());
const PASSWORD = 'demo';

async function loopbackEnv(): Promise<SessionEnv> {
  const relay = new LoopbackRelay();
  Y.applyUpdate(relay.doc('org'), orgUpdate());
  const tokens = new Map<string, string>();
  relay.acceptToken = (t) => tokens.has(t);
  relay.userOf = (t) => tokens.get(t) ?? '';
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (url.pathname === '/api/login' && init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as { username?: string; password?: string };
      const user = Object.values(USERS).find((u) => u.username === body.username);
      if (!user || body.password !== PASSWORD) return json(401, { error: 'bad_credentials' });
      const token = `tok-${user.id}-${tokens.size}`;
      tokens.set(token, user.id);
      return json(200, { token, user });
    }
    if (url.pathname === '/api/me') {
      const t = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? '';
      const id = tokens.get(t);
      if (!id) return json(401, { error: 'unauthorized' });
      return json(200, { user: USERS[id], docs: grantsFor(USERS[id]!, YEAR_NOW) });
    }
    return json(404, { error: 'not_found' });
  };
  const services: GridlinkAuthService[] = [];
  /** A device (one IndexedDB namespace): signed in online, or resumed offline after a reload. */
  async function open(userId: string, namespace: string, reloaded: boolean): Promise<ContractDevice> {
    let online = !reloaded;
    const auth = createAuthService({
      baseUrl: 'http://relay.test/',
      fetch: fetchFn,
      online: () => online,
      namespace,
      transport: relay.transport,
      flushMs: 5,
      pollMs: 10,
      pbkdf2Iterations: 2000,
    });
    services.push(auth);
    return contractDevice(auth, userId, reloaded, (on) => (online = on), () => auth.dispose().then(() => open(userId, namespace, true)));
  }
  return {
    cast: { worker: 'w0001', otherWorker: 'w0002', town: 'town01', unit: 'unit001', unitId: 'u001', gridId: 'g0001', category: '0301', location: { lat: 41.1, lng: 122.0 } },
    device: (userId) => open(userId, freshNs('sc'), false),
    relay: {
      eventIds: async (name) => relay.doc(name).getArray<{ id: string }>(EVENTS_ARRAY).toArray().map((e) => e.id),
      refusals: () => relay.refusals,
    },
    async close() {
      for (const s of services) await s.dispose();
    },
  };
}

async function fakeEnv(): Promise<SessionEnv> {
  const world = new FakeWorld();
  return {
    cast: { worker: 'w0001', otherWorker: 'w0002', town: 'town01', unit: 'unit002', unitId: 'u002', gridId: 'g0001', category: '0101', location: { lat: 41.2034, lng: 122.0512 } },
    device: async (userId) => ({ session: new FakeSession(world, world.user(userId)) }),
    close: async () => {},
  };
}

describeSessionContract('real session, loopback relay', loopbackEnv);
describeSessionContract('in-memory FakeSession (screen tests), no relay', fakeEnv);
