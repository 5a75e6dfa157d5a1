/**
 * `npm start` = `node --import tsx server/main.ts --build-if-needed`.
 *
 * Reads the configuration from the environment (config.ts), builds the app when dist/ is missing or stale
 * (--build-if-needed), seeds the demo county into an empty DATA_DIR, and serves app, API and relay on one port.
 * Stdout gets exactly one line, `Gridlink listening on http://HOST:PORT` (with the real port when PORT=0):
 * scripts and tests parse it. Everything else goes to stderr. SIGTERM / SIGINT close gracefully; a second
 * signal exits at once (every acknowledged write is durable already).
 */
import { startServer } from './app.ts';
import { buildIfNeeded } from './build.ts';
import { ConfigError, readEnv } from './config.ts';
import { stderrLogger } from './log.ts';

async function main(): Promise<void> {
  const config = readEnv(process.env);
  if (process.argv.includes('--build-if-needed')) await quietStdout(() => buildIfNeeded({ log: (m) => stderrLogger.info(m) }));
  const server = await startServer({
    dataDir: config.dataDir,
    host: config.host,
    port: config.port,
    demo: true,
    ...(config.jwtSecret === undefined ? {} : { jwtSecret: config.jwtSecret }),
    demoPassword: config.demoPassword,
    maxMessageBytes: config.maxMessageBytes,
    tokenTtl: config.tokenTtlSeconds,
    idleUnloadMs: config.idleUnloadMs,
    compactAfterRows: config.compactAfterRows,
  });
  process.stdout.write(`Gridlink listening on ${server.url}\n`);

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
}

/** Run `fn` with console output on stderr: build plugins log to stdout, which carries only the listening line. */
async function quietStdout<T>(fn: () => Promise<T>): Promise<T> {
  const { log, info } = console;
  console.log = console.info = (...args: unknown[]) => console.error(...args);
  try {
    return await fn();
  } finally {
    console.log = log;
    console.info = info;
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) stderrLogger.error(`configuration: ${err.message}`);
  else stderrLogger.error('cannot start', err);
  process.exit(1);
});
