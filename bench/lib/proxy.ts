/**
 * A shaping TCP proxy for the weak-link figure: every byte in each direction is serialised at `kbps` (each
 * direction has its own link) and then delayed by half the round trip; the first upstream byte of a connection
 * also waits one round trip, for the TCP handshake the local connect skipped. Counts bytes both ways.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ShapingProxy {
  url: string;
  port: number;
  bytes(): { up: number; down: number };
  reset(): void;
  close(): Promise<void>;
}

const MSS = 1460;

class Link {
  private busyUntil: number;
  private pending = 0;
  private ended = false;
  constructor(
    private readonly to: Socket,
    private readonly bytesPerMs: number,
    private readonly delayMs: number,
    startAt: number,
    private readonly count: (n: number) => void,
  ) {
    this.busyUntil = startAt;
  }

  push(chunk: Buffer): void {
    this.count(chunk.length);
    for (let off = 0; off < chunk.length; off += MSS) {
      const piece = chunk.subarray(off, off + MSS);
      const now = performance.now();
      this.busyUntil = Math.max(now, this.busyUntil) + piece.length / this.bytesPerMs;
      const at = this.busyUntil + this.delayMs;
      this.pending++;
      setTimeout(() => {
        this.pending--;
        if (!this.to.destroyed) this.to.write(piece);
        if (this.ended && this.pending === 0) this.to.end();
      }, Math.max(0, at - now));
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.pending === 0) this.to.end();
  }
}

export async function startProxy(target: { host: string; port: number }, opts: { rttMs: number; kbps: number }): Promise<ShapingProxy> {
  let up = 0;
  let down = 0;
  const bytesPerMs = (opts.kbps * 1000) / 8 / 1000;
  const half = opts.rttMs / 2;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const t0 = performance.now();
    const toServer = new Link(upstream, bytesPerMs, half, t0 + opts.rttMs, (n) => (up += n));
    const toClient = new Link(client, bytesPerMs, half, t0, (n) => (down += n));
    client.on('data', (d: Buffer) => toServer.push(d));
    upstream.on('data', (d: Buffer) => toClient.push(d));
    // A side that closes still gets everything already in flight towards the other side delivered first.
    client.on('end', () => toServer.end());
    upstream.on('end', () => toClient.end());
    client.on('close', () => {
      toServer.end();
      sockets.delete(client);
    });
    upstream.on('close', () => {
      toClient.end();
      sockets.delete(upstream);
    });
    const kill = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', kill);
    upstream.on('error', kill);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    bytes: () => ({ up, down }),
    reset: () => {
      up = 0;
      down = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
