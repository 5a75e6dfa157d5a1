// Issue 10, "One account must not be able to exhaust the relay": awareness caps, slow readers, floods and errors
// while attaching, each against a real relay on port 0 with real sockets. The numbers (ACK latency of an honest
// device, the relay's unsent bytes, RSS) are printed; the bounds asserted are generous (shared, noisy machines).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CLOSE_ABUSE, CLOSE_SLOW_READER, MSG_AWARENESS, MSG_SYNC, MUX_CLOSED, MUX_CONTROL, MUX_OPEN, MUX_OPENED, MUX_REJECTED } from '../../src/protocol/wire.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { until } from '../support/wait.ts';
import { ackLatencies, awarenessMsg, fullSyncRequest, LeanSocket, percentile, queryAwarenessMsg, readAwareness, rssMb, summary } from './abuse-harness.ts';
import { Actor, casesDoc, login, RawClient, seedFixture, startTestServer, tempDir, USERS, type TestServer } from './relay-harness.ts';

const single = (server: TestServer, doc: string, token: string, keep?: (channel: number, type: number) => boolean) =>
  new LeanSocket(RawClient.url(server.wsBase, doc, token), false, keep);

describe('awareness is capped per client, per doc and per connection rate', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    server = await startTestServer();
    for (const u of ['trainer01', 'town01', 'w0001', 'w0002', 'county']) tokens[u] = await login(server.url, u);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a read-only account announces its presence; 1 MB of awareness is neither fanned out, stored nor replayed', async () => {
    const observer = single(server, 'org', tokens.town01!, (_c, t) => t === MSG_AWARENESS);
    const trainer = single(server, 'org', tokens.trainer01!, () => false);
    try {
      await Promise.all([observer.open(), trainer.open()]);
      trainer.sendDoc(awarenessMsg([[501, 1, { user: 'trainer01', pad: 'x'.repeat(1_000_000) }]]));
      trainer.sendDoc(awarenessMsg([[502, 1, { user: 'trainer01' }]]));
      await observer.has((f) => readAwareness(f.rest).some((s) => s.id === 502), 'the small presence fanned out');
      expect(observer.kept.flatMap((f) => readAwareness(f.rest)).map((s) => s.id)).not.toContain(501);
      expect(observer.largestAwareness).toBeLessThan(8 * 1024);
      // A client connecting later gets the presence, not the megabyte.
      const later = single(server, 'org', tokens.county!, (_c, t) => t === MSG_AWARENESS);
      try {
        await later.has((f) => readAwareness(f.rest).some((s) => s.id === 502), 'replayed presence');
        expect(later.kept.flatMap((f) => readAwareness(f.rest)).map((s) => s.id)).not.toContain(501);
        expect(later.largestAwareness).toBeLessThan(8 * 1024);
      } finally {
        later.close();
      }
      // A connection may not change or remove another connection's client.
      observer.kept = [];
      const other = single(server, 'org', tokens.w0001!, () => false);
      try {
        await other.open();
        other.sendDoc(awarenessMsg([[502, 9, null]]));
        other.sendDoc(awarenessMsg([[503, 1, { user: 'w0001' }]]));
        await observer.has((f) => readAwareness(f.rest).some((s) => s.id === 503), 'w0001 presence');
        expect(observer.kept.flatMap((f) => readAwareness(f.rest)).some((s) => s.id === 502)).toBe(false);
      } finally {
        other.close();
      }
    } finally {
      observer.close();
      trainer.close();
    }
  });

  it('refuses new awareness clients over the per-doc cap without evicting any, and frees them on close', async () => {
    const before = server.relay.currentLimits();
    server.relay.setLimits({ awarenessMaxStates: 3 });
    const socks = ['w0001', 'w0002', 'town01', 'county'].map((u) => single(server, 'org', tokens[u]!, (_c, t) => t === MSG_AWARENESS));
    try {
      await Promise.all(socks.map((s) => s.open()));
      for (const [i, s] of socks.slice(0, 3).entries()) s.sendDoc(awarenessMsg([[900 + i, 1, { n: i }]]));
      await until(() => server.relay.awarenessStates('org') === 3, 'three states');
      socks[3]!.sendDoc(awarenessMsg([[903, 1, { n: 3 }]]));
      socks[0]!.sendDoc(awarenessMsg([[900, 2, { n: 0, again: true }]])); // a renewal of a known client still passes
      await socks[1]!.has((f) => readAwareness(f.rest).some((s) => s.id === 900 && (s.state as { again?: boolean }).again === true), 'renewal');
      expect(server.relay.awarenessStates('org')).toBe(3);
      expect(socks[1]!.kept.flatMap((f) => readAwareness(f.rest)).some((s) => s.id === 903)).toBe(false);
      socks[0]!.close();
      await until(() => server.relay.awarenessStates('org') === 2, 'a closed connection frees its state');
    } finally {
      for (const s of socks) s.close();
      server.relay.setLimits(before);
    }
  });

  it('a read-only account flooding awareness is dropped, then closed with 4429; ACK latency and RSS stay bounded', async () => {
    const baseline = await ackLatencies(server.wsBase, tokens.w0002!, 50, 20);
    const rss0 = rssMb();
    let rssMax = rss0;
    const observer = single(server, 'org', tokens.town01!, () => false);
    await observer.open();
    const attackers: LeanSocket[] = [];
    let sentBytes = 0;
    let stop = false;
    let closedWith: number | null = null;
    // The flood: a fresh trainer socket whenever the relay closes one; 100 fresh 2 KB clients a message.
    const flood = (async () => {
      let id = 10_000;
      while (!stop) {
        const a = single(server, 'org', tokens.trainer01!, () => false);
        attackers.push(a);
        await a.open();
        while (!stop && a.ws.readyState === a.ws.OPEN) {
          if (a.ws.bufferedAmount < 4 * 1024 * 1024) {
            const msg = awarenessMsg(Array.from({ length: 100 }, () => [id++, 1, { pad: 'y'.repeat(2000) }] as [number, number, unknown]));
            sentBytes += msg.byteLength;
            a.sendDoc(msg);
          }
          await new Promise((r) => setImmediate(r));
        }
        if (!stop) await a.closedWith('attacker closed');
        if (a.closed) closedWith ??= a.closed.code;
        rssMax = Math.max(rssMax, rssMb());
      }
    })();
    let during: number[];
    try {
      during = await ackLatencies(server.wsBase, tokens.w0002!, 100, 20);
      await until(() => closedWith !== null || attackers.some((a) => a.closed !== null), 'an attacker closed');
      rssMax = Math.max(rssMax, rssMb());
    } finally {
      stop = true;
      await flood;
      for (const a of attackers) a.close();
    }
    const states = server.relay.awarenessStates('org') ?? 0;
    console.log(
      `awareness flood by trainer01: ${(sentBytes / 1024 / 1024).toFixed(1)} MiB offered on ${attackers.length} sockets (most of it never read: the relay holds or discards it); ` +
        `org holds ${states} awareness states; observer received ${observer.awarenessMessages} awareness messages ` +
        `(largest ${observer.largestAwareness} B); RSS ${rss0.toFixed(0)} -> max ${rssMax.toFixed(0)} MB; ` +
        `ACK latency of w0002 before: ${summary(baseline)}; during: ${summary(during)}`,
    );
    observer.close();
    expect(closedWith).toBe(CLOSE_ABUSE);
    expect(states).toBeLessThanOrEqual(server.relay.currentLimits().awarenessMaxStates);
    expect(observer.awarenessMessages).toBeLessThan(50);
    expect(rssMax - rss0).toBeLessThan(300);
    expect(percentile(during, 99)).toBeLessThan(Math.max(10 * percentile(baseline, 99), 500));
  });

  it('awareness queries are rate-limited like updates', async () => {
    const a = single(server, 'org', tokens.trainer01!, (_c, t) => t === MSG_AWARENESS);
    try {
      await a.open();
      for (let i = 0; i < 200; i++) a.sendDoc(queryAwarenessMsg());
      await a.closedWith('closed for repeated queries');
      expect(a.closed!.code).toBe(CLOSE_ABUSE);
      expect(a.kept.length).toBeLessThan(30);
    } finally {
      a.close();
    }
  });
});

describe('errors while attaching a doc', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await login(server.url, 'w0001');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('close the connection with 1011 (single doc) or answer the channel (multiplexed), never an HTTP 500 on the socket', async () => {
    const relay = server.relay as unknown as { attach: (...args: unknown[]) => void };
    const spy = vi.spyOn(relay, 'attach').mockImplementationOnce(() => {
      throw new Error('injected attach failure');
    });
    try {
      const s = single(server, 'org', token);
      const closed = await s.closedWith('single-doc close');
      expect(s.unexpectedStatus).toBeNull();
      expect(s.opened).toBe(true);
      expect(closed.code).toBe(1011);

      spy.mockImplementationOnce(() => {
        throw new Error('injected attach failure');
      });
      const m = new LeanSocket(`${server.wsBase}/sync?token=${encodeURIComponent(token)}`, true);
      try {
        await m.open();
        m.control(MUX_OPEN, 1, 'org');
        await m.has((f) => f.channel === MUX_CONTROL && (f.type === MUX_REJECTED || f.type === MUX_CLOSED) && f.about === 1, 'channel answered');
        expect(m.closed).toBeNull();
        // The socket and the doc still work.
        m.control(MUX_OPEN, 2, 'org');
        await m.has((f) => f.channel === MUX_CONTROL && f.type === MUX_OPENED && f.about === 2, 'second channel opened');
      } finally {
        m.close();
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('after awareness abuse on org, new connections to org still open and sync', async () => {
    const trainer = single(server, 'org', await login(server.url, 'trainer01'), () => false);
    await trainer.open();
    for (let i = 0; i < 50; i++) trainer.sendDoc(awarenessMsg([[20_000 + i, 1, { pad: 'z'.repeat(600_000) }]]));
    await trainer.closedWith('abuser closed');
    const s = single(server, 'org', token, (_c, t) => t === MSG_SYNC);
    try {
      await s.has((f) => f.type === MSG_SYNC, 'sync step 1 on a new connection');
      expect(s.unexpectedStatus).toBeNull();
    } finally {
      s.close();
      trainer.close();
    }
  });
});

describe('a big doc under sync-request floods and slow readers', () => {
  let server: TestServer;
  let tmp: { dir: string; remove(): void };
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    tmp = tempDir();
    const actor = new Actor(USERS.w0001);
    const events: CaseEvent[] = [];
    const words = 'road light water dispute drain bridge noise waste fence well'.split(' ');
    for (let i = 0; i < 1500; i++) {
      const text = Array.from({ length: 120 }, (_, j) => words[(i * 7 + j * 13) % words.length]).join(' ') + ` #${i}`;
      events.push(actor.report('g0001', text).event);
    }
    await seedFixture(tmp.dir, events);
    server = await startTestServer({ dataDir: tmp.dir, seed: false });
    for (const u of ['w0001', 'w0002', 'town01']) tokens[u] = await login(server.url, u);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    tmp?.remove();
  });

  it('many full sync requests a second from one account barely move another doc client\'s ACK p99', async () => {
    const size = (await server.relay.withDoc(casesDoc('t01'), (d) => Y.encodeStateAsUpdate(d).byteLength)) / 1024 / 1024;
    const baseline = await ackLatencies(server.wsBase, tokens.w0002!, 100, 25);
    const attackers = [0, 1, 2].map(() => single(server, casesDoc('t01'), tokens.w0001!, () => false));
    await Promise.all(attackers.map((a) => a.open()));
    let requests = 0;
    const timer = setInterval(() => {
      // 3 sockets, 60 requests a second each (180/s), as long as the socket takes them.
      for (const a of attackers) {
        if (a.ws.bufferedAmount < 1024 * 1024) {
          a.sendDoc(fullSyncRequest());
          requests++;
        }
      }
    }, 1000 / 60);
    const started = performance.now();
    let during: number[];
    try {
      during = await ackLatencies(server.wsBase, tokens.w0002!, 200, 25);
    } finally {
      clearInterval(timer);
    }
    const seconds = (performance.now() - started) / 1000;
    const answered = attackers.reduce((n, a) => n + a.receivedBytes, 0) / 1024 / 1024;
    for (const a of attackers) a.close();
    console.log(
      `sync-request flood on a ${size.toFixed(2)} MB doc: ${requests} requests in ${seconds.toFixed(1)} s ` +
        `(${(requests / seconds).toFixed(0)}/s offered), ${answered.toFixed(1)} MiB answered; ` +
        `w0002 ACK latency before: ${summary(baseline)}; during: ${summary(during)}`,
    );
    // Without the budgets: p99 about 1,000 ms against a 37 ms baseline at 46 requests/s (issue 10: 26 -> 210 ms at 42/s).
    expect(percentile(during, 99)).toBeLessThan(Math.max(5 * percentile(baseline, 99), 300));
  });

  it('sockets that stop reading are paused, then closed with 4500; what waits for them stays bounded', async () => {
    const before = server.relay.currentLimits();
    const max = 1024 * 1024;
    // Budgets out of the way: this is about unread answers, not about how fast one account may ask (a byte-paced
    // relay also takes long to fill loopback's socket buffers).
    const fast = 1 << 30;
    server.relay.setLimits({ wsMaxBufferedBytes: max, wsDrainTimeoutMs: 2000, wsBytesPerSecond: fast, userBytesPerSecond: fast, wsMsgsPerSecond: fast, userMsgsPerSecond: fast });
    // Another account than the flood's: its sockets may still be open here (a throttled socket reads no EOF), and
    // the drain timeout set below closes them as slow readers too (CI on PostgreSQL: 7 closed as slow for 4).
    const slow = [0, 1, 2, 3].map(() => single(server, casesDoc('t01'), tokens.town01!, () => false));
    const slowClosed: number[] = [];
    const onSlow = (u: string, n: number) => {
      if (u === 'town01') slowClosed.push(n);
    };
    server.relay.events.on('slowReader', onSlow);
    let peak = 0;
    const rss0 = rssMb();
    let rssPeak = rss0;
    try {
      await Promise.all(slow.map((s) => s.open()));
      for (const s of slow) s.tcp.pause();
      // Each asks for the whole doc 100 times (about 150 MB of answers each) and never reads.
      for (const s of slow) for (let i = 0; i < 100; i++) s.sendDoc(fullSyncRequest());
      await until(
        () => {
          peak = Math.max(peak, server.relay.bufferedBytes('town01'));
          rssPeak = Math.max(rssPeak, rssMb());
          return slowClosed.length === slow.length;
        },
        'every slow reader closed',
      ).catch((err: Error) => {
        const seen = slow.map((s) => s.closed?.code ?? `open, ${s.receivedBytes} bytes read`).join('; ');
        throw new Error(`${err.message}: ${slowClosed.length} closed as slow, sockets: ${seen}, unsent ${server.relay.bufferedBytes('town01')}`);
      });
      for (const s of slow) s.tcp.resume();
      const codes = await Promise.all(slow.map((s) => s.closedWith('slow reader close').then((c) => c.code)));
      console.log(
        `4 sockets that stopped reading: peak unsent ${(peak / 1024 / 1024).toFixed(2)} MiB to them in all (limit ${max / 1024 / 1024} MiB each); ` +
          `RSS ${rss0.toFixed(0)} -> peak ${rssPeak.toFixed(0)} MB; close codes ${codes.join(', ')}`,
      );
      expect(codes).toEqual(slow.map(() => CLOSE_SLOW_READER));
      // One sync step 2 slice (64 KB) may pass the line before the check; nothing more.
      expect(peak).toBeLessThanOrEqual(slow.length * (max + 128 * 1024));
      expect(rssPeak - rss0).toBeLessThan(200);
    } finally {
      server.relay.events.off('slowReader', onSlow);
      for (const s of slow) s.close();
      server.relay.setLimits(before);
    }
  });
});
