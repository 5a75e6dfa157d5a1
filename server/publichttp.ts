/**
 * Public, anonymised cases (issue 13), wired in http.ts:
 *
 *   GET /api/public/nearby?lat=<deg>&lng=<deg>[&radius=<m>]   Bearer (any role)
 *       -> 200 {"radiusM": n, "cases": [{"category", "place": {"lat","lng","village"?}, "stage", "day", "distanceM"}]}
 *          what src/domain/publiccases.ts allows: place-type subcategories, reported in the last 30 days, location
 *          rounded to 0.001 degree, no ids, names, phones, photos, voice, descriptions or addresses; nearest first,
 *          at most 30.
 *       400 bad_request: lat/lng missing, not a plain decimal or out of range; radius not an integer in
 *           [100, 1000] m (an insider cannot widen the circle to the county); any other query parameter, or one
 *           given twice.
 *       401 unauthorized without a valid token.
 *       429 too_many_attempts (Retry-After, seconds) past NEARBY_RATE requests per account per window: the route
 *           answers a few questions per report, not a scan of the county one square at a time.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { liveYears, casesDocName } from '../src/domain/docs.ts';
import { NEARBY_DEFAULT_M, NEARBY_MAX_M, NEARBY_MIN_M, publicNearby, type NearbyAnswer } from '../src/domain/publiccases.ts';
import type { CaseState } from '../src/domain/workflow.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, sendJson } from './httpio.ts';

/** Requests per account per window. */
export const NEARBY_RATE = { max: 30, windowMs: 5 * 60_000 } as const;

const DECIMAL = /^-?\d{1,3}(\.\d{1,8})?$/;
const ALLOWED = new Set(['lat', 'lng', 'radius']);

/** Per account: requests in the current window (in memory; a restart forgets them). */
const windows = new WeakMap<object, Map<string, { start: number; n: number }>>();

function limited(ctx: HttpContext, userId: string): number {
  let m = windows.get(ctx);
  if (!m) windows.set(ctx, (m = new Map()));
  const t = ctx.now();
  let w = m.get(userId);
  if (!w || t - w.start >= NEARBY_RATE.windowMs) {
    w = { start: t, n: 0 };
    m.set(userId, w);
    if (m.size > 50_000) for (const [k, e] of m) if (t - e.start >= NEARBY_RATE.windowMs) m.delete(k);
  }
  w.n++;
  return w.n > NEARBY_RATE.max ? w.start + NEARBY_RATE.windowMs - t : 0;
}

/** The query, or null when it is not exactly lat, lng and an optional radius, each well formed. */
export function parseNearbyQuery(search: URLSearchParams): { lat: number; lng: number; radiusM: number } | null {
  const keys = [...search.keys()];
  if (keys.some((k) => !ALLOWED.has(k)) || new Set(keys).size !== keys.length) return null;
  const lat = search.get('lat');
  const lng = search.get('lng');
  const radius = search.get('radius');
  if (lat === null || lng === null || !DECIMAL.test(lat) || !DECIMAL.test(lng)) return null;
  const la = Number(lat);
  const ln = Number(lng);
  if (Math.abs(la) > 90 || Math.abs(ln) > 180) return null;
  let radiusM = NEARBY_DEFAULT_M;
  if (radius !== null) {
    if (!/^\d{1,5}$/.test(radius)) return null;
    radiusM = Number(radius);
    if (radiusM < NEARBY_MIN_M || radiusM > NEARBY_MAX_M) return null;
  }
  return { lat: la, lng: ln, radiusM };
}

export async function publicNearbyRoute(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HttpContext,
  folded: (ctx: HttpContext, doc: string) => Promise<CaseState[]>,
): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  const wait = limited(ctx, user.id);
  if (wait > 0) {
    res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
    return sendJson(res, 429, { error: 'too_many_attempts' });
  }
  const q = parseNearbyQuery(new URL(req.url ?? '/', 'http://relay').searchParams);
  if (!q) return sendJson(res, 400, { error: 'bad_request' });
  const org = ctx.org();
  const villages = new Map(org.data.villages.map((v) => [v.id, v.name]));
  const now = ctx.now();
  const all: CaseState[] = [];
  for (const t of org.townIds) {
    for (const y of liveYears(now)) {
      const name = casesDocName(t, y);
      if (ctx.store.hasDoc(name)) all.push(...(await folded(ctx, name)));
    }
  }
  const cases = publicNearby(all, { lat: q.lat, lng: q.lng }, q.radiusM, now, (c) => villages.get(c.villageId ?? org.index.grid(c.gridId)?.villageId ?? ''));
  const body: NearbyAnswer = { radiusM: q.radiusM, cases };
  sendJson(res, 200, body);
}
