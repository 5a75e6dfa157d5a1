// Issue 14: the training log (src/domain/training.ts): schema, the fold (learners, sessions, latest skill level,
// appointments, withdrawal), what to revisit, and the literacy figures per village and per party member.
import { describe, expect, it } from 'vitest';
import { docAccess, isPracticeDocName, recordDocsForUser, trainingAccess, trainingDocName } from '../../../src/domain/docs.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { foldTraining, literacyByVillage, parseTrainingEvent, revisits, sessionsByMember, type TrainingData, type TrainingEventType } from '../../../src/domain/training.ts';
import { IN_SCOPE, ORG, user } from './fixture.ts';

const T0 = Date.UTC(2026, 10, 2, 2);
let seq = 0;
function ev<T extends TrainingEventType>(type: T, data: TrainingData[T], ms = T0 + seq * 60_000, actor = 'trainer01') {
  seq++;
  return { id: `01J${String(seq).padStart(23, '0')}`, type, actor, at: formatHlc({ ms, counter: 0, node: 'n1' }), data };
}
const learner = (learnerId: string, villageId = 't01v01', name = '王奶奶') => ev('learner_saved', { learnerId, name, villageId, ageBand: '70s', consent: 'verbal' });
const session = (learnerId: string, skills: TrainingData['session_recorded']['skills'], extra: Partial<TrainingData['session_recorded']> = {}, ms?: number) =>
  ev('session_recorded', { learnerId, startedMs: T0, minutes: 30, skills, ...extra }, ms);

describe('training events', () => {
  it('parse a valid learner and refuse a learner without consent, a bad age band, an unknown level', () => {
    expect(parseTrainingEvent(learner('L1')).ok).toBe(true);
    const noConsent = learner('L2') as { data: Record<string, unknown> };
    delete noConsent.data.consent;
    expect(parseTrainingEvent(noConsent)).toMatchObject({ ok: false });
    expect(parseTrainingEvent({ ...learner('L3'), data: { ...learner('L3').data, ageBand: '100' } }).ok).toBe(false);
    const bad = session('L1', [{ skill: 'report_photo', level: 'perfect' as 'alone', attempts: 1, mistakes: 0 }]);
    const r = parseTrainingEvent(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toContain('session_recorded');
  });
});

describe('foldTraining', () => {
  it('keeps the latest level of each skill, the sessions and the next appointment', () => {
    const s = foldTraining([
      learner('L1'),
      session('L1', [{ skill: 'report_photo', level: 'helped', attempts: 2, mistakes: 3 }], { nextMs: T0 + 7 * 86_400_000 }),
      session('L1', [{ skill: 'report_photo', level: 'alone', attempts: 1, mistakes: 0 }, { skill: 'spot_scam', level: 'not_yet', attempts: 1, mistakes: 2 }]),
    ]);
    const l = s.learners.get('L1')!;
    expect(l.sessions).toHaveLength(2);
    expect(l.skills.get('report_photo')?.level).toBe('alone');
    expect(l.skills.get('spot_scam')?.level).toBe('not_yet');
    expect(l.nextMs, 'the last session set no appointment').toBeUndefined();
  });

  it('a session for an unknown or withdrawn learner, and a second event under a known id, have no effect', () => {
    const first = learner('L1');
    const dup = { ...learner('L9'), id: first.id };
    const gone = ev('learner_withdrawn', { learnerId: 'L1' });
    const late = session('L1', [{ skill: 'rate_fix', level: 'alone', attempts: 1, mistakes: 0 }]);
    const orphan = session('L404', []);
    const s = foldTraining([first, dup, gone, late, orphan]);
    expect(s.superseded).toEqual(expect.arrayContaining([dup.id, late.id, orphan.id]));
    expect(s.learners.has('L9')).toBe(false);
    expect(s.learners.get('L1')?.withdrawn).toBe(true);
    expect(s.sessions).toHaveLength(0);
  });

  it('does not depend on the directory: a session stays whoever the trainer is today', () => {
    const s = foldTraining([learner('L1', 't01v01', '李爷爷'), session('L1', [], {}, undefined)].map((e) => ({ ...e, actor: 'former-trainer' })));
    expect(s.sessions[0]?.trainerId).toBe('former-trainer');
  });
});

describe('revisits and figures', () => {
  it('orders due appointments first, then soon, then open skills; mastered-only learners are not listed', () => {
    const now = T0 + 86_400_000;
    const s = foldTraining([
      learner('A', 't01v01', '甲'),
      learner('B', 't01v01', '乙'),
      learner('C', 't01v02', '丙'),
      learner('D', 't01v02', '丁'),
      session('A', [{ skill: 'video_call', level: 'helped', attempts: 1, mistakes: 1 }]),
      session('B', [{ skill: 'video_call', level: 'alone', attempts: 1, mistakes: 0 }], { nextMs: now + 3 * 86_400_000 }),
      session('C', [{ skill: 'video_call', level: 'alone', attempts: 1, mistakes: 0 }], { nextMs: now - 3_600_000 }),
      session('D', [{ skill: 'video_call', level: 'alone', attempts: 1, mistakes: 0 }]),
    ]);
    const r = revisits(s, now, now + 3_600_000);
    expect(r.map((x) => [x.learner.id, x.reason])).toEqual([
      ['C', 'appointment_due'],
      ['B', 'appointment_soon'],
      ['A', 'skills_open'],
    ]);
  });

  it('counts learners, sessions, mastered skills and party-visit sessions per village and per member, in the period', () => {
    const s = foldTraining([
      learner('A', 't01v01'),
      learner('B', 't01v02'),
      session('A', [{ skill: 'report_photo', level: 'alone', attempts: 1, mistakes: 0 }, { skill: 'rate_fix', level: 'helped', attempts: 1, mistakes: 1 }], { partyVisit: { memberId: 'p0001', householdId: 'h1' } }),
      session('A', [{ skill: 'report_photo', level: 'alone', attempts: 1, mistakes: 0 }]),
      session('B', [{ skill: 'spot_scam', level: 'alone', attempts: 1, mistakes: 0 }], {}, T0 - 40 * 86_400_000),
    ]);
    const f = literacyByVillage(s, T0 - 86_400_000, T0 + 86_400_000);
    expect(f).toEqual([
      { villageId: 't01v01', learners: 1, sessions: 2, skillsMastered: 1, partySessions: 1 },
      { villageId: 't01v02', learners: 1, sessions: 0, skillsMastered: 0, partySessions: 0 },
    ]);
    expect([...sessionsByMember(s, T0 - 86_400_000, T0 + 86_400_000)]).toEqual([['p0001', 1]]);
  });
});

describe('training.<townId> access', () => {
  const u = user;
  it("the town's trainers write; its center and secretaries read; county and admin read; nobody else", () => {
    expect(trainingAccess(u('trainer01'), 't01')).toBe('write');
    expect(trainingAccess(u('trainer01'), 't02')).toBeNull();
    for (const role of ['town', 'secretary', 'county', 'admin'] as const) expect(trainingAccess(u(IN_SCOPE[role]), 't01'), role).toBe('read');
    expect(trainingAccess(u('town02'), 't01'), 'another town').toBeNull();
    for (const role of ['worker', 'unit', 'member', 'resident'] as const) expect(trainingAccess(u(IN_SCOPE[role]), 't01'), role).toBeNull();
    expect(docAccess(u('trainer01'), trainingDocName('t01'), ['t01', 't02'])).toBe('write');
    expect(docAccess(u('trainer01'), trainingDocName('t03'), ['t01', 't02']), 'an unknown town').toBeNull();
    expect(recordDocsForUser(u('trainer01'), ['t01', 't02'], ORG.grids)).toEqual([{ name: 'training.t01', access: 'write' }]);
  });

  it('practice names are never a synced doc', () => {
    expect(isPracticeDocName('practice.trainer01')).toBe(true);
    expect(docAccess(u('admin'), 'practice.trainer01', ['t01'])).toBeNull();
    expect(isPracticeDocName('training.t01')).toBe(false);
  });
});
