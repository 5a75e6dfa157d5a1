/**
 * Waiting for a condition in tests. The ceiling is a safety net against a hang, never a speed assertion (speed is
 * shown by `npm run bench`): a test waits for the state it means, and a loaded CI machine (two cores shared with
 * another suite) may take many times longer than an idle one to get there. So one generous ceiling for every wait.
 */
export const WAIT_MS = 30_000;

/** Poll `f` every 10 ms until it is true; fail with `what` after `ms`. */
export async function until(f: () => unknown, what = 'condition', ms = WAIT_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
