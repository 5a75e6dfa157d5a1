/**
 * The hybrid logical clock of one user on one device, persisted so timestamps keep increasing across reloads
 * even if the wall clock goes back. Remote timestamps more than MAX_FORWARD_MS ahead of the wall clock are not
 * merged: one device with a wrong clock must not drag every other device's clock into the future.
 */
import { formatHlc, hlcMs, initialHlc, receive, tick, type HlcState } from '../domain/hlc.ts';

export const MAX_FORWARD_MS = 24 * 3600 * 1000;

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
