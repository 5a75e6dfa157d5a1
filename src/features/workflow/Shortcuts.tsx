/** The keyboard shortcuts of a work screen, listed in a disclosure (opened with "?"). */
import type { RefObject } from 'preact';
import { t } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';

export interface ShortcutItem {
  key: string;
  label: string;
}

export function Shortcuts({ items, detailsRef }: { items: ShortcutItem[]; detailsRef?: RefObject<HTMLDetailsElement | null> }) {
  return (
    <details class="shortcuts" ref={detailsRef}>
      <summary>{t('keys.title')}</summary>
      <dl class="shortcut-list">
        {items.map((x) => (
          <div key={x.key}>
            <dt>
              <kbd>{x.key}</kbd>
            </dt>
            <dd>{x.label}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** The keys every queue screen has. */
export function commonKeys(): ShortcutItem[] {
  return [
    { key: 'j', label: t('keys.j') },
    { key: 'k', label: t('keys.k') },
    { key: 'Enter', label: t('keys.enter') },
    { key: 'd', label: t('keys.d') },
    { key: 'Esc', label: t('keys.esc') },
  ];
}
