/**
 * The keyboard shortcuts of a work screen, listed in a disclosure (opened with "?"). Shown only where a keyboard
 * is likely (a fine pointer on a wide screen: workflow.css `.kbd-only`); phones never see key names.
 */
import type { RefObject } from 'preact';
import { t } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';
import './workflow.css';

export interface ShortcutItem {
  key: string;
  label: string;
}

export function Shortcuts({ items, detailsRef }: { items: ShortcutItem[]; detailsRef?: RefObject<HTMLDetailsElement | null> }) {
  return (
    <details class="shortcuts kbd-only" ref={detailsRef}>
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
    { key: t('keys.name.enter'), label: t('keys.enter') },
    { key: 'd', label: t('keys.d') },
    { key: t('keys.name.esc'), label: t('keys.esc') },
  ];
}
