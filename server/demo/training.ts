/**
 * Demo training data (issue 14): the first town's trainer (trainer01) with learners in its villages, their sessions
 * and skills, one appointment due today and one next week, and a session held during a 党员联系户 visit. Its own
 * random stream: the cases, people and party data do not change.
 */
import { trainingDocName } from '../../src/domain/docs.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import type { OrgData, UserInfo } from '../../src/domain/org.ts';

const TRAINING_SEED = 0x7a1e14;
const LEARNERS = [
  { name: '王桂兰', ageBand: '70s', consent: 'written', note: '眼睛花，字要大。儿子在大连打工。' },
  { name: '李德福', ageBand: '80plus', consent: 'verbal', note: '耳朵不太好，说话要慢。' },
  { name: '张秀英', ageBand: '60s', consent: 'verbal' },
  { name: '刘长顺', ageBand: '70s', consent: 'written' },
  { name: '赵玉珍', ageBand: '70s', consent: 'verbal', note: '想学和孙女视频。' },
  { name: '陈国华', ageBand: '60s', consent: 'written' },
] as const;

export function generateTraining(org: OrgData, members: readonly UserInfo[], nowMs: number): Map<string, Array<Record<string, unknown>>> {
  const docs = new Map<string, Array<Record<string, unknown>>>();
  const trainer = org.users.find((u) => u.role === 'trainer' && u.townId);
  if (!trainer?.townId) return docs;
  const townId = trainer.townId;
  const rnd = seededRandom(TRAINING_SEED);
  const villages = org.villages.filter((v) => v.townId === townId).sort((a, b) => a.id.localeCompare(b.id));
  const day = 86_400_000;
  const log: Array<Record<string, unknown>> = [];
  const event = (type: string, data: unknown, ms: number) => ({ id: newId(ms, rnd.bytes), type, actor: trainer.id, at: formatHlc({ ms, counter: 0, node: 'seed' }), data });
  const todayAt = (h: number) => {
    const d = new Date(nowMs + 8 * 3_600_000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h - 8);
  };
  for (const [i, l] of LEARNERS.entries()) {
    const village = villages[i % Math.min(villages.length, 3)]!;
    const learnerId = `L${String(i + 1).padStart(3, '0')}`;
    const start = nowMs - (40 - i * 3) * day;
    const { note, ...rest } = l as { name: string; ageBand: string; consent: string; note?: string };
    log.push(event('learner_saved', { learnerId, villageId: village.id, ...rest, ...(note ? { note } : {}) }, start));
    const member = members.find((m) => m.villageId === village.id);
    // A first session for everyone; a second one for the first four.
    const first = start + day;
    log.push(
      event(
        'session_recorded',
        {
          learnerId,
          startedMs: first,
          minutes: 40,
          skills: [
            { skill: 'report_photo', level: i % 3 === 0 ? 'helped' : 'alone', attempts: 2, mistakes: 2 },
            { skill: 'video_call', level: 'helped', attempts: 1, mistakes: 1 },
          ],
          note: '第一次用练习模式，点错几次后自己完成了随手拍。',
          practice: true,
          ...(i === 1 && member ? { partyVisit: { memberId: member.id } } : {}),
        },
        first + 3_600_000,
      ),
    );
    if (i < 4) {
      const second = start + 8 * day;
      log.push(
        event(
          'session_recorded',
          {
            learnerId,
            startedMs: second,
            minutes: 30,
            skills: [
              { skill: 'video_call', level: i === 0 ? 'helped' : 'alone', attempts: 1, mistakes: 0 },
              { skill: 'spot_scam', level: i === 2 ? 'not_yet' : 'alone', attempts: 1, mistakes: i === 2 ? 2 : 0 },
            ],
            ...(i === 0 ? { nextMs: todayAt(15) } : i === 1 ? { nextMs: todayAt(10) + 5 * day } : {}),
          },
          second + 3_600_000,
        ),
      );
    }
  }
  docs.set(trainingDocName(townId), log);
  return docs;
}
