// bench/lib/proxy.ts: with `shared: true` parallel connections share one link per direction (no extra bandwidth
// from opening more sockets); without it each has its own (the existing figures); `cutAtUp` drops the link once
// that many bytes went up, after delivering them.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../../bench/lib/proxy.ts';

let sink: Server;
let port = 0;
const received: number[] = [];

beforeAll(async () => {
  sink = createServer((s) => {
    const i = received.push(0) - 1;
    s.on('data', (d: Buffer) => (received[i]! += d.length));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  port = (sink.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => sink.close(() => r())));

/** Send `bytes` on each of `n` parallel connections through the proxy; ms until the sink holds them all. */
async function parallel(shared: boolean, n: number, bytes: number): Promise<number> {
  received.length = 0;
  // 800 kbps: 100 kB/s, so 20 kB on one link is about 200 ms.
  const proxy = await startProxy({ host: '127.0.0.1', port }, { rttMs: 0, kbps: 800, shared });
  const sockets: Socket[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = connect(proxy.port, '127.0.0.1');
    s.on('error', () => {});
    sockets.push(s);
    s.write(Buffer.alloc(bytes, 1));
  }
  while (received.length < n || received.some((r) => r < bytes)) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - t0;
  for (const s of sockets) s.destroy();
  await proxy.close();
  return ms;
}

describe('the shaping proxy', () => {
  it('shares one link among connections with `shared`, and gives each its own without', async () => {
    const own = await parallel(false, 4, 20_000);
    const shared = await parallel(true, 4, 20_000);
    // 4 x 20 kB at 100 kB/s: about 800 ms on a shared link, about 200 ms with a link each.
    expect(shared).toBeGreaterThanOrEqual(750);
    expect(own).toBeLessThan(shared / 2);
  });

  it('cuts the link once n bytes went up, delivering those first', async () => {
    received.length = 0;
    const proxy = await startProxy({ host: '127.0.0.1', port }, { rttMs: 0, kbps: 8000 });
    proxy.cutAtUp(30_000);
    const s = connect(proxy.port, '127.0.0.1');
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    s.on('error', () => {});
    s.write(Buffer.alloc(50_000, 2));
    await closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(received[0]).toBe(30_000);
    expect(proxy.bytes().up).toBe(30_000);
    // A new connection after the cut passes.
    const s2 = connect(proxy.port, '127.0.0.1');
    s2.write(Buffer.alloc(1000, 3));
    while ((received[1] ?? 0) < 1000) await new Promise((r) => setTimeout(r, 5));
    s2.destroy();
    await proxy.close();
  });
});
