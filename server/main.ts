/**
 * The relay's command line, compiled ahead of time by `npm run build` into dist-server/main.js.
 *
 *   node dist-server/main.js                production: no demo; refuses a DATA_DIR holding the demo county or an
 *                                          account with the published demo password; a DATA_DIR with no
 *                                          administrator needs ADMIN_PASSWORD (or `create-admin` first)
 *   node dist-server/main.js --demo        the demo county, seeded into an empty DATA_DIR, every account with the
 *                                          password `demo` (DEMO_PASSWORD): what `npm start` runs; refused when
 *                                          NODE_ENV=production
 *   node dist-server/main.js create-admin [--username <name>] [--name <display name>]
 *                                          creates an administrator and exits; the password comes from
 *                                          ADMIN_PASSWORD, else is asked for on a terminal, else is the first
 *                                          line of stdin
 *   node dist-server/main.js backup [--out <dir>]
 *                                          issue 16 (backup.ts): a verified backup of DATA_DIR (store snapshot,
 *                                          blobs, jwt-secret, base map, manifest) into --out (default BACKUP_DIR),
 *                                          while the relay runs or not; prints the backup's directory on stdout;
 *                                          with BACKUP_KEEP, older backups there beyond that many are removed
 *   node dist-server/main.js restore --from <backup dir> [--data <dir>] [--force]
 *                                          restores a backup that verifies into --data (default DATA_DIR), which
 *                                          must hold no store unless --force (its files are then moved aside); never
 *                                          while a relay has the store open. Start the relay on it afterwards.
 *
 * Configuration from the environment (config.ts). Stdout of the relay gets exactly one line,
 * `Gridlink listening on http://HOST:PORT` (with the real port when PORT=0): scripts and tests parse it.
 * Everything else goes to stderr. SIGTERM / SIGINT close gracefully; a second signal exits at once (every
 * acknowledged write is durable already). Start refusals exit with code 1 and say what to do.
 */
import { createInterface } from 'node:readline';
import { createAdmin, refusePublishedAccounts } from './accounts.ts';
import { startServer } from './app.ts';
import { ConfigError, DEFAULTS, PASSWORD_RULE, passwordProblem, readEnv, type EnvConfig } from './config.ts';
import { stderrLogger } from './log.ts';
import { Store } from './store.ts';
import { BackupError, createBackup, PG_BACKUP_REFUSAL, pruneBackups, restoreBackup } from './backup.ts';
import { resolve } from 'node:path';

const USAGE = `usage: node dist-server/main.js [--demo]
       node dist-server/main.js create-admin [--username <name>] [--name <display name>]
       node dist-server/main.js backup [--out <dir>]
       node dist-server/main.js restore --from <backup dir> [--data <dir>] [--force]
(configuration from the environment: see README.md, Configuration)`;

interface Args {
  command: 'serve' | 'create-admin' | 'backup' | 'restore' | 'help';
  demo: boolean;
  username?: string;
  name?: string;
  /** backup --out, restore --from / --data / --force. */
  out?: string;
  from?: string;
  data?: string;
  force?: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: 'serve', demo: false };
  const rest = [...argv];
  if (rest[0] === 'create-admin' || rest[0] === 'backup' || rest[0] === 'restore') {
    args.command = rest.shift() as Args['command'];
  }
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === '--help' || arg === '-h') args.command = 'help';
    else if (arg === '--demo' && args.command === 'serve') args.demo = true;
    else if ((arg === '--username' || arg === '--name') && args.command === 'create-admin' && rest[0] !== undefined) {
      args[arg === '--username' ? 'username' : 'name'] = rest.shift()!;
    } else if (arg === '--out' && args.command === 'backup' && rest[0] !== undefined) args.out = rest.shift()!;
    else if ((arg === '--from' || arg === '--data') && args.command === 'restore' && rest[0] !== undefined) {
      args[arg === '--from' ? 'from' : 'data'] = rest.shift()!;
    } else if (arg === '--force' && args.command === 'restore') args.force = true;
    else throw new ConfigError(`unknown argument "${arg}"\n${USAGE}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.command === 'help') {
    process.stderr.write(USAGE + '\n');
    return;
  }
  const config = readEnv(process.env);
  if (args.command === 'create-admin') return createAdminCommand(config, args);
  if (args.command === 'backup') return backupCommand(config, args);
  if (args.command === 'restore') return restoreCommand(config, args);
  if (args.demo && process.env.NODE_ENV === 'production') {
    throw new ConfigError('--demo is refused with NODE_ENV=production: the demo accounts have a published password. Start without --demo (see docs/deployment.md)');
  }
  if (args.demo) {
    stderrLogger.warn(
      `DEMO: serving the demo county from ${config.dataDir}; every demo account (admin, w0001, town01, ...) has the ` +
        `password "${config.demoPassword}". Never for real data: production starts without --demo (docs/deployment.md).`,
    );
  }
  const server = await startServer({
    dataDir: config.dataDir,
    host: config.host,
    port: config.port,
    demo: args.demo,
    production: !args.demo,
    ...(config.admin === undefined ? {} : { admin: config.admin }),
    ...(config.jwtSecret === undefined ? {} : { jwtSecret: config.jwtSecret }),
    demoPassword: config.demoPassword,
    maxMessageBytes: config.maxMessageBytes,
    tokenTtl: config.tokenTtlSeconds,
    idleUnloadMs: config.idleUnloadMs,
    compactAfterRows: config.compactAfterRows,
    blobQuotaBytes: config.blobQuotaBytes,
    blobGraceMs: config.blobGraceMs,
    sms: config.sms,
    ...(config.backup ? { backup: config.backup } : {}),
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl, pgPollMs: config.pgPollMs } : {}),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    stderrLogger.info(`${signal}: closing`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        stderrLogger.error('close failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Announced only once the handlers are in: whoever reads the line may stop the relay at once.
  process.stdout.write(`Gridlink listening on ${server.url}\n`);
}

/** `create-admin`: one more administrator in DATA_DIR (the relay may be running: accounts.ts createAdmin). */
async function createAdminCommand(config: EnvConfig, args: Args): Promise<void> {
  const username = args.username ?? config.admin?.username ?? DEFAULTS.adminUsername;
  let password = config.admin?.password;
  if (password === undefined) {
    password = await readPassword(`password for the administrator "${username}": `);
    if (process.stdin.isTTY && (await readPassword('again: ')) !== password) throw new ConfigError('the two passwords differ');
  }
  const weak = passwordProblem(password, username, [DEFAULTS.demoPassword, config.demoPassword]);
  if (weak) throw new ConfigError(`the password ${weak}: choose another (${PASSWORD_RULE})`);
  const store = new Store(config.dataDir, config.databaseUrl ? { databaseUrl: config.databaseUrl } : {});
  try {
    await refusePublishedAccounts(store, { dataDir: config.dataDir, published: [DEFAULTS.demoPassword, config.demoPassword] });
    const user = await createAdmin(store, { username, password, ...(args.name ? { name: args.name } : {}) });
    stderrLogger.info(`created the administrator "${user.username}" in ${config.dataDir}`);
  } finally {
    store.close();
  }
}

/** `backup`: a verified backup of DATA_DIR, taken beside a running relay or not (backup.ts). */
async function backupCommand(config: EnvConfig, args: Args): Promise<void> {
  if (config.databaseUrl) throw new ConfigError(PG_BACKUP_REFUSAL);
  const out = args.out ?? config.backup?.dir;
  if (!out) throw new ConfigError(`backup needs --out <dir> or BACKUP_DIR\n${USAGE}`);
  const r = await createBackup({ dataDir: config.dataDir, outDir: out });
  const m = r.manifest;
  stderrLogger.info(
    `backed up ${config.dataDir} into ${r.dir}: store ${m.store.bytes} bytes through update ${m.store.seq} (sha256 ${m.store.sha256.slice(0, 16)}...), ` +
      `${m.store.docs} docs, ${m.store.users} users, ${m.store.cases} cases, ${m.blobs.count} blobs (${m.blobs.bytes} bytes, ${m.blobs.copied} copied), verified, ${m.durationMs} ms`,
  );
  if (config.backup && resolve(config.backup.dir) === resolve(out)) {
    const removed = await pruneBackups(out, config.backup.keep);
    if (removed.length) stderrLogger.info(`removed ${removed.length} old backup(s) (BACKUP_KEEP=${config.backup.keep})`);
  }
  process.stdout.write(`${r.dir}\n`);
}

/** `restore`: a verified backup into a stopped, empty (or --force) DATA_DIR (backup.ts). */
async function restoreCommand(config: EnvConfig, args: Args): Promise<void> {
  if (config.databaseUrl) throw new ConfigError(PG_BACKUP_REFUSAL);
  if (!args.from) throw new ConfigError(`restore needs --from <backup dir>\n${USAGE}`);
  const dataDir = resolve(args.data ?? config.dataDir);
  const r = await restoreBackup({ from: args.from, dataDir, force: args.force === true, log: stderrLogger });
  stderrLogger.info(
    `restored ${resolve(args.from)} (taken ${r.manifest.createdAt}, through update ${r.manifest.store.seq}) into ${dataDir}: ${r.blobs} blobs copied` +
      `${r.retiredClient !== null ? `; the relay's old client id ${r.retiredClient} is retired` : ''}. Start the relay on ${dataDir}; devices bring back ` +
      `what they hold of the changes made after the backup when they reconnect (docs/deployment.md, section 7).`,
  );
}

/** One line from stdin; on a terminal, asked for on stderr without echoing what is typed. */
async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      lines.close();
      return line;
    }
    throw new ConfigError('no password: set ADMIN_PASSWORD or give it on stdin');
  }
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  try {
    return await new Promise<string>((done, fail) => {
      let typed = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') {
            input.off('data', onData);
            process.stderr.write('\n');
            return done(typed);
          }
          if (ch === '\u0003') {
            input.off('data', onData);
            process.stderr.write('\n');
            return fail(new ConfigError('cancelled'));
          }
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
          else typed += ch;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
  }
}

main().catch((err: unknown) => {
  if (err instanceof BackupError) stderrLogger.error(`refused: ${err.message}`);
  else if (err instanceof ConfigError) stderrLogger.error(`cannot start: ${err.message}`);
  else stderrLogger.error('cannot start', err);
  process.exit(1);
});
