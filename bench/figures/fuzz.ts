/**
 * Issue 16, section 4, the long run: the relay fuzzer of `tests/integration/relay-fuzz.test.ts`
 * (tests/support/relay-fuzz.ts, one copy) against a relay on port 0 in this process, for minutes instead of 18 s.
 * Reported: frames sent, updates refused (by code in the note), the relay's crashes and internal errors (budget 0),
 * broken rules (a refused update stored, a 5xx or a non-JSON error, an honest device not saved; budget 0), heap
 * growth after a full GC and the RSS slope after the warm-up (MB/min), and the honest devices' ACK p99. No
 * reference: the budgets are absolute. The seed is in every note (`--fuzz-seed=<n>` replays the frames).
 */
import { startTestServer } from '../../tests/integration/relay-harness.ts';
import { countingLogger, fuzzRelay, summarize } from '../../tests/support/relay-fuzz.ts';
import { figure, type Result } from '../lib/results.ts';

export async function fuzzFigure(opts: { seconds: number; seed: number; log: (m: string) => void }): Promise<Result[]> {
  const relayLog = countingLogger();
  const server = await startTestServer({ log: relayLog });
  try {
    opts.log(`fuzz: seed ${opts.seed}, ${opts.seconds} s`);
    const rep = await fuzzRelay(server, { seed: opts.seed, durationMs: opts.seconds * 1000, warmupMs: Math.min(30_000, opts.seconds * 250), log: opts.log });
    opts.log(`fuzz: ${summarize(rep)}`);
    for (const v of rep.violations.slice(0, 10)) opts.log(`fuzz violation: ${v}`);
    for (const e of relayLog.errors.slice(0, 10)) opts.log(`fuzz relay error: ${e}`);
    const seed = `seed ${rep.seed}, ${rep.seconds.toFixed(0)} s`;
    const frames = rep.frames.single + rep.frames.mux;
    return [
      figure({
        name: 'fuzz: websocket frames sent',
        value: frames,
        unit: 'frames',
        note: `${seed}: ${rep.frames.single} single-doc, ${rep.frames.mux} multiplexed, ${rep.frames.mutated} mutated; sockets opened ${rep.sockets.opened}, upgrades refused ${JSON.stringify(rep.sockets.upgradeRefused)}, closed ${JSON.stringify(rep.sockets.closed)}; channels opened ${rep.channels.opened}, rejected ${JSON.stringify(rep.channels.rejected)}, closed ${JSON.stringify(rep.channels.closed)}`,
      }),
      figure({
        name: 'fuzz: updates refused',
        value: rep.updates.refused,
        unit: 'updates',
        note: `${seed}: by code ${JSON.stringify(rep.refusedByCode)}; ${rep.updates.accepted} accepted, ${rep.updates.noop} already known`,
      }),
      figure({ name: 'fuzz: HTTP requests', value: rep.http.requests, unit: 'requests', note: `${seed}: by status ${JSON.stringify(rep.http.byStatus)}, ${rep.http.resets} reset` }),
      figure({ name: 'fuzz: relay crashes and internal errors', value: relayLog.errors.length, unit: 'errors', budget: '<= 0', note: `${seed}${relayLog.errors[0] ? `: first ${relayLog.errors[0].slice(0, 200)}` : ''}` }),
      figure({
        name: 'fuzz: broken rules (refused bytes stored, 5xx, non-JSON errors, honest devices not saved)',
        value: rep.violations.length,
        unit: 'violations',
        budget: '<= 0',
        note: `${seed}${rep.violations[0] ? `: first ${rep.violations[0].slice(0, 200)}` : ''}`,
      }),
      figure({
        name: 'fuzz: heap growth after GC, warm-up to end',
        value: rep.memory.gc ? rep.memory.endHeapMb - rep.memory.warmHeapMb : null,
        unit: 'MB',
        budget: '<= 32',
        note: `${seed}: ${rep.memory.warmHeapMb.toFixed(1)} -> ${rep.memory.endHeapMb.toFixed(1)} MB (the relay and the fuzzer share the process; accepted updates stay in the docs)`,
      }),
      figure({
        name: 'fuzz: RSS slope after warm-up',
        value: rep.memory.rssSlopeMbPerMin,
        unit: 'MB/min',
        budget: '<= 10',
        note: `${seed}: least squares over ${rep.memory.samples.length} samples a second; RSS ${rep.memory.warmRssMb.toFixed(0)} -> ${rep.memory.endRssMb.toFixed(0)} MB`,
      }),
      figure({ name: 'fuzz: honest device ACK p99 under fuzzing', value: rep.honest.ackP99Ms, unit: 'ms', note: `${seed}: ${rep.honest.events} reports, p50 ${rep.honest.ackP50Ms.toFixed(0)} ms` }),
    ];
  } finally {
    await server.stop();
  }
}
