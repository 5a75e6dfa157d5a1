/**
 * A windowed list: only the rows near the viewport are in the DOM, so thousands of rows scroll smoothly on a
 * cheap phone. It scrolls with the page (no inner scroll box: natural on phones, fine at 200% text).
 *
 * Rows may have any height and may wrap: each rendered row is measured, unmeasured rows are estimated by the
 * average measured height, and the space of the rows not rendered is kept as padding on the <ul>.
 * The first paint measures nothing (issue 17: forced layouts of a fresh screen cost a cheap phone tens of ms): the
 * first render lays out one viewport of rows at the estimate, with no overscan and no getBoundingClientRect; right
 * after that frame is painted the rows are measured and the window grows by its overscan. A list laid out again from
 * a caller's `heightCache` (returning to it, scroll position restored) measures at once, as before. A row that
 * holds keyboard focus stays rendered while it is near the viewport, so Tab never drops focus onto <body>.
 * Items carry aria-setsize / aria-posinset, so assistive technology announces "row 7 of 2,000".
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface VirtualListProps {
  count: number;
  /** Expected height of one row in px before any row is measured. */
  estimate: number;
  itemKey(index: number): string | number;
  renderItem(index: number): ComponentChildren;
  /** Told the rendered range [start, end) whenever it changes (load the data for it). */
  onRange?(start: number, end: number): void;
  /** Called after rows were rendered and measured (the DOM is up to date). */
  onRendered?(start: number, end: number): void;
  /** Extra pixels rendered above and below the viewport. */
  overscanPx?: number;
  /** When this changes, measurements are dropped and the list scrolls back to its top. */
  resetKey?: unknown;
  /**
   * Measured row heights, kept by the caller across mounts: a list shown again lays out exactly as it was
   * (so a remembered scroll position lands on the same rows).
   */
  heightCache?: { heights: Float64Array };
  label: string;
  class?: string;
}

interface Store {
  heights: Float64Array;
  offsets: Float64Array;
  resetKey: unknown;
  focused: number;
  initialised: boolean;
  /** False until the first frame is painted: no measuring (no forced layout) before it. */
  painted: boolean;
}

const KEEP_FOCUSED_WITHIN = 100;

/** Largest i with offsets[i] <= y (offsets is non-decreasing, offsets[0] = 0). */
function indexAt(offsets: Float64Array, count: number, y: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.min(lo, Math.max(0, count - 1));
}

export function VirtualList(p: VirtualListProps) {
  const ulRef = useRef<HTMLUListElement>(null);
  const store = useRef<Store>({
    heights: p.heightCache?.heights.length === p.count ? p.heightCache.heights : new Float64Array(0),
    offsets: new Float64Array(1),
    resetKey: p.resetKey,
    focused: -1,
    initialised: false,
    // A list laid out from remembered heights (a restored scroll position) measures and places itself at once.
    painted: Boolean(p.heightCache && p.heightCache.heights.length === p.count && p.count > 0),
  });
  const s = store.current;
  const overscan = p.overscanPx ?? 600;
  const viewport = () => (typeof window === 'undefined' ? 800 : window.innerHeight || 800);
  // First paint: one viewport of rows (the list cannot start above the viewport's top, so they cover it whatever
  // its offset); the overscan comes after the frame. A restored list starts with its overscan, as before.
  const [range, setRange] = useState(() => ({ start: 0, end: Math.min(p.count, Math.ceil((viewport() + (s.painted ? overscan : 0)) / p.estimate)) }));
  const [, setMeasureTick] = useState(0);

  // Keep the height store in step with the row count; a reset forgets every measurement.
  const reset = s.resetKey !== p.resetKey;
  if (reset || s.heights.length !== p.count) {
    const next = new Float64Array(p.count);
    if (!reset) next.set(s.heights.subarray(0, Math.min(p.count, s.heights.length)));
    s.heights = next;
    s.resetKey = p.resetKey;
    if (reset) s.focused = -1;
  }
  if (p.heightCache) p.heightCache.heights = s.heights;
  let sum = 0;
  let measured = 0;
  for (let i = 0; i < p.count; i++) {
    const h = s.heights[i]!;
    if (h > 0) {
      sum += h;
      measured++;
    }
  }
  const est = measured ? sum / measured : p.estimate;
  if (s.offsets.length !== p.count + 1) s.offsets = new Float64Array(p.count + 1);
  for (let i = 0; i < p.count; i++) s.offsets[i + 1] = s.offsets[i]! + (s.heights[i]! > 0 ? s.heights[i]! : est);
  const total = s.offsets[p.count]!;

  const compute = (): { start: number; end: number } => {
    const ul = ulRef.current;
    if (!ul || p.count === 0) return { start: 0, end: 0 };
    const top = ul.getBoundingClientRect().top;
    const viewTop = Math.max(0, -top - overscan);
    const viewBottom = Math.max(0, -top + viewport() + overscan);
    let start = indexAt(s.offsets, p.count, viewTop);
    let end = Math.min(p.count, indexAt(s.offsets, p.count, viewBottom) + 1);
    const f = s.focused;
    if (f >= 0 && f < p.count) {
      if (f < start && start - f <= KEEP_FOCUSED_WITHIN) start = f;
      if (f >= end && f - end < KEEP_FOCUSED_WITHIN) end = f + 1;
    }
    return { start, end };
  };

  const update = () => {
    const r = compute();
    setRange((old) => (old.start === r.start && old.end === r.end ? old : r));
  };
  const updateRef = useRef(update);
  updateRef.current = update;

  // Scroll and resize: recompute the range at most once per frame.
  useEffect(() => {
    let frame = 0;
    const onScroll = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        updateRef.current();
      });
    };
    const onResize = () => {
      // Widths changed: rows may wrap differently; measure again.
      setMeasureTick((n) => n + 1);
      onScroll();
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onResize);
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);

  // After the first frame is painted: measure (the layout effect below) and fill the window with its overscan.
  useEffect(() => {
    if (s.painted) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      // rAF runs before the frame's paint; the task after it runs after the paint.
      timer = setTimeout(() => {
        s.painted = true;
        setMeasureTick((n) => n + 1);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);

  // A reset (new filter) goes back to the top of the list if the page is scrolled past it.
  useLayoutEffect(() => {
    if (!s.initialised) {
      s.initialised = true;
      return;
    }
    const ul = ulRef.current;
    if (ul) {
      const top = ul.getBoundingClientRect().top;
      if (top < 0) window.scrollTo({ top: window.scrollY + top - 16 });
    }
    update();
  }, [p.resetKey]);

  // After every render once the first frame is painted: measure the rendered rows; if a height changed, lay out again.
  useLayoutEffect(() => {
    const ul = ulRef.current;
    if (!ul || !s.painted) return;
    let changed = false;
    for (const child of Array.from(ul.children) as HTMLElement[]) {
      const i = Number(child.dataset.index);
      if (!(i >= 0 && i < p.count)) continue;
      const h = child.getBoundingClientRect().height;
      if (h > 0 && Math.abs(h - s.heights[i]!) >= 0.5) {
        s.heights[i] = h;
        changed = true;
      }
    }
    if (changed) setMeasureTick((n) => n + 1);
    else update();
  });

  const start = Math.min(range.start, p.count);
  const end = Math.min(Math.max(range.end, start), p.count);

  useEffect(() => {
    p.onRange?.(start, end);
  }, [start, end, p.count, p.resetKey]);

  useEffect(() => {
    p.onRendered?.(start, end);
  });

  const items: ComponentChildren[] = [];
  for (let i = start; i < end; i++) {
    items.push(
      <li key={p.itemKey(i)} data-index={i} aria-setsize={p.count} aria-posinset={i + 1}>
        {p.renderItem(i)}
      </li>,
    );
  }

  const indexOf = (e: Event): number => {
    const li = (e.target as HTMLElement | null)?.closest?.('li[data-index]') as HTMLElement | null;
    return li ? Number(li.dataset.index) : -1;
  };

  return (
    <ul
      ref={ulRef}
      class={p.class ? `vlist ${p.class}` : 'vlist'}
      aria-label={p.label}
      style={{ paddingTop: `${s.offsets[start] ?? 0}px`, paddingBottom: `${Math.max(0, total - (s.offsets[end] ?? total))}px` }}
      onFocusIn={(e) => {
        s.focused = indexOf(e);
      }}
      onFocusOut={(e) => {
        const to = (e as FocusEvent).relatedTarget as Node | null;
        if (!to || !ulRef.current?.contains(to)) s.focused = -1;
      }}
    >
      {items}
    </ul>
  );
}
