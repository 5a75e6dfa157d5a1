/**
 * Issue 16 section 5, the device's side of a first state (GET /api/docs/<name>): its frames are read whatever the
 * chunks' boundaries (src/protocol/framing.ts), and while its download holds the one 2G link the shared socket's
 * silence is not taken for a dead link (src/sync/linkalive.ts, mux.ts).
 */
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFrames } from '../../../src/protocol/framing.ts';
import { relayAlive } from '../../../src/sync/linkalive.ts';
import { muxSocketClass } from '../../../src/sync/mux.ts';

async function collect(chunks: Uint8Array[], max = 1 << 20): Promise<Uint8Array[]> {
  async function* gen() {
    for (const c of chunks) yield c;
  }
  const out: Uint8Array[] = [];
  for await (const f of readFrames(gen(), max)) out.push(f);
  return out;
}

describe('readFrames', () => {
  const frames = [new Uint8Array(0), new Uint8Array(300).fill(7), Uint8Array.from({ length: 70_000 }, (_, i) => i % 251), new Uint8Array([1, 2, 3])];
  const enc = encoding.createEncoder();
  for (const f of frames) encoding.writeVarUint8Array(enc, f);
  const body = encoding.toUint8Array(enc);

  it('yields every frame, in order, for any chunking (a few bytes at a time, odd sizes, whole)', async () => {
    for (const size of [3, 7, 1460, 65_536, body.length]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < body.length; i += size) chunks.push(body.slice(i, i + size));
      expect(await collect(chunks)).toEqual(frames);
    }
  });

  it('throws on a stream cut inside a frame and on a frame longer than allowed, after the frames before', async () => {
    const seen: Uint8Array[] = [];
    async function* cut() {
      yield body.slice(0, body.length - 1);
    }
    await expect(
      (async () => {
        for await (const f of readFrames(cut(), 1 << 20)) seen.push(f);
      })(),
    ).rejects.toThrow(/ended inside a frame/);
    expect(seen).toEqual(frames.slice(0, 3));
    await expect(collect([body], 1000)).rejects.toThrow(/too long/);
  });
});

/** A socket that opens when told and records what happens to it. */
class FakeSocket {
  static last: FakeSocket | null = null;
  readyState = 0;
  binaryType = '';
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: ArrayBuffer }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  send(): void {}
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
}

describe('the shared socket during a first state download', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is kept while bytes of the relay arrive over HTTP, and dropped after 30 s of silence from the relay', async () => {
    vi.useFakeTimers();
    const Mux = muxSocketClass(FakeSocket as unknown as typeof WebSocket);
    const ch = new Mux('ws://relay.test/sync/org?token=t');
    const closes: number[] = [];
    ch.onclose = (ev) => closes.push(ev.code);
    FakeSocket.last!.open();
    // A minute of a first state's download: nothing on the socket, the relay's bytes arriving over HTTP.
    for (let s = 0; s < 60; s++) {
      relayAlive();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(FakeSocket.last!.closed).toBe(false);
    expect(closes).toEqual([]);
    // Then nothing at all: a dead link.
    await vi.advanceTimersByTimeAsync(35_000);
    expect(FakeSocket.last!.closed).toBe(true);
    expect(closes.length).toBe(1);
  });
});
