/**
 * A care visit to one household (#/care/<gridId>/<householdId>, issue 17): who they are and how they stand (level,
 * due or overdue, last visit), the form to record what the visit found (how, condition, needs, a note; offline: it
 * is appended to the care doc on the device and syncs later), and the household's visits, each of which may raise
 * a case (the existing report, prefilled with the visit and the household's place, then linked to the visit).
 * The grid's worker records; the village secretary and town center read the same screen without the form.
 */
import { useState } from 'preact/hooks';
import { formatDateTime, formatNumber, localName, t } from '../../app/i18n.ts';
import '../../app/locales/care.zh.ts';
import '../../app/locales/party.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { OrgView, Session } from '../../app/services.ts';
import { CARE_NEEDS, careStatus, careTagName, CONDITIONS, cstDay, type CareNeed, type CareVisit as Visit, type Condition } from '../../domain/care.ts';
import { needOfVisit, pendingCareNeeds } from '../../domain/careneeds.ts';
import { careKey } from '../../domain/party.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Field } from '../../ui/Field.tsx';
import { Icon } from '../../ui/icons.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { dueLabel, lastLabel } from './CareTasks.tsx';
import './care.css';

type Msg = { tone: 'success' | 'error'; text: string } | null;

export function CareVisit({ session, gridId, householdId }: { session: Session; gridId: string; householdId: string }) {
  const records = session.records;
  void records?.version.value;
  const org = session.org.value;
  const now = session.now();
  const [msg, setMsg] = useState<Msg>(null);
  const back = (
    <p class="backlink">
      <a href={routeHref({ name: 'tasks', tab: 'care' })}>
        <Icon name="back" />
        {t('care.back')}
      </a>
    </p>
  );
  const index = records?.careIndex(gridId) ?? null;
  const entry = index?.entries.find((e) => e.householdId === householdId);
  const people = records?.people(gridId);
  const household = people?.households.get(householdId);
  if (!records || !index || !household) {
    return (
      <div class="care-visit">
        <ScreenTitle suffix={t('app.name')}>{t('care.visitTitle')}</ScreenTitle>
        {back}
        <p role="status">{records && index ? t('care.notFound') : t('care.loading')}</p>
      </div>
    );
  }
  const mayWrite = session.user.role === 'worker' && session.user.gridId === gridId && records.careGrids().includes(gridId);
  const status = entry ? careStatus(entry, now) : null;
  const today = cstDay(now);
  const visits = (records.care(gridId)?.visits ?? []).filter((v) => v.householdId === householdId).reverse();
  const residents = [...(people?.residents.values() ?? [])].filter((r) => r.householdId === householdId);
  return (
    <div class="care-visit">
      <ScreenTitle suffix={t('app.name')} title={`${t('care.visitTitle')} · ${household.head}`}>
        {household.head}
        <span class="title-sub">{household.address}</span>
      </ScreenTitle>
      {back}
      {entry && status ? (
        <p class="care-summary" id="care-status">
          <Badge tone={status === 'overdue' ? 'red' : status === 'due' ? 'amber' : 'green'}>
            {status === 'ok' ? t('care.onTime') : dueLabel({ status, days: status === 'overdue' ? today - entry.dueDay : entry.dueDay - today })}
          </Badge>
          <span>{t('care.level', { name: entry.level.name, days: formatNumber(entry.level.days) })}</span>
          {entry.tags.length ? <span>{entry.tags.map((x) => careTagName(index.settings, x)).join('、')}</span> : null}
          <span class="care-meta">{lastLabel(entry, now)}</span>
        </p>
      ) : null}
      <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
      {mayWrite ? (
        <VisitForm
          residents={residents.map((r) => ({ id: r.id, name: r.name }))}
          onSave={(data) => {
            const r = records.careAct(gridId, 'visit_recorded', { householdId, ...data });
            setMsg(r.ok ? { tone: 'success', text: t('care.saved') } : { tone: 'error', text: `${t('party.failed')} (${r.error})` });
            return r.ok;
          }}
        />
      ) : null}
      <section aria-labelledby="care-hist-h" class="card">
        <h2 id="care-hist-h">{t('care.history', { n: formatNumber(visits.length) })}</h2>
        {visits.length === 0 ? <p class="hint">{t('care.historyNone')}</p> : null}
        <ul class="care-history">
          {visits.map((v) => (
            <li key={v.id}>
              <VisitItem visit={v} mayWrite={mayWrite && v.workerId === session.user.id} session={session} org={org} gridId={gridId} household={household} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

interface VisitInput {
  mode: 'home' | 'phone';
  condition: Condition;
  needs: CareNeed[];
  note?: string;
  residentId?: string;
}

function VisitForm({ residents, onSave }: { residents: Array<{ id: string; name: string }>; onSave: (d: VisitInput) => boolean }) {
  const [mode, setMode] = useState<'home' | 'phone'>('home');
  const [condition, setCondition] = useState<Condition>('well');
  const [needs, setNeeds] = useState<CareNeed[]>([]);
  const [note, setNote] = useState('');
  const [resident, setResident] = useState('');
  return (
    <form
      class="card"
      aria-labelledby="care-form-h"
      onSubmit={(e) => {
        e.preventDefault();
        const ok = onSave({ mode, condition, needs, ...(note.trim() ? { note: note.trim() } : {}), ...(resident ? { residentId: resident } : {}) });
        if (ok) {
          setNeeds([]);
          setNote('');
        }
      }}
    >
      <h2 id="care-form-h">{t('care.visitTitle')}</h2>
      <fieldset class="choice-row">
        <legend>{t('care.mode')}</legend>
        {(['home', 'phone'] as const).map((m) => (
          <label key={m} class="choice">
            <input type="radio" name="care-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            {t(`care.mode.${m}`)}
          </label>
        ))}
      </fieldset>
      <fieldset class="choice-row">
        <legend>{t('care.condition')}</legend>
        {CONDITIONS.map((c) => (
          <label key={c} class="choice">
            <input type="radio" name="care-condition" value={c} checked={condition === c} onChange={() => setCondition(c)} />
            {t(`care.condition.${c}`)}
          </label>
        ))}
      </fieldset>
      <fieldset class="choice-row">
        <legend>{t('care.needs')}</legend>
        {CARE_NEEDS.map((n) => (
          <label key={n} class="choice">
            <input type="checkbox" value={n} checked={needs.includes(n)} onChange={(e) => setNeeds(e.currentTarget.checked ? [...needs, n] : needs.filter((x) => x !== n))} />
            {t(`care.need.${n}`)}
          </label>
        ))}
      </fieldset>
      {needs.length ? <p class="hint">{t('care.needHint')}</p> : null}
      {residents.length > 1 ? (
        <Field id="care-resident" label={t('care.resident')}>
          <select id="care-resident" value={resident} onChange={(e) => setResident(e.currentTarget.value)}>
            <option value="">{t('care.residentAll')}</option>
            {residents.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <Field id="care-note" label={t('care.note')}>
        <textarea id="care-note" rows={3} maxLength={2000} placeholder={t('care.notePlaceholder')} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="btn btn-primary">
        {t('care.save')}
      </button>
    </form>
  );
}

function VisitItem({ visit: v, mayWrite, session, org, gridId, household }: { visit: Visit; mayWrite: boolean; session: Session; org: OrgView | null; gridId: string; household: { address: string; location?: { lat: number; lng: number } } }) {
  return (
    <>
      <p class="care-summary">
        <strong>{formatDateTime(v.ms)}</strong>
        <span>{t(`care.mode.${v.mode}`)}</span>
        <Badge tone={v.condition === 'urgent' ? 'red' : v.condition === 'attention' ? 'amber' : 'green'}>{t(`care.condition.${v.condition}`)}</Badge>
        {v.needs.map((n) => (
          <Badge key={n} tone="blue">
            {t(`care.need.${n}`)}
          </Badge>
        ))}
      </p>
      {v.note ? <p>{v.note}</p> : null}
      {v.withdrawn ? <p class="hint">{t('care.withdrawn', { reason: v.withdrawn.reason })}</p> : null}
      {v.needs.length && !v.withdrawn ? <NeedState session={session} gridId={gridId} visitId={v.id} /> : null}
      {v.caseId ? (
        <p>
          <a href={routeHref({ name: 'case', id: v.caseId })}>{t('care.caseLinked')}</a>
        </p>
      ) : mayWrite && org && !v.withdrawn ? (
        <RaiseCase session={session} org={org} gridId={gridId} visit={v} household={household} />
      ) : null}
    </>
  );
}

/**
 * Issue 17: what became of the needs a visit found: published as a party need (and its state), or waiting for the
 * village (src/domain/careneeds.ts decides; an older visit of the household, say, waits for nothing: no line).
 */
function NeedState({ session, gridId, visitId }: { session: Session; gridId: string; visitId: string }) {
  const records = session.records;
  const party = records?.party() ?? null;
  const need = needOfVisit(party, gridId, visitId);
  if (need) return <p class="hint">{t('care.needPublished', { title: need.title, status: t(`party.status.${need.status}`) })}</p>;
  const declined = party?.careDeclined.get(careKey({ gridId, visitId }));
  if (declined) return <p class="hint">{t('care.needDeclined', { reason: declined.reason })}</p>;
  const care = records?.care(gridId);
  const grid = session.org.value?.grid(gridId);
  const waits = care && grid && pendingCareNeeds([{ gridId, villageId: grid.villageId, townId: grid.townId, care }], party, session.now()).some((p) => p.visitId === visitId);
  return waits ? <p class="hint">{t('care.needWaiting')}</p> : null;
}

function RaiseCase({ session, org, gridId, visit, household }: { session: Session; org: OrgView; gridId: string; visit: Visit; household: { address: string; location?: { lat: number; lng: number } } }) {
  const [open, setOpen] = useState(false);
  const [category, setCategory] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Msg>(null);
  const grid = org.grid(gridId);
  const location = household.location ?? (grid ? { lng: grid.center[0], lat: grid.center[1] } : null);
  const fid = `rc-${visit.id}`;
  if (!open) {
    return (
      <button type="button" class="btn" onClick={() => setOpen(true)}>
        {t('care.raiseCase')}
      </button>
    );
  }
  const majors = [...org.data.categories].filter((m) => !m.retired).sort((a, b) => a.code.localeCompare(b.code));
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!location || !category) return;
        setBusy(true);
        const found = [visit.note, ...visit.needs.map((n) => t(`care.need.${n}`))].filter(Boolean).join('；');
        void session.records!.careReport(gridId, visit.id, { category, description: `${found || t(`care.condition.${visit.condition}`)}（${household.address}，${t('care.title')}）`, location, gridId, address: household.address }).then((d) => {
          setBusy(false);
          setMsg(d.ok ? { tone: 'success', text: t('care.caseReported') } : { tone: 'error', text: `${t('party.failed')} (${d.error})` });
        });
      }}
    >
      <p class="hint">{t('care.raiseHint')}</p>
      <Field id={fid} label={t('care.caseCategory')}>
        <select id={fid} required value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          <option value="">{t('care.chooseCategory')}</option>
          {majors.map((m) => (
            <optgroup key={m.code} label={localName(m)}>
              {org.data.subcategories
                .filter((s) => s.major === m.code && !s.retired)
                .map((s) => (
                  <option key={s.code} value={s.code}>
                    {localName(s)}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </Field>
      <button type="submit" class="btn btn-primary" disabled={busy || !location}>
        {t('care.raiseCase')}
      </button>
      <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
    </form>
  );
}
