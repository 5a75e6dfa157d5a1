/**
 * Grid geometry: GeoJSON types, point-in-polygon with a deterministic boundary rule, and the measures the map,
 * the report form and the relay's import validation share. Pure: no DOM, no clock.
 *
 * Coordinates are GeoJSON positions `[lng, lat]` in degrees (WGS84). Rings are closed (first = last).
 *
 * Boundary rule (contract): a point exactly on a boundary belongs to the polygon that contains the points just
 * east of it (for an east-west edge: just north of it). Each edge is evaluated with its endpoints in a canonical
 * order, so two grids that share an edge (the same two vertices) compute the same answer for it, and a point on
 * a shared edge or vertex is in exactly one grid of a tiling with exact shared boundaries. No tolerance is
 * involved: the demo geometry is built with identical shared vertices (server/demo/geometry.ts).
 */

export type Position = [number, number];
export type Ring = Position[];

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Ring[];
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}

export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

export interface Feature<P, G = AreaGeometry> {
  type: 'Feature';
  id?: string | number;
  properties: P;
  geometry: G;
}

export interface FeatureCollection<P, G = AreaGeometry> {
  type: 'FeatureCollection';
  features: Feature<P, G>[];
}

/** Properties of a feature of `GET /api/geo/grids.geojson`. */
export interface GridProperties {
  gridId: string;
  villageId: string;
  townId: string;
  /** The grid worker's user id ('' when the org has no such grid yet). */
  workerId: string;
  name: string;
  villageName: string;
  townName: string;
  /** Representative point (inside the polygon), [lng, lat]. */
  center: Position;
}

export interface VillageProperties {
  villageId: string;
  townId: string;
  name: string;
  center: Position;
}

export interface TownProperties {
  townId: string;
  name: string;
  nameEn: string;
  center: Position;
}

export type GeoLayer = 'grids' | 'villages' | 'towns';
export const GEO_LAYERS: readonly GeoLayer[] = ['grids', 'villages', 'towns'];

/** [west, south, east, north] */
export type BBox = [number, number, number, number];

/** The polygons of a geometry (a Polygon is one). */
export function polygonsOf(g: AreaGeometry): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

// ------------------------------------------------------------------------------------------------ point in polygon

/**
 * Parity contribution of one edge to the ray cast from (x, y) towards +x: true when the edge crosses the ray
 * under the boundary rule above. The endpoints are ordered canonically (lower latitude first), so the same
 * edge gives the same answer whichever polygon it belongs to and whichever way that polygon runs.
 */
function crosses(ax: number, ay: number, bx: number, by: number, x: number, y: number): boolean {
  if (ay > y === by > y) return false; // half-open in y: [min, max); horizontal edges never count
  let lx = ax;
  let ly = ay;
  let hx = bx;
  let hy = by;
  if (ly > hy) {
    lx = bx;
    ly = by;
    hx = ax;
    hy = ay;
  }
  // The point is strictly left of the upward edge, i.e. the edge lies east of the point.
  return (hx - lx) * (y - ly) - (x - lx) * (hy - ly) > 0;
}

/** Parity of crossings of one ring. */
function ringParity(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, n = ring.length - 1; i < n; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    if (crosses(a[0], a[1], b[0], b[1], x, y)) inside = !inside;
  }
  return inside;
}

/** Whether one polygon (outer ring and holes) contains the point, under the boundary rule. */
export function polygonContains(rings: readonly Ring[], x: number, y: number): boolean {
  let inside = false;
  for (const r of rings) if (ringParity(r, x, y)) inside = !inside;
  return inside;
}

/** Whether a Polygon or MultiPolygon contains the point [lng, lat], under the boundary rule. */
export function geometryContains(g: AreaGeometry, lng: number, lat: number): boolean {
  if (g.type === 'Polygon') return polygonContains(g.coordinates, lng, lat);
  for (const p of g.coordinates) if (polygonContains(p, lng, lat)) return true;
  return false;
}

/** Distance from the point to the nearest boundary of the geometry, in degrees (planar). */
export function distanceToBoundary(g: AreaGeometry, lng: number, lat: number): number {
  let best = Infinity;
  for (const p of polygonsOf(g)) {
    for (const r of p) {
      for (let i = 0; i + 1 < r.length; i++) best = Math.min(best, segmentDistance(r[i]!, r[i + 1]!, lng, lat));
    }
  }
  return best;
}

function segmentDistance(a: Position, b: Position, x: number, y: number): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len2));
  return Math.hypot(a[0] + t * dx - x, a[1] + t * dy - y);
}

// ------------------------------------------------------------------------------------------------ measures

export function bboxOf(g: AreaGeometry): BBox {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const p of polygonsOf(g)) {
    for (const [x, y] of p[0] ?? []) {
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    }
  }
  return [w, s, e, n];
}

export function unionBBox(boxes: Iterable<BBox>): BBox | null {
  let out: BBox | null = null;
  for (const b of boxes) {
    out = out ? [Math.min(out[0], b[0]), Math.min(out[1], b[1]), Math.max(out[2], b[2]), Math.max(out[3], b[3])] : [...b];
  }
  return out;
}

/**
 * Signed area of a ring (shoelace), in square degrees; positive when counter-clockwise. The ring may be closed
 * (last vertex repeating the first) or open: the closing edge's term is zero for a closed one.
 */
export function ringArea(ring: readonly (readonly [number, number])[]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i]!;
    const q = ring[(i + 1) % ring.length]!;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}

/** Area of a geometry in square degrees (holes subtracted). */
export function geometryArea(g: AreaGeometry): number {
  let a = 0;
  for (const p of polygonsOf(g)) {
    p.forEach((r, i) => {
      a += i === 0 ? Math.abs(ringArea(r)) : -Math.abs(ringArea(r));
    });
  }
  return a;
}

/** Square metres per square degree at a latitude (spherical Earth; good to a fraction of a percent here). */
export function squareMetresPerSquareDegree(lat: number): number {
  const m = 111_320;
  return m * m * Math.cos((lat * Math.PI) / 180);
}

/** Centroid of a ring (area-weighted); for a degenerate ring, the mean of its vertices. */
export function ringCentroid(ring: Ring): Position {
  let a = 0;
  let cx = 0;
  let cy = 0;
  const [ox, oy] = ring[0]!;
  for (let i = 0; i + 1 < ring.length; i++) {
    const px = ring[i]![0] - ox;
    const py = ring[i]![1] - oy;
    const qx = ring[i + 1]![0] - ox;
    const qy = ring[i + 1]![1] - oy;
    const f = px * qy - qx * py;
    a += f;
    cx += (px + qx) * f;
    cy += (py + qy) * f;
  }
  if (a === 0) {
    const n = Math.max(1, ring.length - 1);
    return [ring.slice(0, n).reduce((s, p) => s + p[0], 0) / n, ring.slice(0, n).reduce((s, p) => s + p[1], 0) / n];
  }
  return [ox + cx / (3 * a), oy + cy / (3 * a)];
}

/**
 * A point inside the geometry: the centroid of its largest polygon when that is inside (always, for a convex
 * one), else the middle of the widest inside stretch of the horizontal line through the centroid.
 */
export function representativePoint(g: AreaGeometry): Position {
  let best: Ring[] | null = null;
  let bestArea = -1;
  for (const p of polygonsOf(g)) {
    const a = Math.abs(ringArea(p[0] ?? []));
    if (a > bestArea) {
      bestArea = a;
      best = p;
    }
  }
  if (!best || !best[0]) return [0, 0];
  const c = ringCentroid(best[0]);
  if (polygonContains(best, c[0], c[1]) && distanceToBoundary({ type: 'Polygon', coordinates: best }, c[0], c[1]) > 0) return c;
  // Scan line through the centroid: crossings with every ring, sorted; the widest inside interval wins.
  const y = c[1];
  const xs: number[] = [];
  for (const r of best) {
    for (let i = 0; i + 1 < r.length; i++) {
      const [ax, ay] = r[i]!;
      const [bx, by] = r[i + 1]!;
      if (ay > y === by > y) continue;
      xs.push(ax + ((y - ay) * (bx - ax)) / (by - ay));
    }
  }
  xs.sort((p, q) => p - q);
  let wide = -1;
  let out: Position = best[0][0]!;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1]! - xs[i]! > wide) {
      wide = xs[i + 1]! - xs[i]!;
      out = [(xs[i]! + xs[i + 1]!) / 2, y];
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ lookup

/**
 * Finds the feature containing a point among many (the 844 grids): a bucket index over the features' bounding
 * boxes, then the exact test. Features are tried in id order, so even overlapping input answers the same way.
 */
export class PolygonIndex<P> {
  private readonly items: { key: string; feature: Feature<P>; bbox: BBox }[];
  private readonly keys: Map<string, Feature<P>>;
  private readonly buckets: number[][];
  private readonly box: BBox;
  private readonly nx: number;
  private readonly ny: number;

  constructor(features: readonly Feature<P>[], keyOf: (f: Feature<P>) => string, cells = 48) {
    this.items = features.map((f) => ({ key: keyOf(f), feature: f, bbox: bboxOf(f.geometry) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.keys = new Map(this.items.map((it) => [it.key, it.feature]));
    this.box = unionBBox(this.items.map((i) => i.bbox)) ?? [0, 0, 0, 0];
    this.nx = cells;
    this.ny = cells;
    this.buckets = Array.from({ length: this.nx * this.ny }, () => []);
    this.items.forEach((it, i) => {
      const [x0, y0] = this.cell(it.bbox[0], it.bbox[1]);
      const [x1, y1] = this.cell(it.bbox[2], it.bbox[3]);
      for (let cx = x0; cx <= x1; cx++) for (let cy = y0; cy <= y1; cy++) this.buckets[cy * this.nx + cx]!.push(i);
    });
  }

  private cell(x: number, y: number): [number, number] {
    const [w, s, e, n] = this.box;
    const fx = e > w ? (x - w) / (e - w) : 0;
    const fy = n > s ? (y - s) / (n - s) : 0;
    return [Math.min(this.nx - 1, Math.max(0, Math.floor(fx * this.nx))), Math.min(this.ny - 1, Math.max(0, Math.floor(fy * this.ny)))];
  }

  get size(): number {
    return this.items.length;
  }

  get bbox(): BBox {
    return this.box;
  }

  /** The feature containing [lng, lat], or null (outside every feature). */
  find(lng: number, lat: number): Feature<P> | null {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) return null;
    const [w, s, e, n] = this.box;
    if (lng < w || lng > e || lat < s || lat > n) return null;
    const [cx, cy] = this.cell(lng, lat);
    for (const i of this.buckets[cy * this.nx + cx]!) {
      const it = this.items[i]!;
      const b = it.bbox;
      if (lng < b[0] || lng > b[2] || lat < b[1] || lat > b[3]) continue;
      if (geometryContains(it.feature.geometry, lng, lat)) return it.feature;
    }
    return null;
  }

  /** Every feature containing the point (more than one only for overlapping input). */
  findAll(lng: number, lat: number): Feature<P>[] {
    const out: Feature<P>[] = [];
    for (const it of this.items) {
      const b = it.bbox;
      if (lng < b[0] || lng > b[2] || lat < b[1] || lat > b[3]) continue;
      if (geometryContains(it.feature.geometry, lng, lat)) out.push(it.feature);
    }
    return out;
  }

  /** Features whose bounding box meets the given box (the map's visible list). */
  inBox(box: BBox): Feature<P>[] {
    return this.items.filter((it) => it.bbox[0] <= box[2] && it.bbox[2] >= box[0] && it.bbox[1] <= box[3] && it.bbox[3] >= box[1]).map((it) => it.feature);
  }

  byKey(key: string): Feature<P> | undefined {
    return this.keys.get(key);
  }
}

/** An index of the grids layer keyed by gridId. */
export function gridIndex(fc: FeatureCollection<GridProperties>): PolygonIndex<GridProperties> {
  return new PolygonIndex(fc.features, (f) => f.properties.gridId);
}

// ------------------------------------------------------------------------------------------------ dissolve

/**
 * The union of polygons that meet along exactly shared edges (a village from its grids, a town from its
 * villages): every directed edge whose reverse is also present is interior and cancels; what remains is chained
 * into rings. Input that does not share its boundaries exactly keeps those edges as slivers, which is still a
 * drawable outline. Returns null for no input.
 */
export function dissolve(geoms: readonly AreaGeometry[]): AreaGeometry | null {
  const key = (p: Position) => `${p[0]},${p[1]}`;
  const edges = new Map<string, { a: Position; b: Position; n: number }>();
  for (const g of geoms) {
    for (const poly of polygonsOf(g)) {
      poly.forEach((r, i) => {
        const wantCcw = i === 0;
        const ring = ringArea(r) > 0 === wantCcw ? r : [...r].reverse();
        for (let k = 0; k + 1 < ring.length; k++) {
          const a = ring[k]!;
          const b = ring[k + 1]!;
          const back = edges.get(`${key(b)}|${key(a)}`);
          if (back && back.n > 0) {
            back.n -= 1;
            continue;
          }
          const id = `${key(a)}|${key(b)}`;
          const e = edges.get(id);
          if (e) e.n += 1;
          else edges.set(id, { a, b, n: 1 });
        }
      });
    }
  }
  const out = new Map<string, { a: Position; b: Position }[]>();
  const starts: string[] = [];
  for (const e of edges.values()) {
    for (let i = 0; i < e.n; i++) {
      const k = key(e.a);
      const list = out.get(k);
      if (list) list.push(e);
      else {
        out.set(k, [e]);
        starts.push(k);
      }
    }
  }
  starts.sort();
  const rings: Ring[] = [];
  for (const s of starts) {
    while ((out.get(s)?.length ?? 0) > 0) {
      const ring: Ring = [];
      let k = s;
      for (let guard = 0; guard < 10_000_000; guard++) {
        const list = out.get(k);
        const e = list?.shift();
        if (!e) break;
        ring.push(e.a);
        k = key(e.b);
        if (k === s) break;
      }
      if (ring.length >= 3) {
        ring.push(ring[0]!);
        rings.push(ring);
      }
    }
  }
  const shells = rings.filter((r) => ringArea(r) > 0);
  const holes = rings.filter((r) => ringArea(r) < 0);
  if (!shells.length) return null;
  const polys: Ring[][] = shells.map((r) => [r]);
  for (const h of holes) {
    const [x, y] = h[0]!;
    const owner = polys.find((p) => polygonContains([p[0]!], x, y)) ?? polys[0]!;
    owner.push(h);
  }
  return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0]! } : { type: 'MultiPolygon', coordinates: polys };
}
