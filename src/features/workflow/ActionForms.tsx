/**
 * The forms of the issue-4 workflow actions on a case (签收, 退回, 开始处置, 核查不通过, 回访, 就地解决, 延期,
 * 督办, 撤销, 重新打开, 合并) and of the issue-2 ones (受理, 不予受理, 处置, 核查, 结案), used by the case detail and the queue panels;
 * dispatch has its own form in the case detail (on the same useActionForm and ActionFormView).
 * Each form validates what the domain's schema would refuse (so the message names the field) and hands one command
 * to `run`; the domain decides. Errors are announced by the field (aria-describedby) and focus moves to it.
 * The submit, validate, focus-the-first-error and busy steps are one hook (useActionForm) and one form frame
 * (ActionFormView) for them all.
 * The fix forms (处置 `resolve`, 就地解决 `self_resolve`) also take after-photos (issue 12; the capture components
 * load lazily) and the device's position, best effort, as the command's `location`; a case whose plan requires an
 * after-photo says so up front and is not submitted without one (the domain refuses it too: `photo_required`).
 */
import '../../app/locales/events.zh.ts';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { actionName, formatDateTime, t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/detail.zh.ts';
import '../../app/locales/wf.zh.ts';
import '../../app/locales/capture.zh.ts';
import type { OrgView, Session } from '../../app/services.ts';
import type { Command } from '../../domain/commands.ts';
import { MAX_PHOTOS, REVISIT_OUTCOMES, SATISFACTIONS, type EventType, type LatLng, type RevisitOutcome, type Satisfaction } from '../../domain/events.ts';
import type { PhotoRef } from '../../domain/evidence.ts';
import { LazyPhotoCapture } from '../evidence/lazyCapture.tsx';
import type { CaseState } from '../../domain/workflow.ts';
import { describedBy, Field } from '../../ui/Field.tsx';
import { userLabel } from '../cases/lookup.ts';
import { VerifyEvidence } from '../evidence/BeforeAfter.tsx';

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
  /** The user may also close what they verify (a grid worker): 核实并结案 in one step. */
  closeAfterVerify?: boolean | undefined;
  /** For the after-photos of the fix forms (session.evidence keeps them); without it those forms take no photos. */
  session?: Session | undefined;
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
  // issue 13: on the 二次回访 the call and the reopen are the two answers (side by side, neither folded away)
  'revisit_called',
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
      return <TextForm {...p} label={t('detail.note')} build={(x) => ({ type: 'accept', ...note(x) })} />;
    case 'rejected':
      return <TextForm {...p} required danger label={t('detail.reason')} missing="detail.err.reason" build={(x) => ({ type: 'reject', reason: x })} />;
    case 'resolved':
      return <FixForm {...p} label={t('detail.resolveNote')} missing="detail.err.note" command="resolve" />;
    case 'verified':
      return p.closeAfterVerify ? (
        <VerifyCloseForm {...p} />
      ) : (
        <TextForm {...p} top={<VerifyEvidence state={p.state} />} label={t('detail.note')} build={(x) => ({ type: 'verify', ...note(x) })} />
      );
    case 'closed':
      return <TextForm {...p} label={t('detail.note')} build={(x) => ({ type: 'close', ...note(x) })} />;
    case 'acknowledged':
      return <TextForm {...p} label={t('detail.note')} build={(x) => ({ type: 'acknowledge', ...note(x) })} />;
    case 'started':
      return <TextForm {...p} label={t('detail.note')} build={(x) => ({ type: 'start', ...note(x) })} />;
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
      return <FixForm {...p} label={t('wf.selfResolveNote')} missing="wf.err.selfResolveNote" command="self_resolve" />;
    case 'feedback':
      return <FeedbackForm {...p} />;
    case 'extension_requested':
      return <ExtensionRequestForm {...p} />;
    case 'extension_decided':
      return <ExtensionDecisionForm {...p} />;
    case 'merged':
      return <MergeForm {...p} />;
    case 'revisit_called':
      return <RevisitCallForm {...p} />;
    default:
      return null;
  }
}

/** An optional note: present only when something was typed. */
const note = (text: string): { note?: string } => (text ? { note: text } : {});

/** Fields in error: the id of the element to focus (the first is focused) and its message. */
type Errors = Record<string, string>;
const NO_ERRORS: Errors = {};

interface ActionFormSpec {
  run: Run;
  /** What the domain would refuse, by field (empty when the form may be submitted). */
  validate?: () => Errors;
  command: () => Command;
  /** After the command was applied: clear what was typed. */
  done?: () => void;
}

/** Submit, validate, focus the first field in error, or run the command once (busy meanwhile). */
export function useActionForm(spec: ActionFormSpec) {
  const [errors, setErrors] = useState<Errors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const submit = async (e?: Event, command = spec.command) => {
    e?.preventDefault();
    if (busy) return;
    const errs = spec.validate?.() ?? NO_ERRORS;
    setErrors(errs);
    const first = Object.keys(errs)[0];
    if (first !== undefined) {
      document.getElementById(first)?.focus();
      return;
    }
    setBusy(true);
    const ok = await spec.run(command());
    setBusy(false);
    if (ok) spec.done?.();
  };
  /** The first message (the forms with one error place). */
  const error = Object.values(errors)[0] ?? '';
  /** The attributes of a control that may be in error. */
  const invalid = (id: string) => ({ 'aria-invalid': Boolean(errors[id]) || undefined, 'aria-describedby': describedBy(id, false, errors[id]) });
  return { errors, error, busy, submit, invalid };
}

type ActionForm = ReturnType<typeof useActionForm>;

/** The form of an action: its fields, then its button (named after the action, "busy" while it runs). */
export function ActionFormView(p: { type: EventType; form: ActionForm; danger?: boolean; buttons?: ComponentChildren; children: ComponentChildren }) {
  return (
    <form class="form action-form" onSubmit={(e) => void p.form.submit(e)} noValidate aria-label={actionName(p.type)}>
      {p.children}
      {p.buttons ?? (
        <button type="submit" class={p.danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={p.form.busy}>
          {p.form.busy ? t('detail.busy') : actionName(p.type)}
        </button>
      )}
    </form>
  );
}

function NoteField({ id, value, set }: { id: string; value: string; set(v: string): void }) {
  return (
    <Field id={id} label={t('detail.note')}>
      <textarea id={id} rows={2} maxLength={2000} value={value} onInput={(e) => set(e.currentTarget.value)} />
    </Field>
  );
}

/** An error under a group of choices (a fieldset), which names it in aria-describedby. */
function ChoicesError({ id, error }: { id: string; error: string }) {
  return error ? (
    <p class="field-error" id={id}>
      {error}
    </p>
  ) : null;
}

interface TextFormProps extends WorkflowActionProps {
  label: string;
  required?: boolean;
  danger?: boolean;
  missing?: MessageKey;
  build(text: string): Command;
  /** Shown above the field (the verify form's before/after). */
  top?: ComponentChildren;
}

function TextForm(p: TextFormProps) {
  const [text, setText] = useState('');
  const fieldId = `act-${p.type}-text`;
  const value = text.trim();
  const form = useActionForm({
    run: p.run,
    validate: () => (p.required && !value ? { [fieldId]: p.missing ? t(p.missing) : '' } : NO_ERRORS),
    command: () => p.build(value),
    done: () => setText(''),
  });
  return (
    <ActionFormView type={p.type} form={form} danger={p.danger}>
      {p.top}
      <Field id={fieldId} label={p.label} error={form.error || undefined}>
        <textarea
          id={fieldId}
          rows={p.required ? 3 : 2}
          maxLength={2000}
          required={p.required}
          value={text}
          {...form.invalid(fieldId)}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </Field>
    </ActionFormView>
  );
}

type Fix = { kind: 'idle' } | { kind: 'busy' } | { kind: 'ok'; at: LatLng; accuracy: number } | { kind: 'none' };

/** How long a submit waits for a position still being found before it goes without one. */
const FIX_WAIT_MS = 3000;

/**
 * The device's position for a fix, best effort: asked when the form is first used (or at once where permission
 * was already given), with a short timeout; `wait()` gives what there is, waiting at most FIX_WAIT_MS.
 */
function useFixLocation() {
  const [fix, setFix] = useState<Fix>({ kind: 'idle' });
  const found = useRef<Promise<void> | null>(null);
  const latest = useRef<Fix>(fix);
  const mounted = useRef(true);
  const update = (f: Fix) => {
    latest.current = f;
    if (mounted.current) setFix(f);
  };
  const ask = () => {
    if (found.current) return;
    const geo = typeof navigator !== 'undefined' ? navigator.geolocation : undefined;
    if (!geo) {
      update({ kind: 'none' });
      found.current = Promise.resolve();
      return;
    }
    update({ kind: 'busy' });
    found.current = new Promise<void>((resolve) =>
      geo.getCurrentPosition(
        (pos) => {
          update({ kind: 'ok', at: { lat: pos.coords.latitude, lng: pos.coords.longitude }, accuracy: Math.round(pos.coords.accuracy) });
          resolve();
        },
        () => {
          update({ kind: 'none' });
          resolve();
        },
        { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 },
      ),
    );
  };
  useEffect(() => {
    navigator.permissions
      ?.query({ name: 'geolocation' })
      .then((p) => {
        if (p.state === 'granted' && mounted.current) ask();
      })
      .catch(() => undefined);
    return () => {
      mounted.current = false;
    };
  }, []);
  const wait = async (): Promise<LatLng | undefined> => {
    ask();
    if (latest.current.kind === 'busy') await Promise.race([found.current, new Promise((r) => setTimeout(r, FIX_WAIT_MS))]);
    const f = latest.current;
    return f.kind === 'ok' ? f.at : undefined;
  };
  return { fix, ask, wait };
}

interface FixFormProps extends WorkflowActionProps {
  label: string;
  missing: MessageKey;
  command: 'resolve' | 'self_resolve';
}

/**
 * 处置 / 就地解决: the note (required), after-photos, and where the device was. With `afterPhotoRequired` (the
 * plan's rule, on `resolve`) the form says so up front and refuses to submit without a photo.
 */
function FixForm(p: FixFormProps) {
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<PhotoRef[]>([]);
  const [capturing, setCapturing] = useState(false);
  const { fix, ask, wait } = useFixLocation();
  const fieldId = `act-${p.type}-text`;
  const photosId = `act-${p.type}-photos`;
  const value = text.trim();
  const photoRequired = p.command === 'resolve' && Boolean(p.state.afterPhotoRequired);
  const form = useActionForm({
    run: async (command) => {
      const location = await wait();
      return p.run(location ? ({ ...command, location } as Command) : command);
    },
    validate: () => ({
      ...(!value ? { [fieldId]: t(p.missing) } : {}),
      ...(photoRequired && !photos.length ? { [`${photosId}-camera`]: t('capture.err.afterPhotoRequired') } : {}),
    }),
    command: () => ({ type: p.command, note: value, ...(photos.length ? { photos } : {}) }),
    done: () => setText(''),
  });
  const fixText = fix.kind === 'busy' ? t('capture.locating') : fix.kind === 'ok' ? t('capture.located', { m: fix.accuracy }) : fix.kind === 'none' ? t('capture.noLocation') : '';
  return (
    <form
      class="form action-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!capturing) void form.submit(e);
      }}
      onFocusIn={ask}
      noValidate
      aria-label={actionName(p.type)}
    >
      {photoRequired ? (
        <p class="alert alert-warning photo-rule" id={`${photosId}-rule`}>
          {t('capture.afterPhotoRequired')}
        </p>
      ) : null}
      <Field id={fieldId} label={p.label} error={form.errors[fieldId]}>
        <textarea id={fieldId} rows={3} maxLength={2000} required value={text} {...form.invalid(fieldId)} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      {p.session ? (
        <LazyPhotoCapture
          session={p.session}
          id={photosId}
          label={t('capture.afterPhotos')}
          hint={t('capture.afterPhotosHint', { max: MAX_PHOTOS })}
          max={MAX_PHOTOS}
          error={photos.length ? undefined : form.errors[`${photosId}-camera`]}
          onChange={setPhotos}
          onBusy={setCapturing}
        />
      ) : null}
      <p role="status" class="hint fix-location">
        {fixText}
      </p>
      <button type="submit" class="btn btn-primary" disabled={form.busy || capturing}>
        {form.busy ? t('detail.busy') : capturing ? t('capture.compressing') : actionName(p.type)}
      </button>
    </form>
  );
}

/**
 * 核实并结案: for a user who may both verify and close (a grid worker), one step that verifies the fix and closes
 * the case (two events, each decided by the domain in turn); "仅核实" verifies only, for a case to close later.
 */
function VerifyCloseForm(p: WorkflowActionProps) {
  const [text, setText] = useState('');
  const value = text.trim();
  const form = useActionForm({
    run: async (command) => {
      if (command.type !== 'close') return p.run(command);
      // Verify first (focus stays: the form goes on), then close with the same note.
      if (!(await p.run({ type: 'verify', ...note(value) }, { keepFocus: true }))) return false;
      return p.run(command);
    },
    command: () => ({ type: 'close', ...note(value) }),
    done: () => setText(''),
  });
  return (
    <form class="form action-form" onSubmit={(e) => void form.submit(e)} noValidate aria-label={t('wf.verifyClose')}>
      <VerifyEvidence state={p.state} />
      <Field id="act-verify-close-text" label={t('detail.note')}>
        <textarea id="act-verify-close-text" rows={2} maxLength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <div class="button-row">
        <button type="submit" class="btn btn-primary" disabled={form.busy}>
          {form.busy ? t('detail.busy') : t('wf.verifyClose')}
        </button>
        <button type="button" class="btn" disabled={form.busy} onClick={() => void form.submit(undefined, () => ({ type: 'verify', ...note(value) }))}>
          {t('wf.verifyOnly')}
        </button>
      </div>
    </form>
  );
}

export const satisfactionName = (s: Satisfaction): string => t(`satisfaction.${s}`);

function FeedbackForm(p: WorkflowActionProps) {
  const [value, setValue] = useState<Satisfaction | ''>('');
  const [text, setNote] = useState('');
  const form = useActionForm({
    run: p.run,
    validate: () => (value ? NO_ERRORS : { [`act-sat-${SATISFACTIONS[0]}`]: t('wf.err.satisfaction') }),
    command: () => ({ type: 'feedback', satisfaction: value as Satisfaction, ...note(text.trim()) }),
  });
  return (
    <ActionFormView type="feedback" form={form}>
      <fieldset class="choices" aria-describedby={form.error ? 'act-sat-error' : undefined}>
        <legend>{t('wf.satisfaction')}</legend>
        {SATISFACTIONS.map((s) => (
          <label key={s} class="choice" for={`act-sat-${s}`}>
            <input id={`act-sat-${s}`} type="radio" name="act-satisfaction" value={s} checked={value === s} onChange={() => setValue(s)} />
            {satisfactionName(s)}
          </label>
        ))}
        <ChoicesError id="act-sat-error" error={form.error} />
      </fieldset>
      <NoteField id="act-feedback-note" value={text} set={setNote} />
    </ActionFormView>
  );
}

const MAX_EXTENSION_HOURS = 24 * 30;

function ExtensionRequestForm(p: WorkflowActionProps) {
  // No default: how long is the unit's call (a prefilled 24 was taken as the rule).
  const [hours, setHours] = useState('');
  const [reason, setReason] = useState('');
  const h = Number(hours.trim());
  const r = reason.trim();
  const form = useActionForm({
    run: p.run,
    validate: () => ({
      ...(!Number.isInteger(h) || h < 1 || h > MAX_EXTENSION_HOURS ? { 'act-ext-hours': t('wf.err.extHours') } : {}),
      ...(!r ? { 'act-ext-reason': t('wf.err.extReason') } : {}),
    }),
    command: () => ({ type: 'request_extension', hours: h, reason: r }),
    done: () => setReason(''),
  });
  return (
    <ActionFormView type="extension_requested" form={form}>
      <Field id="act-ext-hours" label={t('wf.extHours')} error={form.errors['act-ext-hours']}>
        <input id="act-ext-hours" inputMode="numeric" placeholder={t('wf.extHoursHint')} value={hours} {...form.invalid('act-ext-hours')} onInput={(e) => setHours(e.currentTarget.value)} />
      </Field>
      <Field id="act-ext-reason" label={t('wf.extReason')} error={form.errors['act-ext-reason']}>
        <textarea id="act-ext-reason" rows={3} maxLength={2000} value={reason} {...form.invalid('act-ext-reason')} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
    </ActionFormView>
  );
}

/** The pending request in words: who asked, when, for how long, why. */
export function extensionText(state: CaseState, org: OrgView | null): string {
  const x = state.extension;
  if (!x) return '';
  return t('wf.extPending', { name: userLabel(org, x.by), time: formatDateTime(x.ms), hours: x.hours, reason: x.reason });
}

function ExtensionDecisionForm(p: WorkflowActionProps) {
  const [text, setNote] = useState('');
  const decision = (approve: boolean): Command => ({ type: 'decide_extension', approve, ...note(text.trim()) });
  const form = useActionForm({ run: p.run, command: () => decision(true) });
  return (
    <ActionFormView
      type="extension_decided"
      form={form}
      buttons={
        <div class="button-row">
          <button type="submit" class="btn btn-primary" disabled={form.busy}>
            {t('wf.approve')}
          </button>
          <button type="button" class="btn btn-danger" disabled={form.busy} onClick={() => void form.submit(undefined, () => decision(false))}>
            {t('wf.refuse')}
          </button>
        </div>
      }
    >
      <p class="ext-request">{extensionText(p.state, p.org)}</p>
      <NoteField id="act-ext-note" value={text} set={setNote} />
    </ActionFormView>
  );
}

const CASE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function MergeForm(p: WorkflowActionProps) {
  const candidates = (p.mergeCandidates ?? []).filter((c) => c.id !== p.state.id);
  const [picked, setChoice] = useState('');
  // The candidates may arrive after the form (duplicates are looked up): the nearest is the default.
  const choice = candidates.some((c) => c.id === picked) ? picked : (candidates[0]?.id ?? '');
  const [other, setOther] = useState('');
  const [text, setNote] = useState('');
  const typed = other.trim().toUpperCase();
  const into = typed || choice;
  const form = useActionForm({
    run: p.run,
    validate: () =>
      into && CASE_ID.test(into) && into !== p.state.id
        ? NO_ERRORS
        : { [candidates.length && !typed ? `act-merge-${candidates[0]!.id}` : 'act-merge-other']: t('wf.err.mergeInto') },
    command: () => ({ type: 'merge', intoCaseId: into, ...note(text.trim()) }),
  });
  return (
    <ActionFormView type="merged" form={form} danger>
      <fieldset class="choices" aria-describedby={form.error ? 'act-merge-error' : undefined}>
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
        <ChoicesError id="act-merge-error" error={form.error} />
      </fieldset>
      <NoteField id="act-merge-note" value={text} set={setNote} />
    </ActionFormView>
  );
}

/**
 * 登记电话回访 (二次回访, issue 13): what was said on the follow-up call (required) and, optionally, the resident's
 * answer. The case stays closed; a reopen is the other answer (its own form).
 */
function RevisitCallForm(p: WorkflowActionProps) {
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<RevisitOutcome | ''>('');
  const fieldId = 'act-revisit-note';
  const value = text.trim();
  const form = useActionForm({
    run: p.run,
    validate: () => (value ? NO_ERRORS : { [fieldId]: t('wf.err.revisitNote') }),
    command: () => ({ type: 'call_revisit', note: value, ...(outcome ? { outcome } : {}) }),
    done: () => {
      setText('');
      setOutcome('');
    },
  });
  return (
    <ActionFormView type="revisit_called" form={form}>
      <Field id={fieldId} label={t('wf.revisitNote')} hint={t('wf.revisitNoteHint')} error={form.errors[fieldId]}>
        <textarea
          id={fieldId}
          rows={3}
          maxLength={2000}
          required
          value={text}
          {...form.invalid(fieldId)}
          aria-describedby={describedBy(fieldId, true, form.errors[fieldId])}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </Field>
      <fieldset class="choices">
        <legend>{t('wf.revisitOutcome')}</legend>
        {REVISIT_OUTCOMES.map((o) => (
          <label key={o} class="choice" for={`act-revisit-${o}`}>
            <input id={`act-revisit-${o}`} type="radio" name="act-revisit-outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} />
            {t(`revisit.outcome.${o}`)}
          </label>
        ))}
      </fieldset>
    </ActionFormView>
  );
}
