/**
 * Full photos in a modal dialog (loaded on first use: its own chunk, never in the initial JS).
 *
 * Contract:
 *  - One thumb: swipe sideways to the previous/next photo; pinch to zoom (1x..MAX_SCALE) and drag to pan while
 *    zoomed; double-tap zooms in at the tapped point, or back out. Pointer events (touch, pen and mouse alike).
 *    A mouse wheel zooms at the cursor.
 *  - Keyboard: ←/→ photos, + / - zoom, 0 back to fit, Escape closes. Every key pressed inside stays inside (the work
 *    screens' single-key shortcuts — a = 受理 — never act behind the dialog). Tab cycles within the dialog; on close,
 *    focus returns to what had it before (the tile that opened it).
 *  - Shows the counter "2/5", and the photo's thumbnail upscaled until the full photo has arrived; the full photo
 *    of the next one is fetched ahead only on a fast link (on 2G each full photo loads only when shown).
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/show.zh.ts';
import type { Session } from '../../app/services.ts';
import type { PhotoRef } from '../../domain/evidence.ts';
import { ShowIcon, unavailableText } from './Thumb.tsx';
import { slowLink, useBlobUrl } from './useBlob.ts';
import './show.css';

export const MAX_SCALE = 4;
const DOUBLE_TAP_SCALE = 2.5;
const DOUBLE_TAP_MS = 320;
const SWIPE_PX = 50;
const TAP_SLOP_PX = 12;

export interface PhotoViewerProps {
  session: Session;
  photos: PhotoRef[];
  start: number;
  /** The dialog's name (照片查看 / 整改照片查看). */
  label: string;
  onClose(): void;
}

interface View {
  s: number;
  x: number;
  y: number;
}
const FIT: View = { s: 1, x: 0, y: 0 };

type Gesture =
  | { kind: 'swipe'; x0: number; y0: number }
  | { kind: 'pan'; x0: number; y0: number; v0: View }
  | { kind: 'pinch'; d0: number; m0: { x: number; y: number }; v0: View };

const FOCUSABLE = 'button:not([disabled]), [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

export function PhotoViewer({ session, photos, start, label, onClose }: PhotoViewerProps) {
  const n = photos.length;
  const [index, setIndex] = useState(Math.min(Math.max(start, 0), n - 1));
  const [view, setViewState] = useState<View>(FIT);
  const [drag, setDrag] = useState(0);
  const viewRef = useRef(view);
  const dialog = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<Gesture | null>(null);
  const lastTap = useRef<{ ms: number; x: number; y: number } | null>(null);

  const photo = photos[index]!;
  const full = useBlobUrl(session, photo.full);
  const thumb = useBlobUrl(session, photo.thumb);
  const ahead = !slowLink() && n > 1 ? photos[(index + 1) % n] : undefined;

  // Opened: focus inside, the page behind does not scroll. Closed: focus back where it was.
  useLayoutEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const root = document.documentElement;
    const overflow = root.style.overflow;
    root.style.overflow = 'hidden';
    closeButton.current?.focus();
    // Focus never leaves while it is open (a click elsewhere, a screen reader's own cursor): back to the close button.
    const keep = (e: FocusEvent) => {
      if (dialog.current && !dialog.current.contains(e.target as Node)) closeButton.current?.focus();
    };
    document.addEventListener('focusin', keep);
    return () => {
      document.removeEventListener('focusin', keep);
      root.style.overflow = overflow;
      if (before && before.isConnected) before.focus();
    };
  }, []);

  /** The stage's half size (the image fills it, object-fit: contain): how far a zoomed image may move. */
  const bounds = () => {
    const r = stage.current?.getBoundingClientRect();
    return { w: (r?.width || 0) / 2, h: (r?.height || 0) / 2, left: r?.left ?? 0, top: r?.top ?? 0 };
  };
  const setView = (v: View) => {
    const s = Math.min(MAX_SCALE, Math.max(1, v.s));
    const b = bounds();
    const mx = b.w * (s - 1);
    const my = b.h * (s - 1);
    const next = s === 1 ? FIT : { s, x: Math.min(mx, Math.max(-mx, v.x)), y: Math.min(my, Math.max(-my, v.y)) };
    viewRef.current = next;
    setViewState(next);
  };
  /** Zoom to `s` keeping the point `p` (relative to the stage's centre) where it is. */
  const zoomAt = (s: number, p = { x: 0, y: 0 }) => {
    const v = viewRef.current;
    const k = Math.min(MAX_SCALE, Math.max(1, s)) / v.s;
    setView({ s: v.s * k, x: p.x - (p.x - v.x) * k, y: p.y - (p.y - v.y) * k });
  };
  const go = (i: number) => {
    if (n < 2) return;
    setIndex(((i % n) + n) % n);
    viewRef.current = FIT;
    setViewState(FIT);
    setDrag(0);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    // Nothing pressed here reaches the screen behind (its shortcuts act on the case).
    e.stopPropagation();
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const keys: Record<string, () => void> = {
      Escape: onClose,
      ArrowLeft: () => go(index - 1),
      ArrowRight: () => go(index + 1),
      '+': () => zoomAt(viewRef.current.s * 1.5),
      '=': () => zoomAt(viewRef.current.s * 1.5),
      '-': () => zoomAt(viewRef.current.s / 1.5),
      '0': () => setView(FIT),
    };
    if (e.key === 'Tab') {
      const els = Array.from(dialog.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);
      const first = els[0];
      const last = els[els.length - 1];
      if (!first || !last) return;
      const i = els.indexOf(document.activeElement as HTMLElement);
      if (e.shiftKey && i <= 0) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (i === -1 || i === els.length - 1)) {
        e.preventDefault();
        first.focus();
      }
      return;
    }
    const fn = keys[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  };

  const local = (e: PointerEvent) => {
    const b = bounds();
    return { x: e.clientX - b.left - b.w, y: e.clientY - b.top - b.h };
  };
  const pair = () => {
    const [a, b] = [...pointers.current.values()];
    return a && b ? { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, m: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } } : null;
  };

  const onPointerDown = (e: PointerEvent) => {
    // A press on the photo takes focus from the buttons: keep it in the dialog, so its keys still work.
    if (!dialog.current?.contains(document.activeElement)) dialog.current?.focus({ preventScroll: true });
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    pointers.current.set(e.pointerId, local(e));
    const p = local(e);
    if (pointers.current.size === 1) {
      gesture.current = viewRef.current.s > 1 ? { kind: 'pan', x0: p.x, y0: p.y, v0: viewRef.current } : { kind: 'swipe', x0: p.x, y0: p.y };
    } else if (pointers.current.size === 2) {
      const q = pair()!;
      gesture.current = { kind: 'pinch', d0: q.d, m0: q.m, v0: viewRef.current };
      setDrag(0);
    }
  };

  const onPointerMove = (e: PointerEvent) => {
    if (!pointers.current.has(e.pointerId)) return;
    const p = local(e);
    pointers.current.set(e.pointerId, p);
    const g = gesture.current;
    if (!g) return;
    if (g.kind === 'swipe') setDrag(p.x - g.x0);
    else if (g.kind === 'pan') setView({ s: g.v0.s, x: g.v0.x + p.x - g.x0, y: g.v0.y + p.y - g.y0 });
    else {
      const q = pair();
      if (!q) return;
      const s = Math.min(MAX_SCALE, Math.max(1, (g.v0.s * q.d) / g.d0));
      // The image point that was under the fingers' midpoint stays under it.
      const k = s / g.v0.s;
      setView({ s, x: q.m.x - (g.m0.x - g.v0.x) * k, y: q.m.y - (g.m0.y - g.v0.y) * k });
    }
  };

  const onPointerUp = (e: PointerEvent) => {
    if (!pointers.current.has(e.pointerId)) return;
    const p = local(e);
    pointers.current.delete(e.pointerId);
    const g = gesture.current;
    if (g?.kind === 'pinch') {
      // One finger left: it pans from here.
      const rest = [...pointers.current.values()][0];
      gesture.current = rest ? { kind: 'pan', x0: rest.x, y0: rest.y, v0: viewRef.current } : null;
      return;
    }
    gesture.current = null;
    if (g?.kind !== 'swipe' && g?.kind !== 'pan') return;
    const dx = p.x - g.x0;
    const dy = p.y - g.y0;
    setDrag(0);
    if (g.kind === 'swipe' && Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(dy)) {
      go(dx < 0 ? index + 1 : index - 1);
      lastTap.current = null;
      return;
    }
    if (Math.abs(dx) > TAP_SLOP_PX || Math.abs(dy) > TAP_SLOP_PX) return;
    const prev = lastTap.current;
    const nowMs = performance.now();
    if (prev && nowMs - prev.ms < DOUBLE_TAP_MS && Math.hypot(p.x - prev.x, p.y - prev.y) < 3 * TAP_SLOP_PX) {
      lastTap.current = null;
      if (viewRef.current.s > 1) setView(FIT);
      else zoomAt(DOUBLE_TAP_SCALE, p);
    } else {
      lastTap.current = { ms: nowMs, x: p.x, y: p.y };
    }
  };

  const onPointerCancel = (e: PointerEvent) => {
    pointers.current.delete(e.pointerId);
    gesture.current = null;
    setDrag(0);
  };

  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    zoomAt(viewRef.current.s * (e.deltaY < 0 ? 1.25 : 0.8), local(e as unknown as PointerEvent));
  };
  // A passive-free wheel listener (preventDefault keeps the page from scrolling behind).
  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  });

  const fv = full.value;
  const tv = thumb.value;
  const src = fv.state === 'ready' ? fv.url : tv.state === 'ready' ? tv.url : '';
  const previewing = fv.state !== 'ready' && Boolean(src);
  const problem = fv.state === 'unavailable' ? unavailableText(fv) : '';
  const transform = `translate(${view.x + drag}px, ${view.y}px) scale(${view.s})`;

  return (
    <div class="viewer-backdrop">
      <div
        ref={dialog}
        class="viewer"
        tabIndex={-1}
        role="dialog"
        aria-modal="true"
        aria-labelledby="viewer-title"
        aria-describedby="viewer-hint"
        onKeyDown={onKeyDown}
      >
        <div class="viewer-bar">
          <h2 id="viewer-title" class="viewer-title">
            {label}{' '}
            <span class="viewer-counter" aria-live="polite">
              {t('show.counter', { i: index + 1, n })}
            </span>
          </h2>
          <button type="button" class="btn viewer-btn" aria-label={t('show.zoomOut')} aria-keyshortcuts="-" disabled={view.s <= 1} onClick={() => zoomAt(viewRef.current.s / 1.5)}>
            <ShowIcon name="minus" />
          </button>
          <button type="button" class="btn viewer-btn" aria-label={t('show.zoomIn')} aria-keyshortcuts="+" disabled={view.s >= MAX_SCALE} onClick={() => zoomAt(viewRef.current.s * 1.5)}>
            <ShowIcon name="plus" />
          </button>
          <button type="button" ref={closeButton} class="btn viewer-btn viewer-close" aria-keyshortcuts="Escape" onClick={onClose}>
            <ShowIcon name="close" />
            <span class="viewer-close-text">{t('show.close')}</span>
          </button>
        </div>
        <p id="viewer-hint" class="visually-hidden">
          {t('show.viewerHint')}
        </p>
        <div
          ref={stage}
          class={view.s > 1 ? 'viewer-stage is-zoomed' : 'viewer-stage'}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerCancel}
        >
          {src ? (
            <img
              key={index}
              class={previewing ? 'viewer-img is-preview' : 'viewer-img'}
              src={src}
              alt={t('show.photoAlt', { i: index + 1, n })}
              draggable={false}
              style={{ transform, transition: drag || gesture.current ? 'none' : undefined }}
            />
          ) : (
            <div class="viewer-ph" role="img" aria-label={t('show.photoAlt', { i: index + 1, n })}>
              <ShowIcon name={fv.state === 'unavailable' && fv.reason === 'offline' ? 'offline' : fv.state === 'unavailable' ? 'imageOff' : 'camera'} size="3rem" />
            </div>
          )}
          {problem ? (
            <p class="viewer-note" role="status">
              {problem}
            </p>
          ) : previewing || fv.state === 'loading' ? (
            <p class="viewer-note" role="status">
              {t('show.fullLoading')}
            </p>
          ) : null}
        </div>
        {n > 1 ? (
          <div class="viewer-nav">
            <button type="button" class="btn viewer-btn" aria-keyshortcuts="ArrowLeft" onClick={() => go(index - 1)}>
              <ShowIcon name="prev" />
              {t('show.prev')}
            </button>
            <button type="button" class="btn viewer-btn" aria-keyshortcuts="ArrowRight" onClick={() => go(index + 1)}>
              {t('show.next')}
              <ShowIcon name="next" />
            </button>
          </div>
        ) : null}
        {ahead ? <Ahead session={session} hash={ahead.full} /> : null}
      </div>
    </div>
  );
}

/** Fetches a photo ahead (kept while the viewer is open), showing nothing. */
function Ahead({ session, hash }: { session: Session; hash: string }) {
  useBlobUrl(session, hash);
  return null;
}
