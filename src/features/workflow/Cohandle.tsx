/**
 * 主办 / 协办 on a case (issue 17): the helping units' picker of the dispatch form, the lead and helpers with their
 * state on the case (协办中 / 已确认 / 已释放, with what each recorded), and the forms of a helper's part (记录协办情况,
 * with optional photos), its confirmation (确认协办完成) and the center's release (释放协办单位). The domain decides
 * (src/domain/workflow.ts); the forms name the dispatch in force, so a part made offline answers the dispatch its
 * author saw (a later one sets it aside as `stale_dispatch`).
 */
import { useState } from 'preact/hooks';
import { formatDateTime, formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/cohandle.zh.ts';
import '../../app/locales/capture.zh.ts';
import type { OrgView, Session } from '../../app/services.ts';
import { MAX_HELPERS, MAX_PHOTOS } from '../../domain/events.ts';
import type { PhotoRef } from '../../domain/evidence.ts';
import type { Unit } from '../../domain/org.ts';
import type { CaseState, Helper, HelperStatus } from '../../domain/workflow.ts';
import { Badge } from '../../ui/Badge.tsx';
import { Field } from '../../ui/Field.tsx';
import { unitLabel, userLabel } from '../cases/lookup.ts';
import { LazyPhotoCapture } from '../evidence/lazyCapture.tsx';
import { ActionFormView, useActionForm, type Run } from './ActionForms.tsx';
import './cohandle.css';

const TONE: Record<HelperStatus, string> = { assisting: 'amber', confirmed: 'green', released: 'grey' };

export function helperStatusName(s: HelperStatus): string {
  return t(`co.status.${s}`);
}

/**
 * The units that may help on a case (any unit that could hold it: of the case's town or county-level, not retired):
 * `first` (the plan's and the category's units, as the lead's list orders them), then every other department by
 * name, since helping across departments is the point of 协办.
 */
export function helperCandidates(org: OrgView, state: Pick<CaseState, 'townId'>, first: readonly Unit[]): Unit[] {
  const taken = new Set(first.map((u) => u.id));
  const rest = org.data.units
    .filter((u) => !u.retired && !taken.has(u.id) && (u.townId === undefined || u.townId === state.townId))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  return [...first.filter((u) => !u.retired), ...rest];
}

/**
 * The dispatch form's helping units: checkboxes of the units that may help (`candidates`, the lead left out), at
 * most MAX_HELPERS, folded away until wanted (most cases have one unit).
 */
export function HelperPicker(p: { candidates: readonly Unit[]; lead: string; chosen: readonly string[]; onChange(ids: string[]): void; error?: string | undefined }) {
  const list = p.candidates.filter((u) => u.id !== p.lead);
  const toggle = (id: string, on: boolean) => p.onChange(on ? [...p.chosen, id] : p.chosen.filter((x) => x !== id));
  return (
    <details class="helper-picker" open={p.chosen.length > 0}>
      <summary>
        {t('co.helpers')}
        {p.chosen.length ? <span class="helper-count">{t('co.helpersChosen', { n: formatNumber(p.chosen.length) })}</span> : null}
      </summary>
      <fieldset class="helper-choices" aria-describedby={p.error ? 'act-helpers-hint act-helpers-error' : 'act-helpers-hint'}>
        <legend class="visually-hidden">{t('co.helpers')}</legend>
        <p class="hint" id="act-helpers-hint">
          {t('co.helpersHint', { max: MAX_HELPERS })}
        </p>
        <ul>
          {list.map((u) => {
            const on = p.chosen.includes(u.id);
            return (
              <li key={u.id}>
                <label class="check">
                  <input
                    type="checkbox"
                    name="helper"
                    value={u.id}
                    checked={on}
                    disabled={!on && p.chosen.length >= MAX_HELPERS}
                    onChange={(e) => toggle(u.id, e.currentTarget.checked)}
                  />
                  <span>{u.name}</span>
                </label>
              </li>
            );
          })}
        </ul>
        {p.error ? (
          <p class="field-error" id="act-helpers-error">
            {p.error}
          </p>
        ) : null}
      </fieldset>
    </details>
  );
}

/** The lead and helpers of the dispatch in force, as facts (a `<dl>`'s rows). Nothing without helpers. */
export function HelperFacts({ c, org }: { c: CaseState; org: OrgView | null }) {
  if (!c.helpers?.length || !c.unitId) return null;
  const waiting = c.helpers.filter((h) => h.status === 'assisting').length;
  return (
    <>
      <dt>{t('co.helpers')}</dt>
      <dd>
        <ul class="helpers">
          {c.helpers.map((h) => (
            <HelperRow key={h.unitId} h={h} org={org} />
          ))}
        </ul>
        {waiting && c.status !== 'resolved' ? <p class="hint helpers-waiting">{t('co.waiting', { n: formatNumber(waiting) })}</p> : null}
      </dd>
    </>
  );
}

function HelperRow({ h, org }: { h: Helper; org: OrgView | null }) {
  return (
    <li class="helper" data-unit={h.unitId}>
      <span class="helper-name">{unitLabel(org, h.unitId)}</span> <Badge tone={TONE[h.status]}>{helperStatusName(h.status)}</Badge>
      {h.parts.length ? (
        <ul class="helper-parts">
          {h.parts.map((x) => (
            <li key={x.eventId} class="prewrap">
              {x.note}
              <span class="hint">
                {' '}
                · {userLabel(org, x.by)} · {formatDateTime(x.ms)}
                {x.photos?.length ? ` · ${t('co.partPhotos')} ${formatNumber(x.photos.length)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {h.status === 'confirmed' && h.confirmedMs !== undefined ? (
        <p class="hint">
          {t('co.confirmedAt', { time: formatDateTime(h.confirmedMs) })}
          {h.confirmNote ? `：${h.confirmNote}` : ''}
        </p>
      ) : null}
      {h.status === 'released' && h.releasedMs !== undefined ? <p class="hint">{t('co.releasedAt', { time: formatDateTime(h.releasedMs), reason: h.releaseReason ?? '' })}</p> : null}
    </li>
  );
}

export interface AssistFormProps {
  state: CaseState;
  org: OrgView;
  run: Run;
  session?: Session | undefined;
}

/** 记录协办情况: what the helping unit did, with optional photos (kept on the device, sent with the event). */
export function AssistRecordForm(p: AssistFormProps) {
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<PhotoRef[]>([]);
  const [capturing, setCapturing] = useState(false);
  const id = 'act-assist-note';
  const value = text.trim();
  const form = useActionForm({
    run: p.run,
    validate: (): Record<string, string> => (value ? {} : { [id]: t('co.err.partNote') }),
    command: () => ({ type: 'record_assist', dispatchId: p.state.dispatchId ?? '', note: value, ...(photos.length ? { photos } : {}) }),
    done: () => setText(''),
  });
  return (
    <ActionFormView
      type="assist_recorded"
      form={form}
      buttons={
        <button type="submit" class="btn btn-primary" disabled={form.busy || capturing}>
          {form.busy ? t('detail.busy') : capturing ? t('capture.compressing') : t('action.assist_recorded')}
        </button>
      }
    >
      <Field id={id} label={t('co.partNote')} error={form.errors[id]}>
        <textarea id={id} rows={3} maxLength={2000} required value={text} {...form.invalid(id)} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      {p.session ? (
        <LazyPhotoCapture
          session={p.session}
          id="act-assist-photos"
          label={t('co.partPhotos')}
          hint={t('co.partPhotosHint', { max: MAX_PHOTOS })}
          max={MAX_PHOTOS}
          onChange={setPhotos}
          onBusy={setCapturing}
        />
      ) : null}
    </ActionFormView>
  );
}

/** 确认协办完成: the helping unit's part is done (needs a recorded part: the domain refuses otherwise). */
export function AssistConfirmForm(p: AssistFormProps) {
  const [text, setText] = useState('');
  const id = 'act-assist-confirm';
  const form = useActionForm({
    run: p.run,
    command: () => ({ type: 'confirm_assist', dispatchId: p.state.dispatchId ?? '', ...(text.trim() ? { note: text.trim() } : {}) }),
  });
  return (
    <ActionFormView type="assist_confirmed" form={form}>
      <p class="hint">{t('co.confirmHint')}</p>
      <Field id={id} label={t('co.confirmNote')}>
        <textarea id={id} rows={2} maxLength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
    </ActionFormView>
  );
}

/** 释放协办单位: the center lets a helper still assisting go, with a reason. */
export function AssistReleaseForm(p: AssistFormProps) {
  const pending = (p.state.helpers ?? []).filter((h) => h.status === 'assisting');
  const [unitId, setUnitId] = useState(pending[0]?.unitId ?? '');
  const [text, setText] = useState('');
  const id = 'act-release-reason';
  const value = text.trim();
  const form = useActionForm({
    run: p.run,
    validate: (): Record<string, string> => (value ? {} : { [id]: t('co.err.releaseReason') }),
    command: () => ({ type: 'release_assist', dispatchId: p.state.dispatchId ?? '', unitId, reason: value }),
    done: () => setText(''),
  });
  return (
    <ActionFormView type="assist_released" form={form} danger>
      <Field id="act-release-unit" label={t('co.releaseUnit')}>
        <select id="act-release-unit" value={unitId} onChange={(e) => setUnitId(e.currentTarget.value)}>
          {pending.map((h) => (
            <option key={h.unitId} value={h.unitId}>
              {unitLabel(p.org, h.unitId)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={id} label={t('co.releaseReason')} error={form.errors[id]}>
        <textarea id={id} rows={2} maxLength={2000} required value={text} {...form.invalid(id)} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
    </ActionFormView>
  );
}

