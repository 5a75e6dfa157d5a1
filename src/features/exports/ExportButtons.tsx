/**
 * 导出 buttons (issue 15): each downloads one file of the relay's /api/exports/... (server/exports.ts) with this
 * session's token and saves it with the name the relay gives (Content-Disposition, its UTF-8 `filename*`).
 * Exports are computed by the relay: without a connection the buttons say so (they stay focusable, marked
 * aria-disabled, the reason next to them), and every failure is said in words, never silent.
 */
import { Foreign } from '../../ui/Foreign.tsx';
import { useState } from 'preact/hooks';
import '../../app/locales/exports.zh.ts';
import { formatNumber, t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import { MAX_EXPORT_ROWS } from '../../domain/exports.ts';
import './exports.css';

export interface ExportFileLink {
  label: string;
  /** The API path with its query, e.g. /api/exports/cases.csv?scope=t01. */
  path: string;
}

type Msg = { tone: 'ok' | 'error'; text: string } | null;

/** The file name of a Content-Disposition header: its RFC 5987 `filename*` first, else `filename`. */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the ASCII name
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? null;
}

/** Save a Blob as a download named `name` (the browser's download bar). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

async function download(session: Session, path: string): Promise<Msg> {
  if (!session.api) return { tone: 'error', text: t('export.offline') };
  let res: Response;
  try {
    res = await session.api(path);
  } catch {
    return { tone: 'error', text: t('export.network') };
  }
  if (res.status === 200) {
    let blob: Blob;
    try {
      blob = await res.blob();
    } catch {
      return { tone: 'error', text: t('export.network') };
    }
    const name = dispositionName(res.headers.get('content-disposition')) ?? path.replace(/^.*\/|\?.*$/g, '');
    saveBlob(blob, name);
    return { tone: 'ok', text: t('export.done', { name }) };
  }
  if (res.status === 401 || res.status === 403) return { tone: 'error', text: t('export.forbidden') };
  if (res.status === 413) return { tone: 'error', text: t('export.tooLarge', { n: formatNumber(MAX_EXPORT_ROWS) }) };
  return { tone: 'error', text: t('export.failed', { status: res.status }) };
}

let seq = 0;

/**
 * The buttons; `unavailable`: why none can be used now (e.g. a filter to choose first), shown next to them;
 * `label`: the group's name (default 导出).
 */
export function ExportButtons({ session, files, unavailable, note, label }: { session: Session; files: ExportFileLink[]; unavailable?: string; note?: string; label?: string }) {
  const [msg, setMsg] = useState<Msg>(null);
  const [busy, setBusy] = useState(false);
  const [id] = useState(() => `export-${++seq}`);
  const online = session.status.value.connection === 'online' && Boolean(session.api);
  const reason = unavailable || (online ? '' : t('export.offline'));

  const run = async (path: string) => {
    if (reason || busy) {
      setMsg(reason ? { tone: 'error', text: reason } : null);
      return;
    }
    setBusy(true);
    setMsg({ tone: 'ok', text: t('export.busy') });
    setMsg(await download(session, path));
    setBusy(false);
  };

  return (
    <div class="export-bar" role="group" aria-labelledby={`${id}-label`}>
      <span id={`${id}-label`} class="export-label">
        {label ?? t('export.label')}
      </span>
      {files.map((f) => (
        <button
          key={f.path}
          type="button"
          class="btn"
          aria-disabled={reason || busy ? 'true' : undefined}
          aria-describedby={reason ? `${id}-why` : note ? `${id}-note` : undefined}
          onClick={() => void run(f.path)}
        >
          <Foreign text={f.label} />
        </button>
      ))}
      {reason ? (
        <p id={`${id}-why`} class="hint export-why">
          {reason}
        </p>
      ) : note ? (
        <p id={`${id}-note`} class="hint">
          {note}
        </p>
      ) : null}
      <p role="status" class={msg?.tone === 'error' ? 'field-error export-msg' : 'export-msg'}>
        {msg && msg.text !== reason ? msg.text : ''}
      </p>
    </div>
  );
}
