/**
 * Always-visible sync status: connection, own changes not yet saved on the server, last save time, and (issue 12)
 * the photos and voice clips waiting to be uploaded ("3 张照片待上传"; per case on the storage screen, 菜单 > 存储空间).
 * A polite live region, so a screen reader hears "离线" or "2 项更改尚未保存到服务器" when it changes.
 * It claims only what is known: while the local docs open and the links are made it says "正在连接…", never
 * beside "所有更改已保存到服务器" (which waits for the relay's answer, or for the device to be known offline).
 * Issue 16: after a first sign-in's head start (status.early) and until every doc has synced, "正在下载更早的记录…"
 * (offline: "更早的记录将在联网后下载"): the worker's open work is on screen, the rest of the town's year is not yet.
 */
import type { ReadonlySignal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, lang, t } from '../../app/i18n.ts';
import type { SyncStatus as Status } from '../../app/services.ts';

export function SyncStatusBar({ status }: { status: ReadonlySignal<Status> }) {
  const s = status.value;
  // Re-render once a minute so "today 10:02" becomes a date after midnight.
  const [, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(id);
  }, []);
  const conn = s.connection;
  // Heard between the parts by screen readers (the parts are visually separated by spacing only).
  const sep = lang.value === 'zh' ? '，' : ', ';
  return (
    <div class={`syncbar syncbar-${conn}`} role="status" aria-label={t('sync.label')}>
      <span class="syncbar-conn">
        <span class="dot" aria-hidden="true" />
        {t(`sync.${conn}`)}
      </span>
      <span class="visually-hidden">{sep}</span>
      <span class={s.unsaved > 0 ? 'syncbar-unsaved has-unsaved' : 'syncbar-unsaved'}>
        {/* Until the local docs are open (status.ready) the unsaved count is not known: claim nothing. */}
        {s.unsaved > 0 ? t(s.unsaved === 1 ? 'sync.unsaved.one' : 'sync.unsaved.other', { n: s.unsaved }) : s.ready && conn !== 'connecting' ? t('sync.allSaved') : null}
      </span>
      <span class="visually-hidden">{sep}</span>
      {/* "Never saved" only matters while something waits: with nothing written yet it is noise (a third row at 200%). */}
      <span class="syncbar-last">{s.lastSavedMs !== null ? t('sync.lastSaved', { time: formatTime(s.lastSavedMs) }) : s.unsaved > 0 ? t('sync.neverSaved') : null}</span>
      {s.uploads ? (
        <>
          <span class="visually-hidden">{sep}</span>
          {/* Issue 12: photos and voice clips still in the outbox (a photo and its thumbnail count once). */}
          <span class="syncbar-uploads">
            {[
              s.uploads.photos > 0 ? t(s.uploads.photos === 1 ? 'sync.uploads.photos.one' : 'sync.uploads.photos.other', { n: s.uploads.photos }) : null,
              s.uploads.clips > 0 ? t(s.uploads.clips === 1 ? 'sync.uploads.clips.one' : 'sync.uploads.clips.other', { n: s.uploads.clips }) : null,
            ]
              .filter(Boolean)
              .join(sep)}
          </span>
        </>
      ) : null}
      {!s.ready ? <span class="syncbar-loading">{t('sync.loadingLocal')}</span> : null}
      {/* Issue 16: a first sign-in shows the worker's open work first; the rest of the year is still on its way. */}
      {s.ready && s.early && !s.synced ? <span class="syncbar-loading">{t(conn === 'offline' ? 'sync.earlierOffline' : 'sync.earlier')}</span> : null}
    </div>
  );
}
