/**
 * Grid boundaries for administrators (`#/geo`, linked from the map): export the relay's current GeoJSON files
 * (grids, villages, towns), and import a new grids file. The file is checked on the device first with the relay's
 * own validator (src/domain/geovalidate.ts, against the org's villages), every problem listed with its feature and
 * reason; only a file that passes may be uploaded (`POST /api/geo/grids`, which checks it again and changes
 * nothing when it refuses). The import needs the network and says so while offline. After a successful import the
 * boundaries cached on this device (session and service worker) are dropped and downloaded again (geodata.ts).
 */
import { Foreign, LITERALS } from '../../ui/Foreign.tsx';
import { useEffect, useState } from 'preact/hooks';
import { formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/geo.zh.ts';
import type { Session } from '../../app/services.ts';
import { GEO_LAYERS, type GeoLayer } from '../../domain/geo.ts';
import { validateGrids, type GeoProblem, type GeoProblemCode } from '../../domain/geovalidate.ts';
import { Alert, type AlertTone } from '../../ui/Alert.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { gridLabel } from '../cases/lookup.ts';
import { loadGeo, refreshGeo } from './geodata.ts';
import './map.css';

/** The relay's limit (server/geohttp.ts MAX_IMPORT_BYTES). */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;
const CODES: readonly GeoProblemCode[] = ['invalid_geojson', 'invalid_feature', 'invalid_polygon', 'self_intersection', 'duplicate_id', 'unknown_village', 'overlap', 'too_large'];

type Msg = { tone: AlertTone; text: string } | null;
/** The file chosen and what the device's check found. */
type Checked = { name: string; text: string; grids: number; missing: string[] } | { name: string; problems: GeoProblem[] };

/** The reason of a problem in the current language (an unknown code from a newer relay: its own message). */
export function problemReason(p: Pick<GeoProblem, 'code' | 'message'>): string {
  return (CODES as readonly string[]).includes(p.code) ? t(`geo.code.${p.code}`) : p.message;
}

/** Which feature a problem is about, counted from 1 as people do (the relay's own message counts from 0). */
export function problemWhere(p: Pick<GeoProblem, 'feature' | 'gridId'>, names?: ReadonlyMap<string, string>): string {
  if (p.feature === undefined) return t('geo.fileItself');
  return p.gridId ? t('geo.featureId', { n: p.feature + 1, id: gridName(p.gridId, names) }) : t('geo.feature', { n: p.feature + 1 });
}

/** A grid as people know it: its name from the org when there is one, else the number the file gives it. */
function gridName(id: string, names?: ReadonlyMap<string, string>): string {
  return names?.get(id) ?? id;
}

function ProblemList({ problems, id, names }: { problems: readonly GeoProblem[]; id: string; names: ReadonlyMap<string, string> }) {
  return (
    <ol aria-label={t('geo.problems')} id={id} class="geo-problems">
      {problems.map((p, i) => (
        <li key={i} data-code={p.code}>
          <strong>{problemWhere(p, names)}</strong>
          {t('geo.sep')}
          {problemReason(p)}
          {p.otherGridId && p.otherGridId !== p.gridId ? t('geo.other', { id: gridName(p.otherGridId, names) }) : ''}
          {/* The relay's own words (English, for whoever fixes the file in a GIS tool): behind a disclosure. */}
          {p.message ? (
            <details class="geo-detail">
              <summary>{t('geo.detail')}</summary>
              <span lang="en">{p.message}</span>
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file format's own words, in the technical disclosure only. */
const FORMAT_TERMS = [...LITERALS, 'FeatureCollection', 'properties.gridId', 'properties.villageId', 'MultiPolygon', 'Polygon'];

export function GeoAdmin({ session }: { session: Session }) {
  const offline = session.status.value.connection === 'offline';
  const org = session.org.value;
  const [exportMsg, setExportMsg] = useState<Msg>(null);
  const [checking, setChecking] = useState(false);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [fileMsg, setFileMsg] = useState<Msg>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Msg>(null);
  const [relayProblems, setRelayProblems] = useState<GeoProblem[] | null>(null);
  const [refresh, setRefresh] = useState<Msg>(null);
  // Whether the relay has a basemap: the towns file says so (geodata.ts), offline from the service worker's copy.
  const [basemap, setBasemap] = useState<boolean | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void loadGeo(session).then((g) => {
      if (live) setBasemap(g ? g.basemap : null);
    });
    return () => {
      live = false;
    };
  }, [session]);

  if (session.user.role !== 'admin') {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('geo.title')}</ScreenTitle>
        <Alert tone="error">{t('geo.adminOnly')}</Alert>
      </div>
    );
  }

  const exportLayer = async (layer: GeoLayer) => {
    const file = `${layer}.geojson`;
    const res = await session.geoFetch(file);
    if (!res) return setExportMsg({ tone: 'error', text: t('geo.exportFailed', { file }) });
    download(`gridlink-${file}`, await res.blob());
    setExportMsg({ tone: 'success', text: t('geo.exported', { file }) });
  };

  const choose = async (file: File | undefined) => {
    setChecked(null);
    setFileMsg(null);
    setResult(null);
    setRelayProblems(null);
    setRefresh(null);
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) return setFileMsg({ tone: 'error', text: t('geo.tooBig', { size: (file.size / 1048576).toFixed(1) }) });
    setChecking(true);
    const text = await file.text();
    // Let the "checking" status paint before a large file's validation takes the main thread.
    await new Promise((r) => setTimeout(r, 0));
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      setChecking(false);
      return setFileMsg({ tone: 'error', text: t('geo.notJson') });
    }
    const villages = new Map((org?.data.villages ?? []).map((v) => [v.id, v.townId]));
    const v = validateGrids(input, villages);
    setChecking(false);
    if (!v.ok) {
      setChecked({ name: file.name, problems: v.problems });
      return setFileMsg({ tone: 'error', text: t('geo.invalid', { n: v.problems.length }) });
    }
    const have = new Set(v.grids.map((g) => g.gridId));
    const missing = (org?.data.grids ?? []).map((g) => g.id).filter((id) => !have.has(id));
    setChecked({ name: file.name, text, grids: v.grids.length, missing });
    setFileMsg({ tone: 'success', text: t('geo.valid', { n: formatNumber(v.grids.length) }) });
  };

  const upload = async () => {
    if (!checked || !('text' in checked)) return;
    setBusy(true);
    setResult(null);
    setRelayProblems(null);
    setRefresh(null);
    const res = await session.geoFetch('grids', { method: 'POST', body: checked.text, headers: { 'content-type': 'application/geo+json' } });
    const body = ((await res?.json().catch(() => null)) ?? null) as { grids?: number; problems?: GeoProblem[] } | null;
    setBusy(false);
    if (!res) return setResult({ tone: 'error', text: t('geo.network') });
    if (res.ok) {
      setResult({ tone: 'success', text: t('geo.uploaded', { n: formatNumber(body?.grids ?? checked.grids) }) });
      setChecked(null);
      setRefresh({ tone: 'info', text: t('geo.refreshing') });
      const geo = await refreshGeo(session);
      return setRefresh(geo ? { tone: 'success', text: t('geo.refreshed') } : { tone: 'warning', text: t('geo.refreshFailed') });
    }
    if (res.status === 400 && Array.isArray(body?.problems)) {
      setRelayProblems(body.problems);
      return setResult({ tone: 'error', text: t('geo.rejected', { n: body.problems.length }) });
    }
    const text = res.status === 401 ? t('geo.unauthorized') : res.status === 403 ? t('geo.forbidden') : res.status === 413 ? t('geo.serverTooBig') : t('geo.failed', { status: res.status });
    setResult({ tone: 'error', text });
  };

  const valid = checked && 'text' in checked ? checked : null;
  // Grids by the names people know them by (village · grid), not by their numbers.
  const names = new Map((org?.data.grids ?? []).map((g) => [g.id, gridLabel(org, g.id)]));
  return (
    <div class="geo-admin">
      <ScreenTitle suffix={t('app.name')}>{t('geo.title')}</ScreenTitle>
      <section aria-labelledby="geo-export-h" class="card">
        <h2 id="geo-export-h">{t('geo.export')}</h2>
        <p class="hint">
          <Foreign text={t('geo.exportHint')} />
        </p>
        <div class="button-row">
          {GEO_LAYERS.map((layer) => (
            <button key={layer} type="button" class="btn" onClick={() => void exportLayer(layer)}>
              {t(`geo.layer.${layer}`)}
            </button>
          ))}
        </div>
        <Alert tone={exportMsg?.tone ?? 'info'}>{exportMsg?.text}</Alert>
      </section>
      <section aria-labelledby="geo-import-h" class="card">
        <h2 id="geo-import-h">{t('geo.import')}</h2>
        <p class="hint">
          <Foreign text={t('geo.importHint')} />
        </p>
        <details class="geo-help">
          <summary>{t('geo.format')}</summary>
          <p>
            <Foreign text={t('geo.formatDetail')} terms={FORMAT_TERMS} />
          </p>
        </details>
        <Alert tone="warning" id="geo-offline">
          {offline ? t('geo.offline') : null}
        </Alert>
        <Field id="geo-file" label={t('geo.file')}>
          <input id="geo-file" type="file" accept=".geojson,.json,application/geo+json,application/json" disabled={!org} onChange={(e) => void choose(e.currentTarget.files?.[0])} />
        </Field>
        {/* The check needs the org's villages: wait for the org doc. */}
        {!org ? <p role="status">{t('app.loading')}</p> : null}
        <div role="status">{checking ? t('geo.checking') : null}</div>
        <Alert tone={fileMsg?.tone ?? 'info'}>{fileMsg?.text}</Alert>
        {checked && 'problems' in checked ? <ProblemList problems={checked.problems} id="geo-local-problems" names={names} /> : null}
        {valid && valid.missing.length ? <p class="hint">{t('geo.validMissing', { n: valid.missing.length, ids: valid.missing.map((id) => gridName(id, names)).join('、') })}</p> : null}
        <button type="button" class="btn btn-primary" disabled={!valid || offline || busy} aria-describedby={offline ? 'geo-offline' : undefined} onClick={() => void upload()}>
          {busy ? t('geo.uploading') : t('geo.upload')}
        </button>
        <Alert tone={result?.tone ?? 'info'}>{result?.text}</Alert>
        {relayProblems ? <ProblemList problems={relayProblems} id="geo-relay-problems" names={names} /> : null}
        <Alert tone={refresh?.tone ?? 'info'}>{refresh?.text}</Alert>
      </section>
      <section aria-labelledby="geo-basemap-h" class="card">
        <h2 id="geo-basemap-h">{t('geo.basemap')}</h2>
        {basemap === undefined ? <p role="status">{t('geo.basemapLoading')}</p> : null}
        {typeof basemap === 'boolean' ? <p class="geo-basemap-state">{basemap ? t('geo.basemapYes') : t('geo.basemapNone')}</p> : null}
        <details class="geo-help" open={basemap === false}>
          <summary>{t('geo.basemapHow')}</summary>
          <p>
            <Foreign text={t('geo.basemapSteps')} />
          </p>
        </details>
      </section>
    </div>
  );
}
