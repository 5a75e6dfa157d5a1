/**
 * False on a component's first render, true from the render after the browser painted it (Preact runs effects after
 * the paint). For work a screen's first frame does not need (issue 17: 我的任务 folds the care docs for the 走访 tab's
 * count only after its default tab is on screen). `now`: true at once (the work is needed for the first frame).
 */
import { useEffect, useState } from 'preact/hooks';

export function useAfterPaint(now = false): boolean {
  const [painted, setPainted] = useState(now);
  useEffect(() => {
    if (!painted) setPainted(true);
  }, []);
  return painted || now;
}
