/**
 * Public, anonymised cases near a point (GET /api/public/nearby: src/domain/publiccases.ts, server/publichttp.ts),
 * for the wizard's duplicate hint and the nearby list. Null when the relay cannot be asked now (offline) or refused
 * (429, 400): the screens then say so and the report goes on without the hint.
 */
import type { Session } from '../../app/services.ts';
import type { LatLng } from '../../domain/events.ts';
import type { NearbyAnswer } from '../../domain/publiccases.ts';

export function fetchNearby(session: Session, at: LatLng, radiusM?: number): Promise<NearbyAnswer | null> {
  if (!session.api) return Promise.resolve(null);
  const q = `lat=${at.lat.toFixed(6)}&lng=${at.lng.toFixed(6)}${radiusM ? `&radius=${radiusM}` : ''}`;
  return session
    .api(`/api/public/nearby?${q}`)
    .then((r) => (r.ok ? (r.json() as Promise<NearbyAnswer>) : null))
    .catch(() => null);
}
