/**
 * Issue 14, shared PCs, on the real session service (fake-indexeddb, loopback relay): sealing at sign-out and lock,
 * the PIN and its five strikes, unsent changes across a seal, and no plaintext left in any database of the origin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAuthService, type GridlinkAuthService } from '../../../src/app/session.ts';
import { caseYear, type DocGrant } from '../../../src/domain/docs.ts';
import { exportDb } from '../../../src/sync/vault.ts';
import { USERS, freshNs, grantsFor, orgUpdate } from './fixtures.ts';
import { LoopbackRelay, seedLocalDoc, until } from './loopback.ts';

const services: GridlinkAuthService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.dispose();
});

const YEAR_NOW = caseYear(Date.now());
const PEOPLE: DocGrant = { name: 'people.g0001', access: 'write' };
const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** The relay's HTTP API in memory (as in session.test.ts), the worker granted their grid's people doc. */
function fakeRelay() {
  const relay = new LoopbackRelay();
  Y.applyUpdate(relay.doc('org'), orgUpdate());
  const tokens = new Map<string, string>();
  let n = 0;
  relay.acceptToken = (t) => tokens.has(t);
  relay.userOf = (t) => tokens.get(t) ?? '';
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (url.pathname === '/api/login' && init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as { username: string; password: string };
      const user = Object.values(USERS).find((u) => u.username === body.username);
      if (!user || body.password !== 'demo') return json(401, { error: 'bad_credentials' });
      const token = `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify({ sub: user.id, exp: Math.floor(Date.now() / 1000) + 3600, n: n++ }))}.sig`;
      tokens.set(token, user.id);
      return json(200, { token, user });
    }
    if (url.pathname === '/api/me') {
      const t = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? '';
      const id = tokens.get(t);
      if (!id) return json(401, { error: 'unauthorized' });
      const user = USERS[id]!;
      return json(200, { user, docs: [...grantsFor(user, YEAR_NOW), ...(id === 'w0001' ? [PEOPLE] : [])] });
    }
    return json(404, { error: 'not_found' });
  };
  return { fetchFn, relay };
}

function service(ns: string, fetchFn: typeof fetch, relay: LoopbackRelay | null): GridlinkAuthService {
  const s = createAuthService({
    baseUrl: 'http://relay.test/',
    fetch: fetchFn,
    online: () => true,
    namespace: ns,
    transport: relay ? relay.transport : null,
    random: (k) => crypto.getRandomValues(new Uint8Array(k)),
    flushMs: 5,
    pollMs: 10,
    pbkdf2Iterations: 1000,
  });
  services.push(s);
  return s;
}

const RESIDENT = '欧阳秀兰';
const PHONE = '13912345678';
const DESCRIPTION = '共享电脑测试：桥头护栏松动';

/** Every database of the origin whose name starts with `ns`, and whether any of its values holds one of `needles`. */
async function plaintextHits(ns: string, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  const dec = new TextDecoder('utf-8', { fatal: false });
  const text = (v: unknown): string => {
    if (v instanceof Uint8Array) return dec.decode(v);
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(text).join('\u0000');
    if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${text(x)}`).join('\u0000');
    return String(v);
  };
  for (const info of await indexedDB.databases()) {
    if (!info.name?.startsWith(ns)) continue;
    const dump = await exportDb(info.name);
    const all = info.name + text(dump?.stores.map((s) => [s.keys, s.values]));
    for (const n of needles) if (all.includes(n)) hits.push(`${info.name}: ${n}`);
  }
  return hits;
}

/**
 * A worker signed in online with no sync link (the reference data left on the device by an earlier session):
 * everything they write stays unsent.
 */
async function workerWithUnsentWork(auth: GridlinkAuthService, ns: string) {
  await seedLocalDoc(ns, 'w0001', 'org', orgUpdate());
  const r = await auth.login('w0001', 'demo');
  if (!r.ok) throw new Error(r.error);
  const s = r.session;
  await until(() => Boolean(s.records), 'records loaded');
  const rec = s.records!;
  expect(rec.saveHousehold({ id: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: RESIDENT }).ok).toBe(true);
  expect(rec.saveResident('g0001', { id: 'r1', householdId: 'g0001h001', name: RESIDENT, phone: PHONE, tags: [] }).ok).toBe(true);
  expect((await s.report({ category: '0301', description: DESCRIPTION, location: { lat: 41.1, lng: 122 }, gridId: 'g0001' })).ok).toBe(true);
  await until(() => auth.shared.unsaved(s).total === 3, 'three unsaved events');
  return s;
}

describe('shared PC: sign-out seals, sign-in opens', () => {
  it('keeps unsent changes through seal and unseal, leaves no plaintext, and sends them at the next sign-in', async () => {
    const ns = freshNs('sp');
    const { fetchFn, relay } = fakeRelay();
    const offline = service(ns, fetchFn, null);
    const s = await workerWithUnsentWork(offline, ns);
    expect(auth(offline).unsaved(s)).toMatchObject({ ready: true, total: 3, cases: 1, records: 2 });
    expect(await offline.shared.deviceShared()).toBeNull();
    expect(await offline.shared.setDeviceShared(true, s)).toBe(true);
    // Before the seal the name and phone are readable in this user's databases (the finding).
    expect(await plaintextHits(ns, [RESIDENT, PHONE])).not.toEqual([]);
    await s.logout();

    expect(await plaintextHits(ns, [RESIDENT, PHONE, DESCRIPTION, '张网格', 'w0001-'])).toEqual([]);
    const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith(ns));
    expect(names.sort()).toEqual([`${ns}-device`, `${ns}-vault`]);
    expect(await offline.profiles()).toEqual([]);
    await offline.dispose();

    // The same browser later, with the relay reachable: the password opens the data and the changes are sent.
    const online = service(ns, fetchFn, relay);
    const again = await online.login('w0001', 'demo');
    if (!again.ok) throw new Error(again.error);
    await until(() => auth(online).unsaved(again.session).ready, 'docs open');
    await until(() => auth(online).unsaved(again.session).total === 0, 'all sent');
    const stored = (doc: string) => Buffer.from(Y.encodeStateAsUpdate(relay.doc(doc))).toString('utf8');
    expect(stored('people.g0001')).toContain(PHONE);
    expect(stored(`cases.t01.${YEAR_NOW}`)).toContain(DESCRIPTION);
  });

  it('opens sealed data offline with the password, and refuses a wrong one', async () => {
    const ns = freshNs('so');
    const { fetchFn } = fakeRelay();
    const first = service(ns, fetchFn, null);
    const s = await workerWithUnsentWork(first, ns);
    await first.shared.setDeviceShared(true, s);
    await s.logout();
    await first.dispose();
    const down: typeof fetch = () => Promise.reject(new TypeError('offline'));
    const auth2 = service(ns, down, null);
    expect(await auth2.login('w0001', 'wrong')).toEqual({ ok: false, error: 'bad_credentials' });
    expect(await plaintextHits(ns, [RESIDENT])).toEqual([]);
    const r = await auth2.login('w0001', 'demo');
    if (!r.ok) throw new Error(r.error);
    await until(() => auth(auth2).unsaved(r.session).ready, 'docs open');
    expect(auth(auth2).unsaved(r.session).total).toBe(3);
    expect(r.session.records?.residents('g0001').map((x) => x.name)).toContain(RESIDENT);
  });
});

const auth = (a: GridlinkAuthService) => a.shared;

describe('quick lock', () => {
  it('locks behind a PIN; five wrong PINs require the password', async () => {
    const ns = freshNs('pin');
    const { fetchFn } = fakeRelay();
    const a = service(ns, fetchFn, null);
    const s = await workerWithUnsentWork(a, ns);
    await a.shared.setDeviceShared(true, s);
    expect(await a.shared.setPin(s, '12ab')).toBe('bad_pin');
    expect(await a.shared.setPin(s, '2468')).toBe('ok');
    expect(await a.shared.hasPin('w0001')).toBe(true);
    await a.shared.lock(s);
    expect(await a.shared.lockState()).toEqual({ pin: true });
    expect(await plaintextHits(ns, [RESIDENT, PHONE, DESCRIPTION])).toEqual([]);
    // Not resumed after a reload: the lock holds.
    expect(await a.resume()).toBeNull();

    const bad = await a.shared.unlock({ pin: '1111' });
    expect(bad).toEqual({ ok: false, error: 'bad_pin', left: 4 });
    const good = await a.shared.unlock({ pin: '2468' });
    if (!good.ok) throw new Error(good.error);
    expect(await a.shared.lockState()).toBeNull();
    await until(() => auth(a).unsaved(good.session).ready, 'docs open');
    expect(a.shared.unsaved(good.session).total).toBe(3);

    // A right PIN reset the count: five wrong ones in a row now, and the PIN no longer opens anything.
    await a.shared.lock(good.session);
    for (let i = 4; i >= 1; i--) expect(await a.shared.unlock({ pin: '0000' })).toEqual({ ok: false, error: 'bad_pin', left: i });
    expect(await a.shared.unlock({ pin: '0000' })).toEqual({ ok: false, error: 'pin_blocked' });
    expect(await a.shared.lockState()).toEqual({ pin: false });
    expect(await a.shared.unlock({ pin: '2468' })).toEqual({ ok: false, error: 'pin_blocked' });
    expect(await a.shared.unlock({ password: 'nope' })).toEqual({ ok: false, error: 'bad_password' });
    const byPassword = await a.shared.unlock({ password: 'demo' });
    if (!byPassword.ok) throw new Error(byPassword.error);
    await until(() => auth(a).unsaved(byPassword.session).ready, 'docs open');
    expect(a.shared.unsaved(byPassword.session).total).toBe(3);
  });

  it('on a shared device, a browser closed without signing out reopens locked, its data sealed at the start', async () => {
    const ns = freshNs('cl');
    const { fetchFn } = fakeRelay();
    const a = service(ns, fetchFn, null);
    const s = await workerWithUnsentWork(a, ns);
    await a.shared.setDeviceShared(true, s);
    await a.dispose(); // closed, no sign-out: plaintext until the next start
    const b = service(ns, fetchFn, null);
    expect(await b.resume()).toBeNull();
    expect(await b.shared.lockState()).toEqual({ pin: false });
    expect(await plaintextHits(ns, [RESIDENT, PHONE, DESCRIPTION])).toEqual([]);
    const r = await b.shared.unlock({ password: 'demo' });
    if (!r.ok) throw new Error(r.error);
    await until(() => auth(b).unsaved(r.session).ready, 'docs open');
    expect(b.shared.unsaved(r.session).total).toBe(3);
  });

  it('on a device not marked shared, a lock still holds across a reload (data left as it is)', async () => {
    const ns = freshNs('ns');
    const { fetchFn } = fakeRelay();
    const a = service(ns, fetchFn, null);
    const s = await workerWithUnsentWork(a, ns);
    await a.shared.setDeviceShared(false, s);
    expect(await a.shared.setPin(s, '123456')).toBe('ok');
    await a.shared.lock(s);
    await a.dispose();
    const b = service(ns, fetchFn, null);
    expect(await b.resume()).toBeNull();
    expect(await b.shared.lockState()).toEqual({ pin: true });
    const r = await b.shared.unlock({ pin: '123456' });
    expect(r.ok).toBe(true);
  });
});

describe('device mark and removal', () => {
  it('only a town-center user changes the mark once answered; removal waits for everything to be saved', async () => {
    const ns = freshNs('rm');
    const { fetchFn, relay } = fakeRelay();
    const a = service(ns, fetchFn, null);
    const s = await workerWithUnsentWork(a, ns);
    expect(await a.shared.setDeviceShared(false, s)).toBe(true);
    expect(await a.shared.setDeviceShared(true, s)).toBe(false);
    expect(await a.shared.deviceShared()).toBe(false);
    expect(await a.shared.removeMyData(s)).toEqual({ ok: false, unsaved: { ready: true, total: 3, cases: 1, records: 2, photos: 0, clips: 0 } });
    await s.logout();
    await a.dispose();

    const b = service(ns, fetchFn, relay);
    const r = await b.login('w0001', 'demo');
    if (!r.ok) throw new Error(r.error);
    await until(() => b.shared.unsaved(r.session).ready && b.shared.unsaved(r.session).total === 0, 'all sent');
    expect(await b.shared.removeMyData(r.session)).toEqual({ ok: true });
    expect((await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith(`${ns}-u-`))).toEqual([]);
    expect(await b.profiles()).toEqual([]);
    const town = await b.login('town01', 'demo');
    if (!town.ok) throw new Error(town.error);
    expect(await b.shared.setDeviceShared(true, town.session)).toBe(true);
    expect(await b.shared.deviceShared()).toBe(true);
  });
});
