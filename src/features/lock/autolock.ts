/**
 * Auto-lock after inactivity (issue 14): per user on this device (localStorage `gridlink.autolock.<userId>`,
 * minutes; 0 = never), 10 minutes by default. Any key, pointer, touch or wheel input restarts the count; a hidden
 * tab keeps counting (its timer fires when it is shown again at the latest). App.tsx loads this module after the
 * first screen (it is not part of the first screen's JavaScript).
 */
import { effect, signal } from '@preact/signals';

export const AUTOLOCK_CHOICES = [1, 5, 10, 30, 0] as const;
export const AUTOLOCK_DEFAULT = 10;
const key = (userId: string) => `gridlink.autolock.${userId}`;

/** Bumped when a user's choice changes, so the running hook picks it up. */
const version = signal(0);

export function autoLockMinutes(userId: string): number {
  try {
    const v = Number(localStorage.getItem(key(userId)));
    return localStorage.getItem(key(userId)) !== null && (AUTOLOCK_CHOICES as readonly number[]).includes(v) ? v : AUTOLOCK_DEFAULT;
  } catch {
    return AUTOLOCK_DEFAULT;
  }
}

export function setAutoLockMinutes(userId: string, minutes: number): void {
  try {
    localStorage.setItem(key(userId), String(minutes));
  } catch {
    // Private mode: the default applies.
  }
  version.value++;
}

const EVENTS = ['keydown', 'pointerdown', 'touchstart', 'wheel'] as const;

/** Watch for inactivity for `userId` until the returned function is called; `onLock` runs when the delay passes. */
export function startAutoLock(userId: string, onLock: () => void): () => void {
  // Re-armed with the new delay whenever the user changes it (MeSecurity).
  return effect(() => {
    void version.value;
    const minutes = autoLockMinutes(userId);
    if (!minutes) return;
    const ms = minutes * 60_000;
    let last = Date.now();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(check, Math.max(0, last + ms - Date.now()));
    };
    const check = () => {
      if (Date.now() - last >= ms) onLock();
      else arm();
    };
    const active = () => {
      last = Date.now();
    };
    const visible = () => {
      if (document.visibilityState === 'visible') check();
    };
    for (const e of EVENTS) document.addEventListener(e, active, { passive: true, capture: true });
    document.addEventListener('visibilitychange', visible);
    arm();
    return () => {
      if (timer) clearTimeout(timer);
      for (const e of EVENTS) document.removeEventListener(e, active, { capture: true });
      document.removeEventListener('visibilitychange', visible);
    };
  });
}
