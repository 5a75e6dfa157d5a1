/**
 * Issue 14: the read-aloud button's place next to every screen's title, kept out of the first bundle (issue 13's
 * initial JS budget): the button's code, the instructions and the speech code (ReadAloud.tsx, speech.ts,
 * locales/voice.zh.ts) load when the first title is drawn, and the button appears then (the title row keeps the
 * button's height from the start: styles.css `.screen-head`, so nothing moves).
 */
import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';
import type { Role } from '../../domain/org.ts';

/** The signed-in user's role (App.tsx sets it), null when signed out: which instruction and whether to show it. */
export const screenRole = signal<Role | null>(null);

const loaded = signal<ComponentType | null>(null);
let loading = false;

export function ScreenReadAloudSlot() {
  const C = loaded.value;
  if (C) return <C />;
  if (!loading) {
    loading = true;
    import('./ReadAloud.tsx').then(
      (m) => (loaded.value = m.ScreenReadAloud),
      () => (loading = false), // offline before it was cached: the next title tries again
    );
  }
  return null;
}
