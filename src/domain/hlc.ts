/**
 * Hybrid logical clock.
 *
 * Contract: a timestamp is `<13-digit ms>:<4-digit counter>:<node>`, e.g. `1764345600000:0003:dev-a1`.
 * Plain string comparison orders timestamps causally: an event stamped after receiving another sorts after it,
 * and on one node timestamps strictly increase even when the wall clock stands still or goes back.
 * The wall clock is passed in on every call; this module never reads time itself.
 */
export interface HlcState {
  readonly ms: number;
  readonly counter: number;
  readonly node: string;
}

/** How far ahead of the relay's clock an event's time may be (device clocks drift; the app corrects by the relay's time). */
export const MAX_AHEAD_MS = 5 * 60_000;

export const HLC_PATTERN = /^\d{13}:\d{4}:[A-Za-z0-9_-]{1,40}$/;
const MAX_COUNTER = 9999;

export function formatHlc(s: HlcState): string {
  return `${String(s.ms).padStart(13, '0')}:${String(s.counter).padStart(4, '0')}:${s.node}`;
}

export function parseHlc(ts: string): HlcState | null {
  if (!HLC_PATTERN.test(ts)) return null;
  const [ms, counter, node] = ts.split(':') as [string, string, string];
  return { ms: Number(ms), counter: Number(counter), node };
}

/** Milliseconds part of a timestamp (its wall-clock time). */
export function hlcMs(ts: string): number {
  return Number(ts.slice(0, 13));
}

export function initialHlc(node: string): HlcState {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(node)) throw new Error('hlc: bad node id');
  return { ms: 0, counter: 0, node };
}

/** The next local timestamp. */
export function tick(state: HlcState, wallMs: number): HlcState {
  const wall = Math.floor(wallMs);
  if (wall > state.ms) return { ms: wall, counter: 0, node: state.node };
  return bump(state.ms, state.counter + 1, state.node);
}

/** Merge a remote timestamp into the local clock (on receiving events), so later local events sort after it. */
export function receive(state: HlcState, remote: string, wallMs: number): HlcState {
  const r = parseHlc(remote);
  if (!r) return state;
  const wall = Math.floor(wallMs);
  const ms = Math.max(wall, state.ms, r.ms);
  if (ms === wall && ms > state.ms && ms > r.ms) return { ms, counter: 0, node: state.node };
  let counter: number;
  if (ms === state.ms && ms === r.ms) counter = Math.max(state.counter, r.counter) + 1;
  else if (ms === state.ms) counter = state.counter + 1;
  else counter = r.counter + 1;
  return bump(ms, counter, state.node);
}

function bump(ms: number, counter: number, node: string): HlcState {
  // Counter overflow moves into the next millisecond: ordering is kept, and the drift is bounded by load.
  if (counter > MAX_COUNTER) return { ms: ms + 1, counter: 0, node };
  return { ms, counter, node };
}

/** A small stateful wrapper: one per device and user. */
export class HybridClock {
  private state: HlcState;
  constructor(node: string, private readonly wall: () => number) {
    this.state = initialHlc(node);
  }
  now(): string {
    this.state = tick(this.state, this.wall());
    return formatHlc(this.state);
  }
  observe(remote: string): void {
    this.state = receive(this.state, remote, this.wall());
  }
}
