/**
 * Validation of grid boundaries imported as GeoJSON (`POST /api/geo/grids`). Pure.
 *
 * Contract: `validateGrids(input, villages)` accepts a FeatureCollection whose every feature has a string
 * `properties.gridId` and `properties.villageId` (a village of the org) and a Polygon or MultiPolygon geometry.
 * It returns either every grid, normalised (rings closed, consecutive duplicate vertices dropped, numbers
 * rounded to 7 decimals), or every problem found, each naming the feature (its index and gridId) and a code:
 *
 *   invalid_geojson    not a FeatureCollection of Features
 *   invalid_feature    a feature without a usable gridId / villageId
 *   invalid_polygon    not a Polygon/MultiPolygon, a ring with fewer than 4 positions, a coordinate that is not
 *                      a finite [lng, lat] in range, a ring of zero area, a hole outside its shell
 *   self_intersection  two edges of one polygon cross or touch (other than neighbours at their shared vertex)
 *   duplicate_id       a gridId used by an earlier feature
 *   unknown_village    a villageId the org does not have
 *   overlap            two grids share more than max(25 m², 0.1% of the smaller grid) of area
 *   too_large          more than MAX_FEATURES features or MAX_VERTICES vertices in one grid
 *
 * Overlaps are only looked for once every feature is valid on its own (they need sound polygons).
 */
import {
  bboxOf,
  geometryArea,
  polygonContains,
  polygonsOf,
  ringArea,
  squareMetresPerSquareDegree,
  type AreaGeometry,
  type BBox,
  type Position,
  type Ring,
} from './geo.ts';

export type GeoProblemCode =
  | 'invalid_geojson'
  | 'invalid_feature'
  | 'invalid_polygon'
  | 'self_intersection'
  | 'duplicate_id'
  | 'unknown_village'
  | 'overlap'
  | 'too_large';

export interface GeoProblem {
  code: GeoProblemCode;
  /** Index of the feature in the file (absent for problems of the file itself). */
  feature?: number;
  gridId?: string;
  /** The other grid of an overlap or of a duplicate. */
  otherGridId?: string;
  otherFeature?: number;
  message: string;
}

export interface ImportedGrid {
  gridId: string;
  villageId: string;
  townId: string;
  geometry: AreaGeometry;
}

export type GridValidation = { ok: true; grids: ImportedGrid[] } | { ok: false; problems: GeoProblem[] };

export const MAX_FEATURES = 20_000;
export const MAX_VERTICES = 5_000;
const MAX_PROBLEMS = 200;
const ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

/** Validate a grids FeatureCollection against the org's villages (id -> townId). */
export function validateGrids(input: unknown, villageTown: ReadonlyMap<string, string>): GridValidation {
  const problems: GeoProblem[] = [];
  const fc = input as { type?: unknown; features?: unknown } | null;
  if (typeof fc !== 'object' || fc === null || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return { ok: false, problems: [{ code: 'invalid_geojson', message: 'expected a GeoJSON FeatureCollection with a "features" array' }] };
  }
  if (fc.features.length > MAX_FEATURES) {
    return { ok: false, problems: [{ code: 'too_large', message: `at most ${MAX_FEATURES} features, got ${fc.features.length}` }] };
  }
  const grids: (ImportedGrid & { index: number })[] = [];
  const seen = new Map<string, number>();
  fc.features.forEach((raw: unknown, index: number) => {
    const f = raw as { type?: unknown; properties?: unknown; geometry?: unknown } | null;
    const props = (typeof f?.properties === 'object' && f.properties !== null ? f.properties : {}) as Record<string, unknown>;
    const gridId = typeof props.gridId === 'string' ? props.gridId : undefined;
    const where = gridId ? `feature ${index} (${gridId})` : `feature ${index}`;
    const add = (code: GeoProblemCode, message: string, extra: Partial<GeoProblem> = {}) =>
      problems.push({ code, feature: index, ...(gridId ? { gridId } : {}), message: `${where}: ${message}`, ...extra });
    if (typeof f !== 'object' || f === null || f.type !== 'Feature') return add('invalid_feature', 'not a GeoJSON Feature');
    if (!gridId || !ID_RE.test(gridId)) return add('invalid_feature', 'properties.gridId must be an id of 1-64 letters, digits, "_", "-", ".", ":"');
    const villageId = props.villageId;
    if (typeof villageId !== 'string' || !villageId) return add('invalid_feature', 'properties.villageId is missing');
    const first = seen.get(gridId);
    if (first !== undefined) add('duplicate_id', `gridId ${gridId} is already used by feature ${first}`, { otherFeature: first, otherGridId: gridId });
    else seen.set(gridId, index);
    const townId = villageTown.get(villageId);
    if (townId === undefined) add('unknown_village', `villageId ${villageId} is not a village of the county`);
    const geometry = normaliseGeometry(f.geometry, (code, message) => add(code, message));
    if (geometry && first === undefined && townId !== undefined) grids.push({ gridId, villageId, townId, geometry, index });
  });
  if (problems.length) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };

  for (const o of findOverlaps(grids)) {
    problems.push({
      code: 'overlap',
      feature: o.a.index,
      gridId: o.a.gridId,
      otherFeature: o.b.index,
      otherGridId: o.b.gridId,
      message: `feature ${o.a.index} (${o.a.gridId}) overlaps feature ${o.b.index} (${o.b.gridId}) by about ${Math.round(o.squareMetres)} m²`,
    });
    if (problems.length >= MAX_PROBLEMS) break;
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, grids: grids.map(({ gridId, villageId, townId, geometry }) => ({ gridId, villageId, townId, geometry })) };
}

// ------------------------------------------------------------------------------------------------ one geometry

type Report = (code: GeoProblemCode, message: string) => void;

function normaliseGeometry(raw: unknown, report: Report): AreaGeometry | null {
  const g = raw as { type?: unknown; coordinates?: unknown } | null;
  if (typeof g !== 'object' || g === null) return report('invalid_polygon', 'has no geometry'), null;
  let polys: unknown[];
  if (g.type === 'Polygon') polys = [g.coordinates];
  else if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) polys = g.coordinates;
  else return report('invalid_polygon', `geometry must be a Polygon or MultiPolygon, not ${String(g.type)}`), null;
  if (polys.length === 0) return report('invalid_polygon', 'MultiPolygon has no polygons'), null;
  const out: Ring[][] = [];
  let vertices = 0;
  for (const [pi, p] of polys.entries()) {
    const label = polys.length > 1 ? `polygon ${pi}: ` : '';
    if (!Array.isArray(p) || p.length === 0) return report('invalid_polygon', `${label}has no rings`), null;
    const rings: Ring[] = [];
    for (const [ri, r] of p.entries()) {
      const ring = normaliseRing(r, `${label}ring ${ri}`, report);
      if (!ring) return null;
      vertices += ring.length;
      rings.push(ring);
    }
    if (vertices > MAX_VERTICES) return report('too_large', `more than ${MAX_VERTICES} vertices`), null;
    for (let h = 1; h < rings.length; h++) {
      const hole = rings[h]!;
      const mid = midpoint(hole[0]!, hole[1]!);
      if (!polygonContains([rings[0]!], mid[0], mid[1])) return report('invalid_polygon', `${label}hole ${h} lies outside its shell`), null;
    }
    const crossing = selfIntersection(rings);
    if (crossing) return report('self_intersection', `${label}edges cross near [${crossing[0].toFixed(6)}, ${crossing[1].toFixed(6)}]`), null;
    const flat = rings.findIndex((r) => ringArea(r) === 0);
    if (flat >= 0) return report('invalid_polygon', `${label}ring ${flat} has zero area`), null;
    out.push(rings);
  }
  if (polys.length > 1) {
    const all = out.flat();
    const crossing = selfIntersection(all);
    if (crossing) return report('self_intersection', `polygons cross near [${crossing[0].toFixed(6)}, ${crossing[1].toFixed(6)}]`), null;
  }
  return out.length === 1 ? { type: 'Polygon', coordinates: out[0]! } : { type: 'MultiPolygon', coordinates: out };
}

function normaliseRing(raw: unknown, label: string, report: Report): Ring | null {
  if (!Array.isArray(raw)) return report('invalid_polygon', `${label} is not an array of positions`), null;
  const ring: Ring = [];
  for (const [i, pos] of raw.entries()) {
    if (!Array.isArray(pos) || pos.length < 2 || typeof pos[0] !== 'number' || typeof pos[1] !== 'number' || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1])) {
      return report('invalid_polygon', `${label} position ${i} is not a [lng, lat] pair of numbers`), null;
    }
    const [x, y] = [round7(pos[0]), round7(pos[1])];
    if (x < -180 || x > 180 || y < -90 || y > 90) return report('invalid_polygon', `${label} position ${i} is out of range`), null;
    const last = ring[ring.length - 1];
    if (!last || last[0] !== x || last[1] !== y) ring.push([x, y]);
  }
  if (raw.length > 0 && (ring[0]![0] !== ring[ring.length - 1]![0] || ring[0]![1] !== ring[ring.length - 1]![1])) {
    return report('invalid_polygon', `${label} is not closed (its last position must equal its first)`), null;
  }
  if (ring.length < 4) return report('invalid_polygon', `${label} has fewer than 4 positions (a triangle at least, closed)`), null;
  return ring;
}

const midpoint = (a: Position, b: Position): Position => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

function orient(a: Position, b: Position, c: Position): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

/** Whether the closed segments ab and cd have a point in common. */
export function segmentsMeet(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) || (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

/**
 * The first place where edges of these rings meet other than neighbours at their shared vertex (a sweep over
 * the edges sorted by west end), or null. Neighbours folding back on each other (a spike) count as meeting.
 */
export function selfIntersection(rings: readonly Ring[]): Position | null {
  interface Edge {
    a: Position;
    b: Position;
    ring: number;
    i: number;
    n: number;
    minX: number;
    maxX: number;
  }
  const edges: Edge[] = [];
  rings.forEach((r, ri) => {
    const n = r.length - 1;
    for (let i = 0; i < n; i++) {
      const a = r[i]!;
      const b = r[i + 1]!;
      edges.push({ a, b, ring: ri, i, n, minX: Math.min(a[0], b[0]), maxX: Math.max(a[0], b[0]) });
    }
  });
  edges.sort((p, q) => p.minX - q.minX);
  for (let x = 0; x < edges.length; x++) {
    const e = edges[x]!;
    for (let y = x + 1; y < edges.length && edges[y]!.minX <= e.maxX; y++) {
      const f = edges[y]!;
      if (Math.max(Math.min(e.a[1], e.b[1]), Math.min(f.a[1], f.b[1])) > Math.min(Math.max(e.a[1], e.b[1]), Math.max(f.a[1], f.b[1]))) continue;
      if (e.ring === f.ring) {
        const next = (e.i + 1) % e.n === f.i;
        const prev = (f.i + 1) % f.n === e.i;
        if (next || prev) {
          if (e.n === 3 && next && prev) continue; // a triangle's edges are all neighbours
          // Neighbours meet at their shared vertex; only a fold-back (collinear, same direction from it) is wrong.
          const [shared, p, q] = next ? [e.b, e.a, f.b] : [e.a, e.b, f.a];
          if (orient(shared, p, q) === 0 && (p[0] - shared[0]) * (q[0] - shared[0]) + (p[1] - shared[1]) * (q[1] - shared[1]) > 0) return shared;
          continue;
        }
      }
      if (segmentsMeet(e.a, e.b, f.a, f.b)) return meetingPoint(e.a, e.b, f.a, f.b);
    }
  }
  return null;
}

/** Where two meeting segments meet: their crossing, or for touching/collinear ones an endpoint on the other. */
function meetingPoint(a: Position, b: Position, c: Position, d: Position): Position {
  const den = (b[0] - a[0]) * (d[1] - c[1]) - (b[1] - a[1]) * (d[0] - c[0]);
  if (den !== 0) {
    const t = ((c[0] - a[0]) * (d[1] - c[1]) - (c[1] - a[1]) * (d[0] - c[0])) / den;
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  }
  for (const [p, s, e] of [[c, a, b], [d, a, b], [a, c, d], [b, c, d]] as const) if (orient(s, e, p) === 0 && onSegment(s, e, p)) return p;
  return a;
}

// ------------------------------------------------------------------------------------------------ overlaps

interface Sized {
  gridId: string;
  index: number;
  geometry: AreaGeometry;
}

/** Pairs of grids whose shared area is more than the tolerance (see header). */
export function findOverlaps<T extends Sized>(grids: readonly T[]): { a: T; b: T; squareMetres: number }[] {
  const items = grids.map((g) => ({ g, box: bboxOf(g.geometry), area: geometryArea(g.geometry) }));
  const order = [...items].sort((p, q) => p.box[0] - q.box[0]);
  const out: { a: T; b: T; squareMetres: number }[] = [];
  for (let i = 0; i < order.length; i++) {
    const p = order[i]!;
    for (let j = i + 1; j < order.length && order[j]!.box[0] < p.box[2]; j++) {
      const q = order[j]!;
      if (!boxesOverlap(p.box, q.box)) continue;
      const shared = intersectionArea(p.g.geometry, q.g.geometry);
      const perDeg = squareMetresPerSquareDegree((p.box[1] + p.box[3]) / 2);
      const m2 = shared * perDeg;
      if (m2 > 25 && shared > 0.001 * Math.min(p.area, q.area)) {
        const [a, b] = p.g.index < q.g.index ? [p.g, q.g] : [q.g, p.g];
        out.push({ a, b, squareMetres: m2 });
      }
    }
  }
  return out.sort((x, y) => x.a.index - y.a.index || x.b.index - y.b.index);
}

function boxesOverlap(a: BBox, b: BBox): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/** Area shared by two valid geometries, in square degrees (holes inside their shells, polygons disjoint). */
export function intersectionArea(a: AreaGeometry, b: AreaGeometry): number {
  let total = 0;
  for (const pa of polygonsOf(a)) {
    for (const pb of polygonsOf(b)) {
      pa.forEach((ra, i) => {
        const sa = i === 0 ? 1 : -1;
        pb.forEach((rb, j) => {
          const sb = j === 0 ? 1 : -1;
          total += sa * sb * ringIntersectionArea(ra, rb);
        });
      });
    }
  }
  return Math.max(0, total);
}

/** Area shared by two simple rings: `b` cut into triangles, `a` clipped to each (Sutherland-Hodgman). */
export function ringIntersectionArea(a: Ring, b: Ring): number {
  const subject = ccw(open(a));
  let total = 0;
  for (const t of triangulate(ccw(open(b)))) total += Math.abs(ringArea(clipToTriangle(subject, t)));
  return total;
}

const open = (r: Ring): Position[] => r.slice(0, r.length - 1);
const ccw = (pts: Position[]): Position[] => (ringArea(pts) < 0 ? [...pts].reverse() : pts);

/** Ear clipping of a simple counter-clockwise polygon (open ring). */
export function triangulate(pts: readonly Position[]): [Position, Position, Position][] {
  const v = pts.filter((p, i) => orient(pts[(i + pts.length - 1) % pts.length]!, p, pts[(i + 1) % pts.length]!) !== 0);
  const out: [Position, Position, Position][] = [];
  let guard = 0;
  while (v.length > 3 && guard++ < 100_000) {
    let cut = -1;
    for (let i = 0; i < v.length && cut < 0; i++) {
      const a = v[(i + v.length - 1) % v.length]!;
      const b = v[i]!;
      const c = v[(i + 1) % v.length]!;
      if (orient(a, b, c) <= 0) continue;
      let ear = true;
      for (const p of v) {
        if (p === a || p === b || p === c) continue;
        if (orient(a, b, p) >= 0 && orient(b, c, p) >= 0 && orient(c, a, p) >= 0) {
          ear = false;
          break;
        }
      }
      if (ear) cut = i;
    }
    if (cut < 0) cut = v.findIndex((b, i) => orient(v[(i + v.length - 1) % v.length]!, b, v[(i + 1) % v.length]!) > 0);
    if (cut < 0) break;
    out.push([v[(cut + v.length - 1) % v.length]!, v[cut]!, v[(cut + 1) % v.length]!]);
    v.splice(cut, 1);
  }
  if (v.length === 3) out.push([v[0]!, v[1]!, v[2]!]);
  return out;
}

function clipToTriangle(subject: readonly Position[], t: [Position, Position, Position]): Position[] {
  let out: Position[] = [...subject];
  for (let e = 0; e < 3 && out.length; e++) {
    const a = t[e]!;
    const b = t[(e + 1) % 3]!;
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const p = input[i]!;
      const q = input[(i + 1) % input.length]!;
      const op = orient(a, b, p);
      const oq = orient(a, b, q);
      if (op >= 0) out.push(p);
      if ((op > 0 && oq < 0) || (op < 0 && oq > 0)) {
        const k = op / (op - oq);
        out.push([p[0] + k * (q[0] - p[0]), p[1] + k * (q[1] - p[1])]);
      }
    }
  }
  return out;
}
