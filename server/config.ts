/**
 * Relay configuration from the environment.
 *
 * Contract (documented in the README):
 *   HOST               interface to listen on                       default 127.0.0.1
 *   PORT               TCP port, 0 = any free port                  default 8080
 *   DATA_DIR           SQLite store and generated secret            default ./data
 *   JWT_SECRET         HS256 key, at least 32 characters            default: 32 random bytes kept in DATA_DIR/jwt-secret (0600)
 *   DEMO_PASSWORD      password of every demo account (--demo)      default demo
 *   ADMIN_USERNAME     the administrator created on a first start   default admin
 *   ADMIN_PASSWORD     that administrator's password; read only when DATA_DIR has no administrator yet (without
 *                      --demo a first start refuses to run without it or `create-admin`); at least 12 characters,
 *                      6 different ones, not containing the username, never the demo password
 *   MAX_MESSAGE_BYTES  cap on one websocket message                 default 1 MiB
 *   TOKEN_TTL          login token lifetime: <n>s|m|h|d or seconds  default 12h
 *   IDLE_UNLOAD_MS     unload a doc with no connection after this   default 30000
 *   COMPACT_AFTER_ROWS compact a doc's update rows above this count default 100
 *   BLOB_QUOTA_MB      photos and voice clips one user may keep on the relay (owned blobs + unfinished
 *                      uploads), MiB                                 default 1024
 *   BLOB_GRACE         an uploaded blob no case names, and an unfinished upload, is deleted after this
 *                      (<n>s|m|h|d)                                  default 7d
 *   SMS_TRANSPORT      issue 13 (server/sms.ts): log | http; `log` writes texts to the relay's log and reaches no
 *                      phone (sign-up then takes village invitation codes only; --demo counts the log as
 *                      delivered)                                   default log
 *   SMS_HTTP_URL       with SMS_TRANSPORT=http: the provider's (or a gateway's) endpoint, http(s)://…  required then
 *   SMS_HTTP_TOKEN     sent as `Authorization: Bearer …` to SMS_HTTP_URL            default none
 *   SMS_SIGN           the provider's registered signature, put in front as 【…】     default 网格通
 *   BACKUP_DIR         issue 16 (server/backup.ts): scheduled backups go here; unset: no scheduled backups
 *   BACKUP_INTERVAL    with BACKUP_DIR: time between backups (<n>s|m|h|d, at least 1m)  default 24h
 *   BACKUP_KEEP        with BACKUP_DIR: how many of the newest backups are kept        default 7
 *   DATABASE_URL       issue 16: postgres://… selects the PostgreSQL store (several relays may share it; needs
 *                      the optional package pg-native and libpq); unset: the SQLite file in DATA_DIR
 *   PG_POLL_MS         with DATABASE_URL: how often a relay checks its loaded docs for rows of other relays, in
 *                      case a notification was lost (relay.ts)                       default 2000
 * Abuse limits (readLimits; applied by connlimits.ts, README "Configuration"):
 *   AWARENESS_MAX_BYTES      one client's awareness state (JSON)          default 4096
 *   AWARENESS_MAX_STATES     awareness states per doc                     default 256
 *   AWARENESS_PER_MINUTE     awareness messages per doc connection        default 60 (burst 10)
 *   WS_MSGS_PER_SECOND       messages per socket                          default 50 (burst 20 s worth)
 *   WS_BYTES_PER_SECOND      bytes in + direct replies out, per socket    default 1 MiB (burst 4 s worth)
 *   USER_MSGS_PER_SECOND     the same per user, over all sockets          default 100 (burst 20 s worth)
 *   USER_BYTES_PER_SECOND                                                 default 2 MiB (burst 4 s worth)
 *   WS_MAX_BUFFERED_BYTES    unsent data to one socket before it is closed default 4 MiB (reading pauses at 1/4)
 *   WS_DRAIN_TIMEOUT_MS      a paused slow reader must drain within this  default 60000
 *   HTTP_HEADERS_TIMEOUT_MS  a request's headers must arrive within this  default 10000
 *   HTTP_REQUEST_TIMEOUT_MS  a whole request (headers and body)           default 30000
 *   HTTP_MAX_CONNS_PER_ADDRESS open connections per client address, 0 none default 512
 * Invalid values stop the process with a message naming the variable (ConfigError), never a silent default.
 * The demo county is not a setting: `npm start` passes `--demo` (main.ts); without it the relay runs the
 * production rules (accounts.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../src/protocol/wire.ts';
import { DEFAULT_SMS, type SmsConfig } from './sms.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface EnvConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Undefined when JWT_SECRET is unset: the secret is then generated and kept in DATA_DIR (resolveJwtSecret). */
  jwtSecret?: string;
  demoPassword: string;
  /** ADMIN_USERNAME / ADMIN_PASSWORD, when ADMIN_PASSWORD is set. */
  admin?: { username: string; password: string };
  maxMessageBytes: number;
  /** Token lifetime in seconds. */
  tokenTtlSeconds: number;
  idleUnloadMs: number;
  compactAfterRows: number;
  /** Issue 12 (blobs.ts): bytes of blobs one user may keep on the relay. */
  blobQuotaBytes: number;
  /** Issue 12: unreferenced blobs and stale partial uploads are deleted after this. */
  blobGraceMs: number;
  /** Issue 13: how texts reach residents' phones (server/sms.ts). */
  sms: SmsConfig;
  /** Issue 16: scheduled backups (server/backup.ts); absent when BACKUP_DIR is unset. */
  backup?: { dir: string; intervalMs: number; keep: number };
  /** Issue 16: the PostgreSQL store (DATABASE_URL); absent: SQLite in dataDir. */
  databaseUrl?: string;
  /** With databaseUrl: the backstop poll for other relays' rows (PG_POLL_MS). */
  pgPollMs?: number;
  limits: Limits;
}

/** What one account or one address may cost the relay (README "Configuration"; connlimits.ts applies them). */
export interface Limits {
  /** Largest awareness state of one client (bytes of its JSON); larger ones are dropped. */
  awarenessMaxBytes: number;
  /** Awareness states one doc holds; new clients over it are not stored (nothing already there is evicted). */
  awarenessMaxStates: number;
  /** Awareness messages (updates and queries) per doc connection per minute; over it they are dropped. */
  awarenessPerMinute: number;
  wsMsgsPerSecond: number;
  wsBytesPerSecond: number;
  userMsgsPerSecond: number;
  userBytesPerSecond: number;
  wsMaxBufferedBytes: number;
  wsDrainTimeoutMs: number;
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
  /** 0: no cap. */
  httpMaxConnsPerAddress: number;
}

export const DEFAULT_LIMITS: Limits = {
  awarenessMaxBytes: 4096,
  awarenessMaxStates: 256,
  awarenessPerMinute: 60,
  wsMsgsPerSecond: 50,
  wsBytesPerSecond: 1024 * 1024,
  userMsgsPerSecond: 100,
  userBytesPerSecond: 2 * 1024 * 1024,
  wsMaxBufferedBytes: 4 * 1024 * 1024,
  wsDrainTimeoutMs: 60_000,
  httpHeadersTimeoutMs: 10_000,
  httpRequestTimeoutMs: 30_000,
  httpMaxConnsPerAddress: 512,
};

/** The abuse limits from the environment (validated like the rest; ConfigError names the variable). */
export function readLimits(env: Record<string, string | undefined>): Limits {
  const get = (k: string): string | undefined => {
    const value = env[k];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const d = DEFAULT_LIMITS;
  const GiB = 1024 * 1024 * 1024;
  const httpHeadersTimeoutMs = intVar('HTTP_HEADERS_TIMEOUT_MS', get('HTTP_HEADERS_TIMEOUT_MS'), d.httpHeadersTimeoutMs, 100, 600_000);
  const httpRequestTimeoutMs = intVar('HTTP_REQUEST_TIMEOUT_MS', get('HTTP_REQUEST_TIMEOUT_MS'), d.httpRequestTimeoutMs, 100, 3_600_000);
  if (httpRequestTimeoutMs < httpHeadersTimeoutMs) {
    throw new ConfigError(`HTTP_REQUEST_TIMEOUT_MS (${httpRequestTimeoutMs}) must not be shorter than HTTP_HEADERS_TIMEOUT_MS (${httpHeadersTimeoutMs})`);
  }
  return {
    awarenessMaxBytes: intVar('AWARENESS_MAX_BYTES', get('AWARENESS_MAX_BYTES'), d.awarenessMaxBytes, 64, 1024 * 1024),
    awarenessMaxStates: intVar('AWARENESS_MAX_STATES', get('AWARENESS_MAX_STATES'), d.awarenessMaxStates, 1, 100_000),
    awarenessPerMinute: intVar('AWARENESS_PER_MINUTE', get('AWARENESS_PER_MINUTE'), d.awarenessPerMinute, 1, 60_000),
    wsMsgsPerSecond: intVar('WS_MSGS_PER_SECOND', get('WS_MSGS_PER_SECOND'), d.wsMsgsPerSecond, 1, 1_000_000),
    wsBytesPerSecond: intVar('WS_BYTES_PER_SECOND', get('WS_BYTES_PER_SECOND'), d.wsBytesPerSecond, 1024, GiB),
    userMsgsPerSecond: intVar('USER_MSGS_PER_SECOND', get('USER_MSGS_PER_SECOND'), d.userMsgsPerSecond, 1, 1_000_000),
    userBytesPerSecond: intVar('USER_BYTES_PER_SECOND', get('USER_BYTES_PER_SECOND'), d.userBytesPerSecond, 1024, GiB),
    wsMaxBufferedBytes: intVar('WS_MAX_BUFFERED_BYTES', get('WS_MAX_BUFFERED_BYTES'), d.wsMaxBufferedBytes, 64 * 1024, GiB),
    wsDrainTimeoutMs: intVar('WS_DRAIN_TIMEOUT_MS', get('WS_DRAIN_TIMEOUT_MS'), d.wsDrainTimeoutMs, 100, 3_600_000),
    httpHeadersTimeoutMs,
    httpRequestTimeoutMs,
    httpMaxConnsPerAddress: intVar('HTTP_MAX_CONNS_PER_ADDRESS', get('HTTP_MAX_CONNS_PER_ADDRESS'), d.httpMaxConnsPerAddress, 0, 1_000_000),
  };
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './data',
  demoPassword: 'demo',
  adminUsername: 'admin',
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  tokenTtl: '12h',
  idleUnloadMs: 30_000,
  compactAfterRows: 100,
  blobQuotaMb: 1024,
  blobGrace: '7d',
  backupInterval: '24h',
  backupKeep: 7,
} as const;

export const ADMIN_PASSWORD_MIN = 12;
export const PASSWORD_RULE = `at least ${ADMIN_PASSWORD_MIN} characters, 6 different ones, not containing the username`;
const MIN_SECRET_CHARS = 32;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$/;
const SECRET_FILE = 'jwt-secret';

/** Read and validate the environment. Pure apart from reading `env`; throws ConfigError. */
export function readEnv(env: Record<string, string | undefined>): EnvConfig {
  const get = (k: string): string | undefined => {
    const value = env[k];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const host = get('HOST') ?? DEFAULTS.host;
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new ConfigError(`HOST must be a host name or IP address, got "${host}"`);
  const secret = get('JWT_SECRET');
  if (secret !== undefined && secret.length < MIN_SECRET_CHARS) {
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_CHARS} characters (or unset, to generate one in DATA_DIR)`);
  }
  const demoPassword = env.DEMO_PASSWORD ?? DEFAULTS.demoPassword;
  if (demoPassword.length === 0) throw new ConfigError('DEMO_PASSWORD must not be empty');
  const adminUsername = get('ADMIN_USERNAME') ?? DEFAULTS.adminUsername;
  const badName = usernameProblem(adminUsername);
  if (badName) throw new ConfigError(`ADMIN_USERNAME ${badName}, got "${adminUsername}"`);
  // Not trimmed: a password is taken as typed.
  const adminPassword = env.ADMIN_PASSWORD === undefined || env.ADMIN_PASSWORD === '' ? undefined : env.ADMIN_PASSWORD;
  if (adminPassword !== undefined) {
    const weak = passwordProblem(adminPassword, adminUsername, [DEFAULTS.demoPassword, demoPassword]);
    if (weak) throw new ConfigError(`ADMIN_PASSWORD ${weak}: choose another (${PASSWORD_RULE})`);
  }
  return {
    host,
    port: intVar('PORT', get('PORT'), DEFAULTS.port, 0, 65535),
    dataDir: resolve(get('DATA_DIR') ?? DEFAULTS.dataDir),
    ...(secret !== undefined ? { jwtSecret: secret } : {}),
    demoPassword,
    ...(adminPassword !== undefined ? { admin: { username: adminUsername, password: adminPassword } } : {}),
    maxMessageBytes: intVar('MAX_MESSAGE_BYTES', get('MAX_MESSAGE_BYTES'), DEFAULTS.maxMessageBytes, 1024, 256 * 1024 * 1024),
    tokenTtlSeconds: parseDuration('TOKEN_TTL', get('TOKEN_TTL') ?? DEFAULTS.tokenTtl),
    idleUnloadMs: intVar('IDLE_UNLOAD_MS', get('IDLE_UNLOAD_MS'), DEFAULTS.idleUnloadMs, 0, 24 * 3600 * 1000),
    compactAfterRows: intVar('COMPACT_AFTER_ROWS', get('COMPACT_AFTER_ROWS'), DEFAULTS.compactAfterRows, 1, 1_000_000),
    blobQuotaBytes: intVar('BLOB_QUOTA_MB', get('BLOB_QUOTA_MB'), DEFAULTS.blobQuotaMb, 1, 1024 * 1024) * 1024 * 1024,
    blobGraceMs: parseDuration('BLOB_GRACE', get('BLOB_GRACE') ?? DEFAULTS.blobGrace) * 1000,
    sms: readSms(get),
    ...readBackup(get),
    ...readDatabase(get),
    limits: readLimits(env),
  };
}

/** DATABASE_URL, PG_POLL_MS (issue 16: the PostgreSQL store, server/db.ts). */
function readDatabase(get: (k: string) => string | undefined): { databaseUrl?: string; pgPollMs?: number } {
  const url = get('DATABASE_URL');
  if (url === undefined) {
    if (get('PG_POLL_MS') !== undefined) throw new ConfigError('PG_POLL_MS is set but DATABASE_URL is not');
    return {};
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL (unset: the SQLite store in DATA_DIR)');
  if (get('BACKUP_DIR') !== undefined) throw new ConfigError('BACKUP_DIR makes backups of the SQLite store; with DATABASE_URL use pg_dump (deployment.md)');
  return { databaseUrl: url, pgPollMs: intVar('PG_POLL_MS', get('PG_POLL_MS'), 2000, 50, 600_000) };
}

/** BACKUP_* (server/backup.ts): nothing unless BACKUP_DIR is set; the other two are refused without it. */
function readBackup(get: (k: string) => string | undefined): { backup?: EnvConfig['backup'] } {
  const dir = get('BACKUP_DIR');
  if (dir === undefined) {
    for (const k of ['BACKUP_INTERVAL', 'BACKUP_KEEP']) if (get(k) !== undefined) throw new ConfigError(`${k} is set but BACKUP_DIR is not: set BACKUP_DIR to make scheduled backups`);
    return {};
  }
  const intervalS = parseDuration('BACKUP_INTERVAL', get('BACKUP_INTERVAL') ?? DEFAULTS.backupInterval);
  if (intervalS < 60) throw new ConfigError('BACKUP_INTERVAL must be at least 1 minute');
  return { backup: { dir: resolve(dir), intervalMs: intervalS * 1000, keep: intVar('BACKUP_KEEP', get('BACKUP_KEEP'), DEFAULTS.backupKeep, 1, 10_000) } };
}

/** Why `username` may not be an account name, or null. */
export function usernameProblem(username: string): string | null {
  return USERNAME.test(username) ? null : 'must be 2-32 letters, digits, ".", "_" or "-", starting with a letter or digit';
}

/**
 * The one rule for a password an operator chooses (ADMIN_PASSWORD, `create-admin`): why it is too weak for
 * `username`, in words, or null when it will do. `published` are passwords anyone can read (the demo's).
 */
export function passwordProblem(password: string, username: string, published: readonly string[] = [DEFAULTS.demoPassword]): string | null {
  if (published.includes(password)) return 'is the published demo password';
  if ([...password].length < ADMIN_PASSWORD_MIN) return `is shorter than ${ADMIN_PASSWORD_MIN} characters`;
  if (new Set(password).size < 6) return 'uses fewer than 6 different characters';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'contains the username';
  return null;
}

/** SMS_* (server/sms.ts). */
function readSms(get: (k: string) => string | undefined): SmsConfig {
  const transport = get('SMS_TRANSPORT') ?? DEFAULT_SMS.transport;
  if (transport !== 'log' && transport !== 'http') throw new ConfigError(`SMS_TRANSPORT must be log or http, not "${transport}"`);
  const sign = get('SMS_SIGN') ?? DEFAULT_SMS.sign;
  if ([...sign].length > 12 || /[【】]/.test(sign)) throw new ConfigError('SMS_SIGN must be at most 12 characters, without 【】');
  if (transport === 'log') return { transport, sign };
  const url = get('SMS_HTTP_URL');
  if (!url || !/^https?:\/\/[^\s]+$/.test(url)) throw new ConfigError('SMS_TRANSPORT=http needs SMS_HTTP_URL (http:// or https://)');
  const token = get('SMS_HTTP_TOKEN');
  return { transport, httpUrl: url, sign, ...(token ? { httpToken: token } : {}) };
}

function intVar(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `12h`, `30m`, `7d`, `45s` or a plain number of seconds. */
export function parseDuration(name: string, raw: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(raw);
  if (!m) throw new ConfigError(`${name} must look like 12h, 30m, 7d, 45s or a number of seconds, got "${raw}"`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] || 's']!;
  if (seconds < 1 || seconds > 365 * 86400) throw new ConfigError(`${name} must be between 1 second and 365 days, got "${raw}"`);
  return seconds;
}

/**
 * The HS256 key. A configured JWT_SECRET wins; otherwise 32 random bytes are generated once and kept in
 * DATA_DIR/jwt-secret (mode 0600), so tokens survive restarts without anyone having to configure a secret.
 * Creating the file uses O_EXCL: two processes starting at once both end up reading the same winner.
 */
export function resolveJwtSecret(dataDir: string, configured?: string): Uint8Array {
  if (configured !== undefined) return new TextEncoder().encode(configured);
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SECRET_FILE);
  try {
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`cannot create ${file}: ${(e as Error).message}`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    chmodSync(file, 0o600); // tighten a file someone created by hand
  } catch {
    // Not the owner: the file stays as its owner left it.
  }
  if (text.length < MIN_SECRET_CHARS) throw new ConfigError(`${file} holds a secret shorter than ${MIN_SECRET_CHARS} characters; delete it to regenerate`);
  return new TextEncoder().encode(text);
}
