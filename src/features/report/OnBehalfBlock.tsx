/**
 * 代报 on the staff report form (issue 13): "I am reporting for a resident", then who (picked from the grid's
 * household register, or a typed name and phone) and how they told the reporter (电话 / 上门 / 当面). The result is
 * the report's `onBehalf` (src/domain/citizens.ts): the name as it is now (history is facts), the phone normalised,
 * `personId` when picked from the register.
 * The register is the grid's people doc this user already holds (session.records: the same residents, for the same
 * readers, as GET /api/people/<gridId>/residents, and offline too). A user who holds none types the name.
 */
import { useMemo, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/report.zh.ts';
import '../../app/locales/wf.zh.ts';
import type { Session } from '../../app/services.ts';
import { normalizePhone, PROXY_VIA, type OnBehalf, type ProxyVia } from '../../domain/citizens.ts';
import { describedBy, Field } from '../../ui/Field.tsx';
import './onbehalf.css';

export interface OnBehalfValues {
  on: boolean;
  via: ProxyVia | '';
  name: string;
  phone: string;
  /** A resident picked from the register. */
  personId?: string | undefined;
}

export const NO_ON_BEHALF: OnBehalfValues = { on: false, via: '', name: '', phone: '' };

export type OnBehalfField = 'ob-via' | 'ob-name' | 'ob-phone';
export type OnBehalfErrors = Partial<Record<OnBehalfField, MessageKey>>;
/** Visual order of the block's fields (errors are listed and focused in this order). */
export const ON_BEHALF_ORDER: OnBehalfField[] = ['ob-via', 'ob-name', 'ob-phone'];
/** The element to focus for each field's error. */
export const ON_BEHALF_FOCUS: Record<OnBehalfField, string> = { 'ob-via': `ob-via-${PROXY_VIA[0]}`, 'ob-name': 'ob-name', 'ob-phone': 'ob-phone' };

/** The block's errors and, when there are none, the report's `onBehalf` (undefined when the box is not ticked). */
export function validateOnBehalf(v: OnBehalfValues): { errors: OnBehalfErrors; value?: OnBehalf | undefined } {
  if (!v.on) return { errors: {} };
  const errors: OnBehalfErrors = {};
  const name = v.name.trim();
  const phoneText = v.phone.trim();
  const phone = phoneText ? normalizePhone(phoneText) : null;
  if (!v.via) errors['ob-via'] = 'report.err.via';
  if (!name || name.length > 40) errors['ob-name'] = 'report.err.residentName';
  if (phoneText && !phone) errors['ob-phone'] = 'report.err.residentPhone';
  if (Object.keys(errors).length) return { errors };
  return { errors, value: { name, via: v.via as ProxyVia, ...(phone ? { phone } : {}), ...(v.personId ? { personId: v.personId } : {}) } };
}

interface Candidate {
  id: string;
  name: string;
  phone?: string | undefined;
  address: string;
}

const MAX_SHOWN = 6;

export function OnBehalfBlock(p: { session: Session; gridId: string; value: OnBehalfValues; errors: OnBehalfErrors; onChange(v: OnBehalfValues): void }) {
  const { value: v, errors } = p;
  const [q, setQ] = useState('');
  const set = (patch: Partial<OnBehalfValues>) => p.onChange({ ...v, ...patch });
  const records = p.session.records;
  const version = records?.version.value;
  // The grid's residents this user holds (none when the people doc is not theirs).
  const register: Candidate[] = useMemo(() => {
    if (!records || !p.gridId || !v.on) return [];
    const people = records.people(p.gridId);
    // In the register's order (household, then resident), as GET /api/people/<gridId>/residents lists them.
    return records
      .residents(p.gridId)
      .sort((a, b) => a.householdId.localeCompare(b.householdId) || a.id.localeCompare(b.id))
      .map((r) => ({ id: r.id, name: r.name, phone: r.phone, address: people?.households.get(r.householdId)?.address ?? '' }));
  }, [records, p.gridId, v.on, version]);
  const key = q.trim().toLowerCase();
  const matches = key ? register.filter((r) => r.name.toLowerCase().includes(key) || r.address.toLowerCase().includes(key)).slice(0, MAX_SHOWN) : [];
  const err = (f: OnBehalfField) => (errors[f] ? t(errors[f]) : undefined);

  return (
    <fieldset class="on-behalf">
      <legend>{t('report.onBehalf')}</legend>
      <label class="choice" for="ob-on">
        <input id="ob-on" type="checkbox" checked={v.on} onChange={(e) => set({ on: e.currentTarget.checked })} />
        <span>{t('report.onBehalfCheck')}</span>
      </label>
      {v.on ? (
        <>
          <fieldset class="choices choices-row" aria-describedby={errors['ob-via'] ? 'ob-via-error' : undefined}>
            <legend>{t('report.via')}</legend>
            {PROXY_VIA.map((x) => (
              <label key={x} class="choice" for={`ob-via-${x}`}>
                <input id={`ob-via-${x}`} type="radio" name="ob-via" value={x} checked={v.via === x} aria-invalid={Boolean(errors['ob-via']) || undefined} onChange={() => set({ via: x })} />
                {t(`via.${x}`)}
              </label>
            ))}
            {errors['ob-via'] ? (
              <p class="field-error" id="ob-via-error">
                {err('ob-via')}
              </p>
            ) : null}
          </fieldset>

          {v.personId ? (
            <p class="ob-picked" role="status">
              <span>
                {t('report.residentPicked', { name: v.name })}
                {v.phone ? ` · ${v.phone}` : ''}
              </span>
              <button type="button" class="btn" onClick={() => set({ personId: undefined, name: '', phone: '' })}>
                {t('report.residentClear')}
              </button>
            </p>
          ) : (
            <>
              {register.length ? (
                <div class="ob-register">
                  <Field id="ob-search" label={t('report.residentPick')} hint={t('report.residentSearch')}>
                    <input id="ob-search" type="search" autocomplete="off" aria-describedby="ob-search-hint" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
                  </Field>
                  {key ? (
                    matches.length ? (
                      <ul class="ob-matches" aria-label={t('report.residentPick')}>
                        {matches.map((r) => (
                          <li key={r.id}>
                            <button
                              type="button"
                              class="btn ob-match"
                              aria-label={`${t('report.residentChoose')}：${r.name}${r.address ? `，${r.address}` : ''}`}
                              onClick={() => {
                                setQ('');
                                set({ personId: r.id, name: r.name, phone: r.phone ?? '' });
                              }}
                            >
                              <span class="ob-match-name">{r.name}</span>
                              {r.address ? <span class="ob-match-addr">{r.address}</span> : null}
                            </button>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <p class="hint" role="status">
                        {t('report.residentNone')}
                      </p>
                    )
                  ) : null}
                </div>
              ) : null}
              <div class="two-cols">
                <Field id="ob-name" label={t('report.residentName')} error={err('ob-name')}>
                  <input
                    id="ob-name"
                    autocomplete="off"
                    maxLength={40}
                    value={v.name}
                    aria-invalid={Boolean(errors['ob-name']) || undefined}
                    aria-describedby={describedBy('ob-name', false, errors['ob-name'])}
                    onInput={(e) => set({ name: e.currentTarget.value })}
                  />
                </Field>
                <Field id="ob-phone" label={t('report.residentPhone')} error={err('ob-phone')}>
                  <input
                    id="ob-phone"
                    type="tel"
                    inputMode="tel"
                    autocomplete="off"
                    maxLength={24}
                    value={v.phone}
                    aria-invalid={Boolean(errors['ob-phone']) || undefined}
                    aria-describedby={describedBy('ob-phone', true, errors['ob-phone'])}
                    onInput={(e) => set({ phone: e.currentTarget.value })}
                  />
                </Field>
              </div>
              {/* Under both fields (a hint inside one column would push its input out of line with the other's). */}
              <p class="hint" id="ob-phone-hint">
                {t('report.residentPhoneHint')}
              </p>
            </>
          )}
        </>
      ) : null}
    </fieldset>
  );
}
