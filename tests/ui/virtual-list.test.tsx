/**
 * VirtualList's first paint (issue 17, 我的任务 at 4x CPU): no row is measured (no getBoundingClientRect, no forced
 * layout) before the first frame is painted, and the first render holds one viewport of rows at the estimate; after
 * the frame the rows are measured and the window grows by its overscan. A list laid out again from a caller's
 * height cache (a restored scroll position) measures at once, as before. happy-dom lays nothing out, so heights come
 * from a stub of getBoundingClientRect that also counts the calls.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VirtualList } from '../../src/ui/VirtualList.tsx';
import { mount, waitFor, type Mounted } from './helpers.ts';

const ROW = 50;
const ESTIMATE = 100;

describe('VirtualList first paint', () => {
  let m: Mounted | undefined;
  let calls = 0;
  beforeEach(() => {
    calls = 0;
    vi.spyOn(window, 'innerHeight', 'get').mockReturnValue(700);
    // A row is ROW px high; the list's top is at the viewport's top.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      calls++;
      const h = this.tagName === 'LI' ? ROW : 0;
      return { top: 0, bottom: h, left: 0, right: 360, width: 360, height: h, x: 0, y: 0, toJSON: () => ({}) } as DOMRect;
    });
  });
  afterEach(() => {
    m?.unmount();
    m = undefined;
    vi.restoreAllMocks();
  });

  const list = (count: number, heightCache?: { heights: Float64Array }) => (
    <VirtualList count={count} estimate={ESTIMATE} label="rows" itemKey={(i) => i} renderItem={(i) => <span class="row">row {i}</span>} {...(heightCache ? { heightCache } : {})} />
  );

  it('renders one viewport of rows at the estimate without measuring, then measures after the frame and adds the overscan', async () => {
    const root = document.createElement('div');
    document.body.appendChild(root);
    const { render } = await import('preact');
    render(list(200), root);
    // Synchronously after the first render (what the first frame paints): 700 / 100 = 7 rows, nothing measured.
    expect(root.querySelectorAll('li').length).toBe(7);
    expect(calls).toBe(0);
    expect(root.querySelector('li')!.getAttribute('aria-setsize')).toBe('200');
    // The space of the other 193 rows at the estimate, so the scroll height is right from the first frame.
    expect((root.querySelector('ul') as HTMLElement).style.paddingBottom).toBe(`${193 * ESTIMATE}px`);
    m = { root, unmount: () => (render(null, root), root.remove()) };
    // After the frame: measured (50 px rows), the window is the viewport plus the 600 px overscan: 1300 / 50 = 26 rows.
    await waitFor(() => calls > 0, 'measuring after the first frame');
    await waitFor(() => root.querySelectorAll('li').length === 27, 'the overscan rows');
    const padding = Number.parseFloat((root.querySelector('ul') as HTMLElement).style.paddingBottom);
    expect(padding).toBe((200 - 27) * ROW);
  });

  it('a list shown again from its remembered heights measures and lays out at once', async () => {
    const heights = new Float64Array(200).fill(ROW);
    const root = document.createElement('div');
    document.body.appendChild(root);
    const { render } = await import('preact');
    render(list(200, { heights }), root);
    m = { root, unmount: () => (render(null, root), root.remove()) };
    // Synchronously: measured in the first render's layout effect, and the overscan rows are there (1300 / 50 + 1).
    expect(calls).toBeGreaterThan(0);
    await waitFor(() => root.querySelectorAll('li').length === 27, 'the rows of the remembered layout');
  });

  it('a short list renders every row and measures after the frame', async () => {
    m = await mount(list(3));
    await waitFor(() => calls > 0, 'measuring');
    expect(m.root.querySelectorAll('li').length).toBe(3);
    expect((m.root.querySelector('ul') as HTMLElement).style.paddingBottom).toBe('0px');
  });
});
