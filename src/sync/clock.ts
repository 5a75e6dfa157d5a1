/**
 * The hybrid logical clock of one user on one device, persisted so timestamps keep increasing across reloads
 * even if the wall clock goes back. Its wall clock is the relay's as last measured (the engine passes the device
 * clock plus the measured offset), because the relay refuses events stamped more than MAX_AHEAD_MS after its own
 * time (src/domain/receipts.ts). Remote timestamps beyond that are not merged: one device with a wrong clock must
 * not drag every other device's clock into the future. When a fresh measurement of the relay's time shows the
 * state beyond that bound (stamped by a clock set ahead), `rebase` drops it: events stamped from it would all be
 * refused. Without a measurement, a wall clock going back never takes the timestamps back.
 */
import { formatHlc, hlcMs, initialHlc, MAX_AHEAD_MS, receive, tick, type HlcState } from '../domain/hlc.ts';

export const MAX_FORWARD_MS = MAX_AHEAD_MS;

export class PersistentClock {
  private state: HlcState;
  constructor(
    node: string,
    saved: HlcState | undefined,
    private readonly wall: () => number,
    private readonly save: (s: HlcState) => void,
  ) {
    this.state = saved && saved.node === node && Number.isFinite(saved.ms) && Number.isFinite(saved.counter) ? saved : initialHlc(node);
  }

  /** After the wall clock was corrected by a fresh measurement: forget a state too far ahead of it (see the header). */
  rebase(): void {
    if (this.state.ms > this.wall() + MAX_FORWARD_MS) this.state = initialHlc(this.state.node);
  }

  now(): string {
    this.state = tick(this.state, this.wall());
    this.save(this.state);
    return formatHlc(this.state);
  }

  observe(remote: string): void {
    if (!remote) return;
    const wall = this.wall();
    if (hlcMs(remote) > wall + MAX_FORWARD_MS) return;
    const next = receive(this.state, remote, wall);
    if (next !== this.state) {
      this.state = next;
      this.save(next);
    }
  }

  get current(): HlcState {
    return this.state;
  }
}

export function isHlcState(v: unknown): v is HlcState {
  const s = v as Partial<HlcState> | null;
  return typeof s === 'object' && s !== null && typeof s.ms === 'number' && typeof s.counter === 'number' && typeof s.node === 'string';
}
