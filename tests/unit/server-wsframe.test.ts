/**
 * server/wsframe.ts: prebuilt frames written straight to a ws socket. A real ws server and client (with
 * permessage-deflate, as the relay negotiates it): the frames must arrive as the messages they carry, in the
 * order sent, also when big messages that ws compresses (asynchronously) are sent between them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { DEFLATE_THRESHOLD, frameMessage, writeFrame } from '../../server/wsframe.ts';

let http: Server | null = null;
let wss: WebSocketServer | null = null;
afterEach(async () => {
  for (const c of wss?.clients ?? []) c.terminate();
  wss?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  http = null;
  wss = null;
});

async function pair(): Promise<{ server: WebSocket; client: WebSocket; received: Buffer[] }> {
  http = createServer();
  wss = new WebSocketServer({ server: http, perMessageDeflate: { threshold: DEFLATE_THRESHOLD, serverNoContextTakeover: true, clientNoContextTakeover: true } });
  await new Promise<void>((r) => http!.listen(0, '127.0.0.1', r));
  const server = new Promise<WebSocket>((r) => wss!.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`, { perMessageDeflate: true });
  const received: Buffer[] = [];
  client.on('message', (d: Buffer) => received.push(d));
  await new Promise((r) => client.once('open', r));
  return { server: await server, client, received };
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('wsframe', () => {
  it('frames messages of every header size below the threshold, with and without a channel', async () => {
    const { server, client, received } = await pair();
    const sent: Uint8Array[] = [];
    for (const [n, channel] of [[0, 0], [1, 0], [125, 0], [126, 0], [1000, 0], [10, 1], [124, 200], [DEFLATE_THRESHOLD - 3, 300]] as const) {
      const f = frameMessage(bytes(n, n % 251), channel);
      expect(f.frame).not.toBeNull();
      expect(writeFrame(server, f.frame!)).toBe(true);
      sent.push(f.payload);
    }
    await until(() => received.length === sent.length);
    expect(received.map((b) => [...b])).toEqual(sent.map((b) => [...b]));
    // The channel prefix is lib0's varUint.
    expect([...frameMessage(bytes(2, 9), 300).payload]).toEqual([0xac, 0x02, 9, 9]);
    client.close();
  });

  it('leaves messages from the threshold up to ws, and keeps the order around its compression', async () => {
    const { server, client, received } = await pair();
    expect(frameMessage(bytes(DEFLATE_THRESHOLD, 1)).frame).toBeNull();
    expect([...frameMessage(bytes(DEFLATE_THRESHOLD, 1), 5).payload.subarray(0, 2)]).toEqual([5, 1]);
    const sent: number[] = [];
    let direct = 0;
    for (let i = 0; i < 200; i++) {
      // Now and then ws's compression has finished (and everything is out) before the next message.
      if (i % 5 === 0) await until(() => server.bufferedAmount === 0);
      const big = i % 7 === 0;
      const msg = bytes(big ? 50_000 : 100, i);
      const f = frameMessage(msg);
      if (f.frame && writeFrame(server, f.frame)) direct++;
      else server.send(f.payload);
      sent.push(i);
    }
    await until(() => received.length === sent.length);
    expect(received.map((b) => b[0])).toEqual(sent.map((i) => i % 256));
    expect(received.filter((b) => b.length === 50_000)).toHaveLength(29);
    // Most small ones went straight to the socket; those behind a compression went through ws.
    expect(direct).toBeGreaterThan(0);
    expect(direct).toBeLessThan(200 - 29);
    client.close();
  });
});

async function until(f: () => boolean): Promise<void> {
  const end = Date.now() + 30_000;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
