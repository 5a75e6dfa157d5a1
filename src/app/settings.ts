/**
 * Issue 14: the signed-in user's settings (src/domain/settings.ts: language, 长辈版 and its text size, guidance level,
 * the 长辈版 offer's answer, a resident's birth year) follow them to any device: the relay keeps them with the
 * account (GET/PUT /api/me/settings, server/settings.ts).
 *
 * Contracts:
 *  - `startUserSettings(session)` (App.tsx, at sign-in or resume): this device's copy for the user applies at once
 *    (localStorage, per user; before the relay answers, the device's own values stand for the fields it lacks);
 *    then the relay's settings replace it, except for fields changed on this device that the relay has not
 *    confirmed yet: those are sent, and the last change made wins.
 *  - `changeSettings(patch)`: in force at once, saved on this device with its fields marked pending, and sent. A
 *    change that cannot be sent (offline, relay down) stays pending and is sent when the browser is online again
 *    or at the user's next sign-in on this device. Nothing is shown for that: settings are not work to lose.
 *  - The 长辈版 switches (display.ts setElderMode) and the language switch (`chooseLang`) report the signed-in
 *    user's choices here; the sign-in screen's choices stay the device's.
 */
import { computed, signal } from '@preact/signals';
import { applySettingsPatch, cleanSettings, type Guidance, type SettingsPatch, type UserSettings } from '../domain/settings.ts';
import { applyUserElderMode, onElderModeChosen } from './display.ts';
import { lang, setLang, type Lang } from './i18n.ts';
import type { Session } from './services.ts';

/** The signed-in user's settings ({} when nobody is signed in). */
export const userSettings = signal<UserSettings>({});
/** How much hints and guided lessons say (`full` unless the user chose `brief`). */
export const guidanceLevel = computed<Guidance>(() => userSettings.value.guidance ?? 'full');

interface Cached {
  settings: UserSettings;
  /** Fields changed on this device that the relay has not confirmed. */
  pending: Array<keyof UserSettings>;
}

const cacheKey = (userId: string) => `gridlink.settings.${userId}`;

interface Active {
  userId: string;
  api: NonNullable<Session['api']> | null;
  now: () => number;
  cached: Cached;
  sending: Promise<void> | null;
  stopped: boolean;
  stop(): void;
}
let active: Active | null = null;

function readCache(userId: string, nowMs: number): Cached {
  try {
    const raw = JSON.parse(localStorage.getItem(cacheKey(userId)) ?? 'null') as { settings?: unknown; pending?: unknown } | null;
    const settings = cleanSettings(raw?.settings, nowMs);
    const pending = Array.isArray(raw?.pending) ? (raw.pending.filter((k) => typeof k === 'string') as Array<keyof UserSettings>) : [];
    return { settings, pending };
  } catch {
    return { settings: {}, pending: [] };
  }
}

function writeCache(a: Active): void {
  try {
    localStorage.setItem(cacheKey(a.userId), JSON.stringify(a.cached));
  } catch {
    // Private mode or storage full: the settings last for this page (and the relay has them once sent).
  }
}

/** Put settings in force: 长辈版 on <html>, the language, the signal the screens read. */
function use(a: Active, s: UserSettings): void {
  userSettings.value = s;
  if (s.elder) applyUserElderMode(a.userId, s.elder);
  if (s.lang && s.lang !== lang.peek()) void setLang(s.lang).catch(() => undefined);
}

/** Send the pending fields (one request at a time; a change made meanwhile is sent after it). */
function flush(a: Active): Promise<void> {
  if (a.sending || !a.api || !a.cached.pending.length || a.stopped) return a.sending ?? Promise.resolve();
  const api = a.api;
  const fields = [...a.cached.pending];
  const patch: Record<string, unknown> = {};
  for (const k of fields) patch[k] = a.cached.settings[k] ?? null;
  a.sending = (async () => {
    let sent = false;
    try {
      const r = await api('/api/me/settings', { method: 'PUT', body: patch });
      if (!r.ok) {
        // 400: a value this relay does not know (an older relay): drop it rather than retry forever.
        if (r.status === 400) a.cached.pending = a.cached.pending.filter((k) => !fields.includes(k));
        return;
      }
      // Confirmed unless changed again while the request was out.
      a.cached.pending = a.cached.pending.filter((k) => !fields.includes(k) || a.cached.settings[k] !== (patch[k] ?? undefined));
      sent = true;
      if (!a.stopped) writeCache(a);
    } catch {
      // Offline: stays pending (sent on `online` or at the next sign-in).
    } finally {
      a.sending = null;
    }
    if (sent && a.cached.pending.length && !a.stopped) await flush(a);
  })();
  return a.sending;
}

async function pull(a: Active): Promise<void> {
  if (!a.api) return;
  try {
    const r = await a.api('/api/me/settings');
    if (!r.ok || a.stopped) return;
    const body = (await r.json()) as { settings?: unknown };
    if (a.stopped) return;
    const remote = cleanSettings(body.settings, a.now());
    // Fields changed here and not yet sent win over the relay's (they are newer: see the header).
    const mine: Record<string, unknown> = {};
    for (const k of a.cached.pending) mine[k] = a.cached.settings[k];
    const merged = applySettingsPatch(remote, mine as SettingsPatch);
    for (const k of a.cached.pending) if (a.cached.settings[k] === undefined) delete (merged as Record<string, unknown>)[k];
    a.cached.settings = merged;
    writeCache(a);
    use(a, merged);
  } catch {
    // Offline: the device's copy stands.
  }
}

/**
 * Start for a signed-in user (see the header). Resolves the returned `ready` once the relay answered (or could not
 * be asked); call `stop` at sign-out.
 */
export function startUserSettings(session: Pick<Session, 'user' | 'api' | 'now'>): { stop(): void; ready: Promise<void> } {
  active?.stop();
  const now = () => session.now();
  const a: Active = {
    userId: session.user.id,
    api: session.api ? session.api.bind(session) : null,
    now,
    cached: readCache(session.user.id, now()),
    sending: null,
    stopped: false,
    stop: () => stop(),
  };
  active = a;
  use(a, a.cached.settings);
  const unElder = onElderModeChosen((mode) => changeSettings({ elder: mode }));
  const online = () => void flush(a);
  if (typeof window !== 'undefined') window.addEventListener('online', online);
  const stop = () => {
    a.stopped = true;
    unElder();
    if (typeof window !== 'undefined') window.removeEventListener('online', online);
    if (active === a) {
      active = null;
      userSettings.value = {};
    }
  };
  const ready = pull(a).then(() => flush(a));
  return { stop, ready };
}

/** The signed-in user changes settings (see the header); nothing happens when nobody is signed in. */
export function changeSettings(patch: SettingsPatch): Promise<void> {
  const a = active;
  if (!a) return Promise.resolve();
  a.cached.settings = applySettingsPatch(a.cached.settings, patch);
  for (const k of Object.keys(patch) as Array<keyof UserSettings>) if (!a.cached.pending.includes(k)) a.cached.pending.push(k);
  writeCache(a);
  use(a, a.cached.settings);
  return flush(a);
}

/** The language switch: the device's language, and the signed-in user's too. */
export async function chooseLang(l: Lang): Promise<void> {
  await setLang(l);
  if (active) await changeSettings({ lang: l });
}
