/** Child processes of the benchmarks: servers under test (with the IPC metrics hook) and load generators. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ROOT } from './build.ts';
import type { ProcessMetrics } from '../servers/metrics.ts';

export interface ServerProc {
  url: string;
  port: number;
  child: ChildProcess;
  metrics(): Promise<ProcessMetrics>;
  resetEventLoop(): Promise<void>;
  gc(): Promise<void>;
  /** Start a CPU profile in the server process (bench/servers/metrics.ts); `profileStop` writes it to `file`. */
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

let nextId = 1;
function ask<T>(child: ChildProcess, type: string, reply: string, pick: (m: Record<string, unknown>) => T, extra: Record<string, unknown> = {}): Promise<T> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMsg);
      reject(new Error(`no ${reply} from pid ${child.pid}`));
    }, 30_000);
    const onMsg = (m: Record<string, unknown>) => {
      if (m?.type !== reply || m.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMsg);
      resolve(pick(m));
    };
    child.on('message', onMsg);
    child.send({ ...extra, type, id });
  });
}

/**
 * Node flags the Gridlink relay runs with in production (package.json `serve`, README "Production",
 * docs/deployment.md): the benchmarks start bench/servers/gridlink.ts with them too. A 4 MB young generation per
 * semi-space (V8's default grows to 16 MB while docs load and keeps it: about 30 MB of RSS holding nothing).
 */
export const RELAY_NODE_ARGS: readonly string[] = ['--max-semi-space-size=4'];

/** Start `node --import tsx <script>` and wait for its `listening <url>` line. */
export async function startServerProc(script: string, env: Record<string, string>, opts: { nodeArgs?: string[]; name?: string } = {}): Promise<ServerProc> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${opts.name ?? script} did not start: ${stderr}`)), 180_000);
    rl.on('line', (line) => {
      const m = /^listening (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name ?? script} exited with ${code}: ${stderr}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    port: Number(new URL(url).port),
    child,
    metrics: () => ask(child, 'metrics', 'metrics', (m) => m.metrics as ProcessMetrics),
    resetEventLoop: () => ask(child, 'reset', 'reset-done', () => undefined),
    gc: () => ask(child, 'gc', 'gc-done', () => undefined),
    profileStart: () => ask(child, 'profile-start', 'profile-started', () => undefined),
    profileStop: async (file) => {
      const error = await ask(child, 'profile-stop', 'profile-stopped', (m) => m.error, { file });
      if (error) throw new Error(`profile: ${String(error)}`);
    },
    stop: () => stopChild(child),
  };
}

export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** RSS of a process from /proc (bytes), or null. */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A TCP port free right now (for peers that cannot report the port they bound). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
