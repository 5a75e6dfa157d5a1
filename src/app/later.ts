/**
 * Work that must happen soon but not during the first screen: run `f` once the browser is idle after it, and at
 * the latest `maxWaitMs` later (requestIdleCallback's timeout; a plain timer where there is none). Returns a
 * cancel function. The first screen's own tasks stay short this way (what a slow phone feels as a frozen screen,
 * and what Lighthouse's Total Blocking Time counts).
 */
export function afterFirstScreen(f: () => void, maxWaitMs: number): () => void {
  const g = globalThis as { requestIdleCallback?: (cb: () => void, o: { timeout: number }) => number; cancelIdleCallback?: (id: number) => void };
  if (typeof g.requestIdleCallback === 'function' && typeof g.cancelIdleCallback === 'function') {
    const id = g.requestIdleCallback(f, { timeout: maxWaitMs });
    return () => g.cancelIdleCallback!(id);
  }
  const timer = setTimeout(f, Math.min(maxWaitMs, 1000));
  return () => clearTimeout(timer);
}
