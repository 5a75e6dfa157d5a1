/**
 * 修改任务 (issue 17): the sending side of a task (`sideOf(role) === task.by`, the same rule as 撤回, not once
 * cancelled) changes its title, instructions, deadline and target count. The form is never changed once sent (the
 * answers were checked against it). The fields start with the task as it is now; each is checked where it is typed
 * (deadline a day in the future, target 0..9999), and one `task_amended` carries only what changed, so two offline
 * amendments of different fields both hold (the fold applies each field by (at, id): src/domain/towntasks.ts).
 */
import { useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import type { RecordResult, RecordsApi } from '../../app/records.ts';
import { cstMinute } from '../../domain/exports.ts';
import type { Task } from '../../domain/towntasks.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Field, describedBy } from '../../ui/Field.tsx';

/** A deadline picked as a date means the end of that day in China (as when the task was sent). */
export const endOfDayCst = (date: string) => Date.parse(`${date}T23:59:00+08:00`);
export const cstDate = (ms: number) => cstMinute(ms).slice(0, 10);

export interface AmendDraft {
  title: string;
  instructions: string;
  deadline: string;
  target: string;
}

export type AmendErrors = Partial<Record<keyof AmendDraft, string>>;
export type AmendChanges = { title?: string; instructions?: string; deadlineMs?: number; target?: number };

export const draftOf = (task: Task): AmendDraft => ({ title: task.title, instructions: task.instructions ?? '', deadline: cstDate(task.deadlineMs), target: String(task.target) });

/**
 * What the draft changes of the task, or the errors per field. A deadline left on the task's own date is not a
 * change (the task's deadline may not be the end of a day); a changed one must be after `nowMs`.
 */
export function amendmentOf(task: Task, d: AmendDraft, nowMs: number): { errors: AmendErrors } | { changes: AmendChanges } {
  const errors: AmendErrors = {};
  const changes: AmendChanges = {};
  const title = d.title.trim();
  if (!title) errors.title = t('tt.amend.errTitle');
  else if (title.length > 60) errors.title = t('tt.amend.errTitleLong');
  else if (title !== task.title) changes.title = title;
  const ins = d.instructions.trim();
  if (ins.length > 2000) errors.instructions = t('tt.amend.errInstructions');
  else if (ins !== (task.instructions ?? '')) changes.instructions = ins;
  if (d.deadline !== cstDate(task.deadlineMs)) {
    const ms = endOfDayCst(d.deadline);
    if (!Number.isFinite(ms)) errors.deadline = t('tt.amend.errDeadline');
    else if (ms <= nowMs) errors.deadline = t('tt.amend.errDeadlinePast');
    else changes.deadlineMs = ms;
  }
  const n = Number(d.target.trim());
  if (d.target.trim() === '' || !Number.isInteger(n) || n < 0 || n > 9999) errors.target = t('tt.amend.errTarget');
  else if (n !== task.target) changes.target = n;
  return Object.keys(errors).length > 0 ? { errors } : { changes };
}

export function AmendForm({ task, townId, records, now, onDone, errorText }: { task: Task; townId: string; records: RecordsApi; now: number; onDone(saved: boolean): void; errorText(r: Extract<RecordResult, { ok: false }>): string }) {
  const [draft, setDraft] = useState<AmendDraft>(() => draftOf(task));
  const [errors, setErrors] = useState<AmendErrors>({});
  const [note, setNote] = useState<string | null>(null);
  const set = (k: keyof AmendDraft) => (e: Event) => {
    const value = (e.target as HTMLInputElement | HTMLTextAreaElement).value;
    setDraft((x) => ({ ...x, [k]: value }));
    setErrors((x) => ({ ...x, [k]: undefined }));
    setNote(null);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const r = amendmentOf(task, draft, now);
    if ('errors' in r) {
      setErrors(r.errors);
      const first = (['title', 'instructions', 'deadline', 'target'] as const).find((k) => r.errors[k]);
      if (first) document.getElementById(`tt-am-${first}`)?.focus();
      return;
    }
    if (Object.keys(r.changes).length === 0) return setNote(t('tt.amend.nothing'));
    const saved = records.taskAct(townId, 'task_amended', { taskId: task.id, ...r.changes });
    if (!saved.ok) return setNote(errorText(saved));
    onDone(true);
  };
  const input = (k: keyof AmendDraft) => ({
    id: `tt-am-${k}`,
    value: draft[k],
    onInput: set(k),
    'aria-invalid': errors[k] ? ('true' as const) : undefined,
  });
  return (
    <section class="card tt-amend measure" aria-labelledby="tt-amend-h">
      <h2 id="tt-amend-h">{t('tt.amend.title')}</h2>
      <p class="muted">{t('tt.amend.lead')}</p>
      <form class="tt-form" onSubmit={submit} noValidate>
        <Field id="tt-am-title" label={t('tt.form.title')} error={errors.title}>
          <input type="text" maxLength={60} required {...input('title')} aria-describedby={describedBy('tt-am-title', false, errors.title)} />
        </Field>
        <Field id="tt-am-instructions" label={t('tt.form.instructions')} error={errors.instructions}>
          <textarea rows={3} maxLength={2000} {...input('instructions')} aria-describedby={describedBy('tt-am-instructions', false, errors.instructions)} />
        </Field>
        <div class="tt-row">
          <Field id="tt-am-deadline" label={t('tt.form.deadline')} hint={t('tt.amend.deadlineHint')} error={errors.deadline}>
            <input type="date" min={cstDate(now + 86_400_000)} {...input('deadline')} aria-describedby={describedBy('tt-am-deadline', true, errors.deadline)} />
          </Field>
          <Field id="tt-am-target" label={t('tt.form.target')} hint={t('tt.amend.targetHint')} error={errors.target}>
            <input type="number" inputMode="numeric" min={0} max={9999} step={1} {...input('target')} aria-describedby={describedBy('tt-am-target', true, errors.target)} />
          </Field>
        </div>
        {note ? <Alert tone="info">{note}</Alert> : null}
        <div class="tt-actions">
          <button type="submit" class="btn btn-primary">
            {t('tt.amend.save')}
          </button>
          <button type="button" class="btn btn-quiet" onClick={() => onDone(false)}>
            {t('tt.amend.keep')}
          </button>
        </div>
      </form>
    </section>
  );
}
