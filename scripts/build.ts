/**
 * The app (Vite, into dist/) and the relay (esbuild, into dist-server/): server/build.ts.
 *
 *   npm run build        = tsc --noEmit, then `node --import tsx scripts/build.ts`: both, always
 *   npm start (prestart) = `node --import tsx scripts/build.ts --if-needed`: each only when older than its sources,
 *                          without the type check (the demo for a newcomer; `npm run check` is the gate)
 *
 * Build tools are devDependencies: this runs on a full install (`npm ci`), never on a production one.
 */
import { buildIfNeeded, buildServer, distIsStale, serverIsStale } from '../server/build.ts';

const ifNeeded = process.argv.includes('--if-needed');
const log = (msg: string) => process.stderr.write(`${msg}\n`);

// Vite plugins log to stdout; the relay's stdout carries only its listening line, so builds report on stderr.
const { log: consoleLog, info } = console;
console.log = console.info = (...args: unknown[]) => console.error(...args);
try {
  const started = performance.now();
  const app = ifNeeded ? distIsStale() : true;
  if (app) await buildIfNeeded({ force: true, log });
  if (!ifNeeded || serverIsStale()) {
    const server = await buildServer({ log });
    log(`relay: ${server.files.filter((f) => f.endsWith('.js')).join(', ')}; runtime packages: ${server.packages.join(', ')}`);
  } else if (!app) {
    log('app and relay are up to date (dist/, dist-server/)');
  }
  if (!ifNeeded) log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  console.log = consoleLog;
  console.info = info;
}
