/**
 * Issue 14: 长辈版 (elder mode), by MIIT's 适老化 rules for apps and websites. Three settings:
 *
 *   off      the standard app (body text 16 px at the browser's default size, targets >= 44 px);
 *   on       长辈版: body text 18 px (112.5%), every target >= 60 px;
 *   larger   长辈版, 特大字: main text 30 px (187.5%), every target >= 60 px.
 *
 * The app sizes in rem, so the root font size scales every screen; styles.css turns `html[data-elder]` into the
 * sizes above. Remembered per device (the sign-in screen, before anyone is known) and per user on this device
 * (a user's own choice wins once they are signed in; issue 14's shared-PC part makes it travel with the user's
 * profile). Applied to <html> synchronously, before the first paint (main.tsx), so nothing jumps.
 */
import { signal } from '@preact/signals';
import { isElderMode, type ElderMode } from '../domain/eldermode.ts';

export { ELDER_MODES, isElderMode, type ElderMode } from '../domain/eldermode.ts';

const DEVICE_KEY = 'gridlink.elder';
const userKey = (userId: string) => `gridlink.elder.${userId}`;

function read(key: string): ElderMode | null {
  try {
    const v = localStorage.getItem(key);
    return isElderMode(v) ? v : null;
  } catch {
    return null;
  }
}

function write(key: string, mode: ElderMode): void {
  try {
    localStorage.setItem(key, mode);
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
}

/** The setting in force. */
export const elderMode = signal<ElderMode>('off');
/** Whose setting it is: a signed-in user's id, or null for the device's (the sign-in screen). */
let owner: string | null = null;
/** A learner's practice session (offerElderMode): choices last for it only, nothing is remembered. */
let practice: { before: ElderMode } | null = null;
/** Told of every choice a signed-in user makes (src/app/settings.ts sends it with their profile). */
let chosen: ((mode: ElderMode) => void) | null = null;

function apply(mode: ElderMode): void {
  elderMode.value = mode;
  if (typeof document === 'undefined') return;
  const html = document.documentElement;
  if (mode === 'off') delete html.dataset.elder;
  else html.dataset.elder = mode;
}

/** The device's setting (the sign-in screen's), applied at once: call before the first render. */
export function initElderMode(): void {
  owner = null;
  apply(read(DEVICE_KEY) ?? 'off');
}

/**
 * A user signed in (or resumed): their own setting on this device, else the device's; `suggest` is the mode to
 * start with when neither exists (a resident over 60, a learner: the caller decides, the user can switch off).
 * Null: signed out, back to the device's setting.
 */
export function elderModeFor(userId: string | null, suggest: ElderMode = 'off'): void {
  owner = userId;
  if (userId === null) return apply(read(DEVICE_KEY) ?? 'off');
  apply(read(userKey(userId)) ?? read(DEVICE_KEY) ?? suggest);
}

/**
 * The user chose a setting: in force now and remembered for whoever owns the screen (the signed-in user, else the
 * device). A choice made on the sign-in screen is also the device's default for users without their own.
 */
export function setElderMode(mode: ElderMode): void {
  if (practice) return apply(mode);
  write(owner === null ? DEVICE_KEY : userKey(owner), mode);
  apply(mode);
  if (owner !== null) chosen?.(mode);
}

/**
 * The signed-in user's setting as their profile has it (src/app/settings.ts, at sign-in or when another device
 * changed it): in force and remembered on this device, not reported back as a new choice.
 */
export function applyUserElderMode(userId: string, mode: ElderMode): void {
  if (owner !== userId) return;
  write(userKey(userId), mode);
  if (practice) practice.before = mode;
  else apply(mode);
}

/** Listen to the signed-in user's own choices (one listener: the settings sync). Returns the unsubscribe. */
export function onElderModeChosen(f: (mode: ElderMode) => void): () => void {
  chosen = f;
  return () => {
    if (chosen === f) chosen = null;
  };
}

/**
 * For learners (issue 14's practice sandbox): 长辈版 is offered by default, so the sandbox calls this when a learner
 * takes the phone. 长辈版 is on at once (the learner may still switch it off or to 特大字); nothing the learner
 * chooses is remembered, and the returned function puts back the trainer's setting. Calling it again while a
 * practice session runs keeps the first session's restore point.
 */
export function offerElderMode(): () => void {
  practice ??= { before: elderMode.peek() };
  apply('on');
  return () => {
    if (!practice) return;
    const back = practice.before;
    practice = null;
    apply(back);
  };
}
