/**
 * Demo patrols (issue 17): town 01's center expects 3 patrols a week of each of its grids (set 30 days ago), and the
 * workers of its first three grids patrolled on some of the last days, each patrol a few check-ins around the grid's
 * centre with their accuracy, one with a gap; the second grid's latest left open. Its own random stream: nothing else changes.
 */
import { patrolsDocName } from '../../src/domain/docs.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import type { OrgData } from '../../src/domain/org.ts';

const PATROL_SEED = 0x9a7017;
const MIN = 60_000;
const DAY = 86_400_000;

export function generatePatrols(org: OrgData, nowMs: number): Map<string, Array<Record<string, unknown>>> {
  const docs = new Map<string, Array<Record<string, unknown>>>();
  const town = org.users.find((u) => u.role === 'town' && u.townId === 't01');
  if (!town) return docs;
  const rnd = seededRandom(PATROL_SEED);
  const grids = org.grids.filter((g) => g.townId === 't01' && !g.retired).sort((a, b) => a.id.localeCompare(b.id));
  const event = (type: string, actor: string, data: Record<string, unknown>, ms: number) => ({ id: newId(ms, rnd.bytes), type, actor, at: formatHlc({ ms, counter: 0, node: 'seed' }), data });
  for (const [gi, g] of grids.entries()) {
    const log: Array<Record<string, unknown>> = [event('frequency_set', town.id, { perWeek: 3 }, nowMs - 30 * DAY)];
    if (gi < 3 && g.workerId) {
      for (const [pi, daysAgo] of [6, 4, 2, 1].entries()) {
        // Mornings around 09:00 China time.
        const start = Math.floor((nowMs - daysAgo * DAY) / DAY) * DAY + 1 * 3_600_000 + Math.floor(rnd.next() * 30) * MIN;
        const patrolId = newId(start, rnd.bytes);
        log.push(event('patrol_started', g.workerId, { patrolId }, start));
        const points = 3 + Math.floor(rnd.next() * 3);
        let ms = start;
        for (let i = 0; i < points; i++) {
          // One patrol has a 40-minute stretch without a check-in (the phone was put away).
          ms += (pi === 1 && i === 2 ? 40 : 5 + Math.floor(rnd.next() * 8)) * MIN;
          const fix = {
            lat: Math.round((g.center[1] + (rnd.next() - 0.5) * 0.006) * 1e6) / 1e6,
            lng: Math.round((g.center[0] + (rnd.next() - 0.5) * 0.006) * 1e6) / 1e6,
            accuracyM: i === 1 && pi === 2 ? 180 : 5 + Math.floor(rnd.next() * 25),
            fixMs: ms - 2000,
          };
          log.push(event('checkin_recorded', g.workerId, { patrolId, fix, ...(i === 0 ? { note: '村口检查，一切正常' } : {}) }, ms));
        }
        // The second grid's last patrol (yesterday's) was left open: the app was closed.
        if (pi < 3 || gi !== 1) log.push(event('patrol_ended', g.workerId, { patrolId }, ms + 3 * MIN));
      }
    }
    docs.set(patrolsDocName(g.id), log);
  }
  return docs;
}
