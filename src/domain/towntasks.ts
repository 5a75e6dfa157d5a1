/**
 * Tasks sent down (下发任务, issue 17): a town center or the county sends a task to grids; each grid's worker fills
 * it per household or place (an optional small form), offline, and completes it; the sender follows progress per grid.
 *
 * Two logs, both append-only Y.Array `events` of `{ id, type, actor, at, data }` like people.ts and training.ts:
 *  - `tasks.<townId>`: the task definitions (task_sent, task_amended, task_cancelled). Written by the town's
 *    center and by the county (a county task to several towns is one task_sent per town doc, same taskId); read by
 *    the town's grid workers, village secretaries, center, county and admin. Nothing private: titles and forms.
 *  - `taskanswers.<gridId>`: one grid's answers (entry_saved, entry_removed, task_completed). Written by the grid's
 *    worker only; read by its village secretary, its town center, county and admin (the people register's readers
 *    plus county and admin, who sent some of the tasks). Answers may name households, so one grid's worker never
 *    holds another grid's answers.
 *
 * Facts, decided when written (the relay, server/validate.ts, and the app check the same rules below):
 *  - The targets are grid ids resolved at send time from the sender's choice (a grid, a village, the town) and kept
 *    in the event: a later change of grids or villages never changes who a task was for.
 *  - The form is fixed once sent (task_amended changes title, instructions, deadline and target count only), so an
 *    entry checked against the form when it was written stays valid forever (`checkValues`, the one copy).
 *  - `by` says which side sent or manages the task ('town' or 'county'); the relay checks it is the writer's role,
 *    so the fold compares sides without looking anyone up in today's directory: a task is amended or cancelled by
 *    its own side only (a county task by the county; a town task by the town center).
 *
 * Races between offline devices resolve by (at, id); the loser is listed in `superseded` with a reason:
 *  - an entry, edit or completion stamped after the task's cancellation -> `cancelled` (the worker is told);
 *  - a second task_completed of a grid (two devices) -> `completed_twice` (the first one counts);
 *  - an edit or removal of an entry by someone who did not write it, or of a removed entry -> `not_own` / `gone`;
 *  - an answer to a task the definitions do not have or that was not for this grid -> `unknown_task`.
 * Entries written after the grid completed still count (a household found late), and entries or completions after
 * the deadline count too: they are marked late, never dropped.
 */
import * as v from 'valibot';
import { HLC_PATTERN, hlcMs } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import type { Role } from './org.ts';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
const refId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/));
const eventId = v.pipe(v.string(), v.regex(ID_PATTERN));
const gridId = v.pipe(v.string(), v.regex(/^g\d{4}$/));
const timeMs = v.pipe(v.number(), v.integer(), v.minValue(Date.UTC(2020, 0, 1)), v.maxValue(Date.UTC(2100, 0, 1)));
const BlobHash = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

export const FIELD_KINDS = ['number', 'yesno', 'choice', 'text', 'photo'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];
export const SENDER_SIDES = ['town', 'county'] as const;
export type SenderSide = (typeof SENDER_SIDES)[number];
/** What the sender chose; the grids it meant at send time are `targets`. */
export const SCOPE_KINDS = ['grid', 'village', 'town'] as const;
export const MAX_FIELDS = 8;
export const MAX_TARGETS = 400;
export const MAX_TEXT = 500;

export const FieldSchema = v.strictObject({
  key: v.pipe(v.string(), v.regex(/^f[0-9]{1,2}$/)),
  label: text(40),
  kind: v.picklist(FIELD_KINDS),
  required: v.boolean(),
  /** choice: 2..12 options. */
  options: v.optional(v.pipe(v.array(text(30)), v.minLength(2), v.maxLength(12))),
  /** number: the allowed range (inclusive). */
  min: v.optional(v.pipe(v.number(), v.finite())),
  max: v.optional(v.pipe(v.number(), v.finite())),
});
export type TaskField = v.InferOutput<typeof FieldSchema>;

const PhotoValue = v.strictObject({ full: BlobHash, thumb: BlobHash });
export type PhotoValue = v.InferOutput<typeof PhotoValue>;
export type FieldValue = number | boolean | string | PhotoValue;

const TASK_SCHEMAS = {
  task_sent: v.strictObject({
    taskId: refId,
    by: v.picklist(SENDER_SIDES),
    title: text(60),
    instructions: optionalText(2000),
    deadlineMs: timeMs,
    /** Entries each grid should record (households, places); 0: no count, the grid only completes. */
    target: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(9999)),
    form: v.pipe(v.array(FieldSchema), v.maxLength(MAX_FIELDS)),
    scope: v.strictObject({ kind: v.picklist(SCOPE_KINDS), id: refId }),
    targets: v.pipe(v.array(gridId), v.minLength(1), v.maxLength(MAX_TARGETS)),
  }),
  task_amended: v.strictObject({
    taskId: refId,
    by: v.picklist(SENDER_SIDES),
    title: v.optional(text(60)),
    instructions: optionalText(2000),
    deadlineMs: v.optional(timeMs),
    target: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(9999))),
  }),
  task_cancelled: v.strictObject({ taskId: refId, by: v.picklist(SENDER_SIDES), reason: optionalText(200) }),
} as const;

const ANSWER_SCHEMAS = {
  /** A new entry, or an edit of one (same entryId, by its author): the whole entry each time. */
  entry_saved: v.strictObject({
    taskId: refId,
    entryId: refId,
    /** The household or place it is about, in words (户主 name, house number, shop name). */
    label: text(60),
    /** The household of the people register, when it is one. */
    householdId: v.optional(refId),
    values: v.record(v.pipe(v.string(), v.regex(/^f[0-9]{1,2}$/)), v.union([v.pipe(v.number(), v.finite()), v.boolean(), v.pipe(v.string(), v.maxLength(MAX_TEXT)), PhotoValue])),
  }),
  entry_removed: v.strictObject({ taskId: refId, entryId: refId }),
  task_completed: v.strictObject({ taskId: refId, note: optionalText(500) }),
} as const;

export type TaskEventType = keyof typeof TASK_SCHEMAS;
export type AnswerEventType = keyof typeof ANSWER_SCHEMAS;
export type TaskData = { [K in TaskEventType]: v.InferOutput<(typeof TASK_SCHEMAS)[K]> };
export type AnswerData = { [K in AnswerEventType]: v.InferOutput<(typeof ANSWER_SCHEMAS)[K]> };
type Env<D, K extends keyof D> = { [T in K]: { id: string; type: T; actor: string; at: string; data: D[T] } }[K];
export type TaskEvent<T extends TaskEventType = TaskEventType> = Env<TaskData, T>;
export type AnswerEvent<T extends AnswerEventType = AnswerEventType> = Env<AnswerData, T>;

export const TASK_EVENT_TYPES = Object.keys(TASK_SCHEMAS) as TaskEventType[];
export const ANSWER_EVENT_TYPES = Object.keys(ANSWER_SCHEMAS) as AnswerEventType[];

/** Who writes task definitions (each for their own side: `by` is their role) and who answers. */
export const TASK_SENDER_ROLES: readonly Role[] = ['town', 'county'];
export const TASK_ANSWER_ROLES: readonly Role[] = ['worker'];

type Parsed<E> = { ok: true; event: E } | { ok: false; detail: string };

const envelope = (types: readonly string[]) =>
  v.strictObject({ id: eventId, type: v.picklist(types as [string, ...string[]]), actor: refId, at: v.pipe(v.string(), v.regex(HLC_PATTERN)), data: v.unknown() });
// Built once (a schema per parsed event cost a cold fold of the worker's tasks screen its share of ms).
const ENVELOPES = new Map<readonly string[], ReturnType<typeof envelope>>();

function parseWith<E>(schemas: Record<string, v.GenericSchema>, types: readonly string[], input: unknown): Parsed<E> {
  let schema = ENVELOPES.get(types);
  if (!schema) ENVELOPES.set(types, (schema = envelope(types)));
  const env = v.safeParse(schema, input);
  if (!env.success) return { ok: false, detail: env.issues.map((i) => i.message).join('; ').slice(0, 200) };
  const data = v.safeParse(schemas[env.output.type]!, env.output.data);
  if (!data.success) return { ok: false, detail: `${env.output.type}: ${data.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? ''} ${i.message}`.trim()).join('; ')}`.slice(0, 200) };
  return { ok: true, event: { ...env.output, data: data.output } as E };
}

/** A task definition event: schema, plus the form's own consistency (`checkForm`). */
export function parseTaskEvent(input: unknown): Parsed<TaskEvent> {
  const p = parseWith<TaskEvent>(TASK_SCHEMAS, TASK_EVENT_TYPES, input);
  if (!p.ok || p.event.type !== 'task_sent') return p;
  const bad = checkForm(p.event.data.form) ?? (new Set(p.event.data.targets).size !== p.event.data.targets.length ? 'a grid is named twice in targets' : null);
  return bad ? { ok: false, detail: `task_sent: ${bad}` } : p;
}

export function parseAnswerEvent(input: unknown): Parsed<AnswerEvent> {
  return parseWith<AnswerEvent>(ANSWER_SCHEMAS, ANSWER_EVENT_TYPES, input);
}


/**
 * The blobs a parsed answer event names (thumbnails first): the photo values of a saved entry. The device moves
 * them into its blob outbox with the event, the relay indexes them so the answers' readers may fetch them
 * (server/blobs.ts); one rule for both.
 */
export function answerBlobHashes(e: AnswerEvent): string[] {
  if (e.type !== 'entry_saved') return [];
  const photos = Object.values(e.data.values).filter((x): x is PhotoValue => typeof x === 'object');
  return [...new Set([...photos.map((p) => p.thumb), ...photos.map((p) => p.full)])];
}
/** What is wrong with a form (keys unique, options only and always for choice, a number range in order), or null. */
export function checkForm(form: readonly TaskField[]): string | null {
  const keys = new Set<string>();
  for (const f of form) {
    if (keys.has(f.key)) return `field ${f.key} is there twice`;
    keys.add(f.key);
    if ((f.kind === 'choice') !== (f.options !== undefined)) return `field ${f.key}: options belong to a choice field, and a choice field needs them`;
    if (f.options && new Set(f.options).size !== f.options.length) return `field ${f.key}: an option is there twice`;
    if (f.kind !== 'number' && (f.min !== undefined || f.max !== undefined)) return `field ${f.key}: a range belongs to a number field`;
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) return `field ${f.key}: min is above max`;
  }
  return null;
}

/**
 * The one rule for an entry's values against its task's form (the relay refuses, the app does not append, the fold
 * supersedes an entry that fails it). Null when acceptable, else the field and why.
 */
export function checkValues(form: readonly TaskField[], values: Readonly<Record<string, unknown>>): string | null {
  const byKey = new Map(form.map((f) => [f.key, f]));
  for (const key of Object.keys(values)) if (!byKey.has(key)) return `${key}: not a field of this task`;
  for (const f of form) {
    const x = values[f.key];
    if (x === undefined || x === '') {
      if (f.required) return `${f.key}: required`;
      continue;
    }
    switch (f.kind) {
      case 'number':
        if (typeof x !== 'number' || !Number.isFinite(x)) return `${f.key}: a number`;
        if ((f.min !== undefined && x < f.min) || (f.max !== undefined && x > f.max)) return `${f.key}: out of range`;
        break;
      case 'yesno':
        if (typeof x !== 'boolean') return `${f.key}: yes or no`;
        break;
      case 'choice':
        if (typeof x !== 'string' || !f.options?.includes(x)) return `${f.key}: one of the options`;
        break;
      case 'text':
        if (typeof x !== 'string' || x.trim().length === 0 || x.length > MAX_TEXT) return `${f.key}: text of 1..${MAX_TEXT} characters`;
        break;
      case 'photo':
        if (!v.is(PhotoValue, x)) return `${f.key}: a photo`;
        break;
    }
  }
  return null;
}

// ------------------------------------------------------------------ fold: definitions

export interface Task {
  id: string;
  by: SenderSide;
  sentBy: string;
  sentAt: string;
  title: string;
  instructions?: string;
  deadlineMs: number;
  target: number;
  form: TaskField[];
  scope: { kind: (typeof SCOPE_KINDS)[number]; id: string };
  targets: string[];
  /** The cancellation's HLC time: answers stamped after it are superseded. */
  cancelledAt?: string;
  cancelReason?: string;
  amendedAt?: string;
}

export type SupersededWhy = 'duplicate' | 'unknown_task' | 'not_sender_side' | 'cancelled' | 'completed_twice' | 'not_own' | 'gone' | 'bad_values' | 'task_exists';

export interface TasksState {
  tasks: Map<string, Task>;
  superseded: Array<{ id: string; why: SupersededWhy }>;
}

const byAtId = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function parsedSorted<E extends { at: string; id: string }>(raw: readonly unknown[], parse: (x: unknown) => Parsed<E>): E[] {
  const out: E[] = [];
  for (const r of raw) {
    const p = parse(r);
    if (p.ok) out.push(p.event);
  }
  return out.sort(byAtId);
}

export function foldTasks(raw: readonly unknown[]): TasksState {
  const s: TasksState = { tasks: new Map(), superseded: [] };
  const seen = new Set<string>();
  for (const e of parsedSorted(raw, parseTaskEvent)) {
    const why = seen.has(e.id) ? 'duplicate' : applyTask(s, e);
    seen.add(e.id);
    if (why) s.superseded.push({ id: e.id, why });
  }
  return s;
}

function applyTask(s: TasksState, e: TaskEvent): SupersededWhy | null {
  const t = s.tasks.get(e.data.taskId);
  switch (e.type) {
    case 'task_sent': {
      if (t) return 'task_exists';
      const d = e.data;
      s.tasks.set(d.taskId, {
        id: d.taskId,
        by: d.by,
        sentBy: e.actor,
        sentAt: e.at,
        title: d.title,
        deadlineMs: d.deadlineMs,
        target: d.target,
        form: d.form,
        scope: d.scope,
        targets: d.targets,
        ...(d.instructions ? { instructions: d.instructions } : {}),
      });
      return null;
    }
    case 'task_amended': {
      if (!t) return 'unknown_task';
      if (t.by !== e.data.by) return 'not_sender_side';
      if (t.cancelledAt) return 'cancelled';
      const d = e.data;
      if (d.title !== undefined) t.title = d.title;
      if (d.instructions !== undefined) {
        if (d.instructions) t.instructions = d.instructions;
        else delete t.instructions;
      }
      if (d.deadlineMs !== undefined) t.deadlineMs = d.deadlineMs;
      if (d.target !== undefined) t.target = d.target;
      t.amendedAt = e.at;
      return null;
    }
    case 'task_cancelled': {
      if (!t) return 'unknown_task';
      if (t.by !== e.data.by) return 'not_sender_side';
      if (t.cancelledAt) return 'cancelled';
      t.cancelledAt = e.at;
      if (e.data.reason) t.cancelReason = e.data.reason;
      return null;
    }
  }
}

/** Whether a user's role may write on a task's side (`by` of its events). */
export const sideOf = (role: Role): SenderSide | null => (role === 'town' ? 'town' : role === 'county' ? 'county' : null);

// ------------------------------------------------------------------ fold: one grid's answers

export interface TaskEntry {
  id: string;
  taskId: string;
  label: string;
  householdId?: string;
  values: Record<string, FieldValue>;
  by: string;
  at: string;
  /** Last saved (the entry or its latest edit). */
  savedAt: string;
  /** Written after the deadline. */
  late: boolean;
}

export interface GridAnswers {
  gridId: string;
  /** taskId -> entryId -> entry (removed entries are gone). */
  entries: Map<string, Map<string, TaskEntry>>;
  /** taskId -> the completion that counts. */
  completed: Map<string, { by: string; at: string; note?: string; late: boolean }>;
  superseded: Array<{ id: string; why: SupersededWhy; taskId?: string }>;
}

/** Fold a grid's answers against the task definitions of its town. */
export function foldAnswers(raw: readonly unknown[], tasks: TasksState, grid: string): GridAnswers {
  const s: GridAnswers = { gridId: grid, entries: new Map(), completed: new Map(), superseded: [] };
  const seen = new Set<string>();
  const removed = new Set<string>();
  for (const e of parsedSorted(raw, parseAnswerEvent)) {
    const why = seen.has(e.id) ? 'duplicate' : applyAnswer(s, e, tasks.tasks.get(e.data.taskId), removed);
    seen.add(e.id);
    if (why) s.superseded.push({ id: e.id, why, taskId: e.data.taskId });
  }
  return s;
}

function applyAnswer(s: GridAnswers, e: AnswerEvent, t: Task | undefined, removed: Set<string>): SupersededWhy | null {
  if (!t || !t.targets.includes(s.gridId)) return 'unknown_task';
  if (t.cancelledAt && e.at > t.cancelledAt) return 'cancelled';
  const late = hlcMs(e.at) > t.deadlineMs;
  let entries = s.entries.get(t.id);
  if (!entries) s.entries.set(t.id, (entries = new Map()));
  switch (e.type) {
    case 'entry_saved': {
      const d = e.data;
      if (removed.has(`${t.id}/${d.entryId}`)) return 'gone';
      const old = entries.get(d.entryId);
      if (old && old.by !== e.actor) return 'not_own';
      if (checkValues(t.form, d.values) !== null) return 'bad_values';
      entries.set(d.entryId, {
        id: d.entryId,
        taskId: t.id,
        label: d.label,
        values: d.values,
        by: old?.by ?? e.actor,
        at: old?.at ?? e.at,
        savedAt: e.at,
        late: old?.late ?? late,
        ...(d.householdId ? { householdId: d.householdId } : {}),
      });
      return null;
    }
    case 'entry_removed': {
      const old = entries.get(e.data.entryId);
      if (!old) return 'gone';
      if (old.by !== e.actor) return 'not_own';
      entries.delete(e.data.entryId);
      removed.add(`${t.id}/${e.data.entryId}`);
      return null;
    }
    case 'task_completed': {
      if (s.completed.has(t.id)) return 'completed_twice';
      s.completed.set(t.id, { by: e.actor, at: e.at, late, ...(e.data.note ? { note: e.data.note } : {}) });
      return null;
    }
  }
}

// ------------------------------------------------------------------ progress

export type GridTaskStatus = 'done' | 'open' | 'overdue' | 'cancelled';

export interface GridProgress {
  gridId: string;
  entries: number;
  target: number;
  completed: boolean;
  completedAt?: string;
  /** Completed after the deadline. */
  late: boolean;
  status: GridTaskStatus;
  /** Whether this grid's answers are held at all (a reader without the grid's doc sees "unknown"). */
  known: boolean;
}

export interface TaskProgress {
  task: Task;
  grids: GridProgress[];
  done: number;
  total: number;
  entries: number;
  overdue: number;
}

/**
 * A task's progress per target grid at `nowMs`, from the answers held (`answers(gridId)`, null when not held):
 * entries against the target, completed or not, overdue (not completed and past the deadline, task not cancelled).
 */
export function taskProgress(task: Task, answers: (gridId: string) => GridAnswers | null, nowMs: number, remote?: Readonly<Record<string, RemoteGrid>>): TaskProgress {
  const grids: GridProgress[] = task.targets.map((g) => {
    const a = answers(g);
    // A grid whose answers this device does not hold: what the relay last said of it, if anything (RemoteGrid).
    const r = a === null ? remote?.[g] : undefined;
    const c = a?.completed.get(task.id) ?? (r?.completedAt !== undefined ? { at: r.completedAt, late: r.late } : undefined);
    const entries = a?.entries.get(task.id)?.size ?? r?.entries ?? 0;
    const status: GridTaskStatus = c ? 'done' : task.cancelledAt ? 'cancelled' : nowMs > task.deadlineMs ? 'overdue' : 'open';
    return { gridId: g, entries, target: task.target, completed: Boolean(c), late: c?.late ?? false, status, known: a !== null || r !== undefined, ...(c ? { completedAt: c.at } : {}) };
  });
  return {
    task,
    grids,
    done: grids.filter((g) => g.completed).length,
    total: grids.length,
    entries: grids.reduce((n, g) => n + g.entries, 0),
    overdue: grids.filter((g) => g.status === 'overdue').length,
  };
}

/**
 * One grid's answers to one task as the relay folds them (GET /api/tasks/<townId>/progress, server/taskshttp.ts), for
 * a sender who does not hold the grid's answers doc: a county center follows a task without syncing every grid's
 * answers. `completedAt` is the completion that counts (foldAnswers), absent while the grid has not completed.
 */
export interface RemoteGrid {
  entries: number;
  completedAt?: string;
  late: boolean;
}
/** taskId -> gridId -> RemoteGrid. */
export type RemoteProgress = Record<string, Record<string, RemoteGrid>>;

/** The relay's summary of `tasks` over the grids whose answers it gives (`answers`; null: not given). */
export function remoteProgress(tasks: TasksState, answers: (gridId: string) => GridAnswers | null): RemoteProgress {
  const out: RemoteProgress = {};
  for (const task of tasks.tasks.values()) {
    const grids: Record<string, RemoteGrid> = {};
    for (const g of task.targets) {
      const a = answers(g);
      if (!a) continue;
      const c = a.completed.get(task.id);
      grids[g] = { entries: a.entries.get(task.id)?.size ?? 0, late: c?.late ?? false, ...(c ? { completedAt: c.at } : {}) };
    }
    out[task.id] = grids;
  }
  return out;
}

/** One grid's answers to one task, as the relay gives them to a reader who does not hold the grid (JSON). */
export interface RemoteAnswers {
  entries: TaskEntry[];
  completed?: { by: string; at: string; note?: string; late: boolean };
}
/** gridId -> RemoteAnswers, for one task. */
export type RemoteTaskAnswers = Record<string, RemoteAnswers>;

/** The relay's answers to `taskId` of the grids it gives (`answers`; null: not given), for the sender's export. */
export function remoteTaskAnswers(task: Task, answers: (gridId: string) => GridAnswers | null): RemoteTaskAnswers {
  const out: RemoteTaskAnswers = {};
  for (const g of task.targets) {
    const a = answers(g);
    if (!a) continue;
    const c = a.completed.get(task.id);
    out[g] = { entries: entriesOf(a, task.id), ...(c ? { completed: c } : {}) };
  }
  return out;
}

/** A grid's answers to one task as `answersTable` reads them, from what the relay gave (`remoteTaskAnswers`). */
export function gridAnswersFromRemote(gridId: string, taskId: string, r: RemoteAnswers): GridAnswers {
  return {
    gridId,
    entries: new Map([[taskId, new Map(r.entries.map((e) => [e.id, e]))]]),
    completed: new Map(r.completed ? [[taskId, r.completed]] : []),
    superseded: [],
  };
}

/** A grid worker's tasks: those for their grid, open first (by deadline), then done, then cancelled; each with its status. */
export function gridTasks(tasks: TasksState, answers: GridAnswers | null, grid: string, nowMs: number): Array<{ task: Task; progress: GridProgress }> {
  const rank: Record<GridTaskStatus, number> = { overdue: 0, open: 0, done: 1, cancelled: 2 };
  const out: Array<{ task: Task; progress: GridProgress }> = [];
  for (const t of tasks.tasks.values()) {
    if (!t.targets.includes(grid)) continue;
    const p = taskProgress({ ...t, targets: [grid] }, () => answers, nowMs).grids[0]!;
    out.push({ task: t, progress: p });
  }
  return out.sort((a, b) => rank[a.progress.status] - rank[b.progress.status] || a.task.deadlineMs - b.task.deadlineMs || (a.task.id < b.task.id ? -1 : 1));
}

/** Entries of a task in a grid, oldest first. */
export function entriesOf(a: GridAnswers | null, taskId: string): TaskEntry[] {
  return [...(a?.entries.get(taskId)?.values() ?? [])].sort(byAtId);
}

/** Grid ids a send scope means at send time: one grid, a village's grids, or a town's grids (sorted). */
export function resolveTargets(grids: ReadonlyArray<{ id: string; villageId: string; townId: string }>, scope: { kind: (typeof SCOPE_KINDS)[number]; id: string }): string[] {
  return grids
    .filter((g) => (scope.kind === 'grid' ? g.id === scope.id : scope.kind === 'village' ? g.villageId === scope.id : g.townId === scope.id))
    .map((g) => g.id)
    .sort();
}

// ------------------------------------------------------------------ export

/**
 * The answers of a task as one table (CSV on the device: src/domain/exports.ts `toCsv`): a row per entry of every
 * target grid held, then its form's values in form order (yes/no as 是/否, a photo as its blob hash), the grid's
 * completion. `gridName` names grids; grids not held are listed with no entries ("not synced" in `known`).
 */
export function answersTable(
  task: Task,
  answers: (gridId: string) => GridAnswers | null,
  gridName: (gridId: string) => string,
  minute: (ms: number) => string,
): { header: string[]; rows: Array<Array<string | number | null>> } {
  const header = ['网格', '户主或点位', ...task.form.map((f) => f.label), '填报人', '填报时间', '超期填报', '网格完成时间'];
  const rows: Array<Array<string | number | null>> = [];
  const cell = (_f: TaskField, x: FieldValue | undefined): string | number | null =>
    x === undefined ? null : typeof x === 'boolean' ? (x ? '是' : '否') : typeof x === 'object' ? x.full : x;
  for (const g of task.targets) {
    const a = answers(g);
    const c = a?.completed.get(task.id);
    for (const e of entriesOf(a, task.id)) {
      rows.push([gridName(g), e.label, ...task.form.map((f) => cell(f, e.values[f.key])), e.by, minute(hlcMs(e.savedAt)), e.late ? '是' : '否', c ? minute(hlcMs(c.at)) : null]);
    }
  }
  return { header, rows };
}
