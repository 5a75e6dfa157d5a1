/** The bench-only metrics hook of a relay process under test (see gridlink.ts): answered over IPC only. */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProcessMetrics {
  rss: number;
  heapUsed: number;
  /** V8 heap committed, and memory outside it that V8 knows of (buffers): where RSS goes beyond the live heap. */
  heapTotal?: number;
  external?: number;
  arrayBuffers?: number;
  /** User + system CPU time of this process, ms. */
  cpuMs: number;
  eldP50: number;
  eldP99: number;
  eldMax: number;
  extra: Record<string, number>;
}

function heapParts(): Required<Pick<ProcessMetrics, 'heapUsed' | 'heapTotal' | 'external' | 'arrayBuffers'>> {
  const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, heapTotal, external, arrayBuffers };
}

export function installMetricsHook(extra: () => Record<string, number> = () => ({})): void {
  if (!process.send) return;
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  let profiler: Session | null = null;
  process.on('message', (msg: { type?: string; id?: number }) => {
    if (msg?.type === 'reset') {
      eld.reset();
      process.send!({ type: 'reset-done', id: msg.id });
    } else if (msg?.type === 'metrics') {
      const cpu = process.cpuUsage();
      const m: ProcessMetrics = {
        rss: process.memoryUsage.rss(),
        ...heapParts(),
        cpuMs: (cpu.user + cpu.system) / 1000,
        eldP50: eld.percentile(50) / 1e6,
        eldP99: eld.percentile(99) / 1e6,
        eldMax: eld.max / 1e6,
        extra: extra(),
      };
      process.send!({ type: 'metrics', id: msg.id, metrics: m });
    } else if (msg?.type === 'profile-start') {
      // `npm run bench -- --only=relay --profile`: a V8 CPU profile of one phase (bench/figures/relay.ts), through
      // the inspector of this process, so the file holds that phase only (not start-up, connects or the storm).
      profiler ??= new Session();
      profiler.connect();
      profiler.post('Profiler.enable', () => profiler!.post('Profiler.setSamplingInterval', { interval: 500 }, () => profiler!.post('Profiler.start', () => process.send!({ type: 'profile-started', id: msg.id }))));
    } else if (msg?.type === 'profile-stop' && profiler) {
      const file = (msg as { file?: string }).file!;
      profiler.post('Profiler.stop', (err, res) => {
        if (!err) writeFileSync(file, JSON.stringify(res.profile));
        profiler!.disconnect();
        process.send!({ type: 'profile-stopped', id: msg.id, error: err ? String(err) : undefined });
      });
    } else if (msg?.type === 'gc' && typeof globalThis.gc === 'function') {
      globalThis.gc();
      process.send!({ type: 'gc-done', id: msg.id });
    }
  });
}
