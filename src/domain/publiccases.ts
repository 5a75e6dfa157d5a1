/**
 * Public, anonymised cases near a point (issue 13): what a resident may see of other people's reports so they do
 * not report the same pothole twice. Pure; the relay serves it as GET /api/public/nearby (server/publichttp.ts).
 *
 * Contract of one item (and nothing more, by construction: the output is built field by field, never copied):
 *  - `category`: the subcategory code (the device names it from its reference data);
 *  - `place`: the case's location rounded to 0.001 degree (about 110 m north-south, 85 m east-west here), and the
 *    village's name (public reference data), never the address typed by the reporter;
 *  - `stage`: the plain-word stage (residentStage), without the unit's name;
 *  - `day`: the CST day it was reported ("YYYY-MM-DD"), not the time;
 *  - `distanceM`: from the asked point to the ROUNDED place, in steps of 50 m (so the exact spot cannot be
 *    triangulated from several questions).
 * No case id (nothing a resident could use to open the case), no names, phones, photos, voice, descriptions,
 * addresses, units or staff notes.
 *
 * Which cases: reported in the last PUBLIC_WINDOW_DAYS, not ended as withdrawn/merged/rejected, of a subcategory
 * about a PLACE (PUBLIC_MAJORS, PUBLIC_SUBCATEGORIES): roads, lights, water, waste, safety hazards. Cases about a
 * PERSON (social assistance, disputes, health, public order and the like) are never public, wherever they are:
 * "a low-income allowance was asked for at the house 100 m away" is private.
 */
import { haversineM } from './distance.ts';
import type { LatLng } from './events.ts';
import { residentStage, type ResidentStage } from './stages.ts';
import { cstDay, DAY_MS } from './period.ts';
import type { CaseState } from './workflow.ts';

/** The radius asked for when none is given, and the most that may be asked (metres). */
export const NEARBY_DEFAULT_M = 500;
export const NEARBY_MAX_M = 1000;
export const NEARBY_MIN_M = 100;
/** At most this many items, nearest first. */
export const NEARBY_LIMIT = 30;
export const PUBLIC_WINDOW_DAYS = 30;

/** Major categories about places (the demo county's classification, server/demo/catalog.ts): 应急管理, 城乡建设, 环境保护, 安全生产, 水利设施, 交通运输. */
export const PUBLIC_MAJORS: ReadonlySet<string> = new Set(['04', '06', '07', '08', '11', '12']);
/** Single subcategories about places in other majors: 供电线路, 通信网络 (其他). */
export const PUBLIC_SUBCATEGORIES: ReadonlySet<string> = new Set(['1701', '1702']);
const HIDDEN_STAGES: ReadonlySet<ResidentStage> = new Set(['rejected', 'withdrawn', 'merged']);

export interface PublicCase {
  category: string;
  place: { lat: number; lng: number; village?: string };
  stage: ResidentStage;
  day: string;
  distanceM: number;
}

export interface NearbyAnswer {
  radiusM: number;
  cases: PublicCase[];
}

export const isPublicCategory = (code: string): boolean => PUBLIC_MAJORS.has(code.slice(0, 2)) || PUBLIC_SUBCATEGORIES.has(code);

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The public items of `cases` within `radiusM` of `at`, nearest first (ties: newest first), at most NEARBY_LIMIT. */
export function publicNearby(cases: Iterable<CaseState>, at: LatLng, radiusM: number, nowMs: number, villageName: (c: CaseState) => string | undefined = () => undefined): PublicCase[] {
  const since = nowMs - PUBLIC_WINDOW_DAYS * DAY_MS;
  // A cheap box before the haversine (the rounding moves a point by at most ~80 m: allow for it).
  const dLat = (radiusM + 100) / 111_000;
  const dLng = dLat / Math.max(0.1, Math.cos((at.lat * Math.PI) / 180));
  const out: Array<PublicCase & { ms: number }> = [];
  for (const c of cases) {
    if (c.reportedMs < since || c.reportedMs > nowMs + DAY_MS) continue;
    if (!isPublicCategory(c.category)) continue;
    const stage = residentStage(c.status);
    if (HIDDEN_STAGES.has(stage)) continue;
    const loc = c.location;
    if (!loc || Math.abs(loc.lat - at.lat) > dLat || Math.abs(loc.lng - at.lng) > dLng) continue;
    const place = { lat: round3(loc.lat), lng: round3(loc.lng) };
    const d = haversineM(at, place);
    if (d > radiusM) continue;
    const village = villageName(c);
    out.push({
      category: c.category,
      place: village ? { ...place, village } : place,
      stage,
      day: cstDay(c.reportedMs),
      distanceM: Math.round(d / 50) * 50,
      ms: c.reportedMs,
    });
  }
  out.sort((a, b) => a.distanceM - b.distanceM || b.ms - a.ms);
  return out.slice(0, NEARBY_LIMIT).map(({ category, place, stage, day, distanceM }) => ({ category, place, stage, day, distanceM }));
}
