/**
 * The main heading of a screen. On mount it takes focus (so keyboard and screen-reader users land on the new
 * screen after a route change) and sets the document title.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface ScreenTitleProps {
  children: ComponentChildren;
  /** Document title; defaults to the heading's text. */
  title?: string;
  /** Suffix of the document title (the app name). */
  suffix?: string;
  focus?: boolean;
}

export function ScreenTitle({ children, title, suffix, focus = true }: ScreenTitleProps) {
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
  return (
    <h1 ref={ref} tabIndex={-1} class="screen-title">
      {children}
    </h1>
  );
}
