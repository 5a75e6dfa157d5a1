/** A short label with a tone colour. The text carries the meaning; colour only supports it. */
import type { ComponentChildren } from 'preact';

export function Badge({ tone = 'neutral', children, title }: { tone?: string; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
