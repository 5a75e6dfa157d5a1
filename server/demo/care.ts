/**
 * Issue 17: the demo's care visits (`care.<gridId>`) for the first town's grids: of each grid's households in care
 * (tagged residents, the default levels), two in three were visited within their period (on time, a few due soon),
 * the others never since they were tagged (overdue), so the worker's 我的任务 and the town's coverage have both.
 * Deterministic for a given `nowMs` (its own id stream: the people and cases do not change).
 */
import { buildCareIndex, foldCare } from '../../src/domain/care.ts';
import { careDocName, peopleDocName } from '../../src/domain/docs.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import type { OrgData } from '../../src/domain/org.ts';
import { foldPeople } from '../../src/domain/people.ts';

const DAY = 86_400_000;
const CONDITIONS = ['well', 'well', 'well', 'attention'] as const;
/** Two visits in ten found needs (the village takes them up as party needs: src/domain/careneeds.ts). */
const FOUND: Record<number, { condition: 'attention'; needs: string[]; note: string }> = {
  1: { condition: 'attention', needs: ['medical'], note: '老人腿脚不便，需要有人陪同到镇卫生院复诊。' },
  5: { condition: 'attention', needs: ['daily_living', 'company'], note: '独居，近期行动不便，需要帮忙买菜，希望有人定期探望。' },
};

export function generateCare(org: OrgData, peopleDocs: ReadonlyMap<string, readonly unknown[]>, nowMs: number): Map<string, Array<Record<string, unknown>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  const rnd = seededRandom(0xca4e17);
  const town = [...org.towns].sort((a, b) => a.id.localeCompare(b.id))[0];
  for (const g of org.grids.filter((x) => x.townId === town?.id && x.workerId)) {
    const people = peopleDocs.get(peopleDocName(g.id));
    if (!people) continue;
    const p = foldPeople(people);
    const index = buildCareIndex({ settings: org.care, households: p.households.values(), residents: p.residents.values(), care: null });
    const log: Array<Record<string, unknown>> = [];
    index.entries
      .sort((a, b) => a.householdId.localeCompare(b.householdId))
      .forEach((e, i) => {
        if (i % 3 === 0) return; // never visited: overdue
        const ms = nowMs - Math.floor(rnd.next() * e.level.days * 0.9 + 1) * DAY - Math.floor(rnd.next() * 8 * 3_600_000);
        log.push({
          id: newId(ms, rnd.bytes),
          type: 'visit_recorded',
          actor: g.workerId,
          at: formatHlc({ ms, counter: 0, node: 'seed' }),
          data: { householdId: e.householdId, mode: 'home', ...(FOUND[i % 10] ?? { condition: CONDITIONS[i % CONDITIONS.length], needs: [], note: '入户走访，身体状况稳定，生活能自理。' }) },
        });
      });
    if (foldCare(log).superseded.length > 0) throw new Error('demo care: an invalid visit');
    out.set(careDocName(g.id), log);
  }
  return out;
}
