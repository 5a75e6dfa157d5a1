/**
 * 节假日与调休 (issue 15): one year's working-day calendar (src/domain/workdays.ts reads it), edited as a draft of two
 * lists, 法定节假日 (days off) and 调休上班 (weekend days worked), and saved as ONE `calendar.set` with both lists.
 * A day is checked where it is added: in the year, not listed twice, never in both lists.
 */
import { useState } from 'preact/hooks';
import { locale, t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import type { WorkCalendar } from '../../domain/org.ts';
import { Alert } from '../../ui/Alert.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { refusalText, writeChange } from './check.ts';

type List = 'holidays' | 'workdays';
const MAX: Record<List, number> = { holidays: 60, workdays: 30 };

/** The year in China (UTC+8) at `ms`. */
export const cstYear = (ms: number): number => new Date(ms + 8 * 3_600_000).getUTCFullYear();

function weekday(d: string): string {
  return new Intl.DateTimeFormat(locale.value, { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));
}
const isWeekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

/** `readOnly`: the lists only (staff who may look but not edit). */
export function CalendarTab({ session, onSaved, readOnly }: { session: Session; onSaved(text: string): void; readOnly: boolean }) {
  const org = session.org.value;
  const thisYear = cstYear(session.now());
  const [year, setYear] = useState(thisYear);
  const saved: WorkCalendar | undefined = org?.data.calendars?.find((c) => c.year === year);
  const [draft, setDraft] = useState<{ year: number; holidays: string[]; workdays: string[] } | null>(null);
  const [adding, setAdding] = useState<Record<List, string>>({ holidays: '', workdays: '' });
  const [errors, setErrors] = useState<Partial<Record<List | 'form' | 'detail', string>>>({});
  const [busy, setBusy] = useState(false);
  // The draft of the year shown, or the saved calendar until the first edit.
  const cur = draft && draft.year === year ? draft : { year, holidays: saved?.holidays ?? [], workdays: saved?.workdays ?? [] };
  const dirty = draft !== null && draft.year === year && (draft.holidays.join() !== (saved?.holidays ?? []).join() || draft.workdays.join() !== (saved?.workdays ?? []).join());
  const years = [...new Set([thisYear - 1, thisYear, thisYear + 1, ...(org?.data.calendars ?? []).map((c) => c.year)])].sort();

  const add = (list: List) => {
    const d = adding[list];
    const other: List = list === 'holidays' ? 'workdays' : 'holidays';
    let e: string | null = null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) e = t('ref.cal.e.date');
    else if (Number(d.slice(0, 4)) !== year) e = t('ref.cal.e.year', { year });
    else if (cur[list].includes(d)) e = t('ref.cal.e.twice', { date: d });
    else if (cur[other].includes(d)) e = t('ref.cal.e.both', { date: d, other: t(other === 'holidays' ? 'ref.cal.holidays' : 'ref.cal.workdays') });
    else if (cur[list].length >= MAX[list]) e = t('ref.cal.e.max', { max: MAX[list] });
    setErrors((old) => ({ ...old, [list]: e ?? undefined, form: undefined }));
    if (e) return void requestAnimationFrame(() => document.getElementById(`ref-cal-${list}`)?.focus());
    setDraft({ ...cur, [list]: [...cur[list], d].sort() });
    setAdding((a) => ({ ...a, [list]: '' }));
  };
  const remove = (list: List, d: string, i: number) => {
    setDraft({ ...cur, [list]: cur[list].filter((x) => x !== d) });
    // Focus stays in the list: the next day's 删除, else the date input.
    requestAnimationFrame(() => (document.querySelectorAll<HTMLElement>(`#ref-cal-list-${list} button`)[i] ?? document.querySelectorAll<HTMLElement>(`#ref-cal-list-${list} button`)[i - 1] ?? document.getElementById(`ref-cal-${list}`))?.focus());
  };
  const save = async () => {
    setBusy(true);
    setErrors({});
    const r = await writeChange(session, 'calendar.set', { year, holidays: cur.holidays, workdays: cur.workdays }).catch((e: unknown) => ({ code: 'failed', detail: String(e) }));
    setBusy(false);
    if (r) return setErrors({ form: refusalText(r.code), detail: r.detail });
    setDraft(null);
    onSaved(t('ref.cal.saved', { year }));
  };

  const section = (list: List) => {
    const title = t(list === 'holidays' ? 'ref.cal.holidays' : 'ref.cal.workdays');
    const id = `ref-cal-${list}`;
    return (
      <section class="card ref-cal-list" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>
          {title} <span class="ref-cal-n">{t('ref.cal.count', { n: cur[list].length })}</span>
        </h2>
        {cur[list].length === 0 ? <p class="hint">{t('ref.cal.none')}</p> : null}
        <ul id={`ref-cal-list-${list}`} class="ref-days">
          {cur[list].map((d, i) => (
            <li key={d} data-day={d}>
              <span class="ref-day">
                <span lang="en">{d}</span> {weekday(d)}
                {list === 'workdays' && !isWeekend(d) ? <span class="hint"> {t('ref.cal.notWeekend')}</span> : null}
              </span>
              {readOnly ? null : (
                <button type="button" class="btn" aria-label={t('ref.cal.removeOf', { date: d })} onClick={() => remove(list, d, i)}>
                  {t('ref.cal.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
        {readOnly ? null : (
          <div class="ref-cal-add">
            <Field id={id} label={t(list === 'holidays' ? 'ref.cal.addHoliday' : 'ref.cal.addWorkday')} error={errors[list]}>
              <input
                id={id}
                type="date"
                min={`${year}-01-01`}
                max={`${year}-12-31`}
                value={adding[list]}
                aria-invalid={errors[list] ? true : undefined}
                aria-describedby={describedBy(id, false, errors[list])}
                onInput={(e) => setAdding((a) => ({ ...a, [list]: e.currentTarget.value }))}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    add(list);
                  }
                }}
              />
            </Field>
            <button type="button" class="btn" onClick={() => add(list)}>
              {t('ref.cal.add')}
            </button>
          </div>
        )}
      </section>
    );
  };

  return (
    <div class="ref-cal">
      <p class="hint">{t('ref.cal.intro')}</p>
      <div class="ref-cal-year">
        <Field id="ref-cal-year" label={t('ref.cal.year')}>
          <select
            id="ref-cal-year"
            value={String(year)}
            onChange={(e) => {
              setYear(Number(e.currentTarget.value));
              setErrors({});
            }}
          >
            {years.map((y) => (
              <option key={y} value={String(y)}>
                {y}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {saved ? null : <p class="hint">{t('ref.cal.notSet', { year })}</p>}
      <div class="ref-cal-grid">
        {section('holidays')}
        {section('workdays')}
      </div>
      <Alert tone="error">
        {errors.form ? (
          <>
            {errors.form}
            <span class="ref-detail">
              {t('ref.err.detail')}
              <span lang="en">{errors.detail}</span>
            </span>
          </>
        ) : null}
      </Alert>
      {readOnly ? null : (
        <div class="button-row ref-cal-save">
          <button type="button" class="btn btn-primary" disabled={busy || !dirty} onClick={() => void save()}>
            {busy ? t('ref.saving') : t('ref.cal.save', { year })}
          </button>
          {dirty ? <span class="ref-unsaved">{t('ref.cal.unsaved')}</span> : null}
        </div>
      )}
    </div>
  );
}
