/**
 * A case's photos as a row of thumbnail tiles; a tile opens the photo viewer (PhotoViewer.tsx, loaded on first
 * use) at that photo. Contract: only thumbnails load here, each when near the viewport; the full photo loads only
 * in the viewer (on 2G a case shows at thumbnail cost). The tiles are buttons (tap, Enter, Space), named
 * "查看第 2 张照片，共 5 张"; the viewer hands focus back to the tile on close.
 */
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/show.zh.ts';
import type { Session } from '../../app/services.ts';
import type { PhotoRef } from '../../domain/evidence.ts';
import type { PhotoViewerProps } from './PhotoViewer.tsx';
import { Thumb } from './Thumb.tsx';
import './show.css';

let viewerModule: Promise<ComponentType<PhotoViewerProps>> | null = null;
/** The viewer's chunk, fetched once (a failure is retried on the next tap). */
export function loadViewer(): Promise<ComponentType<PhotoViewerProps>> {
  return (viewerModule ??= import('./PhotoViewer.tsx').then(
    (m) => m.PhotoViewer,
    (e: unknown) => {
      viewerModule = null;
      throw e;
    },
  ));
}

export interface PhotoStripProps {
  session: Session;
  photos: PhotoRef[];
  /** The list's name (现场照片 / 整改后). */
  label: string;
  /** The fix's photos: the tiles and the viewer say so. */
  after?: boolean;
  /** `small` tiles (before/after columns on a phone). */
  small?: boolean;
}

export function PhotoStrip({ session, photos, label, after, small }: PhotoStripProps) {
  const [open, setOpen] = useState<number | null>(null);
  const [Viewer, setViewer] = useState<ComponentType<PhotoViewerProps> | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  // Closed: focus back on the tile that opened it (also where a click does not focus a button, as in Safari).
  useEffect(() => {
    if (open !== null || !opener.current) return;
    opener.current.focus();
    opener.current = null;
  }, [open]);
  const n = photos.length;
  if (!n) return null;
  const show = (i: number, tile: HTMLElement) => {
    opener.current = tile;
    setOpen(i);
    if (!Viewer)
      loadViewer().then(
        (v) => setViewer(() => v),
        () => setOpen(null),
      );
  };
  return (
    <>
      <ul class={small ? 'photo-strip is-small' : 'photo-strip'} aria-label={label}>
        {photos.map((p, i) => (
          <li key={`${i}-${p.thumb}`}>
            <button type="button" class="photo-tile" aria-haspopup="dialog" onClick={(e) => show(i, e.currentTarget)}>
              {/* The name from the content (not aria-label): a placeholder's visible words are part of it. */}
              <span class="visually-hidden tile-name">{t(after ? 'show.openAfter' : 'show.open', { i: i + 1, n })}</span>
              <Thumb session={session} hash={p.thumb} size="tile" />
            </button>
          </li>
        ))}
      </ul>
      {open !== null && Viewer ? <Viewer session={session} photos={photos} start={open} label={after ? t('show.viewerAfter') : t('show.viewer')} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
