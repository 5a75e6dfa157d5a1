/**
 * A photo's thumbnail (lazy: loads when near the viewport), and the evidence parts of a case row: the report's
 * thumbnail with its photo count, the fix's thumbnail (PCs), and the voice note's length.
 *
 * Contract: the box has its size before anything loads (lists never jump while thumbnails arrive); a photo that
 * cannot be shown (offline, not uploaded yet, no evidence API) is a placeholder with an icon, and at tile size
 * the words, never a broken image. In rows the thumbnail is decoration inside the row's link: the count and the
 * voice length are said in words (visually hidden where the icon says it).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/show.zh.ts';
import type { CaseRow, Session } from '../../app/services.ts';
import { Svg } from '../../ui/icons.tsx';
import { clipLength, useBlobUrl, type BlobState } from './useBlob.ts';
import './show.css';

/** Icons of the evidence parts (same frame as src/ui/icons.tsx). */
export const SHOW_ICONS = {
  camera: 'M4 8h3l2-3h6l2 3h3v11H4zM12 16.5a3.5 3.5 0 100-7 3.5 3.5 0 000 7z',
  mic: 'M12 3a3 3 0 00-3 3v6a3 3 0 006 0V6a3 3 0 00-3-3zM5.5 11a6.5 6.5 0 0013 0M12 17.5V21',
  imageOff: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M3 3l18 18',
  offline: 'M2 8.5a15 15 0 0120 0M5 12a10 10 0 0114 0M8.5 15.5a5 5 0 017 0M12 19h.01M3 3l18 18',
  play: 'M7 4.5l12 7.5-12 7.5z',
  pause: 'M7 4.5h3.5v15H7zM13.5 4.5H17v15h-3.5z',
  prev: 'M15 5l-7 7 7 7',
  next: 'M9 5l7 7-7 7',
  close: 'M6 6l12 12M18 6L6 18',
  plus: 'M12 5v14M5 12h14',
  minus: 'M5 12h14',
  pin: 'M12 21s-7-6.2-7-12a7 7 0 0114 0c0 5.8-7 12-7 12zM12 11.5a2.5 2.5 0 100-5 2.5 2.5 0 000 5z',
  alert: 'M12 3l10 18H2zM12 10v4M12 17.5v.5',
} as const;

export function ShowIcon({ name, size }: { name: keyof typeof SHOW_ICONS; size?: string }) {
  return <Svg d={SHOW_ICONS[name]} {...(size ? { size } : {})} />;
}

/** The words for a blob that cannot be shown. */
export function unavailableText(v: BlobState, kind: 'photo' | 'voice' = 'photo'): string {
  if (v.state !== 'unavailable') return '';
  if (kind === 'voice') return v.reason === 'offline' ? t('show.voiceOffline') : t('show.voiceNotUploaded');
  return v.reason === 'offline' ? t('show.offline') : t('show.notUploaded');
}

export interface ThumbProps {
  session: Session;
  hash: string;
  /** `row`: 48 px at most, in a list row; `tile`: a photo strip's tile, with the placeholder's words. */
  size?: 'row' | 'tile' | 'mini';
  /** The image's text alternative ("" in a row: decoration inside a link that says it in words). */
  alt?: string;
  /** The case's number of photos, shown on the thumbnail when more than one. */
  count?: number | undefined;
  lazy?: boolean;
  class?: string;
  children?: ComponentChildren;
}

export function Thumb({ session, hash, size = 'row', alt = '', count, lazy = true, class: cls, children }: ThumbProps) {
  const blob = useBlobUrl(session, hash, { lazy });
  const [broken, setBroken] = useState('');
  const v = blob.value;
  const ready = v.state === 'ready' && broken !== v.url ? v : null;
  // Bytes that do not decode count as not there (never the browser's broken-image icon).
  const shown: BlobState = v.state === 'ready' && !ready ? { state: 'unavailable', reason: 'missing' } : v;
  const words = unavailableText(shown);
  return (
    <span
      ref={blob.ref}
      class={`thumb thumb-${size}${cls ? ` ${cls}` : ''}`}
      data-state={shown.state}
      title={size === 'tile' ? undefined : words || undefined}
    >
      {ready ? (
        <img src={ready.url} alt={alt} decoding="async" draggable={false} onError={() => setBroken(ready.url)} />
      ) : (
        <span class="thumb-ph">
          <ShowIcon name={shown.state === 'unavailable' ? (shown.reason === 'offline' ? 'offline' : 'imageOff') : 'camera'} />
          {size === 'tile' && words ? <span class="thumb-ph-text">{words}</span> : null}
          {size === 'tile' && shown.state === 'loading' ? <span class="visually-hidden">{t('show.loading')}</span> : null}
        </span>
      )}
      {count && count > 1 ? (
        <span class="thumb-count" aria-hidden="true">
          <ShowIcon name="camera" size="0.875em" />
          {count}
        </span>
      ) : null}
      {children}
    </span>
  );
}

/** A case row's thumbnails (report; the fix's too where there is room), or nothing when the report has no photo. */
export function RowThumbs({ session, row }: { session: Session; row: CaseRow }) {
  if (!row.thumb && !row.afterThumb) return null;
  return (
    <span class="row-thumbs">
      {row.thumb ? <Thumb session={session} hash={row.thumb} count={row.photoCount} /> : null}
      {row.afterThumb ? (
        <Thumb session={session} hash={row.afterThumb} class="row-after">
          <span class="thumb-tag" aria-hidden="true">
            {t('show.after')}
          </span>
        </Thumb>
      ) : null}
      {row.photoCount ? <span class="visually-hidden">{t('show.photoCount', { n: row.photoCount })}</span> : null}
      {row.afterThumb ? <span class="visually-hidden">{t('show.hasAfter')}</span> : null}
    </span>
  );
}

/** A voice note's length in a row's meta line ("🎤 0:12"). */
export function VoiceMeta({ seconds }: { seconds: number | undefined }) {
  if (!seconds) return null;
  return (
    <span class="row-voice">
      <ShowIcon name="mic" size="1em" />
      <span class="visually-hidden">{t('show.voice')}</span>
      {clipLength(seconds)}
    </span>
  );
}
