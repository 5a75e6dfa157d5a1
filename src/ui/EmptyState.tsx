/**
 * The two states a list has before it has rows (docs/design-system.md): loading (skeleton rows, announced once as
 * "正在载入…") and known empty (an icon and one sentence, optionally an action). Never show the empty state before
 * the data is known to be empty.
 */
import type { ComponentChildren } from 'preact';
import { Icon, type IconName } from './icons.tsx';

export function EmptyState({ icon = 'inbox', text, children }: { icon?: IconName; text: string; children?: ComponentChildren }) {
  return (
    <div class="empty-state" role="status">
      <Icon name={icon} size="2rem" />
      <p>{text}</p>
      {children}
    </div>
  );
}

/** Grey placeholder rows while a list loads; `label` is what a screen reader hears. */
export function ListSkeleton({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div class="list-skeleton" role="status" aria-busy="true">
      <span class="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} class="skel-row" aria-hidden="true">
          <span class="skel-line" />
          <span class="skel-line skel-short" />
        </div>
      ))}
    </div>
  );
}
