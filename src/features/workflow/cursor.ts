/**
 * Keyboard cursor over a windowed list (VirtualList): `move(+1)` focuses the next row's first link or button,
 * scrolling it into view. A row that is not rendered yet (far from the viewport) is reached by scrolling towards
 * it frame by frame until the list renders it. The cursor follows focus, so Tab and clicks move it too.
 */
import { useRef } from 'preact/hooks';

export interface ListCursor {
  /** Index of the row that has (or last had) focus, -1 before any. */
  active(): number;
  move(delta: number): void;
  focusIndex(i: number): void;
  /** Put on the list's container: keeps the cursor on the focused row. */
  onFocusIn(e: FocusEvent): void;
}

const MAX_FRAMES = 30;

export function useListCursor(container: { current: HTMLElement | null }, count: number): ListCursor {
  const st = useRef({ active: -1, token: 0 });
  const s = st.current;
  const itemAt = (i: number) => container.current?.querySelector<HTMLElement>(`li[data-index="${i}"]`) ?? null;
  const target = (li: HTMLElement) => li.querySelector<HTMLElement>('a[href], button:not([disabled])') ?? li;

  const focusIndex = (i: number) => {
    if (count <= 0) return;
    const want = Math.max(0, Math.min(count - 1, i));
    const token = ++s.token;
    let frames = 0;
    const attempt = () => {
      if (token !== s.token) return;
      const li = itemAt(want);
      if (li) {
        s.active = want;
        const el = target(li);
        el.focus({ preventScroll: true });
        li.scrollIntoView?.({ block: 'nearest' });
        return;
      }
      // Not rendered: scroll to the rendered row nearest to it and let the list render more.
      const rendered = Array.from(container.current?.querySelectorAll<HTMLElement>('li[data-index]') ?? []);
      if (!rendered.length || ++frames > MAX_FRAMES) return;
      const nearest = want < Number(rendered[0]!.dataset.index) ? rendered[0]! : rendered[rendered.length - 1]!;
      nearest.scrollIntoView?.({ block: want < Number(nearest.dataset.index) ? 'start' : 'end' });
      requestAnimationFrame(attempt);
    };
    attempt();
  };

  return {
    active: () => s.active,
    move: (delta) => focusIndex(s.active < 0 ? (delta > 0 ? 0 : count - 1) : s.active + delta),
    focusIndex,
    onFocusIn: (e) => {
      const li = (e.target as HTMLElement | null)?.closest?.('li[data-index]') as HTMLElement | null;
      if (li && container.current?.contains(li)) s.active = Number(li.dataset.index);
    },
  };
}
