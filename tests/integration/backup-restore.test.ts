/**
 * Issue 16, section 3: backups and restore (server/backup.ts), against the real relay on port 0.
 *
 * The key case: a relay restored from a backup older than what phones hold. The phone (the app's real data layer:
 * createAuthService with fake-indexeddb and `ws`) comes back with its offline change AND the acknowledged history
 * the restored relay lost (its own events, a colleague's, the old relay's receipts); the relay takes it all back
 * with no duplicate event, no refusal, no reconnect loop; the case index and the receipts are whole again, and a
 * fresh device converges to the same cases.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../server/app.ts';
import * as Y from 'yjs';
import { encodeAppend } from '../../server/relay.ts';
import { receiptSigner } from '../../server/receiptsign.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { hlcMs } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import type { Receipt } from '../../src/domain/receipts.ts';
import { BackupError, createBackup, RETIRED_CLIENTS_META, listBackups, MANIFEST_FILE, pruneBackups, restoreBackup, verifyBackup } from '../../server/backup.ts';
import { quietLogger } from '../../server/log.ts';
import { loadStoredDoc, Store, STORE_FILE } from '../../server/store.ts';
import { createAuthService, type GridlinkAuthService, type GridlinkSession } from '../../src/app/session.ts';
import type { Command } from '../../src/domain/commands.ts';
import { CaseIndex } from '../../src/protocol/caseindex.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../../src/protocol/wire.ts';
import { until } from '../support/wait.ts';
import { TEST_STORE } from '../support/pgtest.ts';
import { Actor, casesDoc, login, ROOT, startTestServer, SyncClient, tempDir, USERS } from './relay-harness.ts';

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

let nsCounter = 0;
function device(baseUrl: string, namespace = `bk${Date.now().toString(36)}${nsCounter++}`): GridlinkAuthService {
  const s = createAuthService({ baseUrl, fetch: globalThis.fetch, WebSocketPolyfill: WebSocket, online: () => true, namespace, pollMs: 20 });
  cleanups.push(() => s.dispose());
  return s;
}

async function signIn(auth: GridlinkAuthService, username: string): Promise<GridlinkSession> {
  const r = await auth.login(username, 'demo');
  if (!r.ok) throw new Error(`login ${username}: ${r.error}`);
  await r.session.engine.whenSynced();
  return r.session;
}

/** `node --import tsx server/main.ts <args>` (the command line as built, through tsx): exit code, stdout, stderr. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'test', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** Every event and receipt of a doc as the relay holds it in memory. */
async function relayDoc(server: RunningServer, name: string): Promise<{ ids: string[]; receipts: string[]; index: CaseIndex }> {
  return server.relay.withDoc(name, (d) => ({
    ids: d.getArray<{ id: string }>(EVENTS_ARRAY).toArray().map((e) => e.id),
    receipts: d.getArray<{ e: string }>(RECEIPTS_ARRAY).toArray().map((r) => r.e),
    index: CaseIndex.of(d),
  }));
}

describe('restore from a backup older than what phones hold', () => {
  it('takes back the phones\u2019 offline changes and the history the backup lacks: no duplicates, refusals or reconnect loop', async () => {
    const data = tempDir('gridlink-bk-data-');
    const out = tempDir('gridlink-bk-out-');
    cleanups.push(data.remove, out.remove);
    let server = await startServer({ dataDir: data.dir, port: 0, host: '127.0.0.1', demo: true, log: quietLogger });
    const port = server.port;
    cleanups.push(() => server.close());
    const baseUrl = server.url;

    const workerNs = `bkw${Date.now().toString(36)}`;
    const townNs = `bkt${Date.now().toString(36)}`;
    const w = await signIn(device(baseUrl, workerNs), 'w0001');
    let t = await signIn(device(baseUrl, townNs), 'town01');
    const sub = w.org.value!.data.subcategories[0]!.code;
    const report = async (description: string) => {
      const d = await w.report({ category: sub, description, location: { lat: 41.12, lng: 122.05 }, gridId: 'g0001' });
      if (!d.ok) throw new Error(`report: ${d.error}`);
      return d.event;
    };
    const saved = (s: GridlinkSession, what: string) => until(() => s.status.value.unsaved === 0 && s.status.value.connection === 'online', what);

    // Before the backup: one case, acknowledged.
    const c1 = await report('备份之前：村口路灯不亮');
    await saved(w, 'c1 saved');
    const docName = [...w.engine.docs()].find(([, d]) => d.getArray<{ id: string }>(EVENTS_ARRAY).toArray().some((e) => e.id === c1.id))![0];

    // The backup, from the command line while the relay serves.
    const b = await cli(['backup', '--out', out.dir], { DATA_DIR: data.dir });
    expect(b.code, b.stderr).toBe(0);
    const backupDir = b.stdout.trim();
    expect(listBackups(out.dir)).toEqual([backupDir]);

    // After the backup, acknowledged: a second case by the worker, and the town center accepts both (the worker's
    // device receives those accepts: a colleague's events it holds).
    const c2 = await report('备份之后：河道有垃圾漂浮');
    await saved(w, 'c2 saved');
    await until(async () => (await t.getCase(c2.caseId)) !== null, 'c2 at the town center');
    for (const c of [c1, c2]) expect((await t.act(c.caseId, { type: 'accept' } as Command)).ok).toBe(true);
    await saved(t, 'accepts saved');
    await until(async () => (await w.getCase(c2.caseId))?.status === 'accepted' && (await w.getCase(c1.caseId))?.status === 'accepted', 'accepts at the worker');
    const before = await relayDoc(server, docName);
    expect(before.ids).toEqual(expect.arrayContaining([c1.id, c2.id]));

    // The relay goes down; the town center's device is switched off; the worker keeps working offline.
    await t.engine.settled();
    for (const s of [t]) await s.engine.settled();
    await server.close();
    const c3 = await report('恢复期间离线上报：桥面破损');
    const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const forged: CaseEvent = { ...c3, id: newId(Date.now(), rnd), caseId: newId(Date.now(), rnd), data: { ...c3.data, description: '伪造的上报' } } as CaseEvent;
    expect(w.status.value.unsaved).toBe(1);

    // Restore the older backup over the data directory (the relay is stopped, so --force may move the files aside).
    const notForced = await cli(['restore', '--from', backupDir, '--data', data.dir], {});
    expect(notForced.code).toBe(1);
    expect(notForced.stderr).toMatch(/holds a store .*--force/);
    const r = await cli(['restore', '--from', backupDir, '--data', data.dir, '--force'], {});
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(data.dir).some((n) => n.startsWith('before-restore-'))).toBe(true);

    const refusals: string[] = [];
    let upgrades = 0;
    let returned = 0;
    server = await startServer({ dataDir: data.dir, port, host: '127.0.0.1', demo: true, log: quietLogger });
    server.relay.events.on('refused', (_doc, code) => refusals.push(code));
    server.relay.events.on('returned', (_doc, n) => (returned += n));
    const handleUpgrade = server.relay.handleUpgrade.bind(server.relay);
    const upgradeLog: string[] = [];
    server.relay.handleUpgrade = (...a: Parameters<typeof handleUpgrade>) => {
      upgrades++;
      upgradeLog.push(`${Math.round(performance.now())} ${a[0].url?.replace(/token=[^&]*/, 'token=…')}`);
      return handleUpgrade(...a);
    };
    // The restored relay lacks everything after the backup.
    const restored = await relayDoc(server, docName);
    expect(restored.ids).toContain(c1.id);
    expect(restored.ids).not.toContain(c2.id);
    expect(server.store.caseDoc(c2.caseId)).toBeUndefined();

    // The worker's device reconnects by itself (its back-off): everything saved, nothing refused.
    await saved(w, 'worker saved after the restore');
    await until(async () => (await relayDoc(server, docName)).ids.includes(c3.id), 'c3 on the relay');
    // The town center's device comes back too, holding the same lost history.
    t = (await device(baseUrl, townNs).resume())!;
    expect(t).not.toBeNull();
    await t.engine.whenSynced();
    await saved(t, 'town center saved after the restore');

    // No reconnect loop: the sockets of both devices' docs open (each device has its sync socket and its records'
    // sockets, some opened lazily after the first sync), then a few quiet seconds with no new socket and no refusal.
    // Settled means quiet for longer than the app's longest back-off (2.5 s, websocket.ts): a device whose token
    // was renewed on its first attempt (a refused upgrade, then a new URL) reconnects its other socket within that.
    let lastUpgrades = -1;
    let quietSince = performance.now();
    await until(() => {
      if (upgrades !== lastUpgrades) [lastUpgrades, quietSince] = [upgrades, performance.now()];
      return performance.now() - quietSince > 3000;
    }, 'sockets settle (a reconnect loop never does)', 30_000);
    const settledUpgrades = upgrades;
    await new Promise((r) => setTimeout(r, 3000));
    expect(upgrades, upgradeLog.join('\n')).toBe(settledUpgrades);
    expect(refusals).toEqual([]);
    console.info(`[measure] after the restore: ${upgrades} socket upgrades, ${returned} events brought back, 0 refusals`);

    // An insider cannot pass a forged event as returning history: a village secretary's device sends a report "by
    // w0001" with a receipt under the old relay's client id, once unsigned and once signed with another key.
    const [retiredId] = JSON.parse(server.store.getMeta(RETIRED_CLIENTS_META) ?? '[]') as number[];
    const insiderToken = await login(baseUrl, 'st01v01', 'demo');
    const other = receiptSigner(new TextEncoder().encode('not the county secret'));
    for (const forge of [(r: Receipt) => r, (r: Receipt) => other.sign(r, forged)]) {
      // A fresh device each time: one holding a refused struct can only send what depends on it.
      const insider = new SyncClient(baseUrl.replace(/^http/, 'ws'), docName, insiderToken);
      cleanups.push(() => insider.destroy());
      await insider.synced();
      const dev = new Y.Doc();
      Y.applyUpdate(dev, Y.encodeStateAsUpdate(insider.doc));
      dev.getArray(EVENTS_ARRAY).push([forged]);
      Y.applyUpdate(dev, encodeAppend(dev, retiredId!, RECEIPTS_ARRAY, [forge({ e: forged.id, rx: hlcMs(forged.at), a: 'worker:g0001' })]));
      const answer = insider.refused('forged_receipt');
      Y.applyUpdate(insider.doc, Y.encodeStateAsUpdate(dev, Y.encodeStateVector(insider.doc)));
      expect(await answer).toMatchObject({ code: 'forged_receipt' });
    }
    expect((await relayDoc(server, docName)).ids).not.toContain(forged.id);

    const after = await relayDoc(server, docName);
    const wanted = [...before.ids, c3.id];
    expect(after.ids).toEqual(expect.arrayContaining(wanted));
    expect(new Set(after.ids).size).toBe(after.ids.length); // no duplicate events
    expect(after.ids.length).toBe(before.ids.length + 1);
    // Every event has exactly one receipt: the old relay's came back, the offline report got a new one.
    const perEvent = new Map<string, number>();
    for (const e of after.receipts) perEvent.set(e, (perEvent.get(e) ?? 0) + 1);
    for (const id of after.ids) expect(perEvent.get(id), `receipts of ${id}`).toBe(1);
    // The case index holds the cases reported after the backup.
    expect(server.store.caseDoc(c2.caseId)).toBe(docName);
    expect(server.store.caseDoc(c3.caseId)).toBe(docName);
    expect(returned).toBeGreaterThanOrEqual(3); // c2's report and both accepts

    // A fresh device converges to the same cases.
    const f = await signIn(device(baseUrl), 'town01');
    await until(async () => (await f.getCase(c3.caseId)) !== null, 'c3 on a fresh device');
    for (const c of [c1, c2, c3]) {
      const [mine, fresh] = [await w.getCase(c.caseId), await f.getCase(c.caseId)];
      expect(fresh?.status).toBe(mine?.status);
      expect(fresh?.timeline.map((x) => [x.event.id, x.applied])).toEqual(mine?.timeline.map((x) => [x.event.id, x.applied]));
    }
    expect((await f.getCase(c2.caseId))?.status).toBe('accepted');
    expect((await f.getCase(c3.caseId))?.status).toBe('reported');
    // And the store on disk has it all after a restart (each returned event in the same row as its receipt).
    await server.close();
    const store = new Store(data.dir);
    try {
      const doc = loadStoredDoc(store, docName, [EVENTS_ARRAY, RECEIPTS_ARRAY]);
      const idx = CaseIndex.of(doc);
      for (const id of wanted) expect(idx.receipts.has(id)).toBe(true);
    } finally {
      store.close();
    }
  }, 120_000);
});

// The backup and restore commands are the embedded SQLite store's; a PostgreSQL store is backed up with pg_dump
// (docs/deployment.md section 7), and `backup` refuses it with that advice (pg-store.test.ts).
describe.skipIf(TEST_STORE === 'pg')('backups', () => {
  it('a backup taken while writes are under way is a consistent snapshot the relay starts on', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.stop());
    const out = tempDir('gridlink-bk-out-');
    cleanups.push(out.remove);
    const doc = casesDoc('t01');
    const client = new SyncClient(server.wsBase, doc, await login(server.url, 'w0001'));
    cleanups.push(() => client.destroy());
    await client.synced();
    const actor = new Actor(USERS.w0001);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        client.append(actor.report('g0001', `并发写入${written++}`).event);
        await client.allSaved();
      }
    })();
    // Both ways at once: in the relay (online backup API, the relay's connection) and from another process (VACUUM INTO).
    const [inRelay, fromCli] = await Promise.all([createBackup({ dataDir: server.dataDir, outDir: out.dir, store: server.store }), cli(['backup', '--out', out.dir], { DATA_DIR: server.dataDir })]);
    writing = false;
    await writer;
    expect(fromCli.code, fromCli.stderr).toBe(0);
    console.info(`[measure] in-relay backup during writes: ${inRelay.manifest.durationMs} ms, ${inRelay.steps} steps, longest ${inRelay.longestStepMs.toFixed(1)} ms; ${written} events written meanwhile`);
    for (const dir of [inRelay.dir, fromCli.stdout.trim()]) {
      const m = await verifyBackup(dir, { hashBlobs: true });
      const target = tempDir('gridlink-bk-restore-');
      cleanups.push(target.remove);
      await restoreBackup({ from: dir, dataDir: target.dir, log: quietLogger });
      // The start-up check passes (a new marker is written), and every event in the snapshot has its receipt.
      const store = new Store(target.dir);
      try {
        expect(store.report.seq).toBe(m.store.seq);
        const idx = CaseIndex.of(loadStoredDoc(store, doc, [EVENTS_ARRAY, RECEIPTS_ARRAY]));
        const events = [...idx.events()];
        expect(events.length).toBeGreaterThan(0);
        for (const e of events) expect(idx.receipts.has(e.id)).toBe(true);
      } finally {
        store.close();
      }
      const restored = await startServer({ dataDir: target.dir, port: 0, log: quietLogger, staticDir: join(target.dir, 'none') });
      await restored.close();
    }
  }, 90_000);

  it('restore refuses a damaged backup, a live store, and a data directory with a store unless forced', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.stop());
    const out = tempDir('gridlink-bk-out-');
    cleanups.push(out.remove);
    const client = new SyncClient(server.wsBase, casesDoc('t01'), await login(server.url, 'w0001'));
    cleanups.push(() => client.destroy());
    await client.synced();
    client.append(new Actor(USERS.w0001).report().event);
    await client.allSaved();
    const { dir } = await createBackup({ dataDir: server.dataDir, outDir: out.dir, store: server.store });

    // The relay still runs on its DATA_DIR: never restored over, even with --force.
    await expect(restoreBackup({ from: dir, dataDir: server.dataDir, force: true, log: quietLogger })).rejects.toThrow(/open in another process/);

    // One byte of the store copy changed: the checksum does not match, from the command line too.
    const storeFile = join(dir, STORE_FILE);
    const bytes = readFileSync(storeFile);
    const good = Buffer.from(bytes);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(storeFile, bytes);
    const target = tempDir('gridlink-bk-restore-');
    cleanups.push(target.remove);
    const r = await cli(['restore', '--from', dir, '--data', target.dir], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused: .*does not match the manifest's checksum/);
    expect(existsSync(join(target.dir, STORE_FILE))).toBe(false);
    writeFileSync(storeFile, good);

    // A damaged manifest, or none.
    const manifest = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
    writeFileSync(join(dir, MANIFEST_FILE), manifest.slice(0, 40));
    await expect(verifyBackup(dir)).rejects.toThrow(BackupError);
    rmSync(join(dir, MANIFEST_FILE));
    await expect(restoreBackup({ from: dir, dataDir: target.dir, log: quietLogger })).rejects.toThrow(/no manifest\.json/);
    writeFileSync(join(dir, MANIFEST_FILE), manifest);

    // Intact again: restores into the empty directory; a second restore there needs --force.
    await restoreBackup({ from: dir, dataDir: target.dir, log: quietLogger });
    await expect(restoreBackup({ from: dir, dataDir: target.dir, log: quietLogger })).rejects.toThrow(/holds a store/);
    const forced = await restoreBackup({ from: dir, dataDir: target.dir, force: true, log: quietLogger });
    expect(forced.movedAside).not.toBeNull();
  }, 60_000);

  it('scheduled backups run inside the relay, keep the newest N, and a failing one harms nothing', async () => {
    const out = tempDir('gridlink-bk-out-');
    cleanups.push(out.remove);
    const server = await startTestServer({ backup: { dir: out.dir, intervalMs: 60_000, keep: 2, firstDelayMs: 0 } });
    cleanups.push(() => server.stop());
    await until(() => listBackups(out.dir).length === 1, 'the first scheduled backup');
    for (let i = 0; i < 3; i++) expect(await server.backups!.runNow()).not.toBeNull();
    const kept = listBackups(out.dir);
    expect(kept).toHaveLength(2);
    expect(readdirSync(out.dir).filter((n) => n.startsWith('gridlink-'))).toHaveLength(2);
    expect(server.backups!.last?.dir).toBe(kept[0]);
    await pruneBackups(out.dir, 1);
    expect(listBackups(out.dir)).toEqual([kept[0]]);
    // A failing backup is logged and leaves serving alone: the next run works again.
    const blocked = join(out.dir, 'not-a-dir');
    writeFileSync(blocked, 'x');
    const failing = await startTestServer({ backup: { dir: blocked, intervalMs: 60_000, keep: 2, firstDelayMs: 3_600_000 }, log: { ...quietLogger, error: () => {} } });
    cleanups.push(() => failing.stop());
    expect(await failing.backups!.runNow()).toBeNull();
    expect(failing.backups!.lastError).toBeInstanceOf(BackupError);
    expect((await fetch(`${failing.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
