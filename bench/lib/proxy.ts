/**
 * A shaping TCP proxy for the weak-link figure: every byte in each direction is serialised at `kbps` (each
 * direction has its own link) and then delayed by half the round trip; the first upstream byte of a connection
 * also waits one round trip, for the TCP handshake the local connect skipped. Counts bytes both ways.
 *
 * By default every connection has links of its own (the existing figures). With `shared: true` (issue 12's photo
 * figure) all connections share one link per direction, as on a phone's 2G radio: parallel sockets get no extra
 * bandwidth. `cut()` drops every open connection at once (bytes in flight are lost, as when a phone loses its
 * signal); `cutAtUp(n)` does so when the upstream byte count reaches n.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ShapingProxy {
  url: string;
  port: number;
  bytes(): { up: number; down: number };
  reset(): void;
  /** Drop every open connection now; what was in flight is lost. New connections are accepted. */
  cut(): void;
  /** Cut once the upstream count (since the last reset) reaches `n` bytes: the bytes beyond are not delivered. */
  cutAtUp(n: number): void;
  close(): Promise<void>;
}

/** The wire of one direction: when it is free next (shared by all connections with `shared: true`). */
interface Wire {
  busyUntil: number;
}

const MSS = 1460;

class Link {
  private readonly wire: Wire;
  private pending = 0;
  private ended = false;
  constructor(
    private readonly to: Socket,
    private readonly bytesPerMs: number,
    private readonly delayMs: number,
    private readonly startAt: number,
    /** Returns how many of these bytes may pass (fewer when a cut is due). */
    private readonly count: (n: number) => number,
    wire?: Wire,
    /** Called when `count` held bytes back: the cut, once what passed has been delivered. */
    private readonly onHeld: () => void = () => {},
  ) {
    this.wire = wire ?? { busyUntil: startAt };
  }

  /** Pieces due, in stream order (timers of different lengths may fire out of order: one timer walks the queue). */
  private readonly queue: Array<{ at: number; piece: Buffer }> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  push(whole: Buffer): void {
    const chunk = whole.subarray(0, this.count(whole.length));
    for (let off = 0; off < chunk.length; off += MSS) {
      const piece = chunk.subarray(off, off + MSS);
      const now = performance.now();
      this.wire.busyUntil = Math.max(now, this.wire.busyUntil, this.startAt) + piece.length / this.bytesPerMs;
      const at = this.wire.busyUntil + this.delayMs;
      this.pending++;
      this.queue.push({ at, piece });
    }
    this.schedule();
    if (chunk.length < whole.length) setTimeout(this.onHeld, Math.max(0, this.wire.busyUntil + this.delayMs - performance.now()) + 20);
  }

  private schedule(): void {
    if (this.timer || !this.queue.length) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        const now = performance.now();
        while (this.queue.length && this.queue[0]!.at <= now + 0.5) {
          const { piece } = this.queue.shift()!;
          this.pending--;
          if (!this.to.destroyed) this.to.write(piece);
        }
        if (this.ended && this.pending === 0) this.to.end();
        this.schedule();
      },
      Math.max(0, this.queue[0]!.at - performance.now()),
    );
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.pending === 0) this.to.end();
  }
}

export async function startProxy(target: { host: string; port: number }, opts: { rttMs: number; kbps: number; shared?: boolean }): Promise<ShapingProxy> {
  let up = 0;
  let down = 0;
  let cutAt = Infinity;
  const bytesPerMs = (opts.kbps * 1000) / 8 / 1000;
  const half = opts.rttMs / 2;
  const sockets = new Set<Socket>();
  const upWire: Wire | undefined = opts.shared ? { busyUntil: 0 } : undefined;
  const downWire: Wire | undefined = opts.shared ? { busyUntil: 0 } : undefined;
  const cut = () => {
    cutAt = Infinity;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const t0 = performance.now();
    const toServer = new Link(
      upstream,
      bytesPerMs,
      half,
      t0 + opts.rttMs,
      (n) => {
        const pass = Math.max(0, Math.min(n, cutAt - up));
        up += pass;
        return pass;
      },
      upWire,
      // Once: later held pushes of the same cut find it done.
      () => {
        if (cutAt !== Infinity) cut();
      },
    );
    const toClient = new Link(
      client,
      bytesPerMs,
      half,
      t0,
      (n) => {
        down += n;
        return n;
      },
      downWire,
    );
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
    cut,
    cutAtUp: (n) => {
      cutAt = n;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
