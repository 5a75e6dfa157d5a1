/**
 * Demo mediation data (issue 17): three disputes in the first town, in `mediation.t01` (no parties) and each in its
 * `dispute.t01.<id>` doc (parties, sessions, terms): one being mediated in the first grid by its worker and a party
 * member of the village, one settled by agreement whose follow-up is overdue (the secretary and the worker), one
 * referred to the justice office by the town center. Every event as the relay would accept it
 * (src/domain/mediation.ts summaryRefusal). Its own random stream: the other demo data do not change.
 */
import { disputeDocName, mediationDocName } from '../../src/domain/docs.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import type { OrgData, UserInfo } from '../../src/domain/org.ts';

const MEDIATION_SEED = 0x17d15e;
const DAY = 86_400_000;

type Log = Array<Record<string, unknown>>;

export function generateMediation(org: OrgData, members: readonly UserInfo[], nowMs: number): Map<string, Log> {
  const docs = new Map<string, Log>();
  const townId = 't01';
  const grids = org.grids.filter((g) => g.townId === townId).sort((a, b) => a.id.localeCompare(b.id));
  const users = [...org.users, ...members];
  const g1 = grids[0];
  const g2 = grids.find((g) => g.villageId !== g1?.villageId);
  const town = users.find((u) => u.role === 'town' && u.townId === townId);
  if (!g1 || !g2 || !town) return docs;
  const workerOf = (gridId: string) => users.find((u) => u.role === 'worker' && u.gridId === gridId);
  const w1 = workerOf(g1.id);
  const w2 = workerOf(g2.id);
  const secretary = users.find((u) => u.role === 'secretary' && u.villageId === g1.villageId);
  const member = members.find((m) => m.role === 'member' && m.villageId === g1.villageId && !m.id.includes('.'));
  if (!w1 || !w2 || !secretary || !member) return docs;

  const rnd = seededRandom(MEDIATION_SEED);
  const summary: Log = [];
  const event = (type: string, actor: string, data: unknown, ms: number) => ({ id: newId(ms, rnd.bytes), type, actor, at: formatHlc({ ms, counter: 0, node: 'seed' }), data });
  const open = (actor: string, gridId: string, type: string, mediators: string[], ms: number, details: (id: string) => Log) => {
    const e = event('dispute_opened', actor, { disputeId: '', gridId, type, mediators }, ms);
    (e.data as { disputeId: string }).disputeId = e.id;
    summary.push(e);
    docs.set(disputeDocName(townId, e.id), details(e.id));
    return e.id;
  };

  // 1. Being mediated: neighbours, the grid's worker and a party member of the village.
  const t1 = nowMs - 10 * DAY;
  open(w1.id, g1.id, 'neighbour', [w1.id, member.id], t1, () => [
    event('parties_saved', w1.id, { parties: [{ name: '孙德明', side: 'applicant', phone: '13904271125' }, { name: '周桂芳', side: 'respondent' }], description: '周家屋檐滴水落到孙家院内，两家多次争吵。孙家要求周家加装接水槽。' }, t1 + 60_000),
    event('session_recorded', member.id, { heldMs: t1 + 2 * DAY, present: [w1.id, member.id], note: '到两家实地看了屋檐，周家同意加装接水槽，但要求孙家分担一半材料费，孙家暂未同意。约下周再谈。' }, t1 + 2 * DAY),
  ]);

  // 2. Settled by agreement, its follow-up date passed: a family dispute, the secretary and the worker.
  const t2 = nowMs - 40 * DAY;
  const d2 = open(secretary.id, g1.id, 'family', [secretary.id, w1.id], t2, () => [
    event('parties_saved', secretary.id, { parties: [{ name: '吴长海', side: 'applicant' }, { name: '吴长江', side: 'respondent' }, { name: '吴秀兰', side: 'other' }], description: '兄弟二人因母亲赡养费分摊发生矛盾，母亲吴秀兰要求调解。' }, t2 + 60_000),
    event('session_recorded', secretary.id, { heldMs: t2 + DAY, present: [secretary.id, w1.id], note: '兄弟二人到场，各自说明收入情况。' }, t2 + DAY),
    event('terms_recorded', secretary.id, { terms: '兄弟二人每月各给母亲生活费六百元，每月五日前转账；母亲看病费用两人平摊。' }, t2 + 10 * DAY),
  ]);
  summary.push(event('outcome_recorded', secretary.id, { disputeId: d2, outcome: 'agreement', followUpMs: nowMs - 5 * DAY }, t2 + 10 * DAY));

  // 3. Referred: a land boundary in the second grid, opened by the town center.
  const t3 = nowMs - 20 * DAY;
  const d3 = open(town.id, g2.id, 'land', [w2.id, town.id], t3, () => [
    event('parties_saved', town.id, { parties: [{ name: '郑玉山', side: 'applicant' }, { name: '冯德胜', side: 'respondent' }], description: '承包地边界争议，涉及确权登记，双方各执一份旧合同。' }, t3 + 60_000),
  ]);
  summary.push(event('outcome_recorded', town.id, { disputeId: d3, outcome: 'referred', referredTo: '司法所' }, t3 + 3 * DAY));

  docs.set(mediationDocName(townId), summary);
  return docs;
}
