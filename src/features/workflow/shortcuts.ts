/**
 * Single-key shortcuts for work screens (j/k to move, a to accept, d to dispatch...). Contract: a shortcut never
 * fires while the user types (input, textarea, select, contenteditable), with a modifier held (Ctrl, Alt, Meta),
 * or when another handler has already taken the key; Enter and Space are never taken (links and buttons keep them).
 * Named keys (Escape) still work from a field, so a panel can be closed from inside its form.
 */
import { useEffect, useRef } from 'preact/hooks';

export type ShortcutMap = Record<string, (e: KeyboardEvent) => void>;

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return Boolean(el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
}

export function useShortcuts(map: ShortcutMap, enabled = true): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      if (e.key === 'Enter' || e.key === ' ' || (e.key.length === 1 && isTyping(e.target))) return;
      const fn = ref.current[e.key];
      if (!fn) return;
      e.preventDefault();
      fn(e);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
}
