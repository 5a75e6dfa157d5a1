/**
 * The map itself: maplibre-gl over the county's own boundaries, loaded only when a map opens (this module is a
 * chunk of its own, with maplibre, its worker and the pmtiles reader; the service worker precaches them).
 *
 * Offline by construction: the style has no remote URL. Sources are the boundaries (GeoJSON objects already in
 * memory), the case points and, when the relay has one, the administrator's PMTiles basemap read through the
 * session (so the service worker's copy serves it offline). Labels are a symbol layer without a `glyphs` URL:
 * maplibre 6 then draws every glyph locally with the browser's own fonts (TinySDF), so Chinese and Latin names
 * render with no glyph server and no font download, and labels still get maplibre's collision handling (DOM
 * markers would not, and would cost a node per label).
 *
 * Performance marks: `gl:map-rendered` when the first frame with the grids (and their colours) is drawn;
 * `gl:basemap-rendered` when the basemap's first tiles are drawn too (the first idle frame after its layers).
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import {
  addProtocol,
  AttributionControl,
  Map as MlMap,
  NavigationControl,
  setWorkerUrl,
  type AddProtocolAction,
  type ExpressionSpecification,
  type GeoJSONSource,
  type GeoJSONSourceSpecification,
  type LayerSpecification,
  type MapMouseEvent,
  type StyleSpecification,
} from 'maplibre-gl';
import { EtagMismatch, PMTiles, Protocol, TileType, type RangeResponse, type Source } from 'pmtiles';
import { t } from '../../app/i18n.ts';
import '../../app/locales/map.zh.ts';
import type { Session } from '../../app/services.ts';
import type { BBox, Feature, FeatureCollection } from '../../domain/geo.ts';
import {
  BACKGROUND,
  CASE_OPEN,
  CASE_OVERDUE,
  FILL_NONE,
  FILL_OPACITY,
  FILL_OPEN,
  FILL_OVERDUE,
  GRID_LINE,
  SELECTED_LINE,
  TOWN_LINE,
  VILLAGE_LINE,
} from './colors.ts';
import type { GridCount } from './counts.ts';
import type { GeoData } from './geodata.ts';

setWorkerUrl(workerUrl);

export const RENDERED_MARK = 'gl:map-rendered';
export const BASEMAP_MARK = 'gl:basemap-rendered';

export interface CasePoint {
  caseId: string;
  gridId: string;
  overdue: boolean;
  lng: number;
  lat: number;
}

export interface GridMapOptions {
  container: HTMLElement;
  geo: GeoData;
  session: Session;
  lang: 'zh' | 'en';
  /** The first view. */
  bounds: BBox;
  counts?: ReadonlyMap<string, GridCount>;
  cases?: readonly CasePoint[];
  /** A picker (report form): no case markers, every tap is a location. */
  picker?: boolean;
  /** A still picture (a case's small map, CaseMap.tsx): no case markers, no controls, no gestures. */
  still?: boolean;
  onGrid?: (gridId: string | null, lngLat: [number, number]) => void;
  onCase?: (caseId: string) => void;
  onPick?: (lngLat: [number, number]) => void;
  onView?: (bounds: BBox) => void;
}

type Point = { type: 'Point'; coordinates: [number, number] };
type SourceData = GeoJSONSourceSpecification['data'];
type SetData = Parameters<GeoJSONSource['setData']>[0];
const EMPTY: FeatureCollection<Record<string, unknown>, Point> = { type: 'FeatureCollection', features: [] };

let protocol: Protocol | null = null;

/**
 * Reads the basemap through the session: byte ranges of `/api/geo/basemap.pmtiles` (the service worker's copy when it
 * has one, online or not). Each answer carries the file's ETag; one that differs from the header's (the service worker
 * replaced its copy with the administrator's new file while this map was open) raises the reader's EtagMismatch, and
 * the reader reads the header and directories again before that tile, so a tile is never cut from the wrong file.
 */
class SessionSource implements Source {
  constructor(private readonly session: Session) {}
  getKey(): string {
    return 'gridlink-basemap';
  }
  async getBytes(offset: number, length: number, signal?: AbortSignal, etag?: string): Promise<RangeResponse> {
    const res = await this.session.geoFetch('basemap.pmtiles', { headers: { range: `bytes=${offset}-${offset + length - 1}` }, ...(signal ? { signal } : {}) });
    if (!res) throw new Error('basemap unavailable');
    let tag = res.headers.get('etag');
    if (tag?.startsWith('W/')) tag = null;
    if (etag && tag && tag !== etag) {
      void res.body?.cancel();
      throw new EtagMismatch(`basemap replaced: ${etag} -> ${tag}`);
    }
    const buf = await res.arrayBuffer();
    // A full answer (a cache without range support) is cut here.
    return { data: res.status === 206 ? buf : buf.slice(offset, offset + length), ...(tag ? { etag: tag } : {}) };
  }
}

/** maplibre's own words (control titles, the canvas's label) in the user's language, from the map locale pack. */
function glLocale(): Record<string, string> {
  return {
    'Map.Title': t('map.gl.title'),
    'NavigationControl.ZoomIn': t('map.gl.zoomIn'),
    'NavigationControl.ZoomOut': t('map.gl.zoomOut'),
    'NavigationControl.ResetBearing': t('map.gl.resetBearing'),
    'AttributionControl.ToggleAttribution': t('map.gl.attribution'),
    'Marker.Title': t('map.gl.marker'),
    'Popup.Close': t('map.gl.close'),
    'CooperativeGesturesHandler.MobileHelpText': t('map.gl.twoFingers'),
  };
}

function fillColor(): ExpressionSpecification {
  return [
    'case',
    ['>', ['coalesce', ['feature-state', 'overdue'], 0], 0],
    FILL_OVERDUE,
    ['>', ['coalesce', ['feature-state', 'open'], 0], 0],
    FILL_OPEN,
    FILL_NONE,
  ];
}

function labelPoints(geo: GeoData, lang: 'zh' | 'en'): FeatureCollection<Record<string, unknown>, Point> {
  const features: Feature<Record<string, unknown>, Point>[] = [];
  for (const t of geo.towns.features) {
    features.push({ type: 'Feature', properties: { level: 'town', name: lang === 'en' ? t.properties.nameEn : t.properties.name }, geometry: { type: 'Point', coordinates: t.properties.center } });
  }
  for (const v of geo.villages.features) {
    features.push({ type: 'Feature', properties: { level: 'village', name: v.properties.name }, geometry: { type: 'Point', coordinates: v.properties.center } });
  }
  for (const g of geo.grids.features) {
    const short = g.properties.name.startsWith(g.properties.villageName) ? g.properties.name.slice(g.properties.villageName.length) : g.properties.name;
    features.push({ type: 'Feature', properties: { level: 'grid', name: short || g.properties.gridId }, geometry: { type: 'Point', coordinates: g.properties.center } });
  }
  return { type: 'FeatureCollection', features };
}

function label(id: string, level: string, size: number, minzoom: number, maxzoom: number, color: string): LayerSpecification {
  return {
    id,
    type: 'symbol',
    source: 'labels',
    filter: ['==', ['get', 'level'], level],
    minzoom,
    maxzoom,
    layout: { 'text-field': ['get', 'name'], 'text-font': ['sans-serif'], 'text-size': size, 'text-max-width': 8 },
    paint: { 'text-color': color, 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
  };
}

function style(geo: GeoData, lang: 'zh' | 'en', picker: boolean): StyleSpecification {
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
    { id: 'grid-fill', type: 'fill', source: 'grids', paint: { 'fill-color': fillColor(), 'fill-opacity': FILL_OPACITY } },
    { id: 'grid-line', type: 'line', source: 'grids', minzoom: 10, paint: { 'line-color': GRID_LINE, 'line-width': 0.6, 'line-opacity': 0.8 } },
    { id: 'village-line', type: 'line', source: 'villages', paint: { 'line-color': VILLAGE_LINE, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.5, 13, 1.6] } },
    { id: 'town-line', type: 'line', source: 'towns', paint: { 'line-color': TOWN_LINE, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.4, 13, 3] } },
    {
      id: 'grid-selected',
      type: 'line',
      source: 'grids',
      paint: { 'line-color': SELECTED_LINE, 'line-width': 3, 'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0] },
    },
    label('label-town', 'town', 14, 0, 10.8, TOWN_LINE),
    label('label-village', 'village', 12, 10.8, 13, VILLAGE_LINE),
    label('label-grid', 'grid', 11, 13, 24, '#333333'),
  ];
  if (!picker) {
    layers.push(
      {
        id: 'case-clusters',
        type: 'circle',
        source: 'cases',
        filter: ['has', 'point_count'],
        paint: {
          'circle-color': ['case', ['>', ['get', 'overdue'], 0], CASE_OVERDUE, CASE_OPEN],
          'circle-radius': ['step', ['get', 'point_count'], 12, 10, 16, 50, 22],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
          'circle-opacity': 0.9,
        },
      },
      {
        id: 'case-count',
        type: 'symbol',
        source: 'cases',
        filter: ['has', 'point_count'],
        layout: { 'text-field': ['to-string', ['get', 'point_count']], 'text-font': ['sans-serif'], 'text-size': 12, 'text-allow-overlap': true },
        paint: { 'text-color': '#ffffff' },
      },
      {
        id: 'case-points',
        type: 'circle',
        source: 'cases',
        filter: ['!', ['has', 'point_count']],
        paint: {
          'circle-color': ['case', ['==', ['get', 'overdue'], 1], CASE_OVERDUE, CASE_OPEN],
          'circle-radius': 7,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      },
    );
  }
  layers.push({ id: 'picked', type: 'circle', source: 'picked', paint: { 'circle-color': SELECTED_LINE, 'circle-radius': 8, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 } });
  return {
    version: 8,
    sources: {
      grids: { type: 'geojson', data: geo.grids as unknown as SourceData, promoteId: 'gridId' },
      villages: { type: 'geojson', data: geo.villages as unknown as SourceData },
      towns: { type: 'geojson', data: geo.towns as unknown as SourceData },
      labels: { type: 'geojson', data: labelPoints(geo, lang) as unknown as SourceData },
      cases: {
        type: 'geojson',
        data: EMPTY as unknown as SourceData,
        cluster: true,
        clusterRadius: 40,
        clusterMaxZoom: 14,
        clusterProperties: { overdue: ['+', ['get', 'overdue']] },
      },
      picked: { type: 'geojson', data: EMPTY as unknown as SourceData },
    },
    layers,
  };
}

export class GridMap {
  readonly map: MlMap;
  /** Resolves when the first frame with the grids is drawn (and `gl:map-rendered` is marked). */
  readonly rendered: Promise<void>;
  private loaded = false;
  private counts: ReadonlyMap<string, GridCount>;
  private applied = new Set<string>();
  private selected: string | null = null;
  private destroyed = false;
  /** The basemap's layers and attribution once added; `basemapGone` when the relay no longer has one. */
  private basemapLayers: string[] = [];
  private basemapAttribution: AttributionControl | null = null;
  private basemapGone = false;

  constructor(private readonly opts: GridMapOptions) {
    this.counts = opts.counts ?? new Map();
    const [w, s, e, n] = opts.bounds;
    const all = opts.geo.index.bbox;
    const pad = 0.15;
    this.map = new MlMap({
      container: opts.container,
      style: style(opts.geo, opts.lang, Boolean(opts.picker || opts.still)),
      interactive: !opts.still,
      bounds: [
        [w, s],
        [e, n],
      ],
      fitBoundsOptions: { padding: 24 },
      maxBounds: [
        [all[0] - pad, all[1] - pad],
        [all[2] + pad, all[3] + pad],
      ],
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      cooperativeGestures: false,
      maxZoom: 18,
      locale: glLocale(),
    });
    this.map.touchZoomRotate.disableRotation();
    // Diagnostics and the end-to-end tests: the map last opened (project points, read state).
    (globalThis as { gridlinkMap?: GridMap }).gridlinkMap = this;
    if (!opts.still) this.map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    this.rendered = new Promise<void>((resolve) => {
      this.map.once('load', () => {
        this.loaded = true;
        this.applyCounts();
        if (opts.cases) this.setCases(opts.cases);
        this.map.once('idle', () => {
          performance.mark(RENDERED_MARK);
          opts.container.dataset.state = 'ready';
          resolve();
        });
      });
    });
    this.map.on('click', (e) => this.click(e));
    this.map.on('moveend', () => opts.onView?.(this.bounds()));
    if (!opts.picker && !opts.still) {
      for (const layer of ['case-clusters', 'case-points']) {
        this.map.on('mouseenter', layer, () => (this.map.getCanvas().style.cursor = 'pointer'));
        this.map.on('mouseleave', layer, () => (this.map.getCanvas().style.cursor = ''));
      }
    }
    // Only when the relay has one (its towns file says so): otherwise no request, no 404 in the log.
    if (opts.geo.basemap) void this.addBasemap();
  }

  bounds(): BBox {
    const b = this.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  }

  private click(e: MapMouseEvent): void {
    const lngLat: [number, number] = [e.lngLat.lng, e.lngLat.lat];
    if (this.opts.picker) return this.opts.onPick?.(lngLat);
    const hits = this.map.queryRenderedFeatures(e.point, { layers: ['case-clusters', 'case-points'] });
    const hit = hits[0];
    if (hit) {
      const props = hit.properties as { cluster_id?: number; caseId?: string };
      if (props.cluster_id !== undefined) {
        const src = this.map.getSource('cases') as GeoJSONSource;
        void src.getClusterExpansionZoom(props.cluster_id).then((zoom) => this.map.easeTo({ center: e.lngLat, zoom: Math.min(zoom, 17) }));
        return;
      }
      if (props.caseId) return this.opts.onCase?.(props.caseId);
    }
    this.opts.onGrid?.(this.opts.geo.index.find(lngLat[0], lngLat[1])?.properties.gridId ?? null, lngLat);
  }

  setCounts(counts: ReadonlyMap<string, GridCount>): void {
    this.counts = counts;
    this.applyCounts();
  }

  private applyCounts(): void {
    if (!this.loaded || this.destroyed) return;
    for (const id of this.applied) if (!this.counts.has(id)) this.map.setFeatureState({ source: 'grids', id }, { open: 0, overdue: 0 });
    this.applied = new Set();
    for (const [id, c] of this.counts) {
      this.map.setFeatureState({ source: 'grids', id }, { open: c.open, overdue: c.overdue });
      this.applied.add(id);
    }
  }

  setCases(points: readonly CasePoint[]): void {
    if (!this.loaded || this.destroyed || this.opts.picker || this.opts.still) return;
    const fc = {
      type: 'FeatureCollection',
      features: points.map((p) => ({ type: 'Feature', properties: { caseId: p.caseId, gridId: p.gridId, overdue: p.overdue ? 1 : 0 }, geometry: { type: 'Point', coordinates: [p.lng, p.lat] } })),
    };
    (this.map.getSource('cases') as GeoJSONSource | undefined)?.setData(fc as unknown as SetData);
  }

  select(gridId: string | null): void {
    if (!this.loaded || this.destroyed) return;
    if (this.selected) this.map.setFeatureState({ source: 'grids', id: this.selected }, { selected: false });
    this.selected = gridId;
    if (gridId) this.map.setFeatureState({ source: 'grids', id: gridId }, { selected: true });
  }

  setPicked(lngLat: [number, number] | null): void {
    const data = lngLat ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: lngLat } }] } : EMPTY;
    (this.map.getSource('picked') as GeoJSONSource | undefined)?.setData(data as unknown as SetData);
  }

  fit(b: BBox): void {
    this.map.fitBounds(
      [
        [b[0], b[1]],
        [b[2], b[3]],
      ],
      { padding: 24, duration: 0 },
    );
  }

  /** Screen position (CSS pixels from the map's top left) of [lng, lat]. */
  project(lngLat: [number, number]): { x: number; y: number } {
    const p = this.map.project(lngLat);
    return { x: p.x, y: p.y };
  }

  destroy(): void {
    this.destroyed = true;
    this.map.remove();
  }

  /**
   * The administrator's basemap, under the boundaries, when the relay has one (raster or vector PMTiles). It is read
   * at once from the service worker's copy when there is one (offline-first, no network), and then, once per map
   * open, the whole file is asked for: the service worker revalidates its copy with the relay by ETag (vite.config.ts,
   * basemapHandler), a 304 of a few hundred bytes when it is unchanged. A replaced file is downloaded into the copy in
   * the background and shown from the next map open (tiles this map loads after the swap already come from it, see
   * SessionSource). A removed file (no answer, and no copy left) is taken off this map at once.
   */
  private async addBasemap(): Promise<void> {
    const head = await this.opts.session.geoFetch('basemap.pmtiles', { headers: { range: 'bytes=0-0' } });
    if (!head || this.destroyed) return;
    void head.body?.cancel();
    if (!protocol) {
      protocol = new Protocol({ metadata: true });
      addProtocol('pmtiles', protocol.tilev4 as unknown as AddProtocolAction);
    }
    // A new reader per map open: a file replaced since the last open is read afresh (header, directories).
    const tiles = new PMTiles(new SessionSource(this.opts.session));
    protocol.add(tiles);
    let header;
    let metadata: { vector_layers?: { id: string }[]; attribution?: string } = {};
    try {
      header = await tiles.getHeader();
      metadata = ((await tiles.getMetadata().catch(() => ({}))) ?? {}) as typeof metadata;
    } catch {
      return;
    }
    if (this.destroyed) return;
    void this.revalidateBasemap();
    const url = `pmtiles://${tiles.source.getKey()}`;
    const whenLoaded = () => {
      if (this.destroyed || this.basemapGone) return;
      const before = 'grid-fill';
      if (header.tileType === TileType.Mvt) {
        this.map.addSource('basemap', { type: 'vector', url });
        for (const l of metadata.vector_layers ?? []) {
          this.map.addLayer(
            { id: `bm-${l.id}-fill`, type: 'fill', source: 'basemap', 'source-layer': l.id, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#dfe5dc', 'fill-opacity': 0.8 } },
            before,
          );
          this.map.addLayer(
            { id: `bm-${l.id}-line`, type: 'line', source: 'basemap', 'source-layer': l.id, filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#b8bfb5', 'line-width': 1 } },
            before,
          );
          this.basemapLayers.push(`bm-${l.id}-fill`, `bm-${l.id}-line`);
        }
      } else if (header.tileType === TileType.Png || header.tileType === TileType.Jpeg || header.tileType === TileType.Webp) {
        this.map.addSource('basemap', { type: 'raster', url, tileSize: 256 });
        this.map.addLayer({ id: 'bm-raster', type: 'raster', source: 'basemap' }, before);
        this.basemapLayers.push('bm-raster');
      } else {
        return;
      }
      if (metadata.attribution) {
        this.basemapAttribution = new AttributionControl({ compact: true, customAttribution: metadata.attribution });
        this.map.addControl(this.basemapAttribution);
      }
      this.map.once('idle', () => performance.mark(BASEMAP_MARK));
    };
    if (this.loaded) whenLoaded();
    else this.map.once('load', whenLoaded);
  }

  /**
   * Asks for the whole basemap: the first time, the service worker keeps it (ranges are then cut from that copy);
   * afterwards, it revalidates the copy (see addBasemap). No answer means the relay has no basemap any more or
   * the network failed: only when the copy is gone too (the service worker drops it on the relay's 404) is the
   * basemap taken off this map.
   */
  private async revalidateBasemap(): Promise<void> {
    const whole = await this.opts.session.geoFetch('basemap.pmtiles');
    if (whole) return void whole.body?.cancel();
    if (this.destroyed) return;
    const copy = await this.opts.session.geoFetch('basemap.pmtiles', { headers: { range: 'bytes=0-0' } });
    if (copy) return void copy.body?.cancel();
    if (this.destroyed) return;
    this.basemapGone = true;
    for (const id of this.basemapLayers) if (this.map.getLayer(id)) this.map.removeLayer(id);
    this.basemapLayers = [];
    if (this.map.getSource('basemap')) this.map.removeSource('basemap');
    if (this.basemapAttribution) this.map.removeControl(this.basemapAttribution);
    this.basemapAttribution = null;
  }
}
