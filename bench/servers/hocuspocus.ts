/**
 * Peer of the relay figure: @hocuspocus/server 3.4.4 with @hocuspocus/extension-sqlite 3.4.4 (bench/peers), its
 * documents table filled from the benchmark's DATA_DIR before start (the same doc states). Authentication accepts
 * any token (Hocuspocus still runs its auth handshake). Prints `listening <url>`; the IPC metrics hook as in
 * gridlink.ts.
 */
import { join } from 'node:path';
import * as Y from 'yjs';
import { Store, storedParts } from '../../server/store.ts';
import { peerImport } from '../lib/peers.ts';
import { installMetricsHook } from './metrics.ts';

interface HocuspocusServer {
  listen(): Promise<unknown>;
  address: { port: number };
  hocuspocus: { getConnectionsCount(): number };
}
type ServerCtor = new (config: Record<string, unknown>) => HocuspocusServer;
type SQLiteCtor = new (config: Record<string, unknown>) => unknown;
interface Sqlite3 {
  Database: new (file: string) => { serialize(f: () => void): void; run(sql: string, params?: unknown, cb?: (err: Error | null) => void): void; close(cb: () => void): void };
}

const dataDir = process.env.DATA_DIR!;
const file = join(dataDir, 'hocuspocus.sqlite');
const store = new Store(dataDir);
const names = store.docNames();
const states = names.map((name) => {
  const doc = new Y.Doc();
  for (const p of storedParts(store.loadDoc(name))) Y.applyUpdate(doc, p);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return { name, state };
});
store.close();

const sqlite3 = ((await peerImport<{ default: Sqlite3 }>('sqlite3')).default ?? (await peerImport<Sqlite3>('sqlite3'))) as Sqlite3;
await new Promise<void>((resolve, reject) => {
  const db = new sqlite3.Database(file);
  db.serialize(() => {
    db.run('DROP TABLE IF EXISTS "documents"');
    db.run('CREATE TABLE IF NOT EXISTS "documents" ("name" varchar(255) NOT NULL, "data" blob NOT NULL, UNIQUE(name))');
    for (const s of states) db.run('INSERT INTO "documents" ("name", "data") VALUES (?, ?)', [s.name, Buffer.from(s.state)]);
    db.run('SELECT 1', [], (err) => (err ? reject(err) : db.close(() => resolve())));
  });
});

const { Server } = await peerImport<{ Server: ServerCtor }>('@hocuspocus/server');
const { SQLite } = await peerImport<{ SQLite: SQLiteCtor }>('@hocuspocus/extension-sqlite');
const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  extensions: [new SQLite({ database: file })],
  async onAuthenticate() {
    return {};
  },
});
await server.listen();
installMetricsHook(() => ({ connections: server.hocuspocus.getConnectionsCount() }));
process.stdout.write(`listening http://127.0.0.1:${server.address.port}\n`);
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('disconnect', stop);
