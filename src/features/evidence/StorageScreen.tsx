/**
 * Photos and voice notes on this device (`#/storage`, issue 12; linked from the shell's 菜单 as 存储空间): whether
 * the browser keeps the app's data for good (persisted), usage against the quota, the outbox's bytes (never
 * cleaned), what cleaning would remove (closed cases' copies first), a 清理 button, and upload progress per case,
 * with the blobs the relay refused for good. Reads only `session.evidence` (src/sync/blobcache.ts, uploads.ts).
 * Lazily loaded: not in the first screen's bundle.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/storage.zh.ts';
import type { Session, StorageReport } from '../../app/services.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';

/** Bytes as people read them: KB under a megabyte, else MB with one decimal. */
export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${formatNumber(Math.ceil(n / 1024))} KB`;
  if (n < 1024 * 1024 * 1024) return `${formatNumber(Math.round((n / 1024 / 1024) * 10) / 10)} MB`;
  return `${formatNumber(Math.round((n / 1024 / 1024 / 1024) * 10) / 10)} GB`;
}

const REASONS = ['too_large', 'unsupported_type', 'corrupt_blob', 'hash_mismatch', 'empty_blob'] as const;

export function StorageScreen({ session }: { session: Session }) {
  const ev = session.evidence;
  const [report, setReport] = useState<StorageReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const progress = ev?.uploads.value;
  // Reread the report whenever the outbox changes (a photo sent becomes cleanable).
  const version = progress ? `${progress.bytesLeft}/${progress.bytes}` : '';
  useEffect(() => {
    let live = true;
    void ev?.storage().then((r) => live && setReport(r));
    return () => {
      live = false;
    };
  }, [ev, version]);
  // The cases as people know them (their description), not by their ids.
  const ids = Object.keys(progress?.byCase ?? {}).concat((progress?.refused ?? []).flatMap((r) => (r.caseId ? [r.caseId] : [])));
  const [names, setNames] = useState<Record<string, string>>({});
  const idKey = ids.join();
  useEffect(() => {
    let live = true;
    void Promise.all(ids.map(async (id) => [id, (await session.getCase(id).catch(() => null))?.description ?? ''] as const)).then((pairs) => {
      if (live) setNames(Object.fromEntries(pairs.filter(([, d]) => d)));
    });
    return () => {
      live = false;
    };
    // idKey stands for ids (a new array each render).
  }, [session, idKey]);
  const caseName = (id: string) => names[id] ?? t('storage.case', { id });

  if (!ev) return <ScreenTitle suffix={t('app.name')}>{t('storage.title')}</ScreenTitle>;

  const clean = async () => {
    setBusy(true);
    setMsg(null);
    const freed = await ev.clean();
    setBusy(false);
    setMsg(freed > 0 ? t('storage.cleaned', { size: formatBytes(freed) }) : t('storage.nothing'));
    setReport(await ev.storage());
  };

  const cases = Object.entries(progress?.byCase ?? {});
  const refused = progress?.refused ?? [];
  return (
    <div class="storage-screen">
      <ScreenTitle suffix={t('app.name')}>{t('storage.title')}</ScreenTitle>
      <section class="card" aria-labelledby="storage-space-h">
        <h2 id="storage-space-h" class="visually-hidden">
          {t('storage.title')}
        </h2>
        {!report ? (
          <p>{t('storage.loading')}</p>
        ) : (
          <>
            <p>{report.persisted ? t('storage.persisted') : t('storage.notPersisted')}</p>
            <p>{report.usage !== null && report.quota !== null ? t('storage.usage', { used: formatBytes(report.usage), quota: formatBytes(report.quota) }) : t('storage.usageUnknown')}</p>
            {report.quota ? <progress max={report.quota} value={report.usage ?? 0} aria-hidden="true" style={{ width: '100%' }} /> : null}
            <p>{t('storage.unsent', { size: formatBytes(report.unsentBytes) })}</p>
            <p>{t('storage.cleanable', { size: formatBytes(report.cleanableBytes), closed: formatBytes(report.closedCaseBytes) })}</p>
            <p class="hint">{t('storage.cleanHint')}</p>
            <div class="button-row">
              <button type="button" class="btn" disabled={busy || report.cleanableBytes === 0} onClick={() => void clean()}>
                {busy ? t('storage.cleaning') : t('storage.clean')}
              </button>
            </div>
          </>
        )}
        <Alert tone="success">{msg}</Alert>
      </section>
      <section class="card" aria-labelledby="storage-progress-h">
        <h2 id="storage-progress-h">{t('storage.progress')}</h2>
        {cases.length === 0 ? (
          <p>{t('storage.allSent')}</p>
        ) : (
          <ul class="storage-cases">
            {cases.map(([id, c]) => (
              <li key={id}>
                <a href={`#/cases/${encodeURIComponent(id)}`}>{caseName(id)}</a>
                <div>{t('storage.caseLeft', { photos: c.photos, clips: c.clips, left: formatBytes(c.bytesLeft), total: formatBytes(c.bytes) })}</div>
                <progress max={c.bytes} value={c.bytes - c.bytesLeft} aria-label={caseName(id)} style={{ width: '100%' }} />
              </li>
            ))}
          </ul>
        )}
        {refused.length ? (
          <>
            <h3>{t('storage.refused')}</h3>
            <ul>
              {refused.map((r) => (
                <li key={r.hash}>
                  {t('storage.refusedItem', {
                    kind: t(`storage.kind.${r.kind}`),
                    id: r.caseId ? caseName(r.caseId) : '—',
                    reason: (REASONS as readonly string[]).includes(r.error) ? t(`storage.reason.${r.error as (typeof REASONS)[number]}`) : r.error,
                  })}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </div>
  );
}
