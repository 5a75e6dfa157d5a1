/**
 * Patrols (巡查) of a grid (`patrols.<gridId>` docs, issue 17): the grid worker starts a patrol, checks in at points
 * (a GPS fix with its accuracy and time, an optional note and up to MAX_CHECKIN_PHOTOS photos), reports cases from it (linked), and ends it; the town
 * center sets how often the grid is to be patrolled (patrols per week). The 考核 counts patrols done against that.
 *
 * Same log model as the training doc (an append-only Y.Array `events` of `{ id, type, actor, at, data }`).
 * Readers: the grid's worker (writes patrols), its village secretary (reads), its town center (writes the frequency
 * only), county and admin (read). The relay checks actor, role and grid when an event is written
 * (server/validate.ts, `patrolRoleMayWrite`), so the fold takes an accepted event as the fact it was and never looks
 * the actor up in today's directory: a worker who later moves to another grid keeps the patrols they made here.
 *
 * What a patrol claims is only what was recorded (a PWA cannot follow a phone with the screen off):
 *  - distance is the straight line between consecutive check-ins, summed, over legs whose two fixes are at most
 *    GAP_MS apart and both accurate to ACCURATE_M; nothing is interpolated, no track is drawn between fixes;
 *  - a stretch of more than GAP_MS without a fix (from the start to the first check-in, between check-ins, from
 *    the last one to the end) is a gap: shown as such, and no distance is counted across it;
 *  - duration runs from the start to the end, or, for a patrol still open (the app was closed), to its last
 *    check-in: an open patrol never grows by itself.
 * Races between the worker's devices (two phones offline) resolve by (at, id): a worker has one open patrol at a
 * time, so a second start while one is open is superseded, and so are check-ins, links and ends of a superseded,
 * unknown or ended patrol (a check-in after the end); the UI says so.
 */
import * as v from 'valibot';
import { haversineM } from './distance.ts';
import { HLC_PATTERN, hlcMs } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import { CST_OFFSET_MS } from './cst.ts';
import type { Role, UserInfo } from './org.ts';
import { PhotoRefSchema } from './events.ts';
import type { PhotoRef } from './evidence.ts';

const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
const eventId = v.pipe(v.string(), v.regex(ID_PATTERN));
/** A time in ms since the epoch, within 2020..2100 (a fix's time as the device gave it). */
const timeMs = v.pipe(v.number(), v.integer(), v.minValue(Date.UTC(2020, 0, 1)), v.maxValue(Date.UTC(2100, 0, 1)));

/** More than this long without a fix is a gap: shown, never bridged by a distance. */
export const GAP_MS = 15 * 60_000;
/** A fix less accurate than this (metres) is kept and shown, but no distance is counted to or from it. */
export const ACCURATE_M = 100;
/** The least accurate fix a check-in takes at all (metres): a cell-tower guess is no check-in. */
export const MAX_ACCURACY_M = 2000;
/** A fix older than this when the check-in was made is shown as old (the phone had no fresh position). */
export const STALE_FIX_MS = 2 * 60_000;
/** The most patrols per week a town may expect of a grid. */
export const MAX_PER_WEEK = 28;
export const WEEK_MS = 7 * 86_400_000;
/**
 * Photos a check-in may name: `{full, thumb}` blob hashes, as a case's photos (src/domain/evidence.ts). The bytes go
 * through the device's blob outbox; the relay opens them to every reader of the patrols doc when the uploader
 * named them (server/blobs.ts vouchedRefs, `checkinBlobHashes` below is the rule for which blobs an event names).
 */
export const MAX_CHECKIN_PHOTOS = 3;

export const FixSchema = v.strictObject({
  lat: v.pipe(v.number(), v.finite(), v.minValue(-90), v.maxValue(90)),
  lng: v.pipe(v.number(), v.finite(), v.minValue(-180), v.maxValue(180)),
  /** The fix's accuracy radius as the device reported it (metres, 95%). */
  accuracyM: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_ACCURACY_M)),
  /** When the device took the fix (its own clock: GeolocationPosition.timestamp). */
  fixMs: timeMs,
});
export type Fix = v.InferOutput<typeof FixSchema>;

const SCHEMAS = {
  patrol_started: v.strictObject({ patrolId: eventId, note: optionalText(200) }),
  checkin_recorded: v.strictObject({
    patrolId: eventId,
    fix: FixSchema,
    note: optionalText(500),
    photos: v.optional(v.pipe(v.array(PhotoRefSchema), v.minLength(1), v.maxLength(MAX_CHECKIN_PHOTOS))),
  }),
  /** A case reported from the patrol (the report is in the town's cases doc; this is the link, made on the device). */
  case_linked: v.strictObject({ patrolId: eventId, caseId: eventId }),
  patrol_ended: v.strictObject({ patrolId: eventId, note: optionalText(500) }),
  /** The town center's expectation for this grid from this event on: patrols per week (0: none expected). */
  frequency_set: v.strictObject({ perWeek: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_PER_WEEK)) }),
} as const;

export const PATROL_EVENT_TYPES = Object.keys(SCHEMAS) as Array<keyof typeof SCHEMAS>;
export type PatrolEventType = keyof typeof SCHEMAS;
export type PatrolData = { [K in PatrolEventType]: v.InferOutput<(typeof SCHEMAS)[K]> };
export type PatrolEvent<T extends PatrolEventType = PatrolEventType> = {
  [K in T]: { id: string; type: K; actor: string; at: string; data: PatrolData[K] };
}[T];

/** Who may make each event type (the relay adds the scope: the grid's own worker, the grid's own town center). */
export const PATROL_ROLES: Record<PatrolEventType, readonly Role[]> = {
  patrol_started: ['worker'],
  checkin_recorded: ['worker'],
  case_linked: ['worker'],
  patrol_ended: ['worker'],
  frequency_set: ['town'],
};

/**
 * Whether `user` may write event `type` into the patrols doc of a grid (of `gridTownId`): the grid's worker its
 * patrols, the town center of the grid's town its frequency. The relay asks this at write time.
 */
export function patrolRoleMayWrite(user: Pick<UserInfo, 'role' | 'gridId' | 'townId'>, type: PatrolEventType, gridId: string, gridTownId: string | undefined): boolean {
  if (!PATROL_ROLES[type].includes(user.role)) return false;
  if (user.role === 'worker') return user.gridId === gridId;
  if (user.role === 'town') return gridTownId !== undefined && user.townId === gridTownId;
  return false;
}

const Envelope = v.strictObject({
  id: eventId,
  type: v.picklist(PATROL_EVENT_TYPES),
  actor: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/)),
  at: v.pipe(v.string(), v.regex(HLC_PATTERN)),
  data: v.unknown(),
});

export function parsePatrolEvent(input: unknown): { ok: true; event: PatrolEvent } | { ok: false; detail: string } {
  const env = v.safeParse(Envelope, input);
  if (!env.success) return { ok: false, detail: env.issues.map((i) => i.message).join('; ').slice(0, 200) };
  const data = v.safeParse(SCHEMAS[env.output.type], env.output.data);
  if (!data.success) return { ok: false, detail: `${env.output.type}: ${data.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? ''} ${i.message}`.trim()).join('; ')}`.slice(0, 200) };
  return { ok: true, event: { ...env.output, data: data.output } as PatrolEvent };
}

/** The blobs a parsed patrol event names (thumbnails first): a check-in's photos; no other event names any. */
export function patrolBlobHashes(e: PatrolEvent): string[] {
  if (e.type !== 'checkin_recorded' || !e.data.photos) return [];
  return [...new Set([...e.data.photos.map((p) => p.thumb), ...e.data.photos.map((p) => p.full)])];
}

// ------------------------------------------------------------------ fold

export interface Checkin {
  id: string;
  at: string;
  /** The check-in's time (its HLC ms): what gaps and duration are measured by. */
  ms: number;
  fix: Fix;
  note?: string;
  photos?: PhotoRef[];
}

export interface Patrol {
  id: string;
  workerId: string;
  startedAt: string;
  startedMs: number;
  note?: string;
  checkins: Checkin[];
  /** Cases reported from the patrol, in link order. */
  caseIds: string[];
  endedAt?: string;
  endedMs?: number;
  endNote?: string;
}

export interface FrequencyChange {
  id: string;
  actor: string;
  at: string;
  ms: number;
  perWeek: number;
}

export interface PatrolState {
  /** Patrols by id, in start order (at, id). */
  patrols: Map<string, Patrol>;
  /** Each worker's open patrol (one at a time). */
  open: Map<string, string>;
  /** The town's expectations, oldest first. */
  frequency: FrequencyChange[];
  /** Event ids that had no effect (a second open patrol, a check-in after the end, an unknown patrol...). */
  superseded: string[];
  /** The superseded events' authors and types (the UI tells a worker which of theirs did not count). */
  lost: Array<{ id: string; actor: string; type: PatrolEventType; at: string }>;
}

const byAtId = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function foldPatrols(raw: readonly unknown[]): PatrolState {
  const events: PatrolEvent[] = [];
  for (const r of raw) {
    const p = parsePatrolEvent(r);
    if (p.ok) events.push(p.event);
  }
  events.sort(byAtId);
  const s: PatrolState = { patrols: new Map(), open: new Map(), frequency: [], superseded: [], lost: [] };
  const seen = new Set<string>();
  for (const e of events) {
    const fresh = !seen.has(e.id);
    seen.add(e.id);
    if (!fresh || !applyPatrol(s, e)) {
      s.superseded.push(e.id);
      s.lost.push({ id: e.id, actor: e.actor, type: e.type, at: e.at });
    }
  }
  return s;
}

/** The open patrol an event of `actor` may act on, or undefined. */
function openOf(s: PatrolState, patrolId: string, actor: string): Patrol | undefined {
  const p = s.patrols.get(patrolId);
  return p && p.workerId === actor && p.endedAt === undefined ? p : undefined;
}

function applyPatrol(s: PatrolState, e: PatrolEvent): boolean {
  switch (e.type) {
    case 'patrol_started': {
      if (s.patrols.has(e.data.patrolId) || s.open.has(e.actor)) return false;
      const p: Patrol = { id: e.data.patrolId, workerId: e.actor, startedAt: e.at, startedMs: hlcMs(e.at), checkins: [], caseIds: [], ...(e.data.note ? { note: e.data.note } : {}) };
      s.patrols.set(p.id, p);
      s.open.set(e.actor, p.id);
      return true;
    }
    case 'checkin_recorded': {
      const p = openOf(s, e.data.patrolId, e.actor);
      if (!p) return false;
      p.checkins.push({ id: e.id, at: e.at, ms: hlcMs(e.at), fix: e.data.fix, ...(e.data.note ? { note: e.data.note } : {}), ...(e.data.photos ? { photos: e.data.photos } : {}) });
      return true;
    }
    case 'case_linked': {
      const p = openOf(s, e.data.patrolId, e.actor);
      if (!p || p.caseIds.includes(e.data.caseId)) return false;
      p.caseIds.push(e.data.caseId);
      return true;
    }
    case 'patrol_ended': {
      const p = openOf(s, e.data.patrolId, e.actor);
      if (!p) return false;
      p.endedAt = e.at;
      p.endedMs = hlcMs(e.at);
      if (e.data.note) p.endNote = e.data.note;
      s.open.delete(e.actor);
      return true;
    }
    case 'frequency_set':
      s.frequency.push({ id: e.id, actor: e.actor, at: e.at, ms: hlcMs(e.at), perWeek: e.data.perWeek });
      return true;
  }
}

// ------------------------------------------------------------------ what a patrol recorded

export interface Gap {
  fromMs: number;
  toMs: number;
}

export interface PatrolSummary {
  /** Metres, straight lines between consecutive accurate check-ins not separated by a gap. */
  distanceM: number;
  /** Start to end, or to the last check-in while open (0 with none). */
  durationMs: number;
  checkins: number;
  /** Stretches of more than GAP_MS without a fix. */
  gaps: Gap[];
  /** Check-ins less accurate than ACCURATE_M (no distance to or from them). */
  inaccurate: number;
  /** Check-ins whose fix was older than STALE_FIX_MS when made. */
  stale: number;
  open: boolean;
}

export function summarizePatrol(p: Patrol): PatrolSummary {
  const open = p.endedMs === undefined;
  const cs = p.checkins;
  let distanceM = 0;
  const gaps: Gap[] = [];
  const marks = [p.startedMs, ...cs.map((c) => c.ms), ...(open ? [] : [p.endedMs!])];
  for (let i = 1; i < marks.length; i++) if (marks[i]! - marks[i - 1]! > GAP_MS) gaps.push({ fromMs: marks[i - 1]!, toMs: marks[i]! });
  for (let i = 1; i < cs.length; i++) {
    const a = cs[i - 1]!;
    const b = cs[i]!;
    if (b.ms - a.ms > GAP_MS || a.fix.accuracyM > ACCURATE_M || b.fix.accuracyM > ACCURATE_M) continue;
    distanceM += haversineM(a.fix, b.fix);
  }
  const lastMs = open ? (cs.length ? cs[cs.length - 1]!.ms : p.startedMs) : p.endedMs!;
  return {
    distanceM: Math.round(distanceM),
    durationMs: Math.max(0, lastMs - p.startedMs),
    checkins: cs.length,
    gaps,
    inaccurate: cs.filter((c) => c.fix.accuracyM > ACCURATE_M).length,
    stale: cs.filter((c) => c.ms - c.fix.fixMs > STALE_FIX_MS).length,
    open,
  };
}

/** The patrols of the doc (of one worker when given), newest start first. */
export function patrolsOf(s: PatrolState, workerId?: string): Patrol[] {
  return [...s.patrols.values()].filter((p) => workerId === undefined || p.workerId === workerId).sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}

/** The patrol a case was reported from, if any. */
export function patrolOfCase(s: PatrolState, caseId: string): Patrol | undefined {
  for (const p of s.patrols.values()) if (p.caseIds.includes(caseId)) return p;
  return undefined;
}

// ------------------------------------------------------------------ 考核: done against expected

/** The start (Monday 00:00 China Standard Time) of the week `ms` falls in: "this week" on every device. */
export function cstWeekStart(ms: number): number {
  const local = ms + CST_OFFSET_MS;
  const day = Math.floor(local / 86_400_000);
  // 1970-01-01 was a Thursday: days since the epoch + 3, mod 7, is days since Monday.
  const sinceMonday = (((day + 3) % 7) + 7) % 7;
  return (day - sinceMonday) * 86_400_000 - CST_OFFSET_MS;
}

/** The expectation in effect at `ms` (patrols per week), or undefined before the town set one. */
export function perWeekAt(s: PatrolState, ms: number): number | undefined {
  let out: number | undefined;
  for (const f of s.frequency) if (f.ms <= ms) out = f.perWeek;
  return out;
}

/**
 * Patrols expected in [fromMs, toMs): each expectation counts for the part of the period it was in effect
 * (perWeek x days / 7), nothing before the first one. Exact (a fraction); screens round it.
 */
export function expectedPatrols(s: PatrolState, fromMs: number, toMs: number): number {
  let total = 0;
  const fs = s.frequency;
  for (let i = 0; i < fs.length; i++) {
    const start = Math.max(fromMs, fs[i]!.ms);
    const end = Math.min(toMs, i + 1 < fs.length ? fs[i + 1]!.ms : Infinity);
    if (end > start) total += (fs[i]!.perWeek * (end - start)) / WEEK_MS;
  }
  return total;
}

/**
 * Whether a patrol counts as done: it has at least one check-in (a patrol with no recorded position claims
 * nothing). Counted in the period of its start.
 */
export function patrolCounts(p: Patrol): boolean {
  return p.checkins.length > 0;
}

export interface PatrolFigures {
  gridId: string;
  /** Rounded to a whole patrol (null: the town set no expectation for the period). */
  expected: number | null;
  done: number;
  /** Done per worker (the patrol's author then, whoever holds the grid today). */
  byWorker: Map<string, number>;
  distanceM: number;
  checkins: number;
  /** Cases reported from the period's patrols. */
  cases: number;
}

/** PatrolFigures as JSON (the relay's GET /api/patrols/figures): done per worker as an object. */
export type PatrolFiguresJson = Omit<PatrolFigures, 'byWorker'> & { byWorker: Record<string, number> };

export const patrolFiguresToJson = (f: PatrolFigures): PatrolFiguresJson => ({ ...f, byWorker: Object.fromEntries(f.byWorker) });
export const patrolFiguresFromJson = (f: PatrolFiguresJson): PatrolFigures => ({ ...f, byWorker: new Map(Object.entries(f.byWorker)) });

/** A grid's patrol figures for [fromMs, toMs) (by each patrol's start). */
export function patrolFigures(gridId: string, s: PatrolState, fromMs: number, toMs: number): PatrolFigures {
  const byWorker = new Map<string, number>();
  let done = 0;
  let distanceM = 0;
  let checkins = 0;
  let cases = 0;
  for (const p of s.patrols.values()) {
    if (p.startedMs < fromMs || p.startedMs >= toMs || !patrolCounts(p)) continue;
    done++;
    byWorker.set(p.workerId, (byWorker.get(p.workerId) ?? 0) + 1);
    const sum = summarizePatrol(p);
    distanceM += sum.distanceM;
    checkins += sum.checkins;
    cases += p.caseIds.length;
  }
  const any = s.frequency.some((f) => f.ms < toMs);
  return { gridId, expected: any ? Math.round(expectedPatrols(s, fromMs, toMs)) : null, done, byWorker, distanceM, checkins, cases };
}
