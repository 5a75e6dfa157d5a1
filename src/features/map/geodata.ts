/**
 * The county's boundaries in the app: the relay's three GeoJSON files (grids, villages, towns), fetched through
 * the session (the service worker keeps them for offline use), checked, and indexed for point-in-polygon.
 * Small on purpose (no maplibre): the report form uses it to find the grid of a GPS fix or a tap.
 */
import type { Session } from '../../app/services.ts';
import type { UserInfo } from '../../domain/org.ts';
import {
  bboxOf,
  gridIndex,
  unionBBox,
  type BBox,
  type FeatureCollection,
  type GridProperties,
  type PolygonIndex,
  type TownProperties,
  type VillageProperties,
} from '../../domain/geo.ts';

export interface GeoData {
  grids: FeatureCollection<GridProperties>;
  villages: FeatureCollection<VillageProperties>;
  towns: FeatureCollection<TownProperties>;
  /** Point-in-polygon over the grids (src/domain/geo.ts boundary rule). */
  index: PolygonIndex<GridProperties>;
  /**
   * Whether the relay has a basemap, as its towns file says (`"basemap": true`, server/geostore.ts); the copy the
   * service worker keeps says it offline. Without one the map asks for none (no failing request, no error logged).
   */
  basemap: boolean;
}

const loads = new WeakMap<Session, Promise<GeoData | null>>();

function isCollection(x: unknown): x is FeatureCollection<unknown> {
  const fc = x as { type?: unknown; features?: unknown } | null;
  return typeof fc === 'object' && fc !== null && fc.type === 'FeatureCollection' && Array.isArray(fc.features);
}

async function fetchLayer<P>(session: Session, name: string): Promise<FeatureCollection<P> | null> {
  const res = await session.geoFetch(`${name}.geojson`);
  if (!res) return null;
  const body = (await res.json().catch(() => null)) as unknown;
  return isCollection(body) ? (body as FeatureCollection<P>) : null;
}

/**
 * The boundaries, or null when they cannot be had (offline before the first download, or none on the relay).
 * One load per session; a failed one is tried again on the next call.
 */
export function loadGeo(session: Session): Promise<GeoData | null> {
  let p = loads.get(session);
  if (!p) {
    p = (async () => {
      const [grids, villages, towns] = await Promise.all([
        fetchLayer<GridProperties>(session, 'grids'),
        fetchLayer<VillageProperties>(session, 'villages'),
        fetchLayer<TownProperties>(session, 'towns'),
      ]);
      if (!grids || !villages || !towns || grids.features.length === 0) return null;
      return { grids, villages, towns, index: gridIndex(grids), basemap: (towns as { basemap?: unknown }).basemap === true };
    })().catch(() => null);
    loads.set(session, p);
    void p.then((g) => {
      if (!g) loads.delete(session);
    });
  }
  return p;
}

/** The service worker's cache of the boundary files (vite.config.ts runtimeCaching `gridlink-geo`). */
export const GEO_CACHE = 'gridlink-geo';

/**
 * After the boundaries changed on the relay (an import): drop this session's loaded copy and the service worker's
 * cached files (stale-while-revalidate would answer the old ones once more), then download them again so that the
 * map and the report form see the new boundaries, offline too. Resolves to the new boundaries (null if unavailable).
 */
export async function refreshGeo(session: Session): Promise<GeoData | null> {
  loads.delete(session);
  try {
    if (typeof caches !== 'undefined') {
      const cache = await caches.open(GEO_CACHE);
      for (const req of await cache.keys()) if (/\/api\/geo\/(?:grids|villages|towns)\.geojson$/.test(new URL(req.url).pathname)) await cache.delete(req);
    }
  } catch {
    // No Cache API (insecure context, old browser): the service worker revalidates on the next fetch anyway.
  }
  return loadGeo(session);
}

/** The grid containing [lng, lat] (its id), or null outside every grid. */
export function gridAt(geo: GeoData, lng: number, lat: number): string | null {
  return geo.index.find(lng, lat)?.properties.gridId ?? null;
}

/** The first view of a user's map. */
export function initialBounds(user: UserInfo, geo: GeoData, gridId?: string): BBox {
  const boxes = (pick: (p: GridProperties) => boolean) => unionBBox(geo.grids.features.filter((f) => pick(f.properties)).map((f) => bboxOf(f.geometry)));
  if (gridId) {
    const f = geo.index.byKey(gridId);
    if (f) return bboxOf(f.geometry);
  }
  const own =
    user.role === 'worker' && user.gridId
      ? boxes((p) => p.gridId === user.gridId)
      : user.role === 'secretary' && user.villageId
        ? boxes((p) => p.villageId === user.villageId)
        : (user.role === 'town' || user.role === 'unit') && user.townId
          ? boxes((p) => p.townId === user.townId)
          : null;
  return own ?? geo.index.bbox;
}
