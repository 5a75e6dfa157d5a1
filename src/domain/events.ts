/**
 * The case event envelope and the payload of each event type.
 *
 * Contract (relied on by other systems): a cases doc keeps its events in the Y.Array `events`, each a plain JSON
 * object `{ id, caseId, type, actor, at, data }`. `actor` is a user id, `at` an HLC timestamp (see hlc.ts).
 * Events are immutable and never deleted; a case's state is a fold over them (fold.ts).
 * Every event that enters from the network or storage passes `parseEvent` first.
 */
import * as v from 'valibot';
import { AttributesSchema, ContactSchema, OnBehalfSchema } from './citizens.ts';
import { HLC_PATTERN } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';

export const EVENT_TYPES = [
  'reported',
  'accepted',
  'rejected',
  'dispatched',
  'resolved',
  'verified',
  'closed',
  // issue 4: the whole lifecycle
  'acknowledged',
  'returned',
  'started',
  'verification_failed',
  'feedback',
  'self_resolved',
  'extension_requested',
  'extension_decided',
  'supervised',
  'withdrawn',
  'reopened',
  'merged',
  'checklist',
  // issue 13: the town center's follow-up call on a 不满意 rating (二次回访), src/domain/workflow.ts
  'revisit_called',
  // issue 17: 主办 / 协办, a dispatch's helping units record their part and confirm it, or the center releases them
  'assist_recorded',
  'assist_confirmed',
  'assist_released',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
const refId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/));

export const LocationSchema = v.strictObject({
  lat: v.pipe(v.number(), v.finite(), v.minValue(-90), v.maxValue(90)),
  lng: v.pipe(v.number(), v.finite(), v.minValue(-180), v.maxValue(180)),
});
export type LatLng = v.InferOutput<typeof LocationSchema>;

/** Content hash of a blob (photo, thumbnail, voice clip) stored outside the CRDT: hex sha256 (DESIGN §7). */
export const BlobHash = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

/** A photo on an event: the compressed image and its thumbnail, each by content hash (src/domain/evidence.ts). */
export const PhotoRefSchema = v.strictObject({ full: BlobHash, thumb: BlobHash });
/** A photo entry as events hold it: `{full, thumb}`, or a bare hash (an entry written before thumbnails existed). */
const PhotoEntry = v.union([BlobHash, PhotoRefSchema]);
/** At most 9 photos per event (the report form's limit, the relay's too). */
export const MAX_PHOTOS = 9;
const Photos = v.optional(v.pipe(v.array(PhotoEntry), v.maxLength(MAX_PHOTOS)));
/** The longest voice note, seconds. */
export const MAX_VOICE_SECONDS = 60;
/** A voice note: the clip by content hash and its length in whole seconds (shown before it is downloaded). */
export const VoiceRefSchema = v.strictObject({
  hash: BlobHash,
  seconds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_VOICE_SECONDS)),
});

export const ReportedData = v.strictObject({
  category: v.pipe(v.string(), v.regex(/^\d{4}$/)),
  description: text(2000),
  location: LocationSchema,
  gridId: refId,
  townId: refId,
  address: optionalText(200),
  photos: Photos,
  voice: v.optional(VoiceRefSchema),
  channel: v.optional(v.picklist(['app', 'api', 'open311'])),
  /** Issue 13: reported for a resident (代报), src/domain/citizens.ts. */
  onBehalf: v.optional(OnBehalfSchema),
  /** Issue 13: who to reply to, as an Open311 client gave it. */
  contact: v.optional(ContactSchema),
  /** Issue 13: the subcategory's extra answers (Open311 attributes). */
  attributes: v.optional(AttributesSchema),
});

/** The most helping units (协办单位) one dispatch may name besides its lead unit (主办). */
export const MAX_HELPERS = 5;
/** A dispatch's helping units: distinct unit ids, 1 to MAX_HELPERS (the lead among them: refused by the step). */
const HelperUnits = v.optional(
  v.pipe(
    v.array(refId),
    v.minLength(1),
    v.maxLength(MAX_HELPERS),
    v.check((ids) => new Set(ids).size === ids.length, 'helping units must be distinct'),
  ),
);
/** The dispatch a helper's event answers: the id of the `dispatched` event that named the helper. */
const DispatchRef = v.pipe(v.string(), v.regex(ID_PATTERN));

const NoteOnly = v.strictObject({ note: optionalText(2000) });
const ReasonOnly = v.strictObject({ reason: text(2000) });

/** The reporter's satisfaction at the feedback visit (回访): 满意 / 基本满意 / 不满意. */
export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

/**
 * What the resident said on the follow-up call of a 二次回访 (issue 13): satisfied with the explanation or the
 * work done since, still dissatisfied, or not reached. The first feedback stays what it was (history is facts).
 */
export const REVISIT_OUTCOMES = ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'] as const;
export type RevisitOutcome = (typeof REVISIT_OUTCOMES)[number];

export const DATA_SCHEMAS = {
  reported: ReportedData,
  accepted: NoteOnly,
  rejected: v.strictObject({ reason: text(2000) }),
  dispatched: v.strictObject({
    unitId: refId,
    planId: v.optional(refId),
    dueHours: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24 * 90))),
    note: optionalText(2000),
    /** Issue 17: the helping units (协办); `unitId` is the lead (主办). */
    helperUnitIds: HelperUnits,
  }),
  /** The unit's fix: `photos` are the after-photos (proof of the fix), `location` where the unit stood when it resolved. */
  resolved: v.strictObject({ note: text(2000), photos: Photos, location: v.optional(LocationSchema) }),
  verified: NoteOnly,
  closed: NoteOnly,
  acknowledged: NoteOnly,
  returned: ReasonOnly,
  started: NoteOnly,
  verification_failed: ReasonOnly,
  feedback: v.strictObject({ satisfaction: v.picklist(SATISFACTIONS), note: optionalText(2000) }),
  self_resolved: v.strictObject({ note: text(2000), photos: Photos, location: v.optional(LocationSchema) }),
  extension_requested: v.strictObject({
    hours: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24 * 30)),
    reason: text(2000),
  }),
  extension_decided: v.strictObject({ approve: v.boolean(), note: optionalText(2000) }),
  supervised: v.strictObject({ note: text(2000) }),
  withdrawn: ReasonOnly,
  reopened: ReasonOnly,
  merged: v.strictObject({ intoCaseId: v.pipe(v.string(), v.regex(ID_PATTERN)), note: optionalText(2000) }),
  checklist: v.strictObject({ step: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(99)), done: v.boolean() }),
  revisit_called: v.strictObject({ note: text(2000), outcome: v.optional(v.picklist(REVISIT_OUTCOMES)) }),
  /** A helping unit's part of the work (its unit is its author's, as the receipt records it), with optional photos. */
  assist_recorded: v.strictObject({ dispatchId: DispatchRef, note: text(2000), photos: Photos }),
  /** A helping unit confirms its part done. */
  assist_confirmed: v.strictObject({ dispatchId: DispatchRef, note: optionalText(2000) }),
  /** The center lets a helping unit go without its confirmation (the lead may then resolve without it). */
  assist_released: v.strictObject({ dispatchId: DispatchRef, unitId: refId, reason: text(2000) }),
} satisfies Record<EventType, v.GenericSchema>;

export type EventData = { [K in EventType]: v.InferOutput<(typeof DATA_SCHEMAS)[K]> };

export type CaseEvent<T extends EventType = EventType> = {
  [K in T]: { id: string; caseId: string; type: K; actor: string; at: string; data: EventData[K] };
}[T];

const Envelope = v.strictObject({
  id: v.pipe(v.string(), v.regex(ID_PATTERN)),
  caseId: v.pipe(v.string(), v.regex(ID_PATTERN)),
  type: v.picklist(EVENT_TYPES),
  actor: refId,
  at: v.pipe(v.string(), v.regex(HLC_PATTERN)),
  data: v.record(v.string(), v.unknown()),
});

export type ParseResult = { ok: true; event: CaseEvent } | { ok: false; detail: string };

/** Validate an event from outside (network, storage, HTTP). Returns a normalised copy or what is wrong. */
export function parseEvent(input: unknown): ParseResult {
  const env = v.safeParse(Envelope, input);
  if (!env.success) return { ok: false, detail: issueText(env.issues) };
  const schema = DATA_SCHEMAS[env.output.type];
  const data = v.safeParse(schema, env.output.data);
  if (!data.success) return { ok: false, detail: `${env.output.type}.${issueText(data.issues)}` };
  return { ok: true, event: { ...env.output, data: data.output } as CaseEvent };
}

function issueText(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return 'invalid';
  const path = first.path?.map((p) => String(p.key)).join('.') ?? '';
  return path ? `${path}: ${first.message}` : first.message;
}

/** The deterministic order of events: by HLC timestamp, then id. */
export function compareEvents(a: { at: string; id: string }, b: { at: string; id: string }): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
