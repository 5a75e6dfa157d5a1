/**
 * The ceiling of the relay figure: a bare ws + y-protocols relay without persistence, auth or validation (the
 * y-websocket server's core): docs are loaded once from the benchmark's DATA_DIR, every update is applied in
 * memory and broadcast. `/sync/<doc>?token=...` like the Gridlink relay (the token is ignored).
 * Prints `listening <url>`; the IPC metrics hook as in gridlink.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer, type WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { Store, storedParts } from '../../server/store.ts';
import { installMetricsHook } from './metrics.ts';

const MSG_SYNC = 0;
const MSG_AWARENESS = 1;
const store = new Store(process.env.DATA_DIR!);

interface Room {
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  conns: Set<WebSocket>;
}
const rooms = new Map<string, Room>();

function room(name: string): Room {
  const r = rooms.get(name);
  if (r) return r;
  const doc = new Y.Doc();
  for (const part of storedParts(store.loadDoc(name))) Y.applyUpdate(doc, part);
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  const created: Room = { doc, awareness, conns: new Set() };
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MSG_SYNC);
    syncProtocol.writeUpdate(enc, update);
    const msg = encoding.toUint8Array(enc);
    for (const c of created.conns) if (c !== origin && c.readyState === c.OPEN) c.send(msg);
  });
  rooms.set(name, created);
  return created;
}

const wss = new WebSocketServer({ noServer: true });
const http = createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
http.on('upgrade', (req, socket, head) => {
  const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/sync\//, ''));
  wss.handleUpgrade(req, socket, head, (ws) => {
    const r = room(name);
    r.conns.add(ws);
    ws.on('message', (data: Buffer) => {
      const dec = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const type = decoding.readVarUint(dec);
      if (type === MSG_SYNC) {
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, MSG_SYNC);
        syncProtocol.readSyncMessage(dec, enc, r.doc, ws);
        if (encoding.length(enc) > 1) ws.send(encoding.toUint8Array(enc));
      } else if (type === MSG_AWARENESS) {
        awarenessProtocol.applyAwarenessUpdate(r.awareness, decoding.readVarUint8Array(dec), ws);
      }
    });
    ws.on('close', () => r.conns.delete(ws));
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MSG_SYNC);
    syncProtocol.writeSyncStep1(enc, r.doc);
    ws.send(encoding.toUint8Array(enc));
  });
});
http.listen(0, '127.0.0.1', () => {
  installMetricsHook(() => ({ connections: [...rooms.values()].reduce((n, r) => n + r.conns.size, 0) }));
  process.stdout.write(`listening http://127.0.0.1:${(http.address() as AddressInfo).port}\n`);
});
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('disconnect', stop);
