/**
 * Colours of the map (also read by the end-to-end test, which checks a grid's fill in a screenshot).
 * A grid's fill says how its open cases stand: none, open, overdue. Fills are drawn at FILL_OPACITY over the
 * background (or the basemap), so the colour seen is the blend `blend(BACKGROUND, fill, FILL_OPACITY)`.
 */
export const BACKGROUND = '#eef1ec';
export const FILL_NONE = '#9fc8b0';
export const FILL_OPEN = '#f0a830';
export const FILL_OVERDUE = '#d7382d';
export const FILL_OPACITY = 0.55;
export const GRID_LINE = '#5f7f6f';
export const VILLAGE_LINE = '#3d5a4c';
export const TOWN_LINE = '#1f3a2e';
export const SELECTED_LINE = '#1456d6';
export const CASE_OPEN = '#b35c00';
export const CASE_OVERDUE = '#b3261e';

export function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour of `fill` drawn at `opacity` over `under` (8-bit sRGB, as the canvas composes it). */
export function blend(under: string, fill: string, opacity: number): [number, number, number] {
  const u = rgb(under);
  const f = rgb(fill);
  return [0, 1, 2].map((i) => Math.round(f[i]! * opacity + u[i]! * (1 - opacity))) as [number, number, number];
}
