/**
 * Issue 16 section 5: a doc's whole state over HTTP for a device that holds nothing of it yet (GET /api/docs/<name>,
 * server/firststate.ts), and the device's side (src/sync/engine.ts `firstStates`): the docs are linked only after,
 * so the socket carries only what changed since; the head start's answer comes first; without a first state the
 * doc syncs whole over the socket as before. The real relay on port 0, the app's session code with fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import { request } from 'node:http';
import * as decoding from 'lib0/decoding';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { FIRST_STATE_WINDOW_MS, FIRST_STATES_PER_DOC, FirstStates, FRESH_MS } from '../../server/firststate.ts';
import { acceptedEncodings } from '../../server/static.ts';
import { createAuthService, type GridlinkAuthService, type GridlinkSession } from '../../src/app/session.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../../src/protocol/wire.ts';
import { until } from '../support/wait.ts';
import { Actor, api, casesDoc, login, PASSWORD, seedFixture, startTestServer, tempDir, USERS, type TestServer } from './relay-harness.ts';

const worker = new Actor(USERS.w0001);
const events: CaseEvent[] = [];
let server: TestServer;
let tmp: { dir: string; remove(): void };
const services: GridlinkAuthService[] = [];

beforeAll(async () => {
  // Enough for the doc to be far bigger than what the socket carries besides it (its control frames, acks).
  for (let i = 0; i < 300; i++) events.push(worker.report('g0001', `第${i}号：路灯损坏，夜间出行不便，请尽快处理`).event);
  tmp = tempDir('gridlink-first-state-');
  await seedFixture(tmp.dir, events);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
});

afterAll(async () => {
  for (const s of services) await s.dispose();
  await server?.stop();
  tmp?.remove();
});

/** GET with a given Accept-Encoding, the body as sent (not decoded). */
function rawGet(path: string, token: string | null, acceptEncoding: string): Promise<{ status: number; encoding: string | undefined; retryAfter: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'accept-encoding': acceptEncoding };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request(server.url + path, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], retryAfter: res.headers['retry-after'], body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const relayState = (name: string) => server.relay.withDoc(name, (d) => ({ events: d.getArray(EVENTS_ARRAY).toJSON(), receipts: d.getArray(RECEIPTS_ARRAY).toJSON(), sv: Y.encodeStateVector(d) }));

/** The updates of a first state's body (server/firststate.ts: each as a varuint length and its bytes). */
function updatesOf(body: Uint8Array): Uint8Array[] {
  const dec = decoding.createDecoder(body);
  const out: Uint8Array[] = [];
  while (decoding.hasContent(dec)) out.push(decoding.readVarUint8Array(dec));
  return out;
}

function docOf(body: Uint8Array): { events: unknown[]; receipts: unknown[]; sv: Uint8Array } {
  const d = new Y.Doc();
  for (const u of updatesOf(body)) Y.applyUpdate(d, u);
  return { events: d.getArray(EVENTS_ARRAY).toJSON(), receipts: d.getArray(RECEIPTS_ARRAY).toJSON(), sv: Y.encodeStateVector(d) };
}

/** A device whose HTTP requests and socket messages are recorded; `refuseStates` answers every first state 404. */
function device(opts: { refuseStates?: boolean } = {}) {
  const log: Array<{ path: string; start: number; end: number }> = [];
  let clock = 0;
  const socketBytes = { n: 0 };
  const fetchLogged: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const entry = { path: url.pathname, start: ++clock, end: Infinity };
    log.push(entry);
    if (opts.refuseStates && url.pathname.startsWith('/api/docs/')) {
      entry.end = ++clock;
      return new Response('{"error":"not_found"}', { status: 404 });
    }
    const res = await fetch(input, init);
    // The body read whole, so "end" is when the answer has arrived.
    const body = await res.arrayBuffer();
    entry.end = ++clock;
    return new Response(body, { status: res.status, headers: res.headers });
  };
  class CountingSocket extends WebSocket {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') socketBytes.n += (args[0] as ArrayBuffer | Buffer).byteLength;
      return super.emit(event, ...args);
    }
  }
  const auth = createAuthService({ baseUrl: server.url, fetch: fetchLogged, WebSocketPolyfill: CountingSocket as typeof WebSocket, online: () => true, namespace: `fst${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, pollMs: 20, pbkdf2Iterations: 1000 });
  services.push(auth);
  return { auth, log, socketBytes };
}

async function signIn(auth: GridlinkAuthService, user = 'w0001'): Promise<GridlinkSession> {
  const r = await auth.login(user, PASSWORD);
  if (!r.ok) throw new Error(`login: ${r.error}`);
  return r.session;
}

describe('GET /api/docs/<name>: a doc whole for a device that holds nothing of it', () => {
  it("answers the relay's state, brotli or gzip as accepted, with the access of the doc's socket", async () => {
    // Not w0001: the first sign-in below is w0001's, and a user gets a doc's first state FIRST_STATES_PER_DOC times.
    const token = await login(server.url, 'town01');
    const name = casesDoc('t01');
    const want = await relayState(name);
    expect(want.events.length).toBe(events.length);
    const br = await rawGet(`/api/docs/${name}`, token, 'gzip, deflate, br');
    expect(br).toMatchObject({ status: 200, encoding: 'br' });
    const gz = await rawGet(`/api/docs/${name}`, token, 'gzip, deflate');
    expect(gz).toMatchObject({ status: 200, encoding: 'gzip' });
    const plain = await rawGet(`/api/docs/${name}`, token, 'identity');
    expect(plain.encoding).toBeUndefined();
    for (const body of [brotliDecompressSync(br.body), gunzipSync(gz.body), plain.body]) expect(docOf(body)).toEqual(want);
    // In slices of at most 64 kB (SYNC_SLICE_BYTES), so a device applies them as they arrive.
    expect(updatesOf(plain.body).length).toBeGreaterThan(1);
    expect(Math.max(...updatesOf(plain.body).map((u) => u.length))).toBeLessThanOrEqual(64 * 1024);
    // The point of it: fewer bytes than the state itself.
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect((await rawGet('/api/docs/org', token, 'br')).status).toBe(200);

    // Refused as the socket would be: no token, another town's doc, a closed year, no such doc, the practice sandbox,
    // a resident (no doc at all).
    expect((await rawGet(`/api/docs/${name}`, null, 'br')).status).toBe(401);
    expect((await rawGet(`/api/docs/${casesDoc('t02')}`, token, 'br')).status).toBe(403);
    expect((await rawGet('/api/docs/cases.t01.2001', token, 'br')).status).toBe(404);
    expect((await rawGet('/api/docs/nonsense', token, 'br')).status).toBe(404);
    expect((await rawGet('/api/docs/practice.cases.t01.2026', token, 'br')).status).toBe(403);
    const resident = await login(server.url, 'resident01');
    expect((await rawGet('/api/docs/org', resident, 'br')).status).toBe(403);
    expect((await rawGet(`/api/docs/${name}`, resident, 'br')).status).toBe(403);
  });

  it('refuses an insider asking for a doc again and again (429, Retry-After) past its limit; its other docs and others are still served', async () => {
    const county = await login(server.url, 'county');
    for (let i = 0; i < FIRST_STATES_PER_DOC; i++) expect((await rawGet('/api/docs/org', county, 'br')).status).toBe(200);
    const refused = await rawGet('/api/docs/org', county, 'br');
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body.toString())).toEqual({ error: 'too_many_requests' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(FIRST_STATE_WINDOW_MS / 1000);
    // A first sign-in asks for each of its docs once: a county account for every town's years.
    for (const town of ['t01', 't02']) expect((await rawGet(`/api/docs/${casesDoc(town)}`, county, 'br')).status).toBe(200);
    expect((await rawGet('/api/docs/org', await login(server.url, 'town01'), 'br')).status).toBe(200);
  });

  it('counts each user and doc over a sliding window: the oldest request leaving it lets the next one in', () => {
    let now = 1_000_000;
    const states = new FirstStates({ withDoc: async () => undefined as never }, () => now);
    for (let i = 0; i < FIRST_STATES_PER_DOC; i++) {
      expect(states.admit('w0001', 'org')).toBeNull();
      now += 1000;
    }
    expect(states.admit('w0001', 'org')).toBe(FIRST_STATE_WINDOW_MS / 1000 - FIRST_STATES_PER_DOC);
    expect(states.admit('w0001', 'cases.t01.2026')).toBeNull();
    expect(states.admit('w0002', 'org')).toBeNull();
    // The first request leaves the window: one more is admitted, and the one after is refused again.
    now = 1_000_000 + FIRST_STATE_WINDOW_MS + 1;
    expect(states.admit('w0001', 'org')).toBeNull();
    expect(states.admit('w0001', 'org')).not.toBeNull();
  });

  it('reads Accept-Encoding with its q-values (the static files\' reader, server/static.ts)', () => {
    expect(acceptedEncodings('gzip, deflate, br, zstd')).toContain('br');
    expect(acceptedEncodings('gzip, deflate')).not.toContain('br');
    expect(acceptedEncodings('br;q=0, gzip')).not.toContain('br');
    expect(acceptedEncodings('BR;q=0.5')).toContain('br');
    expect(acceptedEncodings('')).not.toContain('gzip');
  });

  it('serves a cached encoding for at most FRESH_MS after the doc changed, then the new state', async () => {
    const doc = new Y.Doc();
    doc.getArray(EVENTS_ARRAY).push([{ n: 1 }]);
    let now = 1_000_000;
    let encodes = 0;
    const states = new FirstStates({ withDoc: async (_name, fn) => (encodes++, fn(doc)) as never }, () => now);
    const read = async () => docOf(brotliDecompressSync((await states.get('x', 'br')).body)).events.length;
    expect(await read()).toBe(1);
    doc.getArray(EVENTS_ARRAY).push([{ n: 2 }]);
    now += FRESH_MS - 1;
    // Stale by one event: the device's socket brings it (the next test).
    expect(await read()).toBe(1);
    expect(encodes).toBe(1);
    now += 1;
    expect(await read()).toBe(2);
    expect(states.size().entries).toBe(1);
  });

  it('runs at most two quality-11 encodings at a time; beyond, a request gets quality 5 at once', async () => {
    const docs = new Map<string, Y.Doc>();
    for (const n of ['a', 'b', 'c']) {
      const d = new Y.Doc();
      d.getArray(EVENTS_ARRAY).push(Array.from({ length: 2000 }, (_, i) => ({ n, i, text: `第${i}条` })));
      docs.set(n, d);
    }
    const states = new FirstStates({ withDoc: async (name, fn) => fn(docs.get(name)!) as never }, () => 0);
    for (const n of docs.keys()) states.warm(n);
    await until(() => states.size().entries === 3, 'three entries');
    expect(states.size().bestRunning).toBe(2);
    // The third doc's answer does not wait for an encoding that was never started, and is still the doc.
    expect(docOf(brotliDecompressSync((await states.get('c', 'br')).body)).events.length).toBe(2000);
    await until(() => states.size().bestRunning === 0, 'the encodings done');
  });
});

describe("a device's first sign-in takes its docs' first states over HTTP", () => {
  it('links each doc after its first state: the socket carries only what changed since, and the head start comes first', async () => {
    // A change after the state was encoded and cached (the head start warms it): it must still arrive, by the socket.
    const token = await login(server.url, 'w0001');
    expect((await api(server.url, '/api/starter', { token })).status).toBe(200);
    await rawGet(`/api/docs/${casesDoc('t01')}`, token, 'br');
    const late = await api(server.url, '/api/cases', { token, body: { category: '0101', description: '缓存之后的上报', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' } });
    expect(late.status).toBe(201);

    const { auth, log, socketBytes } = device();
    const s = await signIn(auth);
    await s.engine.whenSynced();
    await s.engine.settled();
    const name = casesDoc('t01');
    const want = await relayState(name);
    const got = s.engine.docs().get(name)!;
    expect(got.getArray(EVENTS_ARRAY).length).toBe(want.events.length);
    expect(got.getArray(EVENTS_ARRAY).length).toBe(events.length + 1);
    expect(await s.countCases({})).toBe(events.length + 1);

    // The org doc's and the worker's cases docs' first states, each asked for once, only once the head start's
    // answer had arrived.
    const states = log.filter((r) => r.path.startsWith('/api/docs/'));
    expect(states.map((r) => r.path).sort()).toEqual(['/api/docs/org', ...[...s.engine.docs().keys()].filter((n) => n.startsWith('cases.')).map((n) => `/api/docs/${n}`)].sort());
    const starter = log.find((r) => r.path === '/api/starter')!;
    for (const r of states) expect(r.start).toBeGreaterThan(starter.end);
    // The socket carried far less than the docs (the late report): their states came over HTTP.
    const docBytes = Y.encodeStateAsUpdate(got).length;
    expect(socketBytes.n).toBeLessThan(docBytes / 4);
    expect(s.org.value?.grid('g0001')?.name).toBe('一村第一网格');
    await auth.dispose();
  });

  it('without a first state (an older relay, an error) the docs sync whole over the socket', async () => {
    const { auth, log, socketBytes } = device({ refuseStates: true });
    const s = await signIn(auth);
    await s.engine.whenSynced();
    const name = casesDoc('t01');
    const want = await relayState(name);
    expect(s.engine.docs().get(name)!.getArray(EVENTS_ARRAY).length).toBe(want.events.length);
    expect(log.some((r) => r.path === `/api/docs/${name}`)).toBe(true);
    expect(socketBytes.n).toBeGreaterThan(Y.encodeStateAsUpdate(s.engine.docs().get(name)!).length / 2);
    await auth.dispose();
  });
});
