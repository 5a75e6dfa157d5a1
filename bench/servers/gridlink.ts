/**
 * The Gridlink relay as the benchmarks run it: `startServer` (server/app.ts, unchanged) in a process of its own,
 * on a prepared DATA_DIR, serving STATIC_DIR. Prints `listening <url>` on stdout.
 *
 * Bench-only hook (never part of the relay): when started with an IPC channel, it answers `{type:'metrics'}` with
 * this process's RSS, heap, CPU time and event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution),
 * and `{type:'reset'}` restarts the event-loop histogram; `extra` holds the relay's doc connections and the number
 * of docs it holds in memory (`Relay.loadedDocs`), and its commits of update bursts (`Relay.commitCount`). Nothing is exposed over HTTP.
 */
import { startServer } from '../../server/app.ts';
import { quietLogger } from '../../server/log.ts';
import { installMetricsHook } from './metrics.ts';

const env = process.env;
const server = await startServer({
  dataDir: env.DATA_DIR!,
  port: Number(env.PORT ?? 0),
  host: '127.0.0.1',
  demo: env.DEMO === '1',
  staticDir: env.STATIC_DIR!,
  jwtSecret: env.JWT_SECRET!,
  idleUnloadMs: Number(env.IDLE_UNLOAD_MS ?? 30_000),
  // Issue 16: the PostgreSQL store, shared by several of these processes (bench/figures/relay.ts, gridlink-pg2).
  ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
  log: quietLogger,
});
// `loadedDocs`: the docs in memory (the soak checks that idle docs are unloaded, bench/figures/soak.ts).
// `commits`, `writes`, `compactions`: the saturation phase's updates per commit, deliveries per socket write, and
// compactions during it (bench/figures/relay.ts).
let compactions = 0;
server.relay.events.on('compacted', () => compactions++);
installMetricsHook(() => ({
  connections: server.relay.connectionCount(),
  loadedDocs: server.relay.loadedDocs().length,
  commits: server.relay.commitCount(),
  writes: server.relay.writeCount(),
  compactions,
}));
process.stdout.write(`listening ${server.url}\n`);
const stop = () => void server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
