/**
 * The main heading of a screen. On mount it takes focus (so keyboard and screen-reader users land on the new
 * screen after a route change) and sets the document title.
 *
 * Issue 14: the heading's row (`.screen-head`) also holds what the app puts next to every title (App.tsx registers
 * the read-aloud button with `setScreenTitleTools`) and a screen's own `tools` (a home screen's 长辈版 switch).
 * Without either, the heading is rendered alone, as before.
 */
import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface ScreenTitleProps {
  children: ComponentChildren;
  /** Document title; defaults to the heading's text. */
  title?: string;
  /** Suffix of the document title (the app name). */
  suffix?: string;
  focus?: boolean;
  /** Controls for the title's row, after the app's own (a home screen's 长辈版 switch). */
  tools?: ComponentChildren;
}

let appTools: ComponentType | null = null;
/** What the app shows next to every screen's title (one component; null for none). */
export function setScreenTitleTools(c: ComponentType | null): void {
  appTools = c;
}

export function ScreenTitle({ children, title, suffix, focus = true, tools }: ScreenTitleProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const text = title ?? el.textContent ?? '';
    document.title = suffix ? `${text} · ${suffix}` : text;
  });
  useEffect(() => {
    if (focus) ref.current?.focus({ preventScroll: false });
  }, []);
  const h1 = (
    <h1 ref={ref} tabIndex={-1} class="screen-title">
      {children}
    </h1>
  );
  const Tools = appTools;
  if (!Tools && !tools) return h1;
  return (
    <div class="screen-head">
      {h1}
      <div class="screen-head-tools">
        {Tools ? <Tools /> : null}
        {tools}
      </div>
    </div>
  );
}
