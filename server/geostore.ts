/**
 * Grid boundaries on the relay: stored in SQLite (`geo_grids`, one row per grid), served as GeoJSON files, replaced
 * whole by an administrator's import.
 *
 * Contracts:
 * - `geo_grids` is this module's own table (created here if missing; the store's schema version is not touched):
 *   grid_id, village_id, town_id, geometry (GeoJSON Polygon/MultiPolygon text). `replaceGrids` swaps every row in
 *   one transaction, so a failed or refused import changes nothing.
 * - The files (`grids`, `villages`, `towns`) are built from the rows and the current org doc (names, workers),
 *   cached until either changes, and served with a strong ETag (content hash) and a gzip variant.
 *   Villages and towns are the dissolved unions of their grids (src/domain/geo.ts `dissolve`).
 * - The optional basemap is the file `DATA_DIR/basemap.pmtiles`, put there by an administrator. Whether there is one
 *   is said in the towns file (a GeoJSON foreign member, `"basemap": true|false`), which every device already
 *   fetches and keeps offline: the app asks for the basemap only when there is one (no 404 to log otherwise).
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  dissolve,
  representativePoint,
  type AreaGeometry,
  type Feature,
  type FeatureCollection,
  type GeoLayer,
  type GridProperties,
  type Position,
  type TownProperties,
  type VillageProperties,
} from '../src/domain/geo.ts';
import type { ImportedGrid } from '../src/domain/geovalidate.ts';
import type { OrgData } from '../src/domain/org.ts';
import type { Store } from './store.ts';

export const BASEMAP_FILE = 'basemap.pmtiles';

export interface GeoFile {
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

interface GridRow {
  grid_id: string;
  village_id: string;
  town_id: string;
  geometry: string;
}

const round6 = (p: Position): Position => [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6];

export class GeoStore {
  private cache: { version: string; org: OrgData; basemap: boolean; files: Map<GeoLayer, GeoFile> } | null = null;

  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
  ) {
    store.db.exec(`CREATE TABLE IF NOT EXISTS geo_grids (
      grid_id TEXT PRIMARY KEY,
      village_id TEXT NOT NULL,
      town_id TEXT NOT NULL,
      geometry TEXT NOT NULL
    )`);
  }

  isEmpty(): boolean {
    return (this.store.db.prepare('SELECT count(*) AS n FROM geo_grids').get() as { n: number }).n === 0;
  }

  /** Every grid's row, by grid id. */
  grids(): ImportedGrid[] {
    const rows = this.store.db.prepare('SELECT grid_id, village_id, town_id, geometry FROM geo_grids ORDER BY grid_id').all() as GridRow[];
    return rows.map((r) => ({ gridId: r.grid_id, villageId: r.village_id, townId: r.town_id, geometry: JSON.parse(r.geometry) as AreaGeometry }));
  }

  /** Replace every grid's geometry in one transaction. */
  replaceGrids(grids: readonly ImportedGrid[]): void {
    const insert = this.store.db.prepare('INSERT INTO geo_grids (grid_id, village_id, town_id, geometry) VALUES (?, ?, ?, ?)');
    this.store.transaction(() => {
      this.store.db.exec('DELETE FROM geo_grids');
      for (const g of grids) insert.run(g.gridId, g.villageId, g.townId, JSON.stringify(g.geometry));
      this.store.setMeta('geo_version', String(Number(this.store.getMeta('geo_version') ?? 0) + 1));
    });
    this.cache = null;
  }

  /** The file of a layer, built from the rows and this org (cached while both stay the same). */
  file(layer: GeoLayer, org: OrgData): GeoFile {
    const version = this.store.getMeta('geo_version') ?? '0';
    const basemap = this.basemap() !== null;
    if (!this.cache || this.cache.version !== version || this.cache.org !== org || this.cache.basemap !== basemap) this.cache = { version, org, basemap, files: new Map() };
    let f = this.cache.files.get(layer);
    if (!f) {
      const fc = buildLayer(layer, this.grids(), org);
      f = encode(layer === 'towns' ? { ...fc, basemap } : fc);
      this.cache.files.set(layer, f);
    }
    return f;
  }

  /** The basemap file when an administrator has put one in DATA_DIR. */
  basemap(): { path: string; size: number; mtimeMs: number } | null {
    const path = join(this.dataDir, BASEMAP_FILE);
    try {
      const st = statSync(path);
      return st.isFile() ? { path, size: st.size, mtimeMs: st.mtimeMs } : null;
    } catch {
      return null;
    }
  }
}

function encode(fc: FeatureCollection<unknown> & { basemap?: boolean }): GeoFile {
  const body = Buffer.from(JSON.stringify(fc));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, gzip: gzipSync(body, { level: 9 }), etag };
}

/** A layer as GeoJSON: grids with their org properties, or villages / towns as unions of their grids. */
export function buildLayer(layer: GeoLayer, grids: readonly ImportedGrid[], org: OrgData): FeatureCollection<GridProperties | VillageProperties | TownProperties> {
  const towns = new Map(org.towns.map((t) => [t.id, t]));
  const villages = new Map(org.villages.map((v) => [v.id, v]));
  const orgGrids = new Map(org.grids.map((g) => [g.id, g]));
  const sorted = [...grids].sort((a, b) => (a.gridId < b.gridId ? -1 : a.gridId > b.gridId ? 1 : 0));
  if (layer === 'grids') {
    return {
      type: 'FeatureCollection',
      features: sorted.map((g): Feature<GridProperties> => {
        const og = orgGrids.get(g.gridId);
        return {
          type: 'Feature',
          id: g.gridId,
          properties: {
            gridId: g.gridId,
            villageId: g.villageId,
            townId: g.townId,
            workerId: og?.workerId ?? '',
            name: og?.name ?? g.gridId,
            villageName: villages.get(g.villageId)?.name ?? g.villageId,
            townName: towns.get(g.townId)?.name ?? g.townId,
            center: round6(representativePoint(g.geometry)),
          },
          geometry: g.geometry,
        };
      }),
    };
  }
  const key = layer === 'villages' ? (g: ImportedGrid) => g.villageId : (g: ImportedGrid) => g.townId;
  const groups = new Map<string, AreaGeometry[]>();
  for (const g of sorted) groups.set(key(g), [...(groups.get(key(g)) ?? []), g.geometry]);
  const features: Feature<VillageProperties | TownProperties>[] = [];
  for (const id of [...groups.keys()].sort()) {
    const geometry = dissolve(groups.get(id)!);
    if (!geometry) continue;
    const center = round6(representativePoint(geometry));
    if (layer === 'villages') {
      const v = villages.get(id);
      features.push({ type: 'Feature', id, properties: { villageId: id, townId: v?.townId ?? sorted.find((g) => g.villageId === id)!.townId, name: v?.name ?? id, center }, geometry });
    } else {
      const t = towns.get(id);
      features.push({ type: 'Feature', id, properties: { townId: id, name: t?.name ?? id, nameEn: t?.nameEn ?? id, center }, geometry });
    }
  }
  return { type: 'FeatureCollection', features };
}
