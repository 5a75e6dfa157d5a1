/**
 * The map as drawn, for the end-to-end tests that look at it (map.test.ts, basemap.test.ts): the grids it draws,
 * opening it, where the map's own projection puts points on the page, and which colours a screenshot has there.
 */
import type { Page } from 'playwright-core';
import { distanceToBoundary, gridIndex, type FeatureCollection, type GridProperties, type PolygonIndex, type Position } from '../../src/domain/geo.ts';
import { apiToken } from './harness.ts';

export interface ScreenPoint {
  x: number;
  y: number;
}

/** The county's grids as the relay serves them to an administrator, indexed for point-in-polygon. */
export async function gridsOf(url: string): Promise<PolygonIndex<GridProperties>> {
  const res = await fetch(`${url}/api/geo/grids.geojson`, { headers: { authorization: `Bearer ${await apiToken(url, 'admin')}` } });
  return gridIndex((await res.json()) as FeatureCollection<GridProperties>);
}

/** Opens the map screen (unless the page is on it) and waits until the map is ready. */
export async function openMap(page: Page, url: string): Promise<void> {
  if (!page.url().endsWith('#/map')) await page.goto(`${url}/#/map`);
  await page.locator('.map-canvas[data-state=ready]').waitFor({ timeout: 60_000 });
}

/**
 * Screen pixels (page coordinates) of points, through the map's own projection; with a `margin`, only those at
 * least that far inside the map.
 */
export async function toScreen(page: Page, points: Position[], margin?: number): Promise<ScreenPoint[]> {
  const box = (await page.locator('.map-canvas[data-state=ready]').first().boundingBox())!;
  const local = await page.evaluate((pts) => {
    const m = (globalThis as unknown as { gridlinkMap: { project(p: [number, number]): { x: number; y: number } } }).gridlinkMap;
    return pts.map((p) => m.project(p as [number, number]));
  }, points);
  const screen = local.map((p) => ({ x: Math.round(box.x + p.x), y: Math.round(box.y + p.y) }));
  if (margin === undefined) return screen;
  return screen.filter((p) => p.x > box.x + margin && p.x < box.x + box.width - margin && p.y > box.y + margin && p.y < box.y + box.height - margin);
}

/** Share of the points whose screenshot pixel is within `tol` of the colour in every channel. */
export async function shareOfColour(page: Page, pixels: ScreenPoint[], colour: [number, number, number], tol = 10): Promise<number> {
  const png = await page.screenshot({ type: 'png' });
  // Decode in the page: the screenshot is drawn on a canvas and read back (no image library needed in Node).
  const values = await page.evaluate(
    async ({ data, pts }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return pts.map((p) => Array.from(g.getImageData(p.x, p.y, 1, 1).data.slice(0, 3)));
    },
    { data: png.toString('base64'), pts: pixels },
  );
  const hits = values.filter((v) => v.every((x, i) => Math.abs(x - colour[i]!) <= tol)).length;
  return hits / Math.max(1, values.length);
}

/** Points in other grids around a grid (its box grown threefold), away from their own edges. */
export function neighbourPoints(index: PolygonIndex<GridProperties>, gridId: string, n = 14): Position[] {
  const f = index.byKey(gridId)!;
  const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0]! : f.geometry.coordinates[0]![0]!;
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const [w, e, s, nn] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const [dx, dy] = [e - w, nn - s];
  const out: Position[] = [];
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= n; j++) {
      const p: Position = [w - dx + (3 * dx * i) / n, s - dy + (3 * dy * j) / n];
      const g = index.find(p[0], p[1]);
      if (g && g.properties.gridId !== gridId && distanceToBoundary(g.geometry, p[0], p[1]) > Math.min(dx, dy) * 0.06) out.push(p);
    }
  }
  return out;
}
