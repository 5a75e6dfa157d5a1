/**
 * 指挥中心 (command hall, issue 15): the county's or a town's figures on a wall screen (1920x1080, read from 5 m),
 * refreshed as events sync. `#/hall` for the county (whole county) and a town center (its town); the county and
 * admins may open one town with `#/hall?scope=t01`.
 *
 * Numbers: compute.ts, from the read model's rows with the 考核's own domain functions (the same figures as the
 * 考核 screen and /api/stats for the same scope and period). Data: rows.ts, read once and then kept current from
 * the read model's writes; the figures are recomputed from memory at most every REFRESH_MS after a change (and each
 * minute: overdue and "today" move with the clock), never by re-reading or re-folding everything.
 *
 * The sync state is never overstated: 实时同步 only while connected and synced; offline shows 离线 and the last time
 * this device was seen synced (kept per user in localStorage, so a reload offline still knows it).
 *
 * Performance marks: `gl:hall-rendered` after the first render with figures, `gl:hall-refreshed` after each
 * refresh's render (bench/figures/hall.ts reads them).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatNumber, localName, t } from '../../app/i18n.ts';
import '../../app/locales/hall.zh.ts';
import '../../app/locales/stats.zh.ts';
import { navigate } from '../../app/router.ts';
import type { OrgView, Session } from '../../app/services.ts';
import type { Figures, Table1Row } from '../../domain/assessment.ts';
import type { AssessScope } from '../../domain/assessscope.ts';
import { bboxOf, unionBBox, type BBox } from '../../domain/geo.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { categoryLabel, gridLabel, townLabel, unitLabel } from '../cases/lookup.ts';
import { loadGeo, type GeoData } from '../map/geodata.ts';
import type { GridMap } from '../map/mapview.ts';
import { BarChart, LineChart } from './charts.tsx';
import { hallFigures, RANK_ROWS, type HallFigures, type Ranked } from './compute.ts';
import { HallRows } from './rows.ts';
import './hall.css';
import { hoursNumber, pct, table1Value } from '../assessment/format.ts';

/** Changes are gathered for this long before the figures are recomputed (a burst of syncs: one refresh). */
export const REFRESH_MS = 300;
export const RENDERED_MARK = 'gl:hall-rendered';
export const REFRESHED_MARK = 'gl:hall-refreshed';
const HEAT_LAYER = 'hall-heat';

/** Who may open the hall: the county and admins (any scope), a town center (its town). */
export function hallScope(session: Session, requested: string | undefined): AssessScope | null {
  const u = session.user;
  if (u.role === 'town') return u.townId ? { kind: 'town', townId: u.townId } : null;
  if (u.role === 'county' || u.role === 'admin') return requested ? { kind: 'town', townId: requested } : { kind: 'county' };
  return null;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
/** HH:mm:ss in China Standard Time (the hall is read in the county, whatever the PC's zone). */
export function cstTime(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

const hoursFmt = hoursNumber;

const lastSyncKey = (userId: string) => `gl:hall-synced:${userId}`;

export function Hall({ session, scope: requested }: { session: Session; scope?: string | undefined }) {
  const scope = hallScope(session, requested);
  if (!scope) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('hall.title')}</ScreenTitle>
        <p>{t('app.notAllowed')}</p>
      </div>
    );
  }
  return <HallScreen session={session} scope={scope} key={scope.kind === 'town' ? scope.townId : 'county'} />;
}

function HallScreen({ session, scope }: { session: Session; scope: AssessScope }) {
  const org = session.org.value;
  const root = useRef<HTMLDivElement>(null);
  const store = useMemo(() => new HallRows(session), [session]);
  const [figures, setFigures] = useState<HallFigures | null>(null);
  const [updatedMs, setUpdatedMs] = useState<number | null>(null);
  const [full, setFull] = useState(false);
  const first = useRef(true);

  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);

  // The wall layout fills the viewport below the app's header (hall.css): tell it where the hall starts.
  useEffect(() => {
    const html = document.documentElement;
    html.classList.add('hall-page');
    const place = () => {
      const el = root.current;
      if (el) el.style.setProperty('--hall-top', `${Math.ceil(el.getBoundingClientRect().top + window.scrollY) + 8}px`);
    };
    place();
    window.addEventListener('resize', place);
    return () => {
      html.classList.remove('hall-page');
      window.removeEventListener('resize', place);
    };
  }, []);

  // Recompute from memory: after a change (gathered for REFRESH_MS), and each minute for the clock.
  const version = store.version.value;
  const [minute, setMinute] = useState(() => Math.floor(session.now() / 60_000));
  useEffect(() => {
    const timer = setInterval(() => setMinute(Math.floor(session.now() / 60_000)), 5_000);
    return () => clearInterval(timer);
  }, [session]);
  useEffect(() => {
    if (!store.loaded.value) return;
    const timer = setTimeout(
      () => {
        performance.mark('gl:hall-compute-start');
        setFigures(hallFigures(store.rows.values(), scope, session.now(), org?.data ?? null));
        setUpdatedMs(Date.now());
      },
      first.current ? 0 : REFRESH_MS,
    );
    return () => clearTimeout(timer);
  }, [version, minute, org, store.loaded.value]);

  useEffect(() => {
    if (!figures) return;
    performance.mark(first.current ? RENDERED_MARK : REFRESHED_MARK);
    first.current = false;
  }, [figures]);

  // The last time this device was seen synced (shown offline).
  const status = session.status.value;
  const live = status.connection === 'online' && Boolean(status.synced);
  useEffect(() => {
    if (live) localStorage.setItem(lastSyncKey(session.user.id), String(Date.now()));
  }, [live, version]);

  // Full screen: the hall element alone (the app's header and navigation are not in it).
  useEffect(() => {
    const on = () => setFull(document.fullscreenElement === root.current);
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);
  const toggleFull = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.current?.requestFullscreen?.();
  };

  const scopeName = scope.kind === 'town' ? townLabel(org, scope.townId) : t('hall.county');
  const mayChoose = session.user.role === 'county' || session.user.role === 'admin';
  let syncText: string;
  if (live) syncText = t('hall.live');
  else if (status.connection === 'connecting') syncText = t('hall.connecting');
  else {
    const last = Number(localStorage.getItem(lastSyncKey(session.user.id)) ?? NaN);
    syncText = Number.isFinite(last) && last > 0 ? t('hall.offline', { time: cstTime(last) }) : t('hall.offlineNever');
  }
  const syncClass = live ? 'hall-sync hall-sync-live' : status.connection === 'connecting' ? 'hall-sync' : 'hall-sync hall-sync-off';

  return (
    <div class={full ? 'hall hall-full' : 'hall'} ref={root} data-scope={scope.kind === 'town' ? scope.townId : 'county'}>
      <header class="hall-head">
        <ScreenTitle suffix={t('app.name')}>{t('hall.titleOf', { scope: scopeName })}</ScreenTitle>
        <div class="hall-status">
          <Clock session={session} />
          <p class="hall-updated" role="status">
            <span class={syncClass} data-sync={live ? 'live' : status.connection}>
              {syncText}
            </span>
            {updatedMs !== null ? <span>{t('hall.updated', { time: cstTime(updatedMs) })}</span> : null}
          </p>
        </div>
        <div class="hall-tools">
          {mayChoose && org ? (
            <label class="hall-choose">
              <span>{t('hall.scope')}</span>
              <select
                value={scope.kind === 'town' ? scope.townId : ''}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  navigate({ name: 'hall', ...(v ? { scope: v } : {}) });
                }}
              >
                <option value="">{t('hall.county')}</option>
                {org.data.towns.map((x) => (
                  <option key={x.id} value={x.id}>
                    {localName(x)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {document.fullscreenEnabled ? (
            <button type="button" class="btn hall-full-btn" onClick={toggleFull} aria-pressed={full}>
              {full ? t('hall.exitFullscreen') : t('hall.fullscreen')}
            </button>
          ) : null}
        </div>
      </header>
      {!figures ? (
        <p class="screen-loading" role="status">
          {t('hall.loading')}
        </p>
      ) : (
        <HallBody session={session} scope={scope} org={org} f={figures} />
      )}
    </div>
  );
}

/** The clock, in its own component: its second-by-second renders touch nothing else. */
function Clock({ session }: { session: Session }) {
  const [now, setNow] = useState(() => session.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(session.now()), 1000);
    return () => clearInterval(timer);
  }, [session]);
  return (
    <p class="hall-clock" aria-label={t('hall.clock')}>
      <time>{cstTime(now)}</time>
    </p>
  );
}

function HallBody({ session, scope, org, f }: { session: Session; scope: AssessScope; org: OrgView | null; f: HallFigures }) {
  const today = f.todayFigures;
  const day = (d: string) => d.slice(5);
  const first = f.days[0]!.day;
  const last = f.days[f.days.length - 1]!.day;
  const lastHours = [...f.days].reverse().find((d) => d.avgResolveHours !== null)?.avgResolveHours ?? null;
  const areaName = (id: string) => (scope.kind === 'county' ? townLabel(org, id) : gridLabel(org, id));
  const maxCat = Math.max(1, ...f.categories.map((c) => c.cases));
  return (
    <div class="hall-body">
      <section class="hall-tiles" aria-labelledby="hall-today">
        <h2 id="hall-today" class="hall-tiles-title">
          {t('hall.today', { day: f.days[f.days.length - 1]!.day })}
        </h2>
        <Tile id="new" label={t('hall.new')} value={today.cases} />
        <Tile id="open" label={t('hall.open')} value={today.open} />
        <Tile id="overdue" label={t('hall.overdue')} value={today.overdue} tone="bad" />
        <Tile id="closed" label={t('hall.closed')} value={today.completed} tone="good" />
      </section>

      <section class="hall-panel hall-map-panel" aria-labelledby="hall-map-title">
        <h2 id="hall-map-title">
          {t('hall.map')} <span class="hall-sub">{t('hall.mapCount', { n: formatNumber(f.openNow) })}</span>
        </h2>
        <HeatMap session={session} scope={scope} f={f} />
        <p class="hall-note">{t('hall.mapDesc')}</p>
      </section>

      <section class="hall-panel" aria-labelledby="hall-perday-title">
        <h2 id="hall-perday-title">{t('hall.perDay')}</h2>
        <BarChart
          id="hall-perday"
          title={t('hall.perDay')}
          desc={t('hall.perDayDesc', { first, last, today: formatNumber(f.days[f.days.length - 1]!.cases), max: formatNumber(Math.max(...f.days.map((d) => d.cases))) })}
          points={f.days.map((d) => ({ label: day(d.day), value: d.cases }))}
        />
        <DataTable caption={t('hall.perDay')} head={[t('hall.col.day'), t('stats.f.cases')]} rows={f.days.map((d) => [d.day, formatNumber(d.cases)])} />
      </section>

      <section class="hall-panel" aria-labelledby="hall-hours-title">
        <h2 id="hall-hours-title">{t('hall.hours')}</h2>
        <LineChart
          id="hall-hours"
          title={t('hall.hours')}
          desc={t('hall.hoursDesc', { first, last, last1: hoursFmt(lastHours) })}
          points={f.days.map((d) => ({ label: day(d.day), value: d.avgResolveHours }))}
          fmt={(n) => hoursFmt(n)}
        />
        <DataTable caption={t('hall.hours')} head={[t('hall.col.day'), t('hall.col.hours')]} rows={f.days.map((d) => [d.day, hoursFmt(d.avgResolveHours)])} />
      </section>

      <section class="hall-panel" aria-labelledby="hall-cat-title">
        <h2 id="hall-cat-title">{t('hall.categories')}</h2>
        {f.categories.length === 0 ? (
          <p class="hall-none">{t('hall.none')}</p>
        ) : (
          <ol class="hall-cats">
            {f.categories.slice(0, RANK_ROWS).map((c) => (
              <li key={c.major} data-major={c.major}>
                <span class="hall-cat-name">{categoryLabel(org, c.major)}</span>
                <span class="hall-cat-bar" aria-hidden="true">
                  <span style={{ width: `${(c.cases / maxCat) * 100}%` }} />
                </span>
                <span class="hall-cat-n">{formatNumber(c.cases)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section class="hall-panel" aria-labelledby="hall-t1-title">
        {f.table1 ? (
          <>
            <h2 id="hall-t1-title">{t('hall.table1')}</h2>
            <Table1 rows={f.table1} />
          </>
        ) : (
          <>
            <h2 id="hall-t1-title">{t('hall.yearFigures')}</h2>
            <YearFigures f={f.yearFigures} />
          </>
        )}
      </section>

      <Ranking id="hall-areas" title={scope.kind === 'county' ? t('hall.rankTowns') : t('hall.rankGrids')} list={f.areas} name={areaName} />
      <Ranking id="hall-units" title={t('hall.rankUnits')} list={f.units} name={(id) => unitLabel(org, id)} />
    </div>
  );
}

function Tile({ id, label, value, tone }: { id: string; label: string; value: number; tone?: 'good' | 'bad' }) {
  return (
    <div class={`hall-tile${tone ? ` hall-tile-${tone}` : ''}`} data-figure={id}>
      <span class="hall-tile-label">{label}</span>
      <span class="hall-tile-value">{formatNumber(value)}</span>
    </div>
  );
}

/** A visually hidden table of a chart's numbers. */
function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: string[][] }) {
  return (
    // In a hidden box: a table does not shrink to .visually-hidden's 1px, its box would stretch the page.
    <div class="visually-hidden">
      <table>
        <caption>
          {caption} {t('hall.dataTable')}
        </caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th scope="col" key={h}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r[0]}>
            <th scope="row">{r[0]}</th>
            {r.slice(1).map((c, i) => (
              <td key={i}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
      </table>
    </div>
  );
}


function Table1({ rows }: { rows: Table1Row[] }) {
  return (
    <table class="hall-table hall-t1">
      <thead>
        <tr>
          <th scope="col">{t('stats.t1.category')}</th>
          <th scope="col" class="num">
            {t('stats.t1.value')}
          </th>
          <th scope="col" class="num">
            {t('stats.t1.seed')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-key={r.key}>
            <th scope="row" class="hall-name" title={r.unit}>
              {localName({ name: r.label, nameEn: r.labelEn })}
            </th>
            <td class="num">{table1Value(r, r.value)}</td>
            <td class="num hall-muted">{table1Value(r, r.seed)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function YearFigures({ f }: { f: Figures }) {
  const rows: Array<[string, string]> = [
    [t('stats.f.cases'), formatNumber(f.cases)],
    [t('stats.f.acceptance'), pct(f.acceptanceOnTimeRate)],
    [t('stats.f.onTime'), pct(f.onTimeCompletionRate)],
    [t('stats.f.completion'), pct(f.completionRate)],
    [t('stats.f.satisfaction'), pct(f.satisfactionRate)],
    [t('stats.f.avgHours'), t('stats.hours', { h: hoursFmt(f.avgResolveHours) })],
    [t('stats.f.overdue'), formatNumber(f.overdue)],
  ];
  return (
    <table class="hall-table">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td class="num">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Ranking({ id, title, list, name }: { id: string; title: string; list: Ranked[]; name: (id: string) => string }) {
  return (
    <section class="hall-panel hall-rank" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {list.length === 0 ? (
        <p class="hall-none">{t('hall.none')}</p>
      ) : (
        <table class="hall-table" id={id}>
          <caption class="visually-hidden">{t('hall.rankOrder')}</caption>
          <colgroup>
            <col class="hall-col-rank" />
            <col />
            <col class="hall-col-rate" />
            <col class="hall-col-rate" />
            <col class="hall-col-rate" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col" class="num">
                {t('hall.col.rank')}
              </th>
              <th scope="col">{t('stats.col.name')}</th>
              {/* The sort key, marked (▼) on the wall and for screen readers (aria-sort). */}
              <th scope="col" class="num" aria-sort="descending" title={t('hall.rankOrder')}>
                {t('hall.col.onTime')}
              </th>
              <th scope="col" class="num">
                {t('hall.col.completion')}
              </th>
              <th scope="col" class="num">
                {t('hall.col.satisfaction')}
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((r, i) => (
              // Every row is in the table (screen readers); the wall shows the first RANK_ROWS.
              <tr key={r.id} data-id={r.id} class={i >= RANK_ROWS ? 'visually-hidden' : undefined}>
                <td class="num">{i + 1}</td>
                <th scope="row" class="hall-name">
                  {name(r.id)}
                </th>
                <td class="num">{pct(r.figures.onTimeCompletionRate)}</td>
                <td class="num">{pct(r.figures.completionRate)}</td>
                <td class="num">{pct(r.figures.satisfactionRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The bounds of the scope: a town's grids, else the whole county. */
function scopeBounds(geo: GeoData, scope: AssessScope): BBox {
  if (scope.kind !== 'town') return geo.index.bbox;
  return unionBBox(geo.grids.features.filter((g) => g.properties.townId === scope.townId).map((g) => bboxOf(g.geometry))) ?? geo.index.bbox;
}

/** The open cases as GeoJSON points (a case without a location at its grid's centre). */
function heatData(geo: GeoData, f: HallFigures) {
  const features = [];
  for (const r of f.open) {
    const at = r.location ? [r.location.lng, r.location.lat] : geo.index.byKey(r.gridId)?.properties.center;
    if (at) features.push({ type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: [at[0]!, at[1]!] } });
  }
  return { type: 'FeatureCollection' as const, features };
}

/**
 * The grid boundaries (a still map: no gestures, no controls: nobody touches a wall screen) with maplibre's own
 * `heatmap` layer over a GeoJSON source of the open cases. No tiles, no network: the boundaries come from the
 * session's cached GeoJSON (the basemap too, if the relay has one, through the same cache).
 */
function HeatMap({ session, scope, f }: { session: Session; scope: AssessScope; f: HallFigures }) {
  const box = useRef<HTMLDivElement>(null);
  const gm = useRef<GridMap | null>(null);
  const [geo, setGeo] = useState<GeoData | null | undefined>(undefined);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let live = true;
    void loadGeo(session).then((g) => live && setGeo(g));
    return () => {
      live = false;
    };
  }, [session]);
  useEffect(() => {
    if (!geo || !box.current) return;
    let live = true;
    let made: GridMap | null = null;
    import('../map/mapview.ts')
      .then((m) => {
        if (!live || !box.current) return;
        made = new m.GridMap({ container: box.current, geo, session, lang: 'zh', bounds: scopeBounds(geo, scope), still: true });
        gm.current = made;
        const map = made.map;
        map.once('load', () => {
          if (!live) return;
          // Under the labels (the first symbol layer), over the fills and lines.
          const labels = map.getStyle().layers.find((l) => l.type === 'symbol')?.id;
          map.addSource(HEAT_LAYER, { type: 'geojson', data: heatData(geo, f) });
          map.addLayer(
            {
              id: HEAT_LAYER,
              type: 'heatmap',
              source: HEAT_LAYER,
              paint: {
                'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 8, 28, 12, 60],
                'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 12, 3],
                'heatmap-opacity': 0.85,
                'heatmap-color': [
                  'interpolate',
                  ['linear'],
                  ['heatmap-density'],
                  0,
                  'rgba(33,102,172,0)',
                  0.1,
                  '#4f9fd6',
                  0.4,
                  '#fddb6d',
                  0.6,
                  '#f4a23b',
                  0.8,
                  '#e4572e',
                  1,
                  '#b2182b',
                ],
              },
            },
            labels,
          );
          setReady(true);
        });
      })
      .catch((e: unknown) => console.error('gridlink hall map failed', e));
    return () => {
      live = false;
      made?.destroy();
      gm.current = null;
      setReady(false);
    };
  }, [geo]);
  useEffect(() => {
    if (!ready || !geo) return;
    const src = gm.current?.map.getSource(HEAT_LAYER) as { setData(d: unknown): void } | undefined;
    src?.setData(heatData(geo, f));
  }, [f, ready]);
  if (geo === null) return <p class="hall-none">{t('hall.mapNone')}</p>;
  return <div ref={box} class="hall-map" role="img" aria-label={`${t('hall.map')}：${t('hall.mapCount', { n: formatNumber(f.openNow) })}`} data-state={ready ? 'ready' : 'loading'} />;
}
