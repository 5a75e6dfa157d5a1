/**
 * Tasks sent down (下发任务, issue 17), from `tasks.<townId>` and the grids' `taskanswers.<gridId>` docs
 * (src/domain/towntasks.ts, read and written through src/app/towntasks.ts, so everything works offline):
 *
 *  - a grid worker (#/towntasks): the tasks for their grid, open first, with the deadline and overdue state; a task
 *    (#/towntasks/<town>/<task>): its instructions, the grid's entries, 新增一条 (…/entry) and editing one
 *    (…/entry/<id>), 完成任务; a task withdrawn, or an entry the relay kept but the fold set aside (written after the
 *    withdrawal, a second device's completion), is said in words;
 *  - a town center or the county (#/towntasks): the tasks of their town(s) with "done of N" per task, 下发新任务
 *    (#/towntasks/new: the town, a grid, a village's grids or the whole town, resolved to grid ids when sent), a task:
 *    progress per grid live (the answers docs they hold; for the grids they do not hold, the county's case, what the
 *    relay last said, GET /api/tasks/<town>/progress, fetched while the screen is open and online), CSV export of the
 *    answers, 修改 (title, instructions, deadline, target: AmendTask.tsx) and 撤回 by the sending side;
 *  - a village secretary: the tasks for their village's grids and their progress, without the sender's actions.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatDateTime, formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/towntasks.zh.ts';
import type { RecordResult, RecordsApi } from '../../app/records.ts';
import { navigate, routeHref } from '../../app/router.ts';
import type { OrgView, Session } from '../../app/services.ts';
import { cstMinute, toCsv } from '../../domain/exports.ts';
import { hlcMs } from '../../domain/hlc.ts';
import type { PhotoRef } from '../../domain/evidence.ts';
import {
  answersTable,
  gridAnswersFromRemote,
  checkValues,
  entriesOf,
  FIELD_KINDS,
  gridTasks,
  MAX_FIELDS,
  resolveTargets,
  sideOf,
  taskProgress,
  type FieldKind,
  type FieldValue,
  type GridTaskStatus,
  type Task,
  type TaskEntry,
  type TaskField,
  type TaskProgress,
  type RemoteProgress,
  type RemoteTaskAnswers,
} from '../../domain/towntasks.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { EmptyState, ListSkeleton } from '../../ui/EmptyState.tsx';
import { Field, describedBy } from '../../ui/Field.tsx';

import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { gridLabel, townLabel, villageLabel } from '../cases/lookup.ts';
import { LazyPhotoCapture } from '../evidence/lazyCapture.tsx';
import { PhotoStrip } from '../evidence/PhotoStrip.tsx';
import { saveBlob } from '../exports/ExportButtons.tsx';
import { AmendForm } from './AmendTask.tsx';
import { UnsavedRecords } from '../party/Unsaved.tsx';
import './towntasks.css';

const DAY = 86_400_000;
/** Long lists show this many rows first, and a button for the rest (design-system.md). */
const LIST_FIRST = 20;
/** Answers shown before 显示全部 on the sender's task (each may load a thumbnail). */
const ANSWERS_FIRST = 20;
const TONE: Record<GridTaskStatus, string> = { open: 'blue', overdue: 'red', done: 'green', cancelled: 'grey' };

export interface TownTasksProps {
  session: Session;
  town?: string | undefined;
  task?: string | undefined;
  view?: 'new' | 'entry' | undefined;
  entry?: string | undefined;
}

function errorText(r: Extract<RecordResult, { ok: false }>): string {
  if (r.error === 'bad_request') return t('tt.err.bad_request', { detail: r.detail ?? '' });
  if (r.error === 'state_not_allowed') return t('tt.err.state_not_allowed', { detail: r.detail ?? '' });
  return t('tt.err.forbidden');
}

/** A fresh id for a task or an entry (ids.ts's pattern is for events; these are refIds). */
function freshId(prefix: string): string {
  const b = crypto.getRandomValues(new Uint8Array(6));
  return `${prefix}${Date.now().toString(36)}${Array.from(b, (x) => (x % 36).toString(36)).join('')}`;
}

export function TownTasksScreen(p: TownTasksProps) {
  const { session } = p;
  const records = session.records;
  void records?.version.value;
  const org = session.org.value;
  const user = session.user;
  if (!records || !org) {
    return (
      <div class="tt">
        <ScreenTitle suffix={t('app.name')}>{t('tt.title')}</ScreenTitle>
        <ListSkeleton label={t('tt.loading')} />
      </div>
    );
  }
  if (user.role === 'worker') {
    const town = user.townId ?? '';
    if (p.task && p.view === 'entry') return <EntryForm session={session} records={records} org={org} townId={p.town ?? town} taskId={p.task} entryId={p.entry} />;
    if (p.task) return <WorkerTask session={session} records={records} org={org} townId={p.town ?? town} taskId={p.task} />;
    return <WorkerList session={session} records={records} org={org} />;
  }
  if (p.view === 'new') return <SendForm session={session} records={records} org={org} />;
  if (p.task && p.town) return <SenderTask session={session} records={records} org={org} townId={p.town} taskId={p.task} />;
  return <SenderList session={session} records={records} org={org} />;
}

// ------------------------------------------------------------------ shared bits

function StatusBadge({ status, late }: { status: GridTaskStatus; late?: boolean }) {
  return <Badge tone={TONE[status]}>{late && status === 'done' ? t('tt.late') : t(`tt.status.${status}`)}</Badge>;
}

function Deadline({ task, status }: { task: Task; status: GridTaskStatus }) {
  return <span class={status === 'overdue' ? 'tt-late' : 'muted'}>{t('tt.deadline', { time: formatDateTime(task.deadlineMs) })}</span>;
}

function Back() {
  return (
    <p class="backlink">
      <a href={routeHref({ name: 'towntasks' })}>{t('tt.back')}</a>
    </p>
  );
}

function valueText(f: TaskField, x: FieldValue | undefined): string {
  if (x === undefined) return '—';
  if (typeof x === 'boolean') return x ? t('tt.entry.yes') : t('tt.entry.no');
  if (typeof x === 'object') return t('tt.kind.photo');
  return typeof x === 'number' ? formatNumber(x) : x;
}

// ------------------------------------------------------------------ grid worker

function WorkerList({ session, records, org }: { session: Session; records: RecordsApi; org: OrgView }) {
  void records.version.value; // a child of a signal-reading screen: subscribes itself (signals skip same-prop children)
  const user = session.user;
  const now = session.now();
  const tasks = records.tasks(user.townId);
  const answers = user.gridId ? records.taskAnswers(user.gridId) : null;
  const list = tasks && user.gridId ? gridTasks(tasks, answers, user.gridId, now) : [];
  const open = list.filter((x) => x.progress.status === 'open' || x.progress.status === 'overdue');
  const closed = list.filter((x) => !open.includes(x));
  return (
    <div class="tt">
      <ScreenTitle suffix={t('app.name')}>
        {t('tt.title')}
        {user.gridId ? <span class="title-sub">{gridLabel(org, user.gridId)}</span> : null}
      </ScreenTitle>
      <UnsavedRecords records={records} />
      <p class="measure tt-lead">{t('tt.lead')}</p>
      {!tasks ? (
        <ListSkeleton label={t('tt.loading')} />
      ) : list.length === 0 ? (
        <EmptyState icon="tasks" text={t('tt.none')} />
      ) : (
        <>
          <section aria-labelledby="tt-open">
            <h2 id="tt-open">{t('tt.open')}</h2>
            {open.length === 0 ? <p class="muted">{t('tt.none')}</p> : <TaskCards items={open} townId={user.townId ?? ''} />}
          </section>
          {closed.length > 0 ? (
            <section aria-labelledby="tt-closed">
              <h2 id="tt-closed">{t('tt.closed')}</h2>
              <TaskCards items={closed} townId={user.townId ?? ''} />
            </section>
          ) : null}
        </>
      )}
    </div>
  );
}

function TaskCards({ items, townId }: { items: ReturnType<typeof gridTasks>; townId: string }) {
  return (
    <ul class="tt-cards">
      {items.map(({ task, progress }) => (
        <li key={task.id} class="card tt-card">
          <a class="row-link" href={routeHref({ name: 'towntasks', town: townId, task: task.id })}>
            <strong>{task.title}</strong>
          </a>
          <p class="tt-meta">
            <StatusBadge status={progress.status} late={progress.late} />
            <Deadline task={task} status={progress.status} />
            <span class="muted">{task.target > 0 ? t('tt.entriesOf', { n: progress.entries, target: task.target }) : t('tt.entries', { n: progress.entries })}</span>
          </p>
        </li>
      ))}
    </ul>
  );
}

function WorkerTask({ session, records, townId, taskId }: { session: Session; records: RecordsApi; org: OrgView; townId: string; taskId: string }) {
  void records.version.value; // a child of a signal-reading screen: subscribes itself (signals skip same-prop children)
  const user = session.user;
  const gridId = user.gridId ?? '';
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tasks = records.tasks(townId);
  const task = tasks?.tasks.get(taskId);
  const answers = records.taskAnswers(gridId);
  if (!task || !task.targets.includes(gridId)) {
    return (
      <div class="tt">
        <ScreenTitle suffix={t('app.name')}>{t('tt.title')}</ScreenTitle>
        <Back />
        {tasks ? <EmptyState icon="tasks" text={t('tt.none')} /> : <ListSkeleton label={t('tt.loading')} />}
      </div>
    );
  }
  const progress = gridTasks(tasks!, answers, gridId, session.now()).find((x) => x.task.id === taskId)!.progress;
  const entries = entriesOf(answers, taskId);
  const lost = (answers?.superseded ?? []).filter((s) => s.taskId === taskId);
  const lostCancelled = lost.filter((s) => s.why === 'cancelled').length;
  const completed = answers?.completed.get(taskId);
  const complete = () => {
    const r = records.answerAct('task_completed', { taskId });
    if (!r.ok) setError(errorText(r));
    setConfirm(false);
  };
  return (
    <div class="tt">
      <ScreenTitle suffix={t('app.name')}>{task.title}</ScreenTitle>
      <Back />
      <UnsavedRecords records={records} />
      <p class="tt-meta">
        <StatusBadge status={progress.status} late={progress.late} />
        <Deadline task={task} status={progress.status} />
        <span class="muted">{t(`tt.from.${task.by}`)}</span>
      </p>
      {task.amendedAt && !task.cancelledAt ? (
        <Alert tone="info">{t('tt.amendedNote', { time: formatDateTime(hlcMs(task.amendedAt)), by: t(`tt.by.${task.by}`), deadline: formatDateTime(task.deadlineMs) })}</Alert>
      ) : null}
      {task.instructions ? (
        <section aria-labelledby="tt-ins" class="measure">
          <h2 id="tt-ins" class="visually-hidden">
            {t('tt.instructions')}
          </h2>
          <p class="tt-instructions">{task.instructions}</p>
        </section>
      ) : null}
      {task.cancelledAt ? <Alert tone="warning">{t('tt.cancelledNote')}</Alert> : null}
      {lostCancelled > 0 ? <Alert tone="warning">{t('tt.superseded.cancelled', { n: lostCancelled })}</Alert> : null}
      {lost.some((s) => s.why === 'completed_twice') ? <Alert tone="info">{t('tt.superseded.completed_twice')}</Alert> : null}
      {completed ? (
        <p class="tt-done" role="status">
          {t('tt.completed', { time: formatDateTime(hlcMs(completed.at)) })}
        </p>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      {!task.cancelledAt ? (
        <div class="tt-actions">
          <a class="btn btn-primary" href={routeHref({ name: 'towntasks', town: townId, task: taskId, view: 'entry' })}>
            <span aria-hidden="true">＋</span> {t('tt.addEntry')}
          </a>
          {!completed && !confirm ? (
            <button type="button" class="btn" onClick={() => setConfirm(true)}>
              {t('tt.complete')}
            </button>
          ) : null}
        </div>
      ) : null}
      {confirm ? (
        <div class="card tt-confirm" role="group" aria-labelledby="tt-confirm-q">
          <p id="tt-confirm-q">{t('tt.completeConfirm')}</p>
          <div class="tt-actions">
            <button type="button" class="btn btn-primary" onClick={complete}>
              {t('tt.complete')}
            </button>
            <button type="button" class="btn btn-quiet" onClick={() => setConfirm(false)}>
              {t('tt.back')}
            </button>
          </div>
        </div>
      ) : null}
      <section aria-labelledby="tt-entries">
        <h2 id="tt-entries">{t('tt.myEntries', { n: task.target > 0 ? `${entries.length}/${task.target}` : entries.length })}</h2>
        <EntryList session={session} task={task} entries={entries} townId={townId} editable={!task.cancelledAt} />
      </section>
    </div>
  );
}

/**
 * Entries as cards: the label, the form's values in form order, and a photo answer as its thumbnail (PhotoStrip:
 * the full photo opens in the viewer; the blob comes from the device's copy, or from the relay, which serves it to
 * the answers' readers: server/blobhttp.ts). `gridOf`: the sender's view names each entry's grid.
 */
function EntryList({ session, task, entries, townId, editable, gridOf }: { session: Session; task: Task; entries: TaskEntry[]; townId: string; editable: boolean; gridOf?: (e: TaskEntry) => string }) {
  if (entries.length === 0) return null;
  return (
    <ul class="tt-cards">
      {entries.map((e) => {
        const photos = task.form.flatMap((f) => {
          const x = e.values[f.key];
          return typeof x === 'object' ? [{ label: f.label, ref: x as PhotoRef }] : [];
        });
        const plain = task.form.filter((f) => f.kind !== 'photo');
        return (
          <li key={e.id} class="card tt-card" data-testid="tt-entry">
            {editable ? (
              <a class="row-link" href={routeHref({ name: 'towntasks', town: townId, task: task.id, view: 'entry', entry: e.id })}>
                <strong>{e.label}</strong>
              </a>
            ) : (
              <strong>{e.label}</strong>
            )}
            {gridOf ? <span class="muted tt-entry-grid"> · {gridOf(e)}</span> : null}
            {plain.length > 0 ? (
              <p class="tt-values">
                {plain.map((f) => (
                  <span key={f.key}>
                    {f.label}
                    {t('app.colon')}
                    {valueText(f, e.values[f.key])}
                  </span>
                ))}
              </p>
            ) : null}
            {photos.map((ph) => (
              <div key={ph.label} class="tt-photo">
                <span class="tt-photo-label" aria-hidden="true">
                  {ph.label}
                </span>
                <PhotoStrip session={session} photos={[ph.ref]} label={ph.label} />
              </div>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

function EntryForm({ session, records, org, townId, taskId, entryId }: { session: Session; records: RecordsApi; org: OrgView; townId: string; taskId: string; entryId?: string | undefined }) {
  void records.version.value; // a child of a signal-reading screen: subscribes itself (signals skip same-prop children)
  const gridId = session.user.gridId ?? '';
  const task = records.tasks(townId)?.tasks.get(taskId);
  const old = entryId ? records.taskAnswers(gridId)?.entries.get(taskId)?.get(entryId) : undefined;
  const [label, setLabel] = useState(old?.label ?? '');
  const [values, setValues] = useState<Record<string, FieldValue | undefined>>(old?.values ?? {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  void org;
  if (!task) {
    return (
      <div class="tt">
        <ScreenTitle suffix={t('app.name')}>{t('tt.title')}</ScreenTitle>
        <Back />
      </div>
    );
  }
  const back = routeHref({ name: 'towntasks', town: townId, task: taskId });
  const set = (key: string, x: FieldValue | undefined) => setValues((v) => ({ ...v, [key]: x }));
  const save = (e: Event) => {
    e.preventDefault();
    const clean: Record<string, FieldValue> = {};
    for (const [k, x] of Object.entries(values)) if (x !== undefined && x !== '') clean[k] = typeof x === 'string' ? x.trim() : x;
    if (!label.trim()) return setError(t('tt.err.required', { label: t('tt.entry.label') }));
    const missing = task.form.find((f) => f.required && clean[f.key] === undefined);
    if (missing) return setError(t('tt.err.required', { label: missing.label }));
    const bad = checkValues(task.form, clean);
    if (bad) return setError(t('tt.err.bad_request', { detail: bad }));
    const r = records.answerAct('entry_saved', { taskId, entryId: old?.id ?? freshId('e'), label: label.trim(), values: clean });
    if (!r.ok) return setError(errorText(r));
    navigate(back);
  };
  const remove = () => {
    if (!old) return;
    const r = records.answerAct('entry_removed', { taskId, entryId: old.id });
    if (!r.ok) return setError(errorText(r));
    navigate(back);
  };
  return (
    <div class="tt">
      <ScreenTitle suffix={t('app.name')}>{old ? t('tt.entry.edit') : t('tt.entry.title', { title: task.title })}</ScreenTitle>
      <p class="backlink">
        <a href={back}>{task.title}</a>
      </p>
      <form class="measure tt-form" onSubmit={save} noValidate>
        <Field id="tt-label" label={t('tt.entry.label')} hint={t('tt.entry.labelHint')}>
          <input id="tt-label" type="text" maxLength={60} required value={label} aria-describedby={describedBy('tt-label', true)} onInput={(e) => setLabel((e.target as HTMLInputElement).value)} />
        </Field>
        {task.form.map((f) => (
          <FieldInput key={f.key} session={session} field={f} value={values[f.key]} onChange={(x) => set(f.key, x)} onBusy={setBusy} />
        ))}
        {error ? <Alert tone="error">{error}</Alert> : null}
        <div class="tt-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('tt.entry.save')}
          </button>
          {old ? (
            <button type="button" class="btn btn-quiet" onClick={remove}>
              {t('tt.entry.remove')}
            </button>
          ) : null}
        </div>
      </form>
    </div>
  );
}

function FieldInput({ session, field: f, value, onChange, onBusy }: { session: Session; field: TaskField; value: FieldValue | undefined; onChange(x: FieldValue | undefined): void; onBusy(b: boolean): void }) {
  const id = `tt-${f.key}`;
  const label = f.required ? `${f.label}（${t('tt.entry.required')}）` : f.label;
  switch (f.kind) {
    case 'number':
      return (
        <Field id={id} label={label}>
          <input
            id={id}
            type="number"
            inputMode="decimal"
            {...(f.min !== undefined ? { min: f.min } : {})}
            {...(f.max !== undefined ? { max: f.max } : {})}
            value={typeof value === 'number' ? String(value) : ''}
            onInput={(e) => {
              const s = (e.target as HTMLInputElement).value;
              onChange(s === '' ? undefined : Number(s));
            }}
          />
        </Field>
      );
    case 'yesno':
      return (
        <fieldset class="field tt-choice">
          <legend>{label}</legend>
          {[true, false].map((b) => (
            <label key={String(b)} class="tt-radio">
              <input type="radio" name={id} checked={value === b} onChange={() => onChange(b)} /> {b ? t('tt.entry.yes') : t('tt.entry.no')}
            </label>
          ))}
        </fieldset>
      );
    case 'choice':
      return (
        <Field id={id} label={label}>
          <select id={id} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange((e.target as HTMLSelectElement).value || undefined)}>
            <option value="">{t('tt.entry.choose')}</option>
            {f.options?.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </Field>
      );
    case 'text':
      return (
        <Field id={id} label={label}>
          <textarea id={id} rows={2} maxLength={500} value={typeof value === 'string' ? value : ''} onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)} />
        </Field>
      );
    case 'photo':
      return (
        <LazyPhotoCapture
          session={session}
          id={id}
          label={label}
          hint={t('tt.entry.photoHint')}
          max={1}
          onBusy={onBusy}
          onChange={(photos: PhotoRef[]) => onChange(photos[0] ? { full: photos[0].full, thumb: photos[0].thumb } : undefined)}
        />
      );
  }
}

// ------------------------------------------------------------------ sender and readers

/** Tasks of the held towns, newest first, with their town (for the links). */
function heldTasks(records: RecordsApi): Array<Task & { townId: string }> {
  const out: Array<Task & { townId: string }> = [];
  for (const town of records.taskTowns()) for (const task of records.tasks(town)?.tasks.values() ?? []) out.push({ ...task, townId: town });
  return out.sort((a, b) => (a.sentAt < b.sentAt ? 1 : a.sentAt > b.sentAt ? -1 : 0));
}

function progressOf(records: RecordsApi, task: Task & { townId: string }, now: number, remote: Remote): TaskProgress {
  return taskProgress(task, (g) => records.taskAnswers(g), now, remote.byTown[task.townId]?.tasks[task.id]);
}

/** What the relay last said of the towns' tasks (RemoteProgress), and when; kept for the session (never the next user's). */
interface Remote {
  byTown: Record<string, { atMs: number; tasks: RemoteProgress }>;
  /** Towns asked for at least once this session (answered or not): a new one is asked at once, not at the next poll. */
  asked: Set<string>;
}
const remoteCache = new WeakMap<Session, Remote>();
const REMOTE_EVERY_MS = 60_000;

/**
 * The relay's progress of `towns` whose tasks target grids this device does not hold (a county center), fetched on
 * mount and every REMOTE_EVERY_MS while online; offline, the last answer stays (its time is shown) or the grids
 * read 未同步. Which towns is decided at each poll, from the task docs as they are then: a town's task doc that
 * arrives after the screen opened, or a new task to grids not held, is asked for at once (on the records' change).
 */
function useRemoteProgress(session: Session, records: RecordsApi, towns: readonly string[]): Remote {
  const [, setTick] = useState(0);
  const key = towns.join(',');
  let remote = remoteCache.get(session);
  if (!remote) remoteCache.set(session, (remote = { byTown: {}, asked: new Set() }));
  const cache = remote;
  const wanted = (): string[] => {
    const held = new Set(records.taskAnswerGrids());
    return towns.filter((town) => [...(records.tasks(town)?.tasks.values() ?? [])].some((task) => task.targets.some((g) => !held.has(g))));
  };
  const poll = useRef<(() => Promise<void>) | null>(null);
  useEffect(() => {
    if (!session.api || towns.length === 0) return;
    let live = true;
    let running = false;
    const load = async () => {
      if (running) return;
      running = true;
      try {
        for (const town of wanted()) {
          cache.asked.add(town);
          try {
            const r = await session.api!(`/api/tasks/${encodeURIComponent(town)}/progress`);
            if (!r.ok) continue;
            const body = (await r.json()) as { tasks: RemoteProgress };
            cache.byTown[town] = { atMs: session.now(), tasks: body.tasks };
            if (live) setTick((n) => n + 1);
          } catch {
            // Offline: the last answer (or 未同步) stays.
          }
        }
      } finally {
        running = false;
      }
    };
    poll.current = load;
    void load();
    const every = setInterval(() => void load(), REMOTE_EVERY_MS);
    return () => {
      live = false;
      poll.current = null;
      clearInterval(every);
    };
  }, [key, session, records]);
  const version = records.version.value;
  useEffect(() => {
    if (wanted().some((town) => !cache.asked.has(town))) void poll.current?.();
  }, [version]);
  return cache;
}

function SenderList({ session, records, org }: { session: Session; records: RecordsApi; org: OrgView }) {
  void records.version.value; // a child of a signal-reading screen: subscribes itself (signals skip same-prop children)
  const user = session.user;
  const now = session.now();
  const grids = new Set(records.taskAnswerGrids());
  // A village secretary sees the tasks for their village's grids; the senders every task of their towns.
  const all = heldTasks(records).filter((task) => user.role !== 'secretary' || task.targets.some((g) => grids.has(g)));
  const maySend = records.taskTowns().some((town) => records.maySendTasks(town));
  const remote = useRemoteProgress(session, records, user.role === 'secretary' ? [] : records.taskTowns());
  return (
    <div class="tt">
      <ScreenTitle suffix={t('app.name')}>{t('tt.title')}</ScreenTitle>
      <UnsavedRecords records={records} />
      <p class="measure tt-lead">{t('tt.leadSender')}</p>
      {maySend ? (
        <p class="tt-actions">
          <a class="btn btn-primary" href={routeHref({ name: 'towntasks', view: 'new' })}>
            <span aria-hidden="true">＋</span> {t('tt.new')}
          </a>
        </p>
      ) : null}
      {all.length === 0 ? (
        <EmptyState icon="tasks" text={t('tt.noneSent')} />
      ) : (
        <ul class="tt-cards">
          {all.map((task) => {
            const p = progressOf(records, task, now, remote);
            return (
              <li key={`${task.townId}/${task.id}`} class="card tt-card">
                <a class="row-link" href={routeHref({ name: 'towntasks', town: task.townId, task: task.id })}>
                  <strong>{task.title}</strong>
                  {records.taskTowns().length > 1 ? <span class="muted"> · {townLabel(org, task.townId)}</span> : null}
                </a>
                <p class="tt-meta">
                  {task.cancelledAt ? <StatusBadge status="cancelled" /> : <Badge tone={p.done === p.total ? 'green' : 'blue'}>{t('tt.progressShort', { done: p.done, total: p.total })}</Badge>}
                  {p.overdue > 0 && !task.cancelledAt ? <span class="tt-late">{t('tt.overdueGrids', { n: p.overdue })}</span> : null}
                  <Deadline task={task} status={now > task.deadlineMs && p.done < p.total ? 'overdue' : 'open'} />
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function SenderTask({ session, records, org, townId, taskId }: { session: Session; records: RecordsApi; org: OrgView; townId: string; taskId: string }) {
  void records.version.value; // a child of a signal-reading screen: subscribes itself (signals skip same-prop children)
  const [confirm, setConfirm] = useState(false);
  const [amending, setAmending] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [all, setAll] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [exportNote, setExportNote] = useState<string | null>(null);
  const task = records.tasks(townId)?.tasks.get(taskId);
  const now = session.now();
  const remote = useRemoteProgress(session, records, session.user.role === 'secretary' ? [] : [townId]);
  if (!task) {
    return (
      <div class="tt">
        <ScreenTitle suffix={t('app.name')}>{t('tt.title')}</ScreenTitle>
        <Back />
        <ListSkeleton label={t('tt.loading')} />
      </div>
    );
  }
  const p = progressOf(records, { ...task, townId }, now, remote);
  const grids = new Set(records.taskAnswerGrids());
  const fromRelay = remote.byTown[townId];
  const relayGrids = fromRelay ? p.grids.filter((g) => !grids.has(g.gridId) && g.known).length : 0;
  const unknownGrids = p.grids.filter((g) => !g.known).length;
  const shown = session.user.role === 'secretary' ? p.grids.filter((g) => grids.has(g.gridId)) : p.grids;
  const mayCancel = records.maySendTasks(townId) && sideOf(session.user.role) === task.by && !task.cancelledAt;
  const cancel = () => {
    const r = records.taskAct(townId, 'task_cancelled', { taskId });
    if (!r.ok) setError(errorText(r));
    setConfirm(false);
  };
  // The grids this device holds from their docs (offline answers included); the others (a county center holds none)
  // as the relay has them, asked at export time; grids it could not get are named in a note, not silently left out.
  const exportCsv = async () => {
    const held = new Set(records.taskAnswerGrids());
    const missing = session.user.role === 'secretary' ? [] : task.targets.filter((g) => !held.has(g));
    let fromRelay: RemoteTaskAnswers = {};
    if (missing.length && session.api) {
      setExporting(true);
      try {
        const r = await session.api(`/api/tasks/${encodeURIComponent(townId)}/${encodeURIComponent(taskId)}/answers`);
        if (r.ok) fromRelay = ((await r.json()) as { grids: RemoteTaskAnswers }).grids;
      } catch {
        // Offline: the held grids only, and the note says how many are missing.
      } finally {
        setExporting(false);
      }
    }
    const answers = (g: string) => (held.has(g) ? records.taskAnswers(g) : fromRelay[g] ? gridAnswersFromRemote(g, taskId, fromRelay[g]) : null);
    const table = answersTable(task, answers, (g) => gridLabel(org, g), cstMinute);
    saveBlob(new Blob([toCsv(table.header, table.rows)], { type: 'text/csv;charset=utf-8' }), `${task.title}-${cstMinute(session.now()).slice(0, 10)}.csv`);
    const unreached = missing.filter((g) => !fromRelay[g]).length;
    setExportNote(unreached ? t('tt.exportPartial', { n: unreached }) : null);
  };
  return (
    <div class="tt">
      <ScreenTitle suffix={t('app.name')}>{task.title}</ScreenTitle>
      <Back />
      <p class="tt-meta">
        {task.cancelledAt ? <StatusBadge status="cancelled" /> : null}
        <Deadline task={task} status={now > task.deadlineMs && p.done < p.total ? 'overdue' : 'open'} />
        <span class="muted">{t(`tt.from.${task.by}`)}</span>
        <span class="muted">{t('tt.sentAt', { time: formatDateTime(hlcMs(task.sentAt)) })}</span>
      </p>
      <p class="tt-summary" role="status" aria-live="polite">
        <strong>{t('tt.progress', { done: p.done, total: p.total })}</strong>
        {task.target > 0 ? <span class="muted"> · {t('tt.entries', { n: p.entries })}</span> : null}
      </p>
      {relayGrids > 0 && fromRelay ? <p class="muted tt-source">{t('tt.fromRelay', { n: relayGrids, time: formatDateTime(fromRelay.atMs) })}</p> : null}
      {unknownGrids > 0 && session.user.role !== 'secretary' ? <p class="muted tt-source">{t('tt.unknownGrids', { n: unknownGrids })}</p> : null}
      {task.instructions ? <p class="measure tt-instructions">{task.instructions}</p> : null}
      {task.cancelledAt ? <Alert tone="warning">{t('tt.cancelledAt', { time: formatDateTime(hlcMs(task.cancelledAt)) })}</Alert> : null}
      {task.amendedAt ? <p class="muted tt-source">{t('tt.amendedAt', { time: formatDateTime(hlcMs(task.amendedAt)) })}</p> : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      <Alert tone="success">{saved && !amending ? t('tt.amend.saved') : null}</Alert>
      {amending && mayCancel ? (
        <AmendForm
          task={task}
          townId={townId}
          records={records}
          now={now}
          errorText={errorText}
          onDone={(ok) => {
            setAmending(false);
            setSaved(ok);
          }}
        />
      ) : null}
      <div class="tt-actions">
        <button type="button" class="btn" disabled={exporting} onClick={() => void exportCsv()}>
          {exporting ? t('tt.exporting') : t('tt.export')}
        </button>
        {mayCancel && !amending && !confirm ? (
          <button
            type="button"
            class="btn"
            onClick={() => {
              setAmending(true);
              setSaved(false);
            }}
          >
            {t('tt.amend')}
          </button>
        ) : null}
        {mayCancel && !confirm ? (
          <button type="button" class="btn btn-quiet" onClick={() => setConfirm(true)}>
            {t('tt.cancel')}
          </button>
        ) : null}
      </div>
      {exportNote ? <Alert tone="warning">{exportNote}</Alert> : null}
      {confirm ? (
        <div class="card tt-confirm" role="group" aria-labelledby="tt-cancel-q">
          <p id="tt-cancel-q">{t('tt.cancelConfirm')}</p>
          <div class="tt-actions">
            <button type="button" class="btn btn-danger" onClick={cancel}>
              {t('tt.cancel')}
            </button>
            <button type="button" class="btn btn-quiet" onClick={() => setConfirm(false)}>
              {t('tt.back')}
            </button>
          </div>
        </div>
      ) : null}
      <section aria-labelledby="tt-grids">
        <h2 id="tt-grids">{t('tt.grids')}</h2>
        <div class="table-wrap" role="region" aria-labelledby="tt-grids" tabIndex={0}>
          <table class="data-table rtable">
            <thead>
              <tr>
                <th scope="col">{t('tt.col.grid')}</th>
                <th scope="col">{t('tt.col.entries')}</th>
                <th scope="col">{t('tt.col.status')}</th>
                <th scope="col">{t('tt.col.completedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {(all ? shown : shown.slice(0, LIST_FIRST)).map((g) => (
                <tr key={g.gridId}>
                  <td class="rt-title" data-label={t('tt.col.grid')}>
                    {gridLabel(org, g.gridId)}
                  </td>
                  <td data-label={t('tt.col.entries')} class="num">
                    {g.known ? (task.target > 0 ? `${g.entries}/${task.target}` : g.entries) : t('tt.unknown')}
                  </td>
                  <td data-label={t('tt.col.status')}>{g.known || g.status !== 'open' ? <StatusBadge status={g.status} late={g.late} /> : t('tt.unknown')}</td>
                  <td data-label={t('tt.col.completedAt')} class={g.completedAt ? '' : 'rt-empty'}>
                    {g.completedAt ? formatDateTime(hlcMs(g.completedAt)) : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {!all && shown.length > LIST_FIRST ? (
          <button type="button" class="btn btn-quiet" onClick={() => setAll(true)}>
            {t('tt.showAll', { n: shown.length })}
          </button>
        ) : null}
      </section>
      <SenderAnswers session={session} records={records} org={org} task={task} townId={townId} grids={shown.map((g) => g.gridId)} />
    </div>
  );
}

/** The answers of the held target grids, newest first (ANSWERS_FIRST, then all), with their photos. */
function SenderAnswers({ session, records, org, task, townId, grids }: { session: Session; records: RecordsApi; org: OrgView; task: Task; townId: string; grids: string[] }) {
  const [all, setAll] = useState(false);
  const gridOfEntry = new Map<string, string>();
  const entries: TaskEntry[] = [];
  for (const g of grids) {
    for (const e of entriesOf(records.taskAnswers(g), task.id)) {
      entries.push(e);
      gridOfEntry.set(e.id, g);
    }
  }
  entries.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
  return (
    <section aria-labelledby="tt-answers">
      <h2 id="tt-answers">{t('tt.answers', { n: entries.length })}</h2>
      {entries.length === 0 ? <p class="muted">{t('tt.answersNone')}</p> : null}
      <EntryList
        session={session}
        task={task}
        entries={all ? entries : entries.slice(0, ANSWERS_FIRST)}
        townId={townId}
        editable={false}
        gridOf={(e) => gridLabel(org, gridOfEntry.get(e.id) ?? '')}
      />
      {!all && entries.length > ANSWERS_FIRST ? (
        <button type="button" class="btn btn-quiet" onClick={() => setAll(true)}>
          {t('tt.answersAll', { n: entries.length })}
        </button>
      ) : null}
    </section>
  );
}

// ------------------------------------------------------------------ sending

interface FieldDraft {
  label: string;
  kind: FieldKind;
  required: boolean;
  options: string;
}

/** The end of a day in China time, for a date input's `YYYY-MM-DD`. */
const endOfDayCst = (date: string) => Date.parse(`${date}T23:59:00+08:00`);
const cstDate = (ms: number) => cstMinute(ms).slice(0, 10);

function SendForm({ session, records, org }: { session: Session; records: RecordsApi; org: OrgView }) {
  void records.version.value; // a child of a signal-reading screen: subscribes itself (signals skip same-prop children)
  const towns = records.taskTowns().filter((x) => records.maySendTasks(x));
  const now = session.now();
  const [town, setTown] = useState(towns[0] ?? '');
  const [scope, setScope] = useState<'town' | 'village' | 'grid'>('town');
  const villages = useMemo(() => org.data.villages.filter((v) => v.townId === town).sort((a, b) => a.id.localeCompare(b.id)), [org, town]);
  const grids = useMemo(() => org.data.grids.filter((g) => g.townId === town).sort((a, b) => a.id.localeCompare(b.id)), [org, town]);
  const [village, setVillage] = useState('');
  const [grid, setGrid] = useState('');
  const [title, setTitle] = useState('');
  const [instructions, setInstructions] = useState('');
  const [deadline, setDeadline] = useState(cstDate(now + 7 * DAY));
  const [target, setTarget] = useState('0');
  const [fields, setFields] = useState<FieldDraft[]>([]);
  const [error, setError] = useState<string | null>(null);
  if (towns.length === 0) {
    return (
      <div class="tt">
        <ScreenTitle suffix={t('app.name')}>{t('tt.new')}</ScreenTitle>
        <Back />
        <Alert tone="error">{t('tt.err.forbidden')}</Alert>
      </div>
    );
  }
  const scopeId = scope === 'town' ? town : scope === 'village' ? village || villages[0]?.id || '' : grid || grids[0]?.id || '';
  const targets = resolveTargets(org.data.grids, { kind: scope, id: scopeId });
  const setField = (i: number, patch: Partial<FieldDraft>) => setFields((fs) => fs.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const send = (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!title.trim()) return setError(t('tt.err.required', { label: t('tt.form.title') }));
    if (targets.length === 0) return setError(t('tt.err.noTargets'));
    const form: TaskField[] = fields.map((f, i) => ({
      key: `f${i + 1}`,
      label: f.label.trim(),
      kind: f.kind,
      required: f.required,
      ...(f.kind === 'choice' ? { options: [...new Set(f.options.split(/[,，、]/).map((o) => o.trim()).filter(Boolean))] } : {}),
    }));
    const empty = form.findIndex((f) => !f.label);
    if (empty >= 0) return setError(t('tt.err.required', { label: t('tt.form.fieldLabel', { n: empty + 1 }) }));
    const deadlineMs = endOfDayCst(deadline);
    if (!Number.isFinite(deadlineMs)) return setError(t('tt.err.required', { label: t('tt.form.deadline') }));
    const taskId = freshId('k');
    const r = records.taskAct(town, 'task_sent', {
      taskId,
      title: title.trim(),
      ...(instructions.trim() ? { instructions: instructions.trim() } : {}),
      deadlineMs,
      target: Math.max(0, Math.min(9999, Math.floor(Number(target) || 0))),
      form,
      scope: { kind: scope, id: scopeId },
      targets,
    });
    if (!r.ok) return setError(errorText(r));
    navigate(routeHref({ name: 'towntasks', town, task: taskId }));
  };
  return (
    <div class="tt">
      <ScreenTitle suffix={t('app.name')}>{t('tt.new')}</ScreenTitle>
      <Back />
      <form class="measure tt-form" onSubmit={send} noValidate>
        <Field id="tt-title" label={t('tt.form.title')}>
          <input id="tt-title" type="text" maxLength={60} required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="tt-ins" label={t('tt.form.instructions')}>
          <textarea id="tt-ins" rows={3} maxLength={2000} value={instructions} onInput={(e) => setInstructions((e.target as HTMLTextAreaElement).value)} />
        </Field>
        {towns.length > 1 ? (
          <Field id="tt-town" label={t('tt.form.town')}>
            <select id="tt-town" value={town} onChange={(e) => setTown((e.target as HTMLSelectElement).value)}>
              {towns.map((x) => (
                <option key={x} value={x}>
                  {townLabel(org, x)}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <fieldset class="field tt-choice">
          <legend>{t('tt.form.scope')}</legend>
          {(['town', 'village', 'grid'] as const).map((k) => (
            <label key={k} class="tt-radio">
              <input type="radio" name="tt-scope" checked={scope === k} onChange={() => setScope(k)} /> {t(`tt.form.scope.${k}`)}
            </label>
          ))}
        </fieldset>
        {scope === 'village' ? (
          <Field id="tt-village" label={t('tt.form.village')}>
            <select id="tt-village" value={scopeId} onChange={(e) => setVillage((e.target as HTMLSelectElement).value)}>
              {villages.map((v) => (
                <option key={v.id} value={v.id}>
                  {villageLabel(org, v.id)}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        {scope === 'grid' ? (
          <Field id="tt-grid" label={t('tt.form.grid')}>
            <select id="tt-grid" value={scopeId} onChange={(e) => setGrid((e.target as HTMLSelectElement).value)}>
              {grids.map((g) => (
                <option key={g.id} value={g.id}>
                  {gridLabel(org, g.id)}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <p class="hint" role="status">
          {t('tt.form.targets', { n: targets.length })}
        </p>
        <div class="tt-row">
          <Field id="tt-deadline" label={t('tt.form.deadline')}>
            <input id="tt-deadline" type="date" min={cstDate(now)} value={deadline} onInput={(e) => setDeadline((e.target as HTMLInputElement).value)} />
          </Field>
          <Field id="tt-target" label={t('tt.form.target')} hint={t('tt.form.targetHint')}>
            <input id="tt-target" type="number" inputMode="numeric" min={0} max={9999} value={target} aria-describedby={describedBy('tt-target', true)} onInput={(e) => setTarget((e.target as HTMLInputElement).value)} />
          </Field>
        </div>
        <fieldset class="tt-fields">
          <legend>{t('tt.form.fields')}</legend>
          {fields.map((f, i) => (
            <div key={i} class="card tt-fielddraft">
              <Field id={`tt-f${i}`} label={t('tt.form.fieldLabel', { n: i + 1 })}>
                <input id={`tt-f${i}`} type="text" maxLength={40} value={f.label} onInput={(e) => setField(i, { label: (e.target as HTMLInputElement).value })} />
              </Field>
              <div class="tt-row">
                <Field id={`tt-k${i}`} label={t('tt.form.fieldKind')}>
                  <select id={`tt-k${i}`} value={f.kind} onChange={(e) => setField(i, { kind: (e.target as HTMLSelectElement).value as FieldKind })}>
                    {FIELD_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {t(`tt.kind.${k}`)}
                      </option>
                    ))}
                  </select>
                </Field>
                <label class="tt-check">
                  <input type="checkbox" checked={f.required} onChange={(e) => setField(i, { required: (e.target as HTMLInputElement).checked })} /> {t('tt.form.fieldRequired')}
                </label>
              </div>
              {f.kind === 'choice' ? (
                <Field id={`tt-o${i}`} label={t('tt.form.fieldOptions')}>
                  <input id={`tt-o${i}`} type="text" value={f.options} onInput={(e) => setField(i, { options: (e.target as HTMLInputElement).value })} />
                </Field>
              ) : null}
              <button type="button" class="btn btn-quiet" onClick={() => setFields((fs) => fs.filter((_, j) => j !== i))}>
                {t('tt.form.removeField', { n: i + 1 })}
              </button>
            </div>
          ))}
          {fields.length < MAX_FIELDS ? (
            <button type="button" class="btn" onClick={() => setFields((fs) => [...fs, { label: '', kind: 'number', required: false, options: '' }])}>
              {t('tt.form.addField')}
            </button>
          ) : null}
        </fieldset>
        {error ? <Alert tone="error">{error}</Alert> : null}
        <div class="tt-actions">
          <button type="submit" class="btn btn-primary">
            {t('tt.form.send')}
          </button>
        </div>
      </form>
    </div>
  );
}
