/** Distances on the earth's surface. Pure. */
import type { LatLng } from './events.ts';

export const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres. */
export function haversineM(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Metres between where the unit resolved (its device's position when it sent the fix) and the case's location,
 * rounded; undefined when the resolve carried no position. Shown beside the before/after photos at verification.
 */
export function fixDistanceM(caseLocation: LatLng, resolvedAt: LatLng | undefined): number | undefined {
  return resolvedAt ? Math.round(haversineM(caseLocation, resolvedAt)) : undefined;
}
