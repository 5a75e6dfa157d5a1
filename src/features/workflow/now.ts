/**
 * The time for deadline displays. The domain never reads a clock (deadlineOf takes `now`); screens read the
 * session's clock (`session.now()`, so tests and the relay agree on it) and re-render every 30 s while shown.
 */
import { useEffect, useState } from 'preact/hooks';

const TICK_MS = 30_000;

export function useNow(read: () => number): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => clearInterval(id);
  }, []);
  return read();
}
