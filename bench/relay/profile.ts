/**
 * Summarise a V8 CPU profile of a relay process (`npm run bench -- --only=relay --profile`, bench/figures/relay.ts):
 *   node --import tsx bench/relay/profile.ts bench/out/profiles/gridlink-saturation.cpuprofile [--top=25]
 * Prints the functions with the most self time, and the samples by area: each sample is given to the deepest frame
 * of its stack that an area rule below names (so Yjs code called by the inspection counts as inspection only when
 * no deeper rule matches: `Yjs decodeUpdate` under `inspectUpdate` stays `Yjs decodeUpdate`). Native work shows
 * under its JS caller: a better-sqlite3 `run` under `Store.appendUpdate` is the commit, fsync included. The V8
 * sampler ticks in wall time, so a blocking fsync counts as time there although the CPU idles; `(idle)` is the
 * event loop waiting. zlib (permessage-deflate) runs on libuv's threads and is not in this profile at all.
 */
import { readFileSync } from 'node:fs';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Activities that own everything under them, whatever deeper rule matches (checked first, from the root). */
const OWNERS: Array<[string, (f: Frame) => boolean]> = [
  ['compaction (merge the doc, write the snapshot)', (f) => /server\/store\.ts$/.test(f.url) && f.functionName === 'compact'],
  ['bench: profiler, metrics hook', (f) => /bench\/servers\/metrics\.ts$/.test(f.url) || f.url.startsWith('node:inspector')],
];

/** Area rules, tried on every frame of a stack; the deepest frame that matches one names the sample's area. */
const AREAS: Array<[string, (f: Frame) => boolean]> = [
  ['ws: receive framing', (f) => /\/ws\/lib\/(receiver|buffer-util|validation)/.test(f.url)],
  ['ws: send framing', (f) => /\/ws\/lib\/sender/.test(f.url) || (/\/ws\/lib\/websocket/.test(f.url) && f.functionName === 'send')],
  ['ws: permessage-deflate (JS side)', (f) => /permessage-deflate/.test(f.url) || f.url === 'node:zlib'],
  ['node: socket write/read', (f) => /^node:(net|internal\/stream_base_commons|internal\/streams)/.test(f.url)],
  ['relay: message decode (lib0/y-protocols)', (f) => /server\/relay\.ts$/.test(f.url) && /^(handleMessage|onMessageIn)$/.test(f.functionName)],
  ['Yjs: decodeUpdate (for the inspection)', (f) => /yjs/.test(f.url) && /^(decodeUpdate|decodeUpdateV2)$/.test(f.functionName)],
  ['validation: inspectUpdate', (f) => /server\/validate\.ts$/.test(f.url)],
  ['validation: integrity (facts, fold)', (f) => /server\/integrity\.ts$/.test(f.url)],
  ['receipts: make + encode', (f) => (/server\/relay\.ts$/.test(f.url) && /^(receiptUpdate|encodeAppendFrom)$/.test(f.functionName)) || /src\/domain\/receipts\.ts$/.test(f.url)],
  ['Yjs: mergeUpdates', (f) => /yjs/.test(f.url) && /^mergeUpdates/.test(f.functionName)],
  ['SQLite: appendUpdate (commit, fsync)', (f) => /server\/store\.ts$/.test(f.url) && /^(appendUpdate|appendUpdates)$/.test(f.functionName)],
  ['commit marker', (f) => /server\/storecheck\.ts$/.test(f.url)],
  ['Yjs: applyUpdate', (f) => /yjs/.test(f.url) && /^(applyUpdate|applyUpdateV2|readUpdateV2)$/.test(f.functionName)],
  ['ACK: state vector', (f) => (/server\/relay\.ts$/.test(f.url) && f.functionName === 'ackMessage') || (/yjs/.test(f.url) && /^encodeStateVector/.test(f.functionName))],
  ['broadcast: encode + send loop', (f) => /server\/relay\.ts$/.test(f.url) && /^(broadcast|broadcastUpdate|syncUpdateMessage|send|sendRaw|charge)$/.test(f.functionName)],
  ['after commit: facts.accepted, listeners', (f) => (/server\/relay\.ts$/.test(f.url) && f.functionName === 'onDocChanged') || (/server\/integrity\.ts$/.test(f.url) && f.functionName === 'accepted') || /server\/(app|progress)\.ts$/.test(f.url)],
  ['contacts, budgets', (f) => /server\/(contacts|ratelimit)\.ts$/.test(f.url)],
  ['GC', (f) => f.functionName === '(garbage collector)'],
  ['(idle)', (f) => f.functionName === '(idle)'],
  ['(program: native, not attributed)', (f) => f.functionName === '(program)'],
];

function short(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const m = /\/(server|src|bench)\/.*$/.exec(url);
  return m ? m[0].slice(1) : url.replace(/^file:\/\//, '');
}

export function summarise(p: Profile, top = 25): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idleId = p.nodes.find((n) => n.callFrame.functionName === '(idle)')?.id;
  const busy = total - (idleId !== undefined ? (self.get(idleId) ?? 0) : 0);
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms`;

  const fnSelf = new Map<string, number>();
  const area = new Map<string, number>();
  const areaMemo = new Map<number, string>();
  const areaOf = (id: number): string => {
    const hit = areaMemo.get(id);
    if (hit) return hit;
    let label: string | null = null;
    const stack: Frame[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur)!.callFrame);
    for (const f of stack.reverse()) {
      label = OWNERS.find(([, test]) => test(f))?.[0] ?? null;
      if (label) break;
    }
    for (let cur: number | undefined = id; cur !== undefined && label === null; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      label = AREAS.find(([, test]) => test(f))?.[0] ?? null;
    }
    const leaf = byId.get(id)!.callFrame;
    const out = label ?? `other: ${short(leaf.url).split('/')[0] || leaf.functionName}`;
    areaMemo.set(id, out);
    return out;
  };
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${short(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
    const a = areaOf(id);
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const lines = [`profile: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s not idle (percentages are of the latter)`, '', 'self time by function:'];
  for (const [k, us] of [...fnSelf].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${ms(us)} ${pct(us)}  ${k}`);
  lines.push('', 'by area (deepest matching frame):');
  for (const [k, us] of [...area].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1])) lines.push(`  ${ms(us)} ${pct(us)}  ${k}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: bench/relay/profile.ts <file.cpuprofile> [--top=N]');
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, top));
}
