// Grid geometry: the demo county's tiling (server/demo/geometry.ts), point-in-polygon and its boundary rule
// (src/domain/geo.ts), unions, and validation of imported boundaries (src/domain/geovalidate.ts).
import { describe, expect, it } from 'vitest';
import { buildGeometry, COUNTY_OUTLINE } from '../../server/demo/geometry.ts';
import { generateCounty } from '../../server/demo/generate.ts';
import {
  dissolve,
  geometryArea,
  geometryContains,
  gridIndex,
  polygonContains,
  PolygonIndex,
  representativePoint,
  type AreaGeometry,
  type Feature,
  type FeatureCollection,
  type GridProperties,
  type Position,
  type Ring,
} from '../../src/domain/geo.ts';
import { intersectionArea, selfIntersection, validateGrids } from '../../src/domain/geovalidate.ts';
import { indexOrg } from '../../src/domain/org.ts';

const { org, geometry } = generateCounty();
const fc: FeatureCollection<GridProperties> = {
  type: 'FeatureCollection',
  features: geometry.map((g) => ({
    type: 'Feature',
    properties: { gridId: g.gridId, villageId: g.villageId, townId: g.townId, workerId: '', name: '', villageName: '', townName: '', center: g.center },
    geometry: g.geometry,
  })),
};
const index = gridIndex(fc);
const outline: Ring = [...COUNTY_OUTLINE, COUNTY_OUTLINE[0]!] as Ring;
const ringOf = (g: AreaGeometry) => (g.type === 'Polygon' ? g.coordinates[0]! : g.coordinates[0]![0]!);

/** A deterministic stream of numbers in [0, 1). */
function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('demo geometry', () => {
  it('draws one polygon per grid of the org, in the demo ids and town order', () => {
    expect(geometry.map((g) => g.gridId)).toEqual(org.grids.map((g) => g.id));
    const villages = new Map(org.villages.map((v) => [v.id, v]));
    for (const g of geometry) {
      const og = indexOrg(org).grid(g.gridId)!;
      expect(g.villageId).toBe(og.villageId);
      expect(g.townId).toBe(og.townId);
      expect(villages.get(g.villageId)?.townId).toBe(g.townId);
    }
    expect(new Set(geometry.map((g) => g.villageId)).size).toBe(168);
    expect(new Set(geometry.map((g) => g.townId)).size).toBe(13);
  });

  it('gives every grid a worker of its own', () => {
    const idx = indexOrg(org);
    const workers = new Set<string>();
    for (const g of geometry) {
      const w = idx.user(idx.grid(g.gridId)!.workerId);
      expect(w, g.gridId).toMatchObject({ role: 'worker', gridId: g.gridId });
      workers.add(w!.id);
    }
    expect(workers.size).toBe(844);
  });

  it('stays inside the county extent, and its outline is the county outline', () => {
    for (const g of geometry) {
      for (const [x, y] of ringOf(g.geometry)) {
        expect(x).toBeGreaterThanOrEqual(121.8);
        expect(x).toBeLessThanOrEqual(122.3);
        expect(y).toBeGreaterThanOrEqual(40.9);
        expect(y).toBeLessThanOrEqual(41.4);
      }
    }
    const county = dissolve(geometry.map((g) => g.geometry))!;
    expect(county.type).toBe('Polygon');
    const total = geometry.reduce((a, g) => a + geometryArea(g.geometry), 0);
    expect(Math.abs(geometryArea(county) - total) / total).toBeLessThan(1e-9);
    expect(Math.abs(total - geometryArea({ type: 'Polygon', coordinates: [outline] })) / total).toBeLessThan(1e-4);
  });

  it('tiles the county without gaps or overlaps: every sample point is in exactly one grid', () => {
    const next = stream(42);
    let inside = 0;
    for (let i = 0; i < 60_000; i++) {
      const x = 121.8 + next() * 0.5;
      const y = 40.9 + next() * 0.5;
      const hits = index.findAll(x, y).length;
      const inCounty = polygonContains([outline], x, y);
      expect(hits, `${x},${y}`).toBe(inCounty ? 1 : 0);
      if (inCounty) inside++;
    }
    expect(inside).toBeGreaterThan(50_000);
  });

  it('shares every inner edge exactly: each appears once in each direction', () => {
    const key = (a: Position, b: Position) => `${a[0]},${a[1]}>${b[0]},${b[1]}`;
    const edges = new Map<string, number>();
    for (const g of geometry) {
      const r = ringOf(g.geometry);
      for (let i = 0; i + 1 < r.length; i++) edges.set(key(r[i]!, r[i + 1]!), (edges.get(key(r[i]!, r[i + 1]!)) ?? 0) + 1);
    }
    let outer = 0;
    for (const [k, n] of edges) {
      expect(n, k).toBe(1);
      const [a, b] = k.split('>');
      if (!edges.has(`${b}>${a}`)) outer++;
    }
    // Unmatched edges are the county's outline only.
    const county = ringOf(dissolve(geometry.map((g) => g.geometry))!);
    expect(outer).toBe(county.length - 1);
  });

  it('gives every grid and town a centre inside its own area, and nests villages in towns', () => {
    for (const g of geometry) {
      expect(index.find(g.center[0], g.center[1])?.properties.gridId, g.gridId).toBe(g.gridId);
      const og = org.grids.find((x) => x.id === g.gridId)!;
      expect(og.center).toEqual(g.center);
    }
    for (const t of org.towns) {
      expect(index.find(t.center[0], t.center[1])?.properties.townId, t.id).toBe(t.id);
    }
    for (const v of org.villages) {
      const union = dissolve(geometry.filter((g) => g.villageId === v.id).map((g) => g.geometry))!;
      expect(union.type, v.id).toBe('Polygon');
      const c = representativePoint(union);
      expect(index.find(c[0], c[1])?.properties.villageId, v.id).toBe(v.id);
    }
  });

  it('has convex-ish grids of sensible size: communities smaller than villages', () => {
    const kind = new Map(org.villages.map((v) => [v.id, v.kind]));
    const km2 = (g: AreaGeometry) => geometryArea(g) * 111.32 * 111.32 * Math.cos((41.15 * Math.PI) / 180);
    const village = geometry.filter((g) => kind.get(g.villageId) === 'village').map((g) => km2(g.geometry));
    const community = geometry.filter((g) => kind.get(g.villageId) === 'community').map((g) => km2(g.geometry));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(community)).toBeLessThan(mean(village));
    expect(Math.min(...village, ...community)).toBeGreaterThan(0.2);
    expect(Math.max(...village)).toBeLessThan(12);
  });

  // Its speed is a benchmark figure (`npm run bench -- --only=demo`: the first start includes the boundaries), not a
  // timed test: a loaded machine would fail a time limit without any defect.
  it('is deterministic: the same seed gives the same county, another seed another one', () => {
    expect(JSON.stringify(buildGeometry(org, 20231))).toBe(JSON.stringify(buildGeometry(org, 20231)));
    expect(JSON.stringify(buildGeometry(org, 7).grids[0])).not.toBe(JSON.stringify(buildGeometry(org, 20231).grids[0]));
  });
});

describe('point in polygon', () => {
  // Four unit squares meeting at (1, 1): A south-west, B south-east, C north-west, D north-east.
  const sq = (x: number, y: number): AreaGeometry => ({
    type: 'Polygon',
    coordinates: [
      [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
        [x, y],
      ],
    ],
  });
  const f = (id: string, g: AreaGeometry): Feature<{ id: string }> => ({ type: 'Feature', properties: { id }, geometry: g });
  const four = new PolygonIndex([f('A', sq(0, 0)), f('B', sq(1, 0)), f('C', sq(0, 1)), f('D', sq(1, 1))], (x) => x.properties.id);
  const at = (x: number, y: number) => four.findAll(x, y).map((x) => x.properties.id);

  it('finds the grid of inside points', () => {
    expect(at(0.5, 0.5)).toEqual(['A']);
    expect(at(1.5, 0.5)).toEqual(['B']);
    expect(at(0.5, 1.5)).toEqual(['C']);
    expect(at(1.5, 1.5)).toEqual(['D']);
  });

  it('puts a point on a shared edge in exactly one grid: east of a north-south edge, north of an east-west one', () => {
    expect(at(1, 0.5)).toEqual(['B']);
    expect(at(1, 1.5)).toEqual(['D']);
    expect(at(0.5, 1)).toEqual(['C']);
    expect(at(1.5, 1)).toEqual(['D']);
  });

  it('puts a shared vertex in exactly one grid (the north-east one)', () => {
    expect(at(1, 1)).toEqual(['D']);
  });

  it('keeps the outer boundary on its inner side: west and south edges in, east and north edges out', () => {
    expect(at(0, 0.5)).toEqual(['A']);
    expect(at(0.5, 0)).toEqual(['A']);
    expect(at(2, 0.5)).toEqual([]);
    expect(at(0.5, 2)).toEqual([]);
    expect(at(0, 0)).toEqual(['A']);
    expect(at(2, 2)).toEqual([]);
  });

  it('finds nothing outside, and nothing for a point that is not a number', () => {
    expect(at(-0.1, 0.5)).toEqual([]);
    expect(at(3, 3)).toEqual([]);
    expect(four.find(Number.NaN, 1)).toBeNull();
  });

  it('answers the same for a slanted edge whichever way each neighbour runs', () => {
    // Two triangles sharing the slanted edge (0,0)-(1,1); one runs clockwise.
    const lower: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };
    const upper: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 1], [0, 0]].reverse() as Ring] };
    for (const t of [0.1, 0.25, 1 / 3, 0.5, 0.7, 0.999]) {
      const inLower = geometryContains(lower, t, t);
      const inUpper = geometryContains(upper, t, t);
      expect(inLower !== inUpper, String(t)).toBe(true);
      expect(inLower).toBe(true); // east of the edge
    }
  });

  it('puts every demo vertex and every demo edge midpoint in exactly one grid (or none on the outline)', () => {
    let checked = 0;
    for (const g of geometry) {
      const r = ringOf(g.geometry);
      for (let i = 0; i + 1 < r.length; i++) {
        const [a, b] = [r[i]!, r[i + 1]!];
        for (const p of [a, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] as Position]) {
          const n = index.findAll(p[0], p[1]).length;
          expect(n, `${g.gridId} ${p}`).toBeLessThanOrEqual(1);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(9000);
    // A point on an inner vertex is always in a grid.
    const inner = ringOf(geometry[400]!.geometry)[0]!;
    if (polygonContains([outline], inner[0] + 1e-9, inner[1] + 1e-9)) expect(index.findAll(inner[0], inner[1])).toHaveLength(1);
  });
});

describe('import validation', () => {
  const villages = new Map(org.villages.map((v) => [v.id, v.townId]));
  const good = () => JSON.parse(JSON.stringify(fc)) as FeatureCollection<GridProperties>;
  const codes = (input: unknown) => {
    const r = validateGrids(input, villages);
    return r.ok ? [] : r.problems.map((p) => [p.code, p.gridId ?? null, p.otherGridId ?? null]);
  };

  it('accepts the demo county as exported', () => {
    const r = validateGrids(good(), villages);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.grids).toHaveLength(844);
  });

  it('rejects what is not a FeatureCollection', () => {
    expect(codes({ type: 'Feature' })).toEqual([['invalid_geojson', null, null]]);
    expect(codes(null)).toEqual([['invalid_geojson', null, null]]);
  });

  it('names an invalid polygon: too few positions, unclosed, not numbers, wrong type, hole outside', () => {
    const bad = good();
    bad.features[3]!.geometry = { type: 'Polygon', coordinates: [[[122, 41], [122.01, 41], [122, 41]]] };
    bad.features[5]!.geometry = { type: 'Polygon', coordinates: [[[122, 41], [122.01, 41], [122.01, 41.01], [122, 41.01]]] };
    (bad.features[7]!.geometry as unknown) = { type: 'Polygon', coordinates: [[['x', 41], [122.01, 41], [122.01, 41.01], ['x', 41]]] };
    (bad.features[9]!.geometry as unknown) = { type: 'LineString', coordinates: [[122, 41], [122.1, 41.1]] };
    bad.features[11]!.geometry = {
      type: 'Polygon',
      coordinates: [
        [[122, 41], [122.01, 41], [122.01, 41.01], [122, 41.01], [122, 41]],
        [[122.2, 41.2], [122.2, 41.201], [122.201, 41.201], [122.2, 41.2]],
      ],
    };
    expect(codes(bad)).toEqual([
      ['invalid_polygon', 'g0004', null],
      ['invalid_polygon', 'g0006', null],
      ['invalid_polygon', 'g0008', null],
      ['invalid_polygon', 'g0010', null],
      ['invalid_polygon', 'g0012', null],
    ]);
    const r = validateGrids(bad, villages);
    expect(r.ok ? '' : r.problems[0]!.message).toMatch(/^feature 3 \(g0004\): ring 0 has fewer than 4 positions/);
  });

  it('names a self-intersecting polygon (a bow tie)', () => {
    const bad = good();
    bad.features[0]!.geometry = { type: 'Polygon', coordinates: [[[121.9, 41.0], [121.91, 41.01], [121.91, 41.0], [121.9, 41.01], [121.9, 41.0]]] };
    expect(codes(bad)).toEqual([['self_intersection', 'g0001', null]]);
    expect(selfIntersection([[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]])).toEqual([0.5, 0.5]);
    expect(selfIntersection([[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]])).toBeNull();
  });

  it('names a duplicate id', () => {
    const bad = good();
    bad.features[2]!.properties.gridId = 'g0001';
    expect(codes(bad)).toEqual([['duplicate_id', 'g0001', 'g0001']]);
  });

  it('names a grid without a known village, and a feature without ids', () => {
    const bad = good();
    bad.features[4]!.properties.villageId = 't99v01';
    (bad.features[6]!.properties as unknown as Record<string, unknown>).gridId = undefined;
    expect(codes(bad)).toEqual([
      ['unknown_village', 'g0005', null],
      ['invalid_feature', null, null],
    ]);
  });

  it('names overlapping grids, and not neighbours that only touch', () => {
    const bad = good();
    // g0002 drawn over g0001's area too: the two grids overlap.
    const a = ringOf(bad.features[0]!.geometry);
    bad.features[1]!.geometry = { type: 'Polygon', coordinates: [a.map((p) => [p[0] + 0.002, p[1]] as Position)] };
    const got = codes(bad);
    expect(got).toContainEqual(['overlap', 'g0001', 'g0002']);
    const r = validateGrids(bad, villages);
    expect(r.ok ? '' : r.problems.find((p) => p.code === 'overlap')!.message).toMatch(/^feature 0 \(g0001\) overlaps feature 1 \(g0002\) by about \d+ m²$/);
    // Neighbours share edges exactly: no area in common.
    const n = index.find(ringOf(geometry[0]!.geometry)[0]![0] - 1e-7, ringOf(geometry[0]!.geometry)[0]![1]);
    if (n) expect(intersectionArea(geometry[0]!.geometry, n.geometry)).toBeLessThan(1e-12);
  });

  it('computes shared areas exactly for simple shapes, concave ones too', () => {
    const square: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]] };
    const shifted: AreaGeometry = { type: 'Polygon', coordinates: [[[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]] };
    const ell: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]] };
    expect(intersectionArea(square, shifted)).toBeCloseTo(1, 12);
    expect(intersectionArea(ell, shifted)).toBeCloseTo(0, 12);
    expect(intersectionArea(ell, square)).toBeCloseTo(3, 12);
    expect(intersectionArea(shifted, ell)).toBeCloseTo(0, 12);
  });
});
