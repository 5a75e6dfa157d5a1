import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAuthService, jwtExpiryMs, parseMe, type GridlinkAuthService } from '../../../src/app/session.ts';
import { userDbName } from '../../../src/storage/schema.ts';
import { caseYear } from '../../../src/domain/docs.ts';
import type { DocGrant } from '../../../src/domain/docs.ts';
import { USERS, freshNs, grantsFor, orgUpdate } from './fixtures.ts';
import { LoopbackRelay, until } from './loopback.ts';

const services: GridlinkAuthService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.dispose();
});

// The session runs on the real clock (token expiry), so reports go to this year's doc.
const YEAR_NOW = caseYear(Date.now());
const DOC_T01 = `cases.t01.${YEAR_NOW}`;

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** The relay's HTTP API as the session uses it, in memory, with tokens the loopback relay checks. */
function fakeRelay(extraGrants: DocGrant[] = []) {
  const relay = new LoopbackRelay();
  Y.applyUpdate(relay.doc('org'), orgUpdate());
  const tokens = new Map<string, { user: string; exp: number }>();
  const api = { down: false, ttlMs: 12 * 3600_000, logins: 0, relay, tokens };
  let n = 0;
  const valid = (t: string) => {
    const r = tokens.get(t);
    return r !== undefined && r.exp > Date.now();
  };
  relay.acceptToken = valid;
  relay.userOf = (t) => tokens.get(t)?.user ?? '';
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchFn: typeof fetch = async (input, init) => {
    if (api.down) throw new TypeError('fetch failed');
    const url = new URL(String(input));
    if (url.pathname === '/api/login' && init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as { username?: string; password?: string };
      if (typeof body.username !== 'string' || typeof body.password !== 'string') return json(400, { error: 'bad_request' });
      const user = Object.values(USERS).find((u) => u.username === body.username);
      if (!user || body.password !== 'demo') return json(401, { error: 'bad_credentials' });
      api.logins++;
      const exp = Date.now() + api.ttlMs;
      const token = `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify({ sub: user.id, exp: Math.floor(exp / 1000), n: n++ }))}.sig`;
      tokens.set(token, { user: user.id, exp });
      return json(200, { token, user });
    }
    if (url.pathname === '/api/me') {
      const t = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? '';
      if (!valid(t)) return json(401, { error: 'unauthorized' });
      const user = USERS[tokens.get(t)!.user]!;
      return json(200, { user, docs: [...grantsFor(user, YEAR_NOW), ...extraGrants] });
    }
    return json(404, { error: 'not_found' });
  };
  return { api, fetchFn, relay };
}

function service(ns: string, fetchFn: typeof fetch, relay: LoopbackRelay | null, online: () => boolean = () => true, pollMs = 10): GridlinkAuthService {
  const s = createAuthService({
    baseUrl: 'http://relay.test/',
    fetch: fetchFn,
    online,
    namespace: ns,
    transport: relay ? relay.transport : null,
    now: () => Date.now(),
    random: (k) => crypto.getRandomValues(new Uint8Array(k)),
    flushMs: 5,
    pollMs,
    pbkdf2Iterations: 2000,
  });
  services.push(s);
  return s;
}

const reportInput = { category: '0301', description: '路灯不亮', location: { lat: 41.1, lng: 122 }, gridId: 'g0001' };

describe('sign-in', () => {
  it('online: stores a profile; offline: unlocks with the verifier; wrong or unknown users are refused', async () => {
    const ns = freshNs('li');
    const { fetchFn, relay, api } = fakeRelay();
    let online = true;
    const auth = service(ns, fetchFn, relay, () => online);
    expect(await auth.login('w0001', 'wrong')).toEqual({ ok: false, error: 'bad_credentials' });
    expect(await auth.login('  ', 'demo')).toEqual({ ok: false, error: 'bad_request' });
    const r = await auth.login('w0001', 'demo');
    if (!r.ok) throw new Error(r.error);
    expect(r.session.user).toMatchObject({ id: 'w0001', role: 'worker', gridId: 'g0001', townId: 't01' });
    await until(() => r.session.status.value.connection === 'online', 'online');
    expect(await auth.profiles()).toEqual([expect.objectContaining({ userId: 'w0001', username: 'w0001', name: '张网格', role: 'worker' })]);
    await r.session.logout();

    online = false;
    expect(await auth.login('w0001', 'wrong')).toEqual({ ok: false, error: 'bad_credentials' });
    expect(await auth.login('town01', 'demo')).toEqual({ ok: false, error: 'offline_unknown_user' });
    const off = await auth.login('w0001', 'demo');
    if (!off.ok) throw new Error(off.error);
    expect(off.session.status.value).toMatchObject({ connection: 'offline', ready: true, authExpired: false });
    await off.session.logout();

    // "Online" but the relay cannot be reached: the same offline unlock.
    online = true;
    api.down = true;
    const down = await auth.login('w0001', 'demo');
    expect(down.ok).toBe(true);
    expect(await auth.login('town01', 'demo')).toEqual({ ok: false, error: 'offline_unknown_user' });
  });

  it('resumes the signed-in person after a reload, and nobody after a logout', async () => {
    const ns = freshNs('rs');
    const { fetchFn, relay } = fakeRelay();
    const first = service(ns, fetchFn, relay);
    const r = await first.login('w0001', 'demo');
    if (!r.ok) throw new Error(r.error);
    await r.session.engine.whenSynced();
    const rep = await r.session.report(reportInput);
    expect(rep.ok).toBe(true);
    await first.dispose(); // the page closes without a logout

    const second = service(ns, fetchFn, relay, () => false);
    const resumed = await second.resume();
    expect(resumed?.user.id).toBe('w0001');
    expect(await resumed!.countCases({})).toBe(1);
    await resumed!.logout();
    expect(await second.resume()).toBeNull();
  });

  it('resumes as soon as the read model is readable; the docs open after, with the unsaved count and commands intact', async () => {
    const ns = freshNs('rr');
    const { fetchFn, relay } = fakeRelay();
    const first = service(ns, fetchFn, relay);
    const r = await first.login('w0001', 'demo');
    if (!r.ok) throw new Error(r.error);
    await r.session.engine.whenSynced();
    await first.dispose();
    // Offline: one report, never saved on the relay.
    const offline = service(ns, fetchFn, relay, () => false);
    const o = await offline.login('w0001', 'demo');
    if (!o.ok) throw new Error(o.error);
    expect((await o.session.report(reportInput)).ok).toBe(true);
    expect(o.session.status.value.unsaved).toBe(1);
    await offline.dispose();

    // Reload, still offline.
    const second = service(ns, fetchFn, relay, () => false);
    const resumed = await second.resume();
    if (!resumed) throw new Error('not resumed');
    // The rows are there at once, from the read model, whether or not the docs are open yet.
    const rows = await resumed.queryCases({}, 0, 50);
    expect(rows).toHaveLength(1);
    await until(() => resumed.status.value.ready, 'docs open');
    expect(resumed.status.value.unsaved).toBe(1);
    expect((await resumed.getCase(rows[0]!.id))?.status).toBe('reported');
    expect((await resumed.report(reportInput)).ok).toBe(true);
    expect(resumed.status.value.unsaved).toBe(2);
    await resumed.logout();
  });
});

describe('two people on one device', () => {
  it('never see each other’s local data, and forgetting one leaves the other intact', async () => {
    const ns = freshNs('iso');
    const { fetchFn, relay } = fakeRelay();
    let online = true;
    const auth = service(ns, fetchFn, relay, () => online);
    // Both sign in once online (the town center first), then work offline.
    const t1 = await auth.login('town01', 'demo');
    if (!t1.ok) throw new Error(t1.error);
    await t1.session.engine.whenSynced();
    await t1.session.logout();
    const w = await auth.login('w0001', 'demo');
    if (!w.ok) throw new Error(w.error);
    await w.session.engine.whenSynced();
    online = false;
    const rep = await w.session.report(reportInput);
    if (!rep.ok) throw new Error(rep.error);
    expect(await w.session.countCases({})).toBe(1);
    await w.session.logout();

    // Same town, same doc name, same PC: the town center's namespace does not hold the worker's unsent case.
    const t2 = await auth.login('town01', 'demo');
    if (!t2.ok) throw new Error(t2.error);
    expect(await t2.session.countCases({})).toBe(0);
    expect(await t2.session.getCase(rep.event.caseId)).toBeNull();
    expect(t2.session.engine.docs().get(DOC_T01)!.getArray('events').length).toBe(0);

    await auth.forget('w0001');
    expect((await auth.profiles()).map((p) => p.userId)).toEqual(['town01']);
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names.filter((n) => n?.startsWith(userDbName(ns, 'w0001')))).toEqual([]);
    expect(names).toContain(userDbName(ns, 'town01'));
    expect(await t2.session.countCases({})).toBe(0);
    expect(await auth.login('w0001', 'demo')).toEqual({ ok: false, error: 'offline_unknown_user' });
  });
});

describe('tokens', () => {
  it('a token refused at the upgrade sets authExpired and stops retrying; renew resumes and keeps local work', async () => {
    const ns = freshNs('tk');
    const { fetchFn, relay, api } = fakeRelay();
    let online = true;
    const auth = service(ns, fetchFn, relay, () => online);
    const r = await auth.login('w0001', 'demo');
    if (!r.ok) throw new Error(r.error);
    await r.session.engine.whenSynced();
    online = false;
    await until(() => [...relay.links].every((l) => l.state === 'disconnected'), 'links closed');
    const rep = await r.session.report(reportInput);
    expect(rep.ok).toBe(true);
    api.tokens.clear(); // the relay no longer knows the token (expired, secret rotated)
    online = true;
    await until(() => r.session.status.value.authExpired, 'authExpired');
    expect(r.session.status.value).toMatchObject({ connection: 'offline', unsaved: 1 });
    expect(await r.session.renew('wrong')).toBe(false);
    expect(r.session.status.value.authExpired).toBe(true);
    expect(await r.session.renew('demo')).toBe(true);
    await until(() => r.session.status.value.unsaved === 0 && r.session.status.value.connection === 'online', 'resynced');
    expect(r.session.status.value.authExpired).toBe(false);
    expect(relay.doc(DOC_T01).getArray('events').length).toBe(1);
  });

  it('checks the token at its expiry', async () => {
    const ns = freshNs('ex');
    const { fetchFn, relay, api } = fakeRelay();
    api.ttlMs = 1200;
    const auth = service(ns, fetchFn, relay);
    const r = await auth.login('w0001', 'demo');
    if (!r.ok) throw new Error(r.error);
    const exp = [...api.tokens.values()][0]!.exp;
    // When it flips, not whether it is still false after the login: a loaded machine may take longer than the
    // token's 1.2 s to sign in.
    let noticedMs = 0;
    const stop = r.session.status.subscribe((st) => {
      if (st.authExpired && !noticedMs) noticedMs = Date.now();
    });
    await until(() => noticedMs > 0, 'expiry noticed');
    stop();
    expect(noticedMs).toBeGreaterThanOrEqual(exp);
  });

  it('after an offline sign-in, an expired token is renewed once with the password typed then', async () => {
    const ns = freshNs('ho');
    const { fetchFn, relay, api } = fakeRelay();
    let online = true;
    const auth = service(ns, fetchFn, relay, () => online);
    const first = await auth.login('w0001', 'demo');
    if (!first.ok) throw new Error(first.error);
    await first.session.engine.whenSynced();
    await first.session.logout();
    api.tokens.clear();
    online = false;
    const r = await auth.login('w0001', 'demo');
    if (!r.ok) throw new Error(r.error);
    const rep = await r.session.report(reportInput);
    expect(rep.ok).toBe(true);
    const loginsBefore = api.logins;
    online = true;
    await until(() => r.session.status.value.unsaved === 0 && r.session.status.value.connection === 'online', 'synced');
    expect(r.session.status.value.authExpired).toBe(false);
    expect(api.logins).toBe(loginsBefore + 1);
  });
});

describe('the network', () => {
  it('one network state: when it goes, the people/party links close with the case links, before the header says offline', async () => {
    // A browser says the network went with a window 'offline' event; Node has no window, so the test provides one.
    const win = new EventTarget();
    const g = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
    g.addEventListener = win.addEventListener.bind(win);
    g.removeEventListener = win.removeEventListener.bind(win);
    try {
      const { fetchFn, relay } = fakeRelay([{ name: 'people.g0001', access: 'write' }]);
      let online = true;
      // Polls far apart: only the window event can tell the session that the network went.
      const auth = service(freshNs('net'), fetchFn, relay, () => online, 60_000);
      const r = await auth.login('w0001', 'demo');
      if (!r.ok) throw new Error(r.error);
      await until(() => r.session.recordSync !== null, 'records started');
      await r.session.recordSync!.whenSynced();
      await r.session.engine.whenSynced();
      const names = () => [...relay.links].map((l) => `${l.name}:${l.state}`).sort();
      expect(names()).toContain('people.g0001:connected');

      online = false;
      win.dispatchEvent(new Event('offline'));
      // At once, for every doc: a record written now must wait for the network, not slip out on an open link.
      expect(r.session.status.value.connection).toBe('offline');
      expect(names().filter((n) => !n.endsWith(':disconnected'))).toEqual([]);

      online = true;
      win.dispatchEvent(new Event('online'));
      await until(() => r.session.status.value.connection === 'online', 'online again');
      expect(names().filter((n) => !n.endsWith(':connected'))).toEqual([]);
    } finally {
      delete g.addEventListener;
      delete g.removeEventListener;
    }
  });
});

describe('helpers', () => {
  it('reads a JWT expiry and both shapes of /api/me', () => {
    const tok = `x.${b64url(JSON.stringify({ exp: 1_800_000_000 }))}.y`;
    expect(jwtExpiryMs(tok)).toBe(1_800_000_000_000);
    expect(jwtExpiryMs('garbage')).toBeNull();
    const user = USERS.w0001!;
    const docs = grantsFor(user, YEAR_NOW);
    expect(parseMe({ user, docs })).toEqual({ user, docs });
    expect(parseMe({ ...user, docs })).toEqual({ user, docs });
    expect(parseMe({ user: { id: 'x', name: 'y', role: 'pirate' }, docs })).toBeNull();
    expect(parseMe({ user, docs: [{ name: 'org', access: 'admin' }, null] })).toEqual({ user, docs: [] });
  });
});
