/**
 * The demo county's boundaries: 844 grid polygons tiling Panshan County's extent, nested in 168 villages and
 * 13 towns, generated deterministically.
 *
 * Contract: `buildGeometry(org, seed)` is pure. The same seed and the same county structure (towns, villages,
 * grids in order) give identical output. Every grid is a convex polygon before rounding; grids tile the county
 * outline without gaps or overlaps, with *identical* shared vertices (coordinates on a 1e-6 degree lattice,
 * shared vertices snapped, T-junctions inserted into both neighbours), so `src/domain/geo.ts`'s boundary rule
 * puts every point of the county in exactly one grid. Villages and towns are the unions of their grids.
 *
 * Method: nested power diagrams (weighted Voronoi) relaxed by Lloyd's algorithm. The county outline is cut into
 * town cells around the towns' centres (county.ts), each town cell into village cells, each village cell into
 * grid cells; each level's weights are adjusted so that areas follow the grid counts (community grids, in the
 * town seats, are denser). Work is in a local plane where one unit is one degree of latitude.
 */
import { dissolve, ringArea, representativePoint, type AreaGeometry, type Position } from '../../src/domain/geo.ts';
import { seededRandom } from '../../src/domain/ids.ts';
import type { Grid, Town, Village } from '../../src/domain/org.ts';

/** The county outline, [lng, lat], counter-clockwise: the 121.8-122.3 E, 40.9-41.4 N extent with its corners cut. */
export const COUNTY_OUTLINE: readonly Position[] = [
  [121.845, 40.9],
  [122.24, 40.9],
  [122.3, 40.965],
  [122.3, 41.335],
  [122.245, 41.4],
  [121.875, 41.4],
  [121.8, 41.33],
  [121.8, 40.95],
];

export interface GridGeometry {
  gridId: string;
  villageId: string;
  townId: string;
  geometry: AreaGeometry;
  /** Representative point, [lng, lat], rounded to 1e-6. */
  center: Position;
}

export interface DemoGeometry {
  grids: GridGeometry[];
  /** Representative point of each town's area. */
  townCenters: Record<string, Position>;
}

const LAT0 = 41.15;
const KX = Math.cos((LAT0 * Math.PI) / 180);
const LNG0 = 122.05;
/** Coordinates are written on this lattice (1e-6 degree, about 0.1 m). */
const SCALE = 1e6;
/** Vertices closer than this (lattice units) are one vertex; a vertex this close to an edge lies on it. */
const SNAP = 2;
/** Area weight of a grid in a community (dense town seat) relative to a village grid. */
const COMMUNITY_WEIGHT = 0.3;

type P = [number, number];

const toPlane = ([lng, lat]: Position): P => [(lng - LNG0) * KX, lat - LAT0];
const toLngLat = ([x, y]: P): P => [x / KX + LNG0, y + LAT0];

export function buildGeometry(org: { towns: readonly Town[]; villages: readonly Village[]; grids: readonly Grid[] }, seed: number): DemoGeometry {
  const rng = seededRandom((seed ^ 0x5bd1e995) >>> 0).next;
  const county = COUNTY_OUTLINE.map(toPlane);

  const gridsByVillage = new Map<string, Grid[]>();
  for (const g of org.grids) gridsByVillage.set(g.villageId, [...(gridsByVillage.get(g.villageId) ?? []), g]);
  const villagesByTown = new Map<string, Village[]>();
  for (const v of org.villages) villagesByTown.set(v.townId, [...(villagesByTown.get(v.townId) ?? []), v]);
  const gridWeight = (v: Village) => (v.kind === 'community' ? COMMUNITY_WEIGHT : 1);
  const villageWeight = (v: Village) => (gridsByVillage.get(v.id)?.length ?? 0) * gridWeight(v);

  const towns = org.towns.filter((t) => (villagesByTown.get(t.id) ?? []).length > 0);
  const townCells = relax(
    county,
    towns.map((t) => toPlane(t.center)),
    towns.map((t) => (villagesByTown.get(t.id) ?? []).reduce((s, v) => s + villageWeight(v), 0)),
    40,
  );

  const cells: { grid: Grid; cell: P[] }[] = [];
  const townCenters: Record<string, Position> = {};
  towns.forEach((t, ti) => {
    const townCell = townCells[ti]!;
    const c = centroid(townCell);
    townCenters[t.id] = roundPos(toLngLat(c));
    const vs = villagesByTown.get(t.id)!;
    // Communities are the town seat: they start next to the town's centre, villages anywhere in the town.
    const vSeeds = vs.map((v) => (v.kind === 'community' ? jitterInside(townCell, c, 0.01, rng) : randomInside(townCell, rng)));
    const villageCells = relax(townCell, vSeeds, vs.map(villageWeight), 30);
    vs.forEach((v, vi) => {
      const vCell = villageCells[vi]!;
      const gs = gridsByVillage.get(v.id) ?? [];
      const gSeeds = gs.map(() => randomInside(vCell, rng));
      const gridCells = relax(vCell, gSeeds, gs.map(() => 1), 25);
      gs.forEach((grid, gi) => cells.push({ grid, cell: gridCells[gi]! }));
    });
  });

  const rings = exactTopology(cells.map((c) => c.cell.map((p) => toLattice(toLngLat(p)))));
  const grids: GridGeometry[] = cells.map(({ grid }, i) => {
    const ring = rings[i]!.map(([x, y]) => [x / SCALE, y / SCALE] as Position);
    ring.push(ring[0]!);
    const geometry: AreaGeometry = { type: 'Polygon', coordinates: [ringArea(ring) > 0 ? ring : ring.reverse()] };
    return { gridId: grid.id, villageId: grid.villageId, townId: grid.townId, geometry, center: roundPos(representativePoint(geometry)) };
  });
  // The town's centre is a representative point of its area (the dissolved union of its grids).
  for (const t of towns) {
    const union = dissolve(grids.filter((g) => g.townId === t.id).map((g) => g.geometry));
    if (union) townCenters[t.id] = roundPos(representativePoint(union));
  }
  return { grids, townCenters };
}

const roundPos = ([x, y]: readonly [number, number]): Position => [Math.round(x * SCALE) / SCALE, Math.round(y * SCALE) / SCALE];
const toLattice = ([x, y]: P): P => [Math.round(x * SCALE), Math.round(y * SCALE)];

// ------------------------------------------------------------------------------------------------ power diagrams

function centroid(poly: readonly P[]): P {
  let a = 0;
  let cx = 0;
  let cy = 0;
  const [ox, oy] = poly[0] ?? [0, 0];
  for (let i = 0; i < poly.length; i++) {
    const [px, py] = [poly[i]![0] - ox, poly[i]![1] - oy];
    const q = poly[(i + 1) % poly.length]!;
    const [qx, qy] = [q[0] - ox, q[1] - oy];
    const f = px * qy - qx * py;
    a += f;
    cx += (px + qx) * f;
    cy += (py + qy) * f;
  }
  if (Math.abs(a) < 1e-18) return [ox, oy];
  return [ox + cx / (3 * a), oy + cy / (3 * a)];
}

/** Keep the part of a convex polygon where n·x <= c. */
function clipHalfPlane(poly: readonly P[], nx: number, ny: number, c: number): P[] {
  const out: P[] = [];
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    const dp = nx * p[0] + ny * p[1] - c;
    const dq = nx * q[0] + ny * q[1] - c;
    if (dp <= 0) out.push(p);
    if ((dp < 0 && dq > 0) || (dp > 0 && dq < 0)) {
      const t = dp / (dp - dq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return out;
}

/** Power cells of the seeds inside a convex polygon: cell i = {x : |x-si|^2 - wi <= |x-sj|^2 - wj for all j}. */
function powerCells(poly: readonly P[], seeds: readonly P[], w: readonly number[]): P[][] {
  return seeds.map((si, i) => {
    let cell: P[] = [...poly];
    for (let j = 0; j < seeds.length && cell.length > 0; j++) {
      if (j === i) continue;
      const sj = seeds[j]!;
      const nx = 2 * (sj[0] - si[0]);
      const ny = 2 * (sj[1] - si[1]);
      const c = sj[0] * sj[0] + sj[1] * sj[1] - si[0] * si[0] - si[1] * si[1] - w[j]! + w[i]!;
      cell = clipHalfPlane(cell, nx, ny, c);
    }
    return cell;
  });
}

/**
 * Lloyd relaxation of a power diagram inside a convex polygon, with weights steered so that cell areas follow
 * `targets` (relative). Returns the cells (convex, counter-clockwise), in the order of the seeds.
 */
function relax(poly: readonly P[], initial: readonly P[], targets: readonly number[], iterations: number): P[][] {
  const n = initial.length;
  if (n === 1) return [[...poly]];
  const total = ringArea(poly);
  const sum = targets.reduce((a, b) => a + b, 0);
  const want = targets.map((t) => (total * t) / sum);
  const seeds = initial.map((s) => [...s] as P);
  // Two seeds on one spot would give an empty cell: nudge duplicates apart deterministically.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) if (seeds[i]![0] === seeds[j]![0] && seeds[i]![1] === seeds[j]![1]) seeds[i]![0] += 1e-6 * (i + 1);
  const w = new Array<number>(n).fill(0);
  let cells = powerCells(poly, seeds, w);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      const a = cells[i]!.length >= 3 ? ringArea(cells[i]!) : 0;
      if (a > 0) seeds[i] = centroid(cells[i]!);
      w[i] = w[i]! + 0.6 * (want[i]! - a);
    }
    // Weights must not outgrow the seeds' spacing, or a cell swallows its neighbour's seed and empties it.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const d2 = (seeds[i]![0] - seeds[j]![0]) ** 2 + (seeds[i]![1] - seeds[j]![1]) ** 2;
        if (w[i]! - w[j]! > 0.8 * d2) w[i] = w[j]! + 0.8 * d2;
      }
    }
    cells = powerCells(poly, seeds, w);
  }
  // A cell that ended empty (never seen in practice) would lose its grid: fall back to the plain Voronoi.
  if (cells.some((c) => c.length < 3 || ringArea(c) <= 0)) cells = powerCells(poly, seeds, new Array<number>(n).fill(0));
  return cells;
}

function randomInside(poly: readonly P[], rng: () => number): P {
  const xs = poly.map((p) => p[0]);
  const ys = poly.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  for (let k = 0; k < 1000; k++) {
    const p: P = [x0 + rng() * (x1 - x0), y0 + rng() * (y1 - y0)];
    if (insideConvex(poly, p)) return p;
  }
  return centroid(poly);
}

function jitterInside(poly: readonly P[], c: P, r: number, rng: () => number): P {
  for (let k = 0; k < 100; k++) {
    const p: P = [c[0] + (rng() * 2 - 1) * r, c[1] + (rng() * 2 - 1) * r];
    if (insideConvex(poly, p)) return p;
  }
  return c;
}

function insideConvex(poly: readonly P[], p: P): boolean {
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    if ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) < 0) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------------------------ exact topology

/**
 * Makes rings on the integer lattice share their boundaries exactly: vertices within SNAP of each other become
 * one (the smallest), consecutive duplicates go, and every vertex lying within SNAP of another ring's edge is
 * inserted into that edge, so two neighbours list the same vertices along their common boundary.
 */
function exactTopology(input: P[][]): P[][] {
  const cellSize = 2000;
  const bucketKey = (x: number, y: number) => `${Math.floor(x / cellSize)},${Math.floor(y / cellSize)}`;
  const k = (p: P) => `${p[0]},${p[1]}`;

  // 1. snap nearby vertices together (union-find over a bucket grid)
  const unique = new Map<string, P>();
  for (const r of input) for (const p of r) unique.set(k(p), p);
  const pts = [...unique.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const parent = pts.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const buckets = new Map<string, number[]>();
  pts.forEach((p, i) => {
    const key = bucketKey(p[0], p[1]);
    buckets.set(key, [...(buckets.get(key) ?? []), i]);
  });
  pts.forEach((p, i) => {
    const bx = Math.floor(p[0] / cellSize);
    const by = Math.floor(p[1] / cellSize);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of buckets.get(`${bx + dx},${by + dy}`) ?? []) {
          if (j <= i) continue;
          const q = pts[j]!;
          if (Math.abs(p[0] - q[0]) <= SNAP && Math.abs(p[1] - q[1]) <= SNAP) {
            const a = find(i);
            const b = find(j);
            if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
          }
        }
      }
    }
  });
  const snapped = new Map<string, P>();
  pts.forEach((p, i) => snapped.set(k(p), pts[find(i)]!));
  const rings = input.map((r) => {
    const out: P[] = [];
    for (const p of r) {
      const s = snapped.get(k(p))!;
      const last = out[out.length - 1];
      if (!last || last[0] !== s[0] || last[1] !== s[1]) out.push(s);
    }
    while (out.length > 1 && out[0]![0] === out[out.length - 1]![0] && out[0]![1] === out[out.length - 1]![1]) out.pop();
    return out;
  });

  // 2. insert T-junctions: every final vertex near an edge's interior goes into that edge
  const finals = new Map<string, P>();
  for (const r of rings) for (const p of r) finals.set(k(p), p);
  const vbuckets = new Map<string, P[]>();
  for (const p of finals.values()) {
    const key = bucketKey(p[0], p[1]);
    vbuckets.set(key, [...(vbuckets.get(key) ?? []), p]);
  }
  return rings.map((r) => {
    const out: P[] = [];
    for (let i = 0; i < r.length; i++) {
      const a = r[i]!;
      const b = r[(i + 1) % r.length]!;
      out.push(a);
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const len2 = dx * dx + dy * dy;
      if (len2 === 0) continue;
      const on: { t: number; p: P }[] = [];
      const [x0, x1] = [Math.min(a[0], b[0]) - SNAP, Math.max(a[0], b[0]) + SNAP];
      const [y0, y1] = [Math.min(a[1], b[1]) - SNAP, Math.max(a[1], b[1]) + SNAP];
      for (let bx = Math.floor(x0 / cellSize); bx <= Math.floor(x1 / cellSize); bx++) {
        for (let by = Math.floor(y0 / cellSize); by <= Math.floor(y1 / cellSize); by++) {
          for (const p of vbuckets.get(`${bx},${by}`) ?? []) {
            if (p === a || p === b || p[0] < x0 || p[0] > x1 || p[1] < y0 || p[1] > y1) continue;
            const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
            if (t <= 0 || t >= 1) continue;
            const dist = Math.abs(dx * (p[1] - a[1]) - dy * (p[0] - a[0])) / Math.sqrt(len2);
            if (dist <= SNAP) on.push({ t, p });
          }
        }
      }
      on.sort((u, v) => u.t - v.t);
      for (const { p } of on) out.push(p);
    }
    return out;
  });
}
