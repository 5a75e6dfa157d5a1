// Issue 10, "One account must not be able to exhaust the relay": case years and channels a socket may open,
// slowloris on HTTP (the relay as a child process, configured from the environment), and sockets that outlive their
// token, each against a real relay on port 0.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CASE_YEARS_BACK, caseYear, casesDocName, caseYearOpen } from '../../src/domain/docs.ts';
import { CLOSE_TOKEN_EXPIRED, EVENTS_ARRAY, MUX_CLOSE, MUX_CONTROL, MUX_MAX_CHANNELS, MUX_OPEN, MUX_OPENED, MUX_REJECTED } from '../../src/protocol/wire.ts';
import { websocketTransport } from '../../src/sync/websocket.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { until } from '../support/wait.ts';
import { LeanSocket } from './abuse-harness.ts';
import { Actor, casesDoc, login, RawClient, seedFixture, spawnRelay, startTestServer, tempDir, upgradeStatus, USERS, type TestServer } from './relay-harness.ts';
import * as decoding from 'lib0/decoding';

const muxUrl = (server: { wsBase: string }, token: string) => `${server.wsBase}/sync?token=${encodeURIComponent(token)}`;

describe('doc names and channels', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await login(server.url, 'w0001');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('one rule for the case years: the current year (China time) and CASE_YEARS_BACK before it', () => {
    const now = Date.UTC(2026, 5, 1);
    expect(caseYearOpen(2026, now)).toBe(true);
    expect(caseYearOpen(2026 - CASE_YEARS_BACK, now)).toBe(true);
    expect(caseYearOpen(2026 - CASE_YEARS_BACK - 1, now)).toBe(false);
    expect(caseYearOpen(2027, now)).toBe(false);
    // 31 December 23:30 China time: the next year may open.
    expect(caseYearOpen(2027, Date.UTC(2026, 11, 31, 15, 30))).toBe(true);
  });

  it('refuses cases docs of years far in the past or future (404), on single-doc and multiplexed sockets', async () => {
    const year = caseYear(Date.now());
    for (const y of [1970, 2001, 2286, 9999, year - CASE_YEARS_BACK - 1, year + 2]) {
      expect(await upgradeStatus(RawClient.url(server.wsBase, casesDocName('t01', y), token)), `year ${y}`).toBe(404);
    }
    const ok = new LeanSocket(RawClient.url(server.wsBase, casesDocName('t01', year - CASE_YEARS_BACK), token));
    await ok.open();
    ok.close();
    const m = new LeanSocket(muxUrl(server, token), true);
    try {
      await m.open();
      const years = [1970, 2001, 2286, 9999];
      years.forEach((y, i) => m.control(MUX_OPEN, i + 1, casesDocName('t01', y)));
      m.control(MUX_OPEN, 9, casesDocName('t01', year));
      await m.has((f) => f.channel === MUX_CONTROL && f.type === MUX_OPENED && f.about === 9, 'current year opened');
      for (const [i] of years.entries()) {
        await m.has((f) => f.channel === MUX_CONTROL && f.type === MUX_REJECTED && f.about === i + 1, `year ${years[i]} rejected`);
        const f = m.kept.find((k) => k.channel === MUX_CONTROL && k.type === MUX_REJECTED && k.about === i + 1)!;
        expect([403, 404]).toContain(decoding.readVarUint(decoding.createDecoder(f.rest)));
      }
      expect(server.relay.loadedDocs().filter((n) => years.some((y) => n.endsWith(`.${y}`)))).toEqual([]);
    } finally {
      m.close();
    }
  });

  it(`caps one socket at MUX_MAX_CHANNELS (${MUX_MAX_CHANNELS}) channels and frees closed ones`, async () => {
    const baseConns = server.relay.connectionCount();
    // 2,049 control messages in a moment: more than the default message budget allows at once (it would only slow down).
    const before = server.relay.currentLimits();
    server.relay.setLimits({ wsMsgsPerSecond: 10_000, userMsgsPerSecond: 10_000 });
    const m = new LeanSocket(muxUrl(server, token), true, (c, t) => c === MUX_CONTROL && t !== MUX_OPENED);
    try {
      await m.open();
      let opened = 0;
      const counter = (data: Buffer) => {
        if (data[0] === MUX_CONTROL && data[1] === MUX_OPENED) opened++;
      };
      m.ws.on('message', counter);
      for (let ch = 1; ch <= MUX_MAX_CHANNELS + 1; ch++) m.control(MUX_OPEN, ch, 'org');
      await m.has((f) => f.type === MUX_REJECTED && f.about === MUX_MAX_CHANNELS + 1, 'one over the cap rejected');
      const f = m.kept.find((k) => k.type === MUX_REJECTED && k.about === MUX_MAX_CHANNELS + 1)!;
      expect(decoding.readVarUint(decoding.createDecoder(f.rest))).toBe(429);
      await until(() => opened === MUX_MAX_CHANNELS, 'every channel under the cap opened');
      expect(server.relay.channelCount()).toBe(MUX_MAX_CHANNELS);
      for (let ch = 1; ch <= MUX_MAX_CHANNELS; ch++) m.control(MUX_CLOSE, ch);
      await until(() => server.relay.channelCount() === 0 && server.relay.connectionCount() <= baseConns, `closed channels freed (${server.relay.channelCount()} channels, ${server.relay.connectionCount()} connections, ${baseConns} before)`);
      // A closed channel's room can be used again.
      m.control(MUX_OPEN, 5000, 'org');
      await until(() => opened === MUX_MAX_CHANNELS + 1, 'a new channel after closing');
    } finally {
      m.close();
      server.relay.setLimits(before);
    }
  });
});

describe('slowloris on HTTP (the relay process, limits from the environment)', () => {
  let relay: Awaited<ReturnType<typeof spawnRelay>>;
  let tmp: { dir: string; remove(): void };
  const port = () => Number(new URL(relay.url).port);
  beforeAll(async () => {
    tmp = tempDir();
    await seedFixture(tmp.dir);
    relay = await spawnRelay(tmp.dir, { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_MAX_CONNS_PER_ADDRESS: '40' });
  });
  afterAll(async () => {
    relay?.proc.kill('SIGTERM');
    await relay?.exited;
    tmp?.remove();
  });

  /** A raw TCP connection: when it closed (ms after opening) and what it was answered. */
  function raw(): { sock: Socket; closedAfter: () => number | null; answer: () => string } {
    const started = performance.now();
    let closedAt: number | null = null;
    let answer = '';
    const sock = connect(port(), '127.0.0.1');
    sock.on('data', (d) => (answer += d.toString()));
    sock.on('close', () => (closedAt = performance.now() - started));
    sock.on('error', () => {});
    return { sock, closedAfter: () => closedAt, answer: () => answer };
  }

  it('closes connections that trickle headers or a body, or send nothing, within the timeouts', async () => {
    const trickling = Array.from({ length: 30 }, () => raw());
    const timers: NodeJS.Timeout[] = [];
    for (const t of trickling) {
      t.sock.write('GET /api/me HTTP/1.1\r\nHost: relay\r\n');
      timers.push(setInterval(() => t.sock.writable && t.sock.write('X-Slow: 1\r\n'), 200));
    }
    const body = raw();
    body.sock.write('POST /api/login HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{');
    timers.push(setInterval(() => body.sock.writable && body.sock.write(' '), 200));
    const silent = raw();
    try {
      await until(() => [...trickling, body, silent].every((t) => t.closedAfter() !== null), 'slow connections closed', 15_000);
    } finally {
      for (const t of timers) clearInterval(t);
    }
    const worst = Math.max(...trickling.map((t) => t.closedAfter()!));
    console.log(
      `slowloris: 30 trickling-header connections closed after at most ${worst.toFixed(0)} ms (headers timeout 1000 ms), ` +
        `a trickling body after ${body.closedAfter()!.toFixed(0)} ms (request timeout 2000 ms), a silent one after ${silent.closedAfter()!.toFixed(0)} ms`,
    );
    expect(worst).toBeLessThan(5000);
    expect(body.closedAfter()!).toBeLessThan(8000);
    expect(silent.closedAfter()!).toBeLessThan(5000);
    expect(trickling[0]!.answer()).toMatch(/^HTTP\/1\.1 (408|400)/);
  });

  it('caps open connections per address; a request works again once they are gone', async () => {
    const conns = Array.from({ length: 50 }, () => raw());
    try {
      await until(() => conns.filter((c) => c.closedAfter() !== null).length >= 10, 'connections over the cap closed', 5000);
      // Those over the cap were closed at once, well before any timeout.
      const early = conns.filter((c) => c.closedAfter() !== null && c.closedAfter()! < 800).length;
      expect(early).toBeGreaterThanOrEqual(10);
    } finally {
      for (const c of conns) c.sock.destroy();
    }
    await until(async () => (await fetch(`${relay.url}/api/me`).then((r) => r.status, () => 0)) === 401, 'served again');
  });
});

describe('open sockets do not outlive their token', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ tokenTtl: 3 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('closes a single-doc socket and a multiplexed socket with 4401 when the token expires', async () => {
    const token = await login(server.url, 'w0001');
    const single = new LeanSocket(RawClient.url(server.wsBase, casesDoc('t01'), token));
    const mux = new LeanSocket(muxUrl(server, token), true);
    try {
      await Promise.all([single.open(), mux.open()]);
      mux.control(MUX_OPEN, 1, casesDoc('t01'));
      await mux.has((f) => f.channel === MUX_CONTROL && f.type === MUX_OPENED && f.about === 1, 'channel open');
      const [a, b] = await Promise.all([single.closedWith('single closed', 15_000), mux.closedWith('mux closed', 15_000)]);
      expect(a.code).toBe(CLOSE_TOKEN_EXPIRED);
      expect(b.code).toBe(CLOSE_TOKEN_EXPIRED);
    } finally {
      single.close();
      mux.close();
    }
  });

  it('the app renews the token after 4401 and reconnects; work made meanwhile is saved', async () => {
    const doc = new Y.Doc();
    let token = await login(server.url, 'w0001');
    let acked: Map<number, number> | null = null;
    let upgradeFailures = 0;
    const transport = websocketTransport({ wsOrigin: server.wsBase, WebSocketPolyfill: WebSocket, maxBackoffMs: 200 });
    const link = transport(casesDoc('t01'), doc, token, {
      onAck: (sv) => (acked = Y.decodeStateVector(sv)),
      onRefused: () => {},
      onUpgradeFailed: () => {
        // What the session does (src/app/session.ts probe): the token is the reason, renew it.
        upgradeFailures++;
        void login(server.url, 'w0001').then((t) => {
          token = t;
          link.setToken(t);
        });
      },
      onChange: () => {},
    });
    const actor = new Actor(USERS.w0001);
    const saved = () => (acked?.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID);
    try {
      await link.whenSynced();
      const first = actor.report().event;
      doc.getArray<CaseEvent>(EVENTS_ARRAY).push([first]);
      await until(saved, 'first event saved');
      // The relay closes the socket at expiry; the link reports it like a failed upgrade and retries.
      await until(() => upgradeFailures > 0, 'expiry seen by the link', 15_000);
      const second = actor.report().event;
      doc.getArray<CaseEvent>(EVENTS_ARRAY).push([second]);
      await until(() => link.synced && saved(), 'work made after expiry saved with a renewed token', 20_000);
      expect(link.retrying).toBe(true);
    } finally {
      link.destroy();
      doc.destroy();
    }
  });
});
