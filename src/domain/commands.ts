/**
 * Commands: what a person asks for. `decide` turns a command into the event to append, or an error code,
 * using the same `step` rule as the fold. It needs the id, time and actor from the caller (no clock here).
 */
import * as v from 'valibot';
import { DATA_SCHEMAS, type CaseEvent, type EventData, type EventType, type LatLng } from './events.ts';
import type { ErrorCode } from './errors.ts';
import { carriesIdNumber } from './idguard.ts';
import type { PhotoRef, VoiceRef } from './evidence.ts';
import type { OnBehalf } from './citizens.ts';
import type { OrgIndex, UserInfo } from './org.ts';
import { allowedActions, step, type CaseState } from './workflow.ts';

export const COMMAND_EVENT = {
  report: 'reported',
  accept: 'accepted',
  reject: 'rejected',
  dispatch: 'dispatched',
  resolve: 'resolved',
  verify: 'verified',
  close: 'closed',
  // issue 4
  acknowledge: 'acknowledged',
  return: 'returned',
  start: 'started',
  fail_verification: 'verification_failed',
  feedback: 'feedback',
  self_resolve: 'self_resolved',
  request_extension: 'extension_requested',
  decide_extension: 'extension_decided',
  supervise: 'supervised',
  withdraw: 'withdrawn',
  reopen: 'reopened',
  merge: 'merged',
  checklist: 'checklist',
  // issue 13
  call_revisit: 'revisit_called',
  // issue 17
  record_assist: 'assist_recorded',
  confirm_assist: 'assist_confirmed',
  release_assist: 'assist_released',
} as const satisfies Record<string, EventType>;

export type CommandType = keyof typeof COMMAND_EVENT;
export const COMMAND_TYPES = Object.keys(COMMAND_EVENT) as CommandType[];

/** The command that makes each event type (the inverse of COMMAND_EVENT). */
export const EVENT_COMMAND = Object.fromEntries(Object.entries(COMMAND_EVENT).map(([c, e]) => [e, c])) as {
  [K in CommandType as (typeof COMMAND_EVENT)[K]]: K;
};

/** A command of one type, e.g. `CommandOf<'dispatch'>` = `{ type: 'dispatch', unitId, planId?, dueHours?, note? }`. */
export type CommandOf<K extends CommandType> = { type: K } & EventData[(typeof COMMAND_EVENT)[K]];

export type Command = { [K in CommandType]: CommandOf<K> }[CommandType];

export interface DecideContext {
  actor: UserInfo;
  org: OrgIndex;
  /** HLC timestamp for the new event. */
  at: string;
  /** Id for the new event. */
  eventId: string;
  /** Case id: the existing case, or a new id for `report`. */
  caseId: string;
}

export type Decision = { ok: true; event: CaseEvent; state: CaseState } | { ok: false; error: ErrorCode; detail?: string };

export function decide(state: CaseState | null, input: unknown, ctx: DecideContext): Decision {
  if (typeof input !== 'object' || input === null) return { ok: false, error: 'bad_request', detail: 'command must be an object' };
  const { type, ...fields } = input as { type?: unknown };
  // Own keys only: `in` would also accept inherited names such as 'toString' and then crash on the schema lookup.
  if (typeof type !== 'string' || !Object.hasOwn(COMMAND_EVENT, type)) return { ok: false, error: 'bad_request', detail: 'unknown command type' };
  const eventType = COMMAND_EVENT[type as CommandType];
  const parsed = v.safeParse(DATA_SCHEMAS[eventType], fields);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue?.path?.map((p) => String(p.key)).join('.');
    return { ok: false, error: 'bad_request', detail: path ? `${path}: ${issue?.message}` : issue?.message };
  }
  const event = {
    id: ctx.eventId,
    caseId: ctx.caseId,
    type: eventType,
    actor: ctx.actor.id,
    at: ctx.at,
    data: stripUndefined(parsed.output as Record<string, unknown>),
  } as CaseEvent;
  // Refused here as the relay would refuse it (server/privacy.ts): saved offline, it would be set aside at sync.
  if (carriesIdNumber(event.data)) return { ok: false, error: 'full_id_number' };
  const r = step(state, event, ctx.org);
  if (!r.ok) return { ok: false, error: r.reason };
  return { ok: true, event, state: { ...r.state, timeline: [...(state?.timeline ?? []), { event, applied: true }] } };
}

/** Events are stored as plain JSON: no undefined values, so every replica stores the same bytes. */
function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) if (val !== undefined) out[k] = val;
  return out;
}

/** The command types this user may issue now on this case (allowedActions, named as commands). */
export function allowedCommands(state: CaseState, user: UserInfo, org: OrgIndex): CommandType[] {
  return allowedActions(state, user, org).map((t) => EVENT_COMMAND[t]);
}

/** What a person fills in to report a case (the screen's form; `decide` gets it as a `report` command). */
export interface ReportInput {
  category: string;
  description: string;
  location: LatLng;
  gridId: string;
  address?: string;
  /** Photos already kept on the device (src/app/services.ts EvidenceApi.keep), by content hash. */
  photos?: PhotoRef[];
  voice?: VoiceRef;
  /** 代报 (issue 13): the resident the report is made for, and how they told the reporter. */
  onBehalf?: OnBehalf;
}
