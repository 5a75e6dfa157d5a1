/**
 * The relay process in one call: store, demo seed or production checks, org view, relay and HTTP on one port.
 *
 * `startServer` resolves once the port is listening (port 0 picks a free one) and the org doc is loaded;
 * `close()` stops accepting, closes every connection, compacts and closes SQLite. Every accepted write is
 * already durable before it is acknowledged, so close() has nothing to flush that could be lost by `kill -9`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ORG_DOC, parseRecordDocName } from '../src/domain/docs.ts';
import { changeSubject } from '../src/domain/refchanges.ts';
import { HybridClock, hlcMs } from '../src/domain/hlc.ts';
import { MAX_AHEAD_MS } from '../src/domain/receipts.ts';
import { migrateReceipts } from './receipts.ts';
import { RECEIPTS_SIGNED_META, receiptSigner } from './receiptsign.ts';
import { indexOrg, type OrgData, type UserInfo } from '../src/domain/org.ts';
import { readOrg } from '../src/protocol/orgread.ts';
import { signToken, verifyToken } from './auth.ts';
import { checkProductionStore, type AdminSetting } from './accounts.ts';
import { ConfigError, DEFAULTS, parseDuration, resolveJwtSecret } from './config.ts';
import { createHttpHandler, publicUser, type OrgView } from './http.ts';
import { stderrLogger, type Logger } from './log.ts';
import { LoginLimiter } from './ratelimit.ts';
import { Relay, type CommitPacing } from './relay.ts';
import { splitLegacyIdNumbers } from './idsplit.ts';
import { seedDemo } from './seed.ts';
import { GeoStore } from './geostore.ts';
import { setCommonHeaders } from './headers.ts';
import { ACCOUNTS_REV_META, Store } from './store.ts';
import { Audit } from './audit.ts';
import { BlobStore, migrateBlobRefs } from './blobs.ts';
import { Residents } from './residents.ts';
import { createSmsSender, DEFAULT_SMS, type SmsConfig, type SmsSender } from './sms.ts';
import { startProgressTexts } from './progress.ts';
import { BackupSchedule, PG_BACKUP_REFUSAL, restoreState } from './backup.ts';
import { UpdateListener } from './pgnotify.ts';

export interface StartOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Seed the demo county when the store is empty (`npm start`, tests). Excludes `production`. */
  demo?: boolean;
  /**
   * The production rules (main.ts without --demo; accounts.ts): refuse a store that holds the demo county or an
   * account with a published password, and one without an administrator unless `admin` creates it.
   */
  production?: boolean;
  /** With `production`: the administrator to create when the store has none (ADMIN_USERNAME / ADMIN_PASSWORD). */
  admin?: AdminSetting;
  /** Seed of the demo generator (default: the generator's own). */
  demoSeed?: number;
  /** The built app; default ./dist next to the project root. Missing directory: only the API is served. */
  staticDir?: string;
  jwtSecret?: string;
  demoPassword?: string;
  maxMessageBytes?: number;
  /** The relay's commit pacing (server/relay.ts `CommitPacing`; default `COMMIT_PACING`). */
  commitPacing?: CommitPacing;
  /** Token lifetime, seconds or `12h` style. */
  tokenTtl?: number | string;
  idleUnloadMs?: number;
  compactAfterRows?: number;
  pingIntervalMs?: number;
  /** Issue 12: bytes of blobs one user may keep (BLOB_QUOTA_MB; tests pass a small one). */
  blobQuotaBytes?: number;
  /** Issue 12: grace period of unreferenced blobs and stale partial uploads (BLOB_GRACE). */
  blobGraceMs?: number;
  /** Issue 13: how texts reach phones (SMS_*; server/sms.ts). Default: the log transport. */
  sms?: SmsConfig;
  /** Tests: a sender to use instead of the one `sms` describes. */
  smsSender?: SmsSender;
  /** Issue 16: scheduled backups (BACKUP_DIR, BACKUP_INTERVAL, BACKUP_KEEP; server/backup.ts). Absent: none. */
  backup?: { dir: string; intervalMs: number; keep: number; firstDelayMs?: number };
  /** Issue 16: `postgres://...`: the PostgreSQL store, shared with other relays (DATABASE_URL). Absent: SQLite. */
  databaseUrl?: string;
  /** With databaseUrl: the backstop poll for other relays' rows, ms (PG_POLL_MS, default 2000). */
  pgPollMs?: number;
  /** Tests: with databaseUrl, do not LISTEN (only the poll and conflicts bring other relays' rows). */
  pgListen?: boolean;
  /** Wall clock (tests inject one). */
  now?: () => number;
  log?: Logger;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /** For tests and diagnostics. */
  relay: Relay;
  store: Store;
  blobs: BlobStore;
  /** Issue 16: the backup schedule, when `backup` is set. */
  backups: BackupSchedule | null;
}

const ROOT = resolve(import.meta.dirname, '..');

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const log = opts.log ?? stderrLogger;
  const now = opts.now ?? Date.now;
  const host = opts.host ?? DEFAULTS.host;
  const ttlSeconds = typeof opts.tokenTtl === 'number' ? opts.tokenTtl : parseDuration('TOKEN_TTL', opts.tokenTtl ?? DEFAULTS.tokenTtl);
  const staticDir = opts.staticDir ?? resolve(ROOT, 'dist');

  if (opts.production && opts.demo) throw new ConfigError('the demo county never runs with the production rules: start with either, not both');
  // Refuses a damaged store or one that lost acknowledged updates (StoreFault, storecheck.ts) before anything runs.
  const store = new Store(opts.dataDir, opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {});
  if (store.shared && opts.backup) {
    store.close();
    throw new ConfigError(PG_BACKUP_REFUSAL);
  }
  let relay: Relay | null = null;
  let blobsOpen: BlobStore | null = null;
  try {
    const secret = jwtSecretOf(store, opts.dataDir, opts.jwtSecret);
    for (const note of store.report.notes) log.info(note);
    if (store.report.check) log.info(`store checked (${store.report.check}, ${Math.round(store.report.checkMs)} ms): intact, through update ${store.report.seq}`);
    if (opts.production) {
      await checkProductionStore(store, {
        dataDir: opts.dataDir,
        published: [DEFAULTS.demoPassword, opts.demoPassword ?? DEFAULTS.demoPassword],
        ...(opts.admin ? { admin: opts.admin } : {}),
        log: (m) => log.info(m),
      });
    }
    const serverClientId = store.shared ? sharedClientId(store) : clientIdOf(store);
    // Issue 16: after a restore the relay writes under a new client id and takes back what devices return (backup.ts).
    const restored = restoreState(store, now());
    // Issue 16: every receipt from now on is signed (receiptsign.ts); the store remembers since when.
    const receipts = receiptSigner(secret);
    if (store.getMeta(RECEIPTS_SIGNED_META) === undefined) store.setMeta(RECEIPTS_SIGNED_META, new Date(now()).toISOString());
    const peerClients = new Set<number>();
    // Shared store: the other relays' ids are the relay's as the retired ones are (integrity.ts: no device writes with them).
    const relayOwned = new Set<number>(restored.retired ?? []);
    const readPeers = () => {
      for (const c of relayClients(store)) {
        if (c === serverClientId) continue;
        peerClients.add(c);
        relayOwned.add(c);
      }
    };
    if (store.shared) readPeers();
    if (restored.returnUntil !== null) {
      log.warn(`this store was restored from a backup on ${new Date(restored.restoredAt!).toISOString()}: until ${new Date(restored.returnUntil).toISOString()} devices may bring back case history the backup did not hold`);
    }
    if (opts.demo && store.isEmpty()) {
      const started = performance.now();
      const r = await seedDemo(store, {
        password: opts.demoPassword ?? DEFAULTS.demoPassword,
        clientId: serverClientId,
        nowMs: now(),
        ...(opts.demoSeed === undefined ? {} : { seed: opts.demoSeed }),
      });
      log.info(`seeded the demo county: ${r.users} users, ${r.docs} docs, ${r.events} events in ${Math.round(performance.now() - started)} ms`);
    }
    // Once per store: full ID numbers out of people docs written before idnumbers.<gridId> existed (idsplit.ts).
    const split = splitLegacyIdNumbers(store);
    if (split.docs > 0) log.info(`moved ${split.numbers} ID numbers out of ${split.docs} people docs into idnumbers docs`);
    // Once per store: receipts for case events stored before the relay wrote them (receipts.ts).
    const migrated = migrateReceipts(store, serverClientId, receipts);
    if (migrated.docs > 0) log.info(`wrote ${migrated.receipts} legacy receipts in ${migrated.docs} cases docs`);

    // Issue 12: photos and voice clips on disk (blobs.ts). Disk and rows made to agree after a crash, the blob
    // references of events stored before the index existed recorded once, then GC now and hourly.
    const blobs = new BlobStore({
      dataDir: opts.dataDir,
      store,
      quotaBytes: opts.blobQuotaBytes ?? DEFAULTS.blobQuotaMb * 1024 * 1024,
      graceMs: opts.blobGraceMs ?? parseDuration('BLOB_GRACE', DEFAULTS.blobGrace) * 1000,
      now,
      log,
    });
    const reconciled = blobs.reconcile();
    if (reconciled.adopted + reconciled.removedFiles + reconciled.removedRows > 0) {
      log.info(`blobs reconciled: ${reconciled.adopted} files adopted, ${reconciled.removedFiles} files and ${reconciled.removedRows} rows removed`);
    }
    if (opts.demo) {
      // The demo's seeded after-photos (demo/photos.ts): the resolves of plans that require one name them.
      const { demoPhotoBlobs } = await import('./demo/photos.ts');
      for (const b of demoPhotoBlobs()) blobs.putOwnerless(b);
    }
    const refs = migrateBlobRefs(store);
    if (refs.refs > 0) log.info(`indexed ${refs.refs} blob references in ${refs.docs} cases docs`);
    blobs.startGc();
    blobsOpen = blobs;

    // Grid boundaries: seeded from the demo generator (same seed, so the same county) when there are none yet.
    const geo = new GeoStore(store, opts.dataDir);
    if (opts.demo && geo.isEmpty()) {
      const { generateCounty } = await import('./demo/generate.ts');
      geo.replaceGrids(generateCounty(opts.demoSeed).geometry);
    }

    let org: OrgView = buildOrgView(emptyOrg(), store);
    const clock = new HybridClock('relay', now);
    // Only times the relay accepts (MAX_AHEAD_MS): a forged far-future stamp in an old store must not drag it along.
    const observe = (at: string) => {
      if (hlcMs(at) <= now() + MAX_AHEAD_MS) clock.observe(at);
    };
    // Issue 15: the audit log (audit.ts); every refused token is in it.
    const audit = new Audit(store, now, log);
    const authenticate = async (token: string, from?: string | null, how?: { allowMustChange?: boolean }): Promise<UserInfo | null> => {
      const claims = await verifyToken(secret, token, now());
      const user = claims ? store.userById(claims.sub) : undefined;
      // A token names the role and token version it was issued for: a changed role, a disabled account, a password
      // reset or change (or a removed user) invalidates it.
      const refused = !claims
        ? 'invalid_or_expired'
        : !user
          ? 'unknown_user'
          : user.disabled || (user.person !== undefined && store.userById(user.person)?.disabled)
            ? 'disabled'
            : user.role !== claims.role
              ? 'role_changed'
              : (user.tokenVersion ?? 0) !== claims.tv
                ? 'revoked'
                : user.mustChange && !how?.allowMustChange
                  ? 'password_change_required'
                  : null;
      if (refused || !user) {
        audit.record({ actor: claims?.sub ?? null, action: 'token.refused', ip: from ?? null, detail: { reason: refused } });
        return null;
      }
      return publicUser(user);
    };
    relay = new Relay({
      store,
      log,
      maxMessageBytes: opts.maxMessageBytes ?? DEFAULTS.maxMessageBytes,
      idleUnloadMs: opts.idleUnloadMs ?? DEFAULTS.idleUnloadMs,
      compactAfterRows: opts.compactAfterRows ?? DEFAULTS.compactAfterRows,
      pingIntervalMs: opts.pingIntervalMs ?? 30_000,
      serverClientId,
      retiredClients: store.shared ? relayOwned : restored.retired,
      returnUntil: restored.returnUntil,
      receipts,
      unsignedReturns: restored.unsignedReturns,
      ...(opts.commitPacing ? { commitPacing: opts.commitPacing } : {}),
      ...(store.shared ? { peerClients } : {}),
      authenticate,
      townIds: () => org.townIds,
      grid: (id) => org.index.grid(id),
      onDocChanged: (name, ydoc) => {
        if (name === ORG_DOC) org = buildOrgView(readOrg(ydoc), store);
      },
      org: () => org.index,
      now,
      observe,
      onReferenceChanges: (user, changes, from) => {
        for (const c of changes) {
          const { target, ...what } = changeSubject(c);
          audit.record({ actor: user.id, action: 'reference.changed', target, ip: from, detail: { change: c.id, type: c.type, ...what } });
        }
      },
      onDocOpened: (user, name, from) => {
        if (parseRecordDocName(name)?.kind === 'idnumbers') audit.record({ actor: user.id, action: 'idnumbers.read', target: name, ip: from });
      },
    });
    const live = relay;
    org = buildOrgView(await live.withDoc(ORG_DOC, readOrg), store);
    // Issue 16, a shared store: the org doc stays loaded, so other relays' changes to it (reference data, the
    // directory) reach this relay's org view as they are caught up on (relay.ts catchUp -> onDocChanged).
    if (store.shared) await live.acquire(ORG_DOC);

    // Issue 13: resident accounts, invitation codes and texts (residents.ts, sms.ts, progress.ts).
    const smsConfig = opts.sms ?? DEFAULT_SMS;
    const sms = opts.smsSender ?? createSmsSender(smsConfig, log, opts.demo === true);
    const residents = new Residents(store, now);
    startProgressTexts({ relay: live, store, residents, sms, sign: smsConfig.sign, org: () => org.index, now, log });

    const handler = createHttpHandler({
      residents,
      sms,
      smsSign: smsConfig.sign,
      store,
      relay: live,
      org: () => org,
      authenticate,
      issueToken: (user) => signToken(secret, { sub: user.id, role: user.role, tv: store.userById(user.id)?.tokenVersion ?? 0 }, now(), ttlSeconds),
      audit,
      now,
      clock,
      observe,
      staticDir: existsSync(staticDir) ? staticDir : null,
      geo,
      log,
      logins: new LoginLimiter(now),
      blobs,
    });
    // nosniff, no referrer, not framed, a CSP on every answer (headers.ts; static.ts sets the app's own).
    const server = createServer((req, res) => {
      setCommonHeaders(res);
      handler(req, res);
    });
    (await import('./connlimits.ts')).hardenServer(server, live);
    server.on('upgrade', (req, socket, head: Buffer) => live.handleUpgrade(req, socket, head));
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(opts.port ?? DEFAULTS.port, host, () => {
        server.off('error', fail);
        done();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const backups = opts.backup ? new BackupSchedule({ ...opts.backup, dataDir: opts.dataDir, store, log, now }) : null;
    backups?.start();
    // Issue 16: other relays on the same PostgreSQL store (pgnotify.ts; relay.ts catchUp).
    let listener: UpdateListener | null = null;
    let poll: NodeJS.Timeout | null = null;
    if (store.shared) {
      // Account changes made through other relays: notified per user; a lost notification shows as a new revision.
      let accountsRev = store.getMeta(ACCOUNTS_REV_META);
      const recheck = (ids: ReadonlySet<string> | null) =>
        void live.recheckUsers(ids).catch((err: unknown) => log.error('checking live sockets against changed accounts failed', err));
      const pollAll = () => {
        readPeers();
        live.pollRemote();
        let rev: string | undefined;
        try {
          rev = store.getMeta(ACCOUNTS_REV_META);
        } catch (err) {
          return log.error('reading the accounts revision failed (the next poll tries again)', err);
        }
        if (rev !== accountsRev) {
          accountsRev = rev;
          recheck(null);
        }
      };
      poll = setInterval(pollAll, opts.pgPollMs ?? 2000);
      poll.unref();
      if (opts.pgListen !== false) {
        listener = new UpdateListener(opts.databaseUrl!, (doc, seq) => live.remoteUpdate(doc, seq), (id) => recheck(new Set([id])), pollAll, log);
        await listener.start();
      }
    }

    let closing: Promise<void> | null = null;
    const close = () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((done) => server.close(() => done()));
        server.closeIdleConnections();
        blobs.close();
        await backups?.stop();
        if (poll) clearInterval(poll);
        await listener?.close();
        await live.close();
        server.closeAllConnections();
        await stopped;
        store.close();
      })());

    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close, relay: live, store, blobs, backups };
  } catch (err) {
    blobsOpen?.close();
    await relay?.close();
    store.close();
    throw err;
  }
}

/**
 * Issue 16, a shared (PostgreSQL) store: every relay process writes under a Yjs client id of its own, new at each
 * start (two relays writing with one id would make two different structs with one id, which Yjs never
 * reconciles), registered in the store's meta `relay_clients` so every relay knows the others' (`peerClients`:
 * nobody else may write with them; an update carrying their structs makes a relay catch up first).
 */
function sharedClientId(store: Store): number {
  const id = randomBytes(4).readUInt32BE(0) >>> 1 || 1;
  store.db
    .prepare("INSERT INTO meta (key, value) VALUES ('relay_clients', ?) ON CONFLICT (key) DO UPDATE SET value = (meta.value::jsonb || excluded.value::jsonb)::text")
    .run(JSON.stringify([id]));
  return id;
}

function relayClients(store: Store): number[] {
  try {
    const list = JSON.parse(store.getMeta('relay_clients') ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((c): c is number => Number.isInteger(c)) : [];
  } catch {
    return [];
  }
}

/**
 * The relay's HS256 key (and, derived from it, the receipts' signing key): JWT_SECRET when configured; else on a
 * PostgreSQL store the secret relays sharing it share through it (a token works on every relay), and on SQLite the
 * one generated in DATA_DIR (`resolveJwtSecret`).
 */
export function jwtSecretOf(store: Store, dataDir: string, configured?: string): Uint8Array {
  return store.shared && configured === undefined ? sharedJwtSecret(store) : resolveJwtSecret(dataDir, configured);
}

/** The JWT secret of relays sharing a PostgreSQL store without JWT_SECRET: generated by the first, kept in its meta. */
function sharedJwtSecret(store: Store): Uint8Array {
  store.db.prepare("INSERT INTO meta (key, value) VALUES ('jwt_secret', ?) ON CONFLICT (key) DO NOTHING").run(randomBytes(32).toString('base64url'));
  return new TextEncoder().encode(store.getMeta('jwt_secret')!);
}

/** The relay's own Yjs client id: random once, then kept, so its clock continues across restarts. */
function clientIdOf(store: Store): number {
  const kept = Number(store.getMeta('yjs_client_id'));
  if (Number.isInteger(kept) && kept > 0) return kept;
  const id = randomBytes(4).readUInt32BE(0) >>> 1 || 1;
  store.setMeta('yjs_client_id', String(id));
  return id;
}

function emptyOrg(): OrgData {
  return { towns: [], villages: [], grids: [], categories: [], subcategories: [], plans: [], units: [], users: [] };
}

function buildOrgView(data: OrgData, store: Store): OrgView {
  const index = indexOrg(data);
  const user = (id: string) => {
    const u = index.user(id);
    if (u) return u;
    const stored = store.userById(id);
    return stored ? publicUser(stored) : undefined;
  };
  return { data, index: { ...index, user }, townIds: data.towns.map((t) => t.id).sort() };
}
