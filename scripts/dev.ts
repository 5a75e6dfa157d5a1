/**
 * `npm run dev`: the relay (API + sync) on port 8787 with DATA_DIR ./data and the demo county, then the Vite
 * dev server with hot reload, proxying /api, /sync (websocket), /healthz and /blobs to the relay
 * (vite.config.ts `server.proxy`, target from GRIDLINK_RELAY). Ctrl-C stops both.
 *
 * Environment: DATA_DIR (default ./data), RELAY_PORT (default 8787), HOST / PORT for Vite (default 127.0.0.1:5173),
 * DEMO_PASSWORD (default demo).
 */
import { resolve } from 'node:path';
import { createServer } from 'vite';
import { startServer } from '../server/app.ts';

const ROOT = resolve(import.meta.dirname, '..');
const relayPort = Number(process.env.RELAY_PORT ?? 8787);
const dataDir = resolve(ROOT, process.env.DATA_DIR ?? 'data');
const host = process.env.HOST ?? '127.0.0.1';

const relay = await startServer({
  dataDir,
  port: relayPort,
  host: '127.0.0.1',
  demo: true,
  // The relay serves no app files in development: Vite does.
  staticDir: resolve(ROOT, '.no-static-in-dev'),
  ...(process.env.DEMO_PASSWORD ? { demoPassword: process.env.DEMO_PASSWORD } : {}),
});
process.env.GRIDLINK_RELAY = relay.url;
console.log(`relay on ${relay.url} (data in ${dataDir})`);

const vite = await createServer({
  root: ROOT,
  configFile: resolve(ROOT, 'vite.config.ts'),
  server: { host, port: Number(process.env.PORT ?? 5173), strictPort: false },
});
await vite.listen();
vite.printUrls();

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) process.exit(1);
  stopping = true;
  await Promise.allSettled([vite.close(), relay.close()]);
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
