// A closed socket leaves nothing behind in the relay's process: its token-expiry timer included (found by the soak,
// issue 16: the relay's heap grew by one Node timer list per reconnect, kept for the token's lifetime, 12 h).
// Node's timer lists are internal, so the relay runs in a child process with --expose-internals
// (tests/support/timer-lists.ts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './relay-harness.ts';

describe('timers of closed sockets', () => {
  it('sockets that open and close leave no timer list behind', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-internals', '--import', 'tsx', 'tests/support/timer-lists.ts'], { cwd: ROOT, env: process.env });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { sockets: number; before: number; open: number; after: number };
    console.log(`timer lists: ${r.before} before, ${r.open} with ${r.sockets} sockets open, ${r.after} after they closed`);
    // With a socket's timers in use the lists may grow (one per distinct duration); once closed, no more than a few
    // lists of fixed durations (the harness's waits) may remain over the start.
    expect(r.open).toBeGreaterThan(r.before);
    expect(r.after - r.before).toBeLessThanOrEqual(3);
  });
});
