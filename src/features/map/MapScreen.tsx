/**
 * The grid map: the county's grids coloured by their open and overdue cases, case markers (clustered), a panel
 * for the tapped grid (worker, households, open cases), and, for screen readers and keyboards, the list of the
 * grids in view with the same figures. Works offline once the boundaries were downloaded (service worker).
 *
 * The first view follows the user: a grid worker's own grid, a village secretary's village, a town center's
 * town, everyone else the county; `#/map/<gridId>` opens on that grid.
 * maplibre is loaded only here (mapview.ts, a chunk of its own) once the boundaries and cases are known.
 */
import { Foreign } from '../../ui/Foreign.tsx';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { lang, statusName, t } from '../../app/i18n.ts';
import '../../app/locales/map.zh.ts';
import { navigate } from '../../app/router.ts';
import type { CaseRow, Session } from '../../app/services.ts';
import { bboxOf, type BBox, type Feature, type GridProperties } from '../../domain/geo.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { categoryLabel, townLabel, userLabel } from '../cases/lookup.ts';
import { FILL_NONE, FILL_OPEN, FILL_OVERDUE, CASE_OPEN } from './colors.ts';
import { countByGrid, isOverdue, openCases, type GridCount } from './counts.ts';
import { initialBounds, loadGeo, type GeoData } from './geodata.ts';
import type { CasePoint, GridMap } from './mapview.ts';
import { Thumb } from '../evidence/Thumb.tsx';
import './map.css';

const LIST_MAX = 100;
const NO_COUNT: GridCount = { open: 0, overdue: 0 };

export function MapScreen({ session, gridId }: { session: Session; gridId?: string | undefined }) {
  const org = session.org.value;
  const version = session.casesVersion.value;
  // A resident's reference data names no staff (DESIGN 3a): no worker column rather than account ids.
  const showWorkers = session.user.role !== 'resident';
  const [geo, setGeo] = useState<GeoData | null | undefined>(undefined);
  const [rows, setRows] = useState<CaseRow[] | null>(null);
  const [nowMs, setNowMs] = useState(() => Date.now());
  const [selected, setSelected] = useState<string | null>(gridId ?? null);
  const [outside, setOutside] = useState(false);
  const [view, setView] = useState<BBox | null>(null);
  const [mapState, setMapState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const container = useRef<HTMLDivElement>(null);
  const gm = useRef<GridMap | null>(null);

  useEffect(() => {
    let live = true;
    void loadGeo(session).then((g) => {
      if (live) setGeo(g);
    });
    return () => {
      live = false;
    };
  }, [session]);

  useEffect(() => {
    let live = true;
    void openCases(session).then((r) => {
      if (!live) return;
      setRows(r);
      setNowMs(Date.now());
    });
    return () => {
      live = false;
    };
  }, [session, version]);

  // Overdue moves with the clock: re-evaluate every minute.
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);

  const counts = useMemo(() => countByGrid(rows ?? [], nowMs), [rows, nowMs]);
  const points = useMemo((): CasePoint[] => {
    if (!geo || !rows) return [];
    const out: CasePoint[] = [];
    for (const r of rows) {
      const at = r.location ? [r.location.lng, r.location.lat] : geo.index.byKey(r.gridId)?.properties.center;
      if (at) out.push({ caseId: r.id, gridId: r.gridId, overdue: isOverdue(r, nowMs), lng: at[0]!, lat: at[1]! });
    }
    return out;
  }, [geo, rows, nowMs]);

  // The map: created once the boundaries and the first cases are known, so its first frame is already coloured.
  const haveData = Boolean(geo && rows);
  useEffect(() => {
    if (!geo || !rows || !container.current) return;
    let live = true;
    let made: GridMap | null = null;
    const bounds = initialBounds(session.user, geo, gridId);
    setView(bounds);
    import('./mapview.ts')
      .then((m) => {
        if (!live || !container.current) return;
        made = new m.GridMap({
          container: container.current,
          geo,
          session,
          lang: lang.value,
          bounds,
          counts,
          cases: points,
          onGrid: (id) => {
            setSelected(id);
            setOutside(id === null);
          },
          onCase: (id) => navigate({ name: 'case', id }),
          onView: (b) => setView(b),
        });
        gm.current = made;
        void made.rendered.then(() => {
          if (!live) return;
          setMapState('ready');
          made?.select(selected);
        });
        made.map.on('error', (e) => console.warn('gridlink map', e.error));
      })
      .catch((e: unknown) => {
        console.error('gridlink map failed', e);
        if (live) setMapState('failed');
      });
    return () => {
      live = false;
      made?.destroy();
      gm.current = null;
    };
    // The map is made once per screen; later data goes through setCounts / setCases / select.
  }, [haveData]);

  useEffect(() => gm.current?.setCounts(counts), [counts]);
  useEffect(() => gm.current?.setCases(points), [points]);
  useEffect(() => gm.current?.select(selected), [selected]);

  const visible = useMemo(() => {
    if (!geo) return [];
    const box = view ?? geo.index.bbox;
    const c = (f: Feature<GridProperties>) => counts.get(f.properties.gridId) ?? NO_COUNT;
    return geo.index.inBox(box).sort((a, b) => c(b).overdue - c(a).overdue || c(b).open - c(a).open || (a.properties.gridId < b.properties.gridId ? -1 : 1));
  }, [geo, view, counts]);

  const show = (id: string) => {
    setSelected(id);
    setOutside(false);
    const f = geo?.index.byKey(id);
    if (f) gm.current?.fit(bboxOf(f.geometry));
    document.getElementById('map-panel')?.focus();
  };

  const exportGeo = async () => {
    const res = await session.geoFetch('grids.geojson');
    if (!res) return;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'gridlink-grids.geojson';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const grid = selected && geo ? geo.index.byKey(selected) : undefined;
  const gridRows = grid && rows ? rows.filter((r) => r.gridId === grid.properties.gridId).sort((a, b) => b.reportedMs - a.reportedMs) : [];
  const count = grid ? (counts.get(grid.properties.gridId) ?? NO_COUNT) : NO_COUNT;

  return (
    <div class="map-screen">
      <ScreenTitle suffix={t('app.name')}>{t('map.title')}</ScreenTitle>
      {session.user.role === 'admin' ? (
        <p>
          <a href="#/geo" class="map-geo-link">
            {t('map.boundaries')}
          </a>
        </p>
      ) : null}
      {geo === null ? (
        <p class="alert alert-info" role="status">
          {t('map.unavailable')}
        </p>
      ) : null}
      {geo === undefined || (geo && mapState === 'loading') ? (
        <p role="status" class="screen-loading">
          {t('map.loading')}
        </p>
      ) : null}
      {mapState === 'failed' ? (
        <p class="alert alert-warning" role="status">
          {t('map.glFailed')}
        </p>
      ) : null}
      {geo ? (
        <>
          <div class="map-layout">
            <div ref={container} class="map-canvas" role="region" aria-label={t('map.region')} data-state={mapState === 'ready' ? 'ready' : 'loading'} />
            <aside id="map-panel" class="map-panel" tabIndex={-1} aria-live="polite">
              {grid ? (
                <>
                  <h2>{grid.properties.name}</h2>
                  <dl class="facts">
                    <dt>{t('map.village')}</dt>
                    <dd>{grid.properties.villageName}</dd>
                    <dt>{t('map.town')}</dt>
                    <dd>{townLabel(org, grid.properties.townId)}</dd>
                    {showWorkers ? (
                      <>
                        <dt>{t('map.worker')}</dt>
                        <dd>{grid.properties.workerId ? userLabel(org, grid.properties.workerId) : t('map.workerNone')}</dd>
                      </>
                    ) : null}
                    <dt>{t('map.households')}</dt>
                    {/* issue 5: the real count when this device holds the grid's people doc */}
                    <dd>{householdCount(session, grid.properties.gridId) ?? t('map.householdsNone', { n: 0 })}</dd>
                    <dt>{t('map.open')}</dt>
                    <dd>{count.open}</dd>
                    <dt>{t('map.overdue')}</dt>
                    <dd>{count.overdue}</dd>
                  </dl>
                  <h3>{t('map.openCases')}</h3>
                  {gridRows.length === 0 ? (
                    <p>{t('map.noOpenCases')}</p>
                  ) : (
                    <ul class="map-cases">
                      {gridRows.slice(0, 10).map((r) => (
                        <li key={r.id}>
                          {r.thumb ? <Thumb session={session} hash={r.thumb} size="mini" count={r.photoCount} /> : null}
                          <a class="map-case-link" href={`#/cases/${r.id}`}>
                            {categoryLabel(org, r.category)}
                          </a>{' '}
                          · {statusName(r.status)}
                          {isOverdue(r, nowMs) ? ` · ${t('map.overdue')}` : ''}
                        </li>
                      ))}
                    </ul>
                  )}
                  {gridRows.length > 10 ? <p>{t('map.moreCases', { n: gridRows.length - 10 })}</p> : null}
                </>
              ) : (
                <p>{outside ? t('map.outside') : t('map.panelHint')}</p>
              )}
            </aside>
          </div>
          <ul class="map-legend" aria-label={t('map.legend')}>
            <li>
              <span class="map-swatch" style={{ background: FILL_NONE }} />
              {t('map.legendNone')}
            </li>
            <li>
              <span class="map-swatch" style={{ background: FILL_OPEN }} />
              {t('map.legendOpen')}
            </li>
            <li>
              <span class="map-swatch" style={{ background: FILL_OVERDUE }} />
              {t('map.legendOverdue')}
            </li>
            <li>
              <span class="map-swatch" style={{ background: CASE_OPEN, borderRadius: '50%' }} />
              {t('map.legendCase')}
            </li>
          </ul>
          {/* Said once, here: no basemap on the relay (its towns file says so), so the map asks for none. */}
          {!geo.basemap ? (
            <p class="map-note" data-testid="map-no-basemap">
              {t('map.noBasemap')}
              {session.user.role === 'admin' ? (
                <a href="#/geo" class="map-geo-link">
                  {t('map.noBasemapHow')}
                </a>
              ) : (
                t('map.noBasemapAsk')
              )}
            </p>
          ) : null}
          {session.user.role === 'admin' ? (
            <div class="map-actions">
              <button type="button" class="btn" onClick={() => void exportGeo()}>
                <Foreign text={t('map.export')} />
              </button>
            </div>
          ) : null}
          <section class="map-list" aria-labelledby="map-list-title">
            <h2 id="map-list-title">{t('map.list', { n: visible.length })}</h2>
            <table>
              <caption class="visually-hidden">{t('map.listCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('map.grid')}</th>
                  {showWorkers ? <th scope="col">{t('map.worker')}</th> : null}
                  <th scope="col" class="num">
                    {t('map.open')}
                  </th>
                  <th scope="col" class="num">
                    {t('map.overdue')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {visible.slice(0, LIST_MAX).map((f) => {
                  const p = f.properties;
                  const c = counts.get(p.gridId) ?? NO_COUNT;
                  return (
                    <tr key={p.gridId}>
                      <td>
                        <button type="button" class="btn btn-quiet" onClick={() => show(p.gridId)} aria-label={`${p.name}：${t('map.show')}`}>
                          {p.name}
                        </button>
                      </td>
                      {showWorkers ? <td data-label={t('map.worker')}>{p.workerId ? userLabel(org, p.workerId) : t('map.workerNone')}</td> : null}
                      <td class="num" data-label={t('map.open')}>
                        {c.open}
                      </td>
                      <td class="num" data-label={t('map.overdue')}>
                        {c.overdue}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {visible.length > LIST_MAX ? <p class="hint">{t('map.listMore', { n: LIST_MAX })}</p> : null}
          </section>
        </>
      ) : null}
    </div>
  );
}

/** Households of a grid from its synced people doc, or null when this device does not hold it. */
function householdCount(session: Session, gridId: string): number | null {
  void session.records?.version.value;
  return session.records?.people(gridId)?.households.size ?? null;
}
