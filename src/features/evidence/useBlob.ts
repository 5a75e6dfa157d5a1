/**
 * A photo or voice clip of a case as an object URL, for an <img> or <audio>: `useBlobUrl(session, hash, {lazy})`.
 *
 * Contract:
 *  - The bytes come from `session.evidence.load(hash)` (src/app/services.ts): the device's copy, else downloaded and
 *    cached by the data layer. The hook never fetches by itself.
 *  - States: `idle` (lazy and not near the viewport yet, or nothing to load), `loading`, `ready` (with `url`), and
 *    `unavailable` with a reason: `offline` (this device is not connected) or `missing` (connected, but the relay
 *    does not have it yet: the reporter's phone has not uploaded it, or it is not ours to read). A screen shows a
 *    placeholder for these, never a broken image.
 *  - Without `session.evidence` (test fakes, a session without evidence) the state is `unavailable`/`missing`.
 *  - With `lazy`, nothing loads until the element given to `ref` comes within LAZY_MARGIN of the viewport
 *    (IntersectionObserver; where there is none, at once). A list of 200 cases loads the thumbnails it shows.
 *  - One object URL per blob per EvidenceApi, shared by every element that shows it (a list row and the panel),
 *    counted; it is revoked REVOKE_AFTER_MS after the last one unmounts or changes hash (a windowed list that
 *    re-mounts a row on scroll does not load it again).
 *  - An unavailable blob is tried again when the connection comes back, and when shown again after RETRY_AFTER_MS.
 */
import { createContext } from 'preact';
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { EvidenceApi, Session } from '../../app/services.ts';

export type BlobState =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; url: string; type: string }
  | { state: 'unavailable'; reason: 'offline' | 'missing' };

export const REVOKE_AFTER_MS = 1_000;
export const RETRY_AFTER_MS = 15_000;
const LAZY_MARGIN = '200px';

interface Entry {
  refs: number;
  value: BlobState;
  /** When the last load failed (a later acquire after RETRY_AFTER_MS tries again). */
  failedMs: number;
  listeners: Set<() => void>;
  revokeTimer: ReturnType<typeof setTimeout> | null;
  /** Bumped on every load, so a late answer of an older one is ignored. */
  gen: number;
}

const caches = new WeakMap<EvidenceApi, Map<string, Entry>>();

function cacheOf(ev: EvidenceApi): Map<string, Entry> {
  let c = caches.get(ev);
  if (!c) caches.set(ev, (c = new Map()));
  return c;
}

function notify(e: Entry): void {
  for (const f of [...e.listeners]) f();
}

function load(ev: EvidenceApi, hash: string, e: Entry, offline: () => boolean): void {
  const gen = ++e.gen;
  e.value = { state: 'loading' };
  notify(e);
  const fail = () => {
    if (gen !== e.gen) return;
    e.failedMs = Date.now();
    e.value = { state: 'unavailable', reason: offline() ? 'offline' : 'missing' };
    notify(e);
  };
  ev.load(hash).then((blob) => {
    if (gen !== e.gen) return;
    if (!blob || blob.size === 0) return fail();
    e.value = { state: 'ready', url: URL.createObjectURL(blob), type: blob.type };
    notify(e);
  }, fail);
}

function acquire(ev: EvidenceApi, hash: string, listener: () => void, offline: () => boolean): Entry {
  const c = cacheOf(ev);
  let e = c.get(hash);
  if (!e) {
    e = { refs: 0, value: { state: 'idle' }, failedMs: 0, listeners: new Set(), revokeTimer: null, gen: 0 };
    c.set(hash, e);
  }
  e.refs++;
  e.listeners.add(listener);
  if (e.revokeTimer) {
    clearTimeout(e.revokeTimer);
    e.revokeTimer = null;
  }
  if (e.value.state === 'idle' || (e.value.state === 'unavailable' && Date.now() - e.failedMs >= RETRY_AFTER_MS)) load(ev, hash, e, offline);
  return e;
}

function release(ev: EvidenceApi, hash: string, listener: () => void): void {
  const c = cacheOf(ev);
  const e = c.get(hash);
  if (!e) return;
  e.listeners.delete(listener);
  if (--e.refs > 0) return;
  e.revokeTimer = setTimeout(() => {
    if (e.refs > 0) return;
    if (e.value.state === 'ready') URL.revokeObjectURL(e.value.url);
    e.gen++;
    c.delete(hash);
  }, REVOKE_AFTER_MS);
}

/** Object URLs currently held for an EvidenceApi (tests check that unmounting revokes them). */
export function heldUrls(ev: EvidenceApi): number {
  let n = 0;
  for (const e of caches.get(ev)?.values() ?? []) if (e.value.state === 'ready') n++;
  return n;
}

const isOffline = (session: Session) => () =>
  session.status.value.connection !== 'online' || (typeof navigator !== 'undefined' && navigator.onLine === false);

export interface BlobUrl {
  value: BlobState;
  /** Give it the element that shows the blob (with `lazy`: loading waits until it is near the viewport). */
  ref: (el: Element | null) => void;
}

export function useBlobUrl(session: Session, hash: string | undefined, opts: { lazy?: boolean } = {}): BlobUrl {
  const ev = session.evidence;
  const [near, setNear] = useState(!opts.lazy);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const observer = useRef<IntersectionObserver | null>(null);
  const connection = session.status.value.connection;

  const ref = useRef((el: Element | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el || !opts.lazy) return;
    if (typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((x) => x.isIntersecting)) {
          setNear(true);
          io.disconnect();
        }
      },
      { rootMargin: LAZY_MARGIN },
    );
    io.observe(el);
    observer.current = io;
  }).current;
  useEffect(() => () => observer.current?.disconnect(), []);

  const active = Boolean(ev && hash && near);
  useEffect(() => {
    if (!ev || !hash || !near) return;
    const listener = () => rerender(0);
    acquire(ev, hash, listener, isOffline(session));
    rerender(0);
    return () => release(ev, hash, listener);
  }, [ev, hash, near]);

  // Back online: try again what could not be loaded.
  const lastConnection = useRef(connection);
  useEffect(() => {
    const was = lastConnection.current;
    lastConnection.current = connection;
    if (!ev || !hash || !near || connection !== 'online' || was === 'online') return;
    const e = cacheOf(ev).get(hash);
    if (e && e.value.state === 'unavailable') load(ev, hash, e, isOffline(session));
  }, [connection]);

  let value: BlobState;
  if (!ev || !hash) value = { state: 'unavailable', reason: 'missing' };
  else if (!active) value = { state: 'idle' };
  else value = cacheOf(ev).get(hash)?.value ?? { state: 'loading' };
  return { value, ref };
}

/** A slow link (2G, or the user asked to save data): load the thumbnail only, the full photo only when asked. */
export function slowLink(): boolean {
  const c = (typeof navigator !== 'undefined' ? (navigator as Navigator & { connection?: { effectiveType?: string; saveData?: boolean } }).connection : undefined) ?? undefined;
  return Boolean(c && (c.saveData || c.effectiveType === '2g' || c.effectiveType === 'slow-2g'));
}

/** Seconds as "0:12" / "1:05" (a voice note's length). */
export function clipLength(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The session, for evidence shown deep inside shared forms (the verify form's before/after) without threading it
 * through every form's props. Provided by the case detail and the queue panel; absent, such parts show nothing.
 */
export const EvidenceSession = createContext<Session | null>(null);
