/**
 * The forms of the issue-4 workflow actions on a case (签收, 退回, 开始处置, 核查不通过, 回访, 就地解决, 延期,
 * 督办, 撤销, 重新打开, 合并) and of the issue-2 ones (受理, 不予受理, 处置, 核查, 结案), used by the case detail and the queue panels;
 * dispatch has its own form in the case detail.
 * Each form validates what the domain's schema would refuse (so the message names the field) and hands one command
 * to `run`; the domain decides. Errors are announced by the field (aria-describedby) and focus moves to it.
 */
import { useState } from 'preact/hooks';
import { actionName, formatDateTime, t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/detail.zh.ts';
import '../../app/locales/wf.zh.ts';
import type { OrgView } from '../../app/services.ts';
import type { Command } from '../../domain/commands.ts';
import { SATISFACTIONS, type EventType, type Satisfaction } from '../../domain/events.ts';
import type { CaseState } from '../../domain/workflow.ts';
import { describedBy, Field } from '../../ui/Field.tsx';
import { userLabel } from '../cases/lookup.ts';

export interface RunOptions {
  /** Leave focus where it is (a checklist tick), instead of moving it to the actions heading. */
  keepFocus?: boolean;
}
export type Run = (command: Command, opts?: RunOptions) => Promise<boolean>;

/** A case that may be chosen as the one to merge into. */
export interface MergeCandidate {
  id: string;
  label: string;
}

export interface WorkflowActionProps {
  type: EventType;
  state: CaseState;
  org: OrgView;
  run: Run;
  mergeCandidates?: MergeCandidate[];
}

/** The order actions are offered in: the step forward first, then the side steps, then the rare ones. */
export const ACTION_ORDER: readonly EventType[] = [
  'accepted',
  'dispatched',
  'acknowledged',
  'started',
  'resolved',
  'verified',
  'closed',
  'feedback',
  'extension_decided',
  'self_resolved',
  'verification_failed',
  'rejected',
  'supervised',
  'extension_requested',
  'returned',
  'merged',
  'withdrawn',
  'reopened',
];

/** Actions offered folded (a disclosure), so the common ones stay in view on a phone. */
export const FOLDED_ACTIONS: ReadonlySet<EventType> = new Set<EventType>(['supervised', 'extension_requested', 'returned', 'merged', 'withdrawn', 'reopened']);

export function orderActions(types: readonly EventType[]): EventType[] {
  const rank = (x: EventType) => {
    const i = ACTION_ORDER.indexOf(x);
    return i < 0 ? ACTION_ORDER.length : i;
  };
  // The checklist is ticked in its own section, not through a form.
  return types.filter((x) => x !== 'checklist').sort((a, b) => rank(a) - rank(b));
}

/** The form for an action, or null for the types the case detail handles itself (dispatch, report). */
export function WorkflowActionForm(p: WorkflowActionProps) {
  switch (p.type) {
    case 'accepted':
      return <TextForm {...p} label={t('detail.note')} build={(x) => ({ type: 'accept', ...(x ? { note: x } : {}) })} />;
    case 'rejected':
      return <TextForm {...p} required danger label={t('detail.reason')} missing="detail.err.reason" build={(x) => ({ type: 'reject', reason: x })} />;
    case 'resolved':
      return <TextForm {...p} required label={t('detail.resolveNote')} missing="detail.err.note" build={(x) => ({ type: 'resolve', note: x })} />;
    case 'verified':
      return <TextForm {...p} label={t('detail.note')} build={(x) => ({ type: 'verify', ...(x ? { note: x } : {}) })} />;
    case 'closed':
      return <TextForm {...p} label={t('detail.note')} build={(x) => ({ type: 'close', ...(x ? { note: x } : {}) })} />;
    case 'acknowledged':
      return <TextForm {...p} label={t('detail.note')} build={(x) => ({ type: 'acknowledge', ...(x ? { note: x } : {}) })} />;
    case 'started':
      return <TextForm {...p} label={t('detail.note')} build={(x) => ({ type: 'start', ...(x ? { note: x } : {}) })} />;
    case 'returned':
      return <TextForm {...p} required danger label={t('wf.returnReason')} missing="wf.err.returnReason" build={(x) => ({ type: 'return', reason: x })} />;
    case 'verification_failed':
      return <TextForm {...p} required danger label={t('wf.failReason')} missing="wf.err.failReason" build={(x) => ({ type: 'fail_verification', reason: x })} />;
    case 'withdrawn':
      return <TextForm {...p} required danger label={t('wf.withdrawReason')} missing="wf.err.withdrawReason" build={(x) => ({ type: 'withdraw', reason: x })} />;
    case 'reopened':
      return <TextForm {...p} required label={t('wf.reopenReason')} missing="wf.err.reopenReason" build={(x) => ({ type: 'reopen', reason: x })} />;
    case 'supervised':
      return <TextForm {...p} required label={t('wf.superviseNote')} missing="wf.err.superviseNote" build={(x) => ({ type: 'supervise', note: x })} />;
    case 'self_resolved':
      return <TextForm {...p} required label={t('wf.selfResolveNote')} missing="wf.err.selfResolveNote" build={(x) => ({ type: 'self_resolve', note: x })} />;
    case 'feedback':
      return <FeedbackForm {...p} />;
    case 'extension_requested':
      return <ExtensionRequestForm {...p} />;
    case 'extension_decided':
      return <ExtensionDecisionForm {...p} />;
    case 'merged':
      return <MergeForm {...p} />;
    default:
      return null;
  }
}

interface TextFormProps extends WorkflowActionProps {
  label: string;
  required?: boolean;
  danger?: boolean;
  missing?: MessageKey;
  build(text: string): Command;
}

function TextForm(p: TextFormProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const fieldId = `act-${p.type}-text`;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const value = text.trim();
    if (p.required && !value) {
      setError(p.missing ? t(p.missing) : '');
      document.getElementById(fieldId)?.focus();
      return;
    }
    setError('');
    setBusy(true);
    const ok = await p.run(p.build(value));
    setBusy(false);
    if (ok) setText('');
  };
  return (
    <form class="form action-form" onSubmit={submit} noValidate aria-label={actionName(p.type)}>
      <Field id={fieldId} label={p.label} error={error || undefined}>
        <textarea
          id={fieldId}
          rows={p.required ? 3 : 2}
          maxLength={2000}
          required={p.required}
          value={text}
          aria-invalid={Boolean(error) || undefined}
          aria-describedby={describedBy(fieldId, false, error)}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </Field>
      <button type="submit" class={p.danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={busy}>
        {busy ? t('detail.busy') : actionName(p.type)}
      </button>
    </form>
  );
}

export const satisfactionName = (s: Satisfaction): string => t(`satisfaction.${s}`);

function FeedbackForm(p: WorkflowActionProps) {
  const [value, setValue] = useState<Satisfaction | ''>('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!value) {
      setError(t('wf.err.satisfaction'));
      document.getElementById(`act-sat-${SATISFACTIONS[0]}`)?.focus();
      return;
    }
    setError('');
    setBusy(true);
    const n = note.trim();
    await p.run({ type: 'feedback', satisfaction: value, ...(n ? { note: n } : {}) });
    setBusy(false);
  };
  return (
    <form class="form action-form" onSubmit={submit} noValidate aria-label={actionName('feedback')}>
      <fieldset class="choices" aria-describedby={error ? 'act-sat-error' : undefined}>
        <legend>{t('wf.satisfaction')}</legend>
        {SATISFACTIONS.map((s) => (
          <label key={s} class="choice" for={`act-sat-${s}`}>
            <input id={`act-sat-${s}`} type="radio" name="act-satisfaction" value={s} checked={value === s} onChange={() => setValue(s)} />
            {satisfactionName(s)}
          </label>
        ))}
        {error ? (
          <p class="field-error" id="act-sat-error">
            {error}
          </p>
        ) : null}
      </fieldset>
      <Field id="act-feedback-note" label={t('detail.note')}>
        <textarea id="act-feedback-note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? t('detail.busy') : actionName('feedback')}
      </button>
    </form>
  );
}

const MAX_EXTENSION_HOURS = 24 * 30;

function ExtensionRequestForm(p: WorkflowActionProps) {
  const [hours, setHours] = useState('24');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ hours?: string; reason?: string }>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const h = Number(hours.trim());
    const r = reason.trim();
    const errs: { hours?: string; reason?: string } = {};
    if (!Number.isInteger(h) || h < 1 || h > MAX_EXTENSION_HOURS) errs.hours = t('wf.err.extHours');
    if (!r) errs.reason = t('wf.err.extReason');
    setErrors(errs);
    if (errs.hours || errs.reason) {
      document.getElementById(errs.hours ? 'act-ext-hours' : 'act-ext-reason')?.focus();
      return;
    }
    setBusy(true);
    const ok = await p.run({ type: 'request_extension', hours: h, reason: r });
    setBusy(false);
    if (ok) setReason('');
  };
  return (
    <form class="form action-form" onSubmit={submit} noValidate aria-label={actionName('extension_requested')}>
      <Field id="act-ext-hours" label={t('wf.extHours')} error={errors.hours}>
        <input
          id="act-ext-hours"
          inputMode="numeric"
          value={hours}
          aria-invalid={Boolean(errors.hours) || undefined}
          aria-describedby={describedBy('act-ext-hours', false, errors.hours)}
          onInput={(e) => setHours(e.currentTarget.value)}
        />
      </Field>
      <Field id="act-ext-reason" label={t('wf.extReason')} error={errors.reason}>
        <textarea
          id="act-ext-reason"
          rows={3}
          maxLength={2000}
          value={reason}
          aria-invalid={Boolean(errors.reason) || undefined}
          aria-describedby={describedBy('act-ext-reason', false, errors.reason)}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </Field>
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? t('detail.busy') : actionName('extension_requested')}
      </button>
    </form>
  );
}

/** The pending request in words: who asked, when, for how long, why. */
export function extensionText(state: CaseState, org: OrgView | null): string {
  const x = state.extension;
  if (!x) return '';
  return t('wf.extPending', { name: userLabel(org, x.by), time: formatDateTime(x.ms), hours: x.hours, reason: x.reason });
}

function ExtensionDecisionForm(p: WorkflowActionProps) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const decide = async (approve: boolean) => {
    if (busy) return;
    setBusy(true);
    const n = note.trim();
    await p.run({ type: 'decide_extension', approve, ...(n ? { note: n } : {}) });
    setBusy(false);
  };
  return (
    <form
      class="form action-form"
      aria-label={actionName('extension_decided')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void decide(true);
      }}
    >
      <p class="ext-request">{extensionText(p.state, p.org)}</p>
      <Field id="act-ext-note" label={t('detail.note')}>
        <textarea id="act-ext-note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <div class="button-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('wf.approve')}
        </button>
        <button type="button" class="btn btn-danger" disabled={busy} onClick={() => void decide(false)}>
          {t('wf.refuse')}
        </button>
      </div>
    </form>
  );
}

const CASE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function MergeForm(p: WorkflowActionProps) {
  const candidates = (p.mergeCandidates ?? []).filter((c) => c.id !== p.state.id);
  const [picked, setChoice] = useState('');
  // The candidates may arrive after the form (duplicates are looked up): the nearest is the default.
  const choice = candidates.some((c) => c.id === picked) ? picked : (candidates[0]?.id ?? '');
  const [other, setOther] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const typed = other.trim().toUpperCase();
    const into = typed || choice;
    if (!into || !CASE_ID.test(into) || into === p.state.id) {
      setError(t('wf.err.mergeInto'));
      document.getElementById(candidates.length && !typed ? `act-merge-${candidates[0]!.id}` : 'act-merge-other')?.focus();
      return;
    }
    setError('');
    setBusy(true);
    const n = note.trim();
    await p.run({ type: 'merge', intoCaseId: into, ...(n ? { note: n } : {}) });
    setBusy(false);
  };
  return (
    <form class="form action-form" onSubmit={submit} noValidate aria-label={actionName('merged')}>
      <fieldset class="choices" aria-describedby={error ? 'act-merge-error' : undefined}>
        <legend>{t('wf.mergeInto')}</legend>
        {candidates.length === 0 ? <p class="hint">{t('wf.mergeNone')}</p> : null}
        {candidates.map((c) => (
          <label key={c.id} class="choice" for={`act-merge-${c.id}`}>
            <input
              id={`act-merge-${c.id}`}
              type="radio"
              name="act-merge"
              value={c.id}
              checked={!other.trim() && choice === c.id}
              onChange={() => {
                setChoice(c.id);
                setOther('');
              }}
            />
            <span>{c.label}</span>
          </label>
        ))}
        <Field id="act-merge-other" label={t('wf.mergeOther')}>
          <input id="act-merge-other" autocomplete="off" spellcheck={false} maxLength={26} value={other} onInput={(e) => setOther(e.currentTarget.value)} />
        </Field>
        {error ? (
          <p class="field-error" id="act-merge-error">
            {error}
          </p>
        ) : null}
      </fieldset>
      <Field id="act-merge-note" label={t('detail.note')}>
        <textarea id="act-merge-note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="btn btn-danger" disabled={busy}>
        {busy ? t('detail.busy') : actionName('merged')}
      </button>
    </form>
  );
}
