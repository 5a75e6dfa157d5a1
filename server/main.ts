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

const USAGE = `usage: node dist-server/main.js [--demo]
       node dist-server/main.js create-admin [--username <name>] [--name <display name>]
(configuration from the environment: see README.md, Configuration)`;

interface Args {
  command: 'serve' | 'create-admin' | 'help';
  demo: boolean;
  username?: string;
  name?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: 'serve', demo: false };
  const rest = [...argv];
  if (rest[0] === 'create-admin') {
    args.command = 'create-admin';
    rest.shift();
  }
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === '--help' || arg === '-h') args.command = 'help';
    else if (arg === '--demo' && args.command === 'serve') args.demo = true;
    else if ((arg === '--username' || arg === '--name') && args.command === 'create-admin' && rest[0] !== undefined) {
      args[arg === '--username' ? 'username' : 'name'] = rest.shift()!;
    } else throw new ConfigError(`unknown argument "${arg}"\n${USAGE}`);
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
  const store = new Store(config.dataDir);
  try {
    await refusePublishedAccounts(store, { dataDir: config.dataDir, published: [DEFAULTS.demoPassword, config.demoPassword] });
    const user = await createAdmin(store, { username, password, ...(args.name ? { name: args.name } : {}) });
    stderrLogger.info(`created the administrator "${user.username}" in ${config.dataDir}`);
  } finally {
    store.close();
  }
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
  if (err instanceof ConfigError) stderrLogger.error(`cannot start: ${err.message}`);
  else stderrLogger.error('cannot start', err);
  process.exit(1);
});
