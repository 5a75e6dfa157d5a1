/**
 * Digital-literacy training of a town (`training.<townId>` docs, issue 14): the trainers' learners (elderly
 * residents, with their consent), the one-to-one sessions held with them, the skills practised at each, and the
 * next appointment.
 *
 * Same log model as the people and party docs (an append-only Y.Array `events` of `{ id, type, actor, at, data }`,
 * see people.ts for why). Readers: the town's trainers (write), the town center, its village secretaries, county
 * and admin (read: literacy figures in 考核). Only trainers write (TRAINING_ROLES), and only in their own town's
 * doc (docs.ts `trainingAccess`); the relay checks both when an event is written (server/validate.ts), so the fold
 * takes an accepted event as the fact it was and does not look the actor up in today's directory: a trainer who
 * later leaves or moves keeps their sessions.
 *
 * A learner's skill level is the level recorded at their latest session that practised it (by (at, id)); a skill
 * counts as mastered once its level is `alone` (done without help).
 * A session may name the 党员联系户 visit it was held during (`partyVisit`: the member, and the household): it then
 * counts on that member's service figures too (`sessionsByMember`, shown in the party figures and 考核).
 */
import * as v from 'valibot';
import { HLC_PATTERN, hlcMs } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import type { Role } from './org.ts';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
const refId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/));
const eventId = v.pipe(v.string(), v.regex(ID_PATTERN));
/** A time in ms since the epoch, within 2020..2100 (an appointment, a session's start). */
const timeMs = v.pipe(v.number(), v.integer(), v.minValue(Date.UTC(2020, 0, 1)), v.maxValue(Date.UTC(2100, 0, 1)));

export const AGE_BANDS = ['under60', '60s', '70s', '80plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
/** How the learner agreed to their record being kept: told and agreed aloud, or signed the paper form. */
export const CONSENT_KINDS = ['verbal', 'written'] as const;
export const SKILL_LEVELS = ['alone', 'helped', 'not_yet'] as const;
export type SkillLevel = (typeof SKILL_LEVELS)[number];
/** Skill ids: the shipped lessons' (src/features/training/lessons) and any a county adds with its own lessons. */
export const SKILL_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

export const SkillResultSchema = v.strictObject({
  skill: v.pipe(v.string(), v.regex(SKILL_PATTERN)),
  level: v.picklist(SKILL_LEVELS),
  /** Times the learner went through the lesson at this session, and the safe mistakes made on the way. */
  attempts: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(99)),
  mistakes: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(999)),
});
export type SkillResult = v.InferOutput<typeof SkillResultSchema>;

const SCHEMAS = {
  learner_saved: v.strictObject({
    learnerId: refId,
    name: text(40),
    villageId: refId,
    ageBand: v.picklist(AGE_BANDS),
    phone: optionalText(20),
    /** A learner is recorded only with their consent, and how it was given. */
    consent: v.picklist(CONSENT_KINDS),
    note: optionalText(500),
  }),
  /** The learner asked to be forgotten or stopped: they leave the lists; their sessions stay in the figures. */
  learner_withdrawn: v.strictObject({ learnerId: refId }),
  session_recorded: v.strictObject({
    learnerId: refId,
    startedMs: timeMs,
    minutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(480)),
    skills: v.pipe(v.array(SkillResultSchema), v.maxLength(20)),
    note: optionalText(2000),
    /** The next appointment agreed at the end of the session. */
    nextMs: v.optional(timeMs),
    /** The 党员联系户 visit this session was held during: the member (and the household, when known). */
    partyVisit: v.optional(v.strictObject({ memberId: refId, householdId: v.optional(refId) })),
    /** Practised in 练习模式 (the sandbox) rather than on the learner's own phone only. */
    practice: v.optional(v.boolean()),
  }),
  /** A next appointment set or moved (`atMs`), or cleared (absent). */
  appointment_set: v.strictObject({ learnerId: refId, atMs: v.optional(timeMs), note: optionalText(200) }),
} as const;

export const TRAINING_EVENT_TYPES = Object.keys(SCHEMAS) as Array<keyof typeof SCHEMAS>;
export type TrainingEventType = keyof typeof SCHEMAS;
export type TrainingData = { [K in TrainingEventType]: v.InferOutput<(typeof SCHEMAS)[K]> };
export type TrainingEvent<T extends TrainingEventType = TrainingEventType> = {
  [K in T]: { id: string; type: K; actor: string; at: string; data: TrainingData[K] };
}[T];

/** Who may make training events: trainers only (the readers see the figures). */
export const TRAINING_ROLES: readonly Role[] = ['trainer'];

const Envelope = v.strictObject({
  id: eventId,
  type: v.picklist(TRAINING_EVENT_TYPES),
  actor: refId,
  at: v.pipe(v.string(), v.regex(HLC_PATTERN)),
  data: v.unknown(),
});

export function parseTrainingEvent(input: unknown): { ok: true; event: TrainingEvent } | { ok: false; detail: string } {
  const env = v.safeParse(Envelope, input);
  if (!env.success) return { ok: false, detail: env.issues.map((i) => i.message).join('; ').slice(0, 200) };
  const data = v.safeParse(SCHEMAS[env.output.type], env.output.data);
  if (!data.success) return { ok: false, detail: `${env.output.type}: ${data.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? ''} ${i.message}`.trim()).join('; ')}`.slice(0, 200) };
  return { ok: true, event: { ...env.output, data: data.output } as TrainingEvent };
}

// ------------------------------------------------------------------ fold

export interface Learner {
  id: string;
  name: string;
  villageId: string;
  ageBand: AgeBand;
  phone?: string;
  consent: (typeof CONSENT_KINDS)[number];
  note?: string;
  /** The trainer who recorded them first. */
  addedBy: string;
  addedAt: string;
  withdrawn: boolean;
  /** skill -> the latest result. */
  skills: Map<string, SkillResult & { at: string }>;
  sessions: TrainingSession[];
  /** The next appointment (ms), if any. */
  nextMs?: number;
}

export interface TrainingSession {
  id: string;
  trainerId: string;
  learnerId: string;
  at: string;
  startedMs: number;
  minutes: number;
  skills: SkillResult[];
  note?: string;
  partyVisit?: { memberId: string; householdId?: string };
  practice: boolean;
}

export interface TrainingState {
  learners: Map<string, Learner>;
  sessions: TrainingSession[];
  /** Event ids that had no effect (a session for an unknown learner, a duplicate id). */
  superseded: string[];
}

const byAtId = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function foldTraining(raw: readonly unknown[]): TrainingState {
  const events: TrainingEvent[] = [];
  for (const r of raw) {
    const p = parseTrainingEvent(r);
    if (p.ok) events.push(p.event);
  }
  events.sort(byAtId);
  const s: TrainingState = { learners: new Map(), sessions: [], superseded: [] };
  const seen = new Set<string>();
  for (const e of events) {
    const fresh = !seen.has(e.id);
    seen.add(e.id);
    if (!fresh || !applyTraining(s, e)) s.superseded.push(e.id);
  }
  return s;
}

function applyTraining(s: TrainingState, e: TrainingEvent): boolean {
  switch (e.type) {
    case 'learner_saved': {
      const d = e.data;
      const old = s.learners.get(d.learnerId);
      const l: Learner = {
        id: d.learnerId,
        name: d.name,
        villageId: d.villageId,
        ageBand: d.ageBand,
        consent: d.consent,
        addedBy: old?.addedBy ?? e.actor,
        addedAt: old?.addedAt ?? e.at,
        withdrawn: false,
        skills: old?.skills ?? new Map(),
        sessions: old?.sessions ?? [],
        ...(d.phone ? { phone: d.phone } : {}),
        ...(d.note ? { note: d.note } : {}),
        ...(old?.nextMs !== undefined ? { nextMs: old.nextMs } : {}),
      };
      s.learners.set(d.learnerId, l);
      return true;
    }
    case 'learner_withdrawn': {
      const l = s.learners.get(e.data.learnerId);
      if (!l || l.withdrawn) return false;
      l.withdrawn = true;
      delete l.phone;
      delete l.nextMs;
      return true;
    }
    case 'session_recorded': {
      const l = s.learners.get(e.data.learnerId);
      if (!l || l.withdrawn) return false;
      const d = e.data;
      const session: TrainingSession = {
        id: e.id,
        trainerId: e.actor,
        learnerId: d.learnerId,
        at: e.at,
        startedMs: d.startedMs,
        minutes: d.minutes,
        skills: d.skills,
        practice: d.practice === true,
        ...(d.note ? { note: d.note } : {}),
        ...(d.partyVisit ? { partyVisit: d.partyVisit } : {}),
      };
      s.sessions.push(session);
      l.sessions.push(session);
      for (const r of d.skills) l.skills.set(r.skill, { ...r, at: e.at });
      if (d.nextMs !== undefined) l.nextMs = d.nextMs;
      else delete l.nextMs;
      return true;
    }
    case 'appointment_set': {
      const l = s.learners.get(e.data.learnerId);
      if (!l || l.withdrawn) return false;
      if (e.data.atMs !== undefined) l.nextMs = e.data.atMs;
      else delete l.nextMs;
      return true;
    }
  }
}

// ------------------------------------------------------------------ what to do next, and figures

export interface Revisit {
  learner: Learner;
  /** Why: an appointment is due (today or past), or skills are still practised with help / not yet. */
  reason: 'appointment_due' | 'appointment_soon' | 'skills_open';
  atMs?: number;
  openSkills: string[];
}

/** Learners to see again, most urgent first: appointments due (by `nowMs`), appointments in the next 7 days, then learners with open skills. */
export function revisits(s: TrainingState, nowMs: number, endOfTodayMs: number): Revisit[] {
  const out: Revisit[] = [];
  for (const l of s.learners.values()) {
    if (l.withdrawn) continue;
    const openSkills = [...l.skills.values()].filter((r) => r.level !== 'alone').map((r) => r.skill);
    if (l.nextMs !== undefined && l.nextMs < endOfTodayMs) out.push({ learner: l, reason: 'appointment_due', atMs: l.nextMs, openSkills });
    else if (l.nextMs !== undefined && l.nextMs < nowMs + 7 * 86_400_000) out.push({ learner: l, reason: 'appointment_soon', atMs: l.nextMs, openSkills });
    else if (openSkills.length > 0) out.push({ learner: l, reason: 'skills_open', openSkills });
  }
  const rank = { appointment_due: 0, appointment_soon: 1, skills_open: 2 } as const;
  return out.sort((a, b) => rank[a.reason] - rank[b.reason] || (a.atMs ?? 0) - (b.atMs ?? 0) || a.learner.name.localeCompare(b.learner.name, 'zh'));
}

export interface LiteracyFigures {
  villageId: string;
  /** Learners (not withdrawn) recorded in the village. */
  learners: number;
  /** Sessions held in the period. */
  sessions: number;
  /** Learners who reached `alone` on a skill in the period (skill mastered), counted per learner and skill. */
  skillsMastered: number;
  /** Sessions in the period held during a 党员联系户 visit. */
  partySessions: number;
}

/** Per village for sessions in [fromMs, toMs) (by the session's HLC time): learners, sessions, skills mastered. */
export function literacyByVillage(s: TrainingState, fromMs: number, toMs: number): LiteracyFigures[] {
  const per = new Map<string, LiteracyFigures>();
  const fig = (villageId: string) => {
    let f = per.get(villageId);
    if (!f) per.set(villageId, (f = { villageId, learners: 0, sessions: 0, skillsMastered: 0, partySessions: 0 }));
    return f;
  };
  for (const l of s.learners.values()) {
    if (!l.withdrawn) fig(l.villageId).learners++;
    const mastered = new Set<string>();
    for (const se of l.sessions) {
      const ms = hlcMs(se.at);
      if (ms < fromMs || ms >= toMs) continue;
      const f = fig(l.villageId);
      f.sessions++;
      if (se.partyVisit) f.partySessions++;
      for (const r of se.skills) if (r.level === 'alone') mastered.add(r.skill);
    }
    if (mastered.size > 0) fig(l.villageId).skillsMastered += mastered.size;
  }
  return [...per.values()].sort((a, b) => a.villageId.localeCompare(b.villageId));
}

/** Sessions in [fromMs, toMs) held during a member's 党员联系户 visits, per member id (counted in their figures). */
export function sessionsByMember(s: TrainingState, fromMs: number, toMs: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const se of s.sessions) {
    if (!se.partyVisit) continue;
    const ms = hlcMs(se.at);
    if (ms < fromMs || ms >= toMs) continue;
    out.set(se.partyVisit.memberId, (out.get(se.partyVisit.memberId) ?? 0) + 1);
  }
  return out;
}
