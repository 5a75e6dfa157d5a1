/**
 * A tiny hash router: #/login, #/cases, #/cases/<id>, #/report. Hash routes need no server rewrites and work
 * from the service worker's single precached index.html.
 */
import { batch, signal } from '@preact/signals';

export type Route =
  | { name: 'login' }
  | { name: 'cases' }
  | { name: 'case'; id: string }
  | { name: 'report' }
  | { name: 'notFound'; path: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/cases';
  if (path === '/login') return { name: 'login' };
  if (path === '/cases' || path === '/') return { name: 'cases' };
  if (path === '/report') return { name: 'report' };
  const m = /^\/cases\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (m) return { name: 'case', id: m[1]! };
  return { name: 'notFound', path };
}

export function routeHref(r: Route): string {
  switch (r.name) {
    case 'login':
      return '#/login';
    case 'cases':
      return '#/cases';
    case 'case':
      return `#/cases/${encodeURIComponent(r.id)}`;
    case 'report':
      return '#/report';
    case 'notFound':
      return `#${r.path}`;
  }
}

const currentHash = () => (typeof location === 'undefined' ? '' : location.hash);

export const route = signal<Route>(parseHash(currentHash()));
/** The raw hash of the current route: screens are keyed by it so that a new route mounts a fresh screen. */
export const routeKey = signal<string>(currentHash() || '#/cases');

function sync(): void {
  // One update: a render that saw the new route with the old key would mount the screen twice.
  batch(() => {
    route.value = parseHash(currentHash());
    routeKey.value = currentHash() || '#/cases';
  });
}

/** Listen to hash changes; returns the function that stops listening. */
export function startRouter(): () => void {
  sync();
  window.addEventListener('hashchange', sync);
  return () => window.removeEventListener('hashchange', sync);
}

/** Go to a route. `replace` keeps the back button from returning to the current entry (after login, logout). */
export function navigate(to: Route | string, opts: { replace?: boolean } = {}): void {
  const hash = typeof to === 'string' ? to : routeHref(to);
  if (hash === currentHash()) return sync();
  if (opts.replace) {
    history.replaceState(history.state, '', hash);
    sync();
  } else {
    location.hash = hash;
    // hashchange is asynchronous; update now so the next render already sees the new route.
    sync();
  }
}
