/**
 * Composition root: the only place that picks implementations. The screens get the auth service (and
 * through it the session) as props, so tests can hand them an in-memory one.
 */
performance.mark('gl:app-start');

import { render } from 'preact';
import '../ui/styles.css';
import { signedInHint } from '../storage/profiles.ts';
import { App, preloadSignedOut } from './App.tsx';
import { initElderMode } from './display.ts';
import { initLang } from './i18n.ts';
import { createAuthService } from './session.ts';

// The sign-in (or sign-up) screen's code with the first bundle, not after the session was looked for: a first
// visit, an invitation's link, a sign-out.
if (location.hash.startsWith('#/login') || !signedInHint()) preloadSignedOut(location.hash);

// 长辈版 as this device last had it, before anything is drawn (issue 14).
initElderMode();

const auth = createAuthService({ baseUrl: location.origin });
const root = document.getElementById('app')!;

void initLang().finally(() => {
  // index.html holds a static frame for the first paint; the app replaces it.
  root.textContent = '';
  render(<App auth={auth} />, root);
});

// The service worker's registration (and its code) after the page has loaded: nothing of it is needed to paint.
const registerPwa = () => void import('./pwa.ts').then((m) => m.registerPwa());
if (document.readyState === 'complete') registerPwa();
else window.addEventListener('load', registerPwa, { once: true });
