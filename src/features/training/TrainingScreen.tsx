/**
 * Digital-literacy training (issue 14), from the town's `training.<townId>` doc (src/domain/training.ts, read through
 * src/app/records.ts, so it works offline):
 *
 *  - a trainer's home (#/training): start a practice, learners to see again (appointments due, skills still open),
 *    the learners, a new learner; each learner (#/training/l/<id>): skills and their level, sessions, the next
 *    appointment, 开始练习 with them, 记下这次辅导 (#/training/l/<id>/session, filled in from the practice's lesson
 *    results), step cards to print, editing (#/training/l/<id>/edit) and stopping;
 *  - the readers (town center, village secretaries, county, admin): literacy figures per village and the learners
 *    (a secretary: their own village's), without the trainer's actions.
 */
import { useMemo, useState } from 'preact/hooks';
import { formatDateTime, formatTime, lang, t } from '../../app/i18n.ts';
import '../../app/locales/training.zh.ts';
import { startPractice, takePracticeResults } from '../../app/practicemode.ts';
import type { RecordResult, RecordsApi } from '../../app/records.ts';
import { navigate, routeHref } from '../../app/router.ts';
import type { OrgView, Session } from '../../app/services.ts';
import type { LessonResult } from '../../domain/lessons.ts';
import {
  AGE_BANDS,
  CONSENT_KINDS,
  literacyByVillage,
  revisits,
  SKILL_LEVELS,
  type AgeBand,
  type Learner,
  type SkillLevel,
  type TrainingState,
} from '../../domain/training.ts';
import { villageLabel } from '../cases/lookup.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { Field, describedBy } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { UnsavedRecords } from '../party/Unsaved.tsx';
import { allLessons } from './lessons.ts';
import { LiteracyTable } from './LiteracyTable.tsx';
import './training.css';

const DAY = 86_400_000;
const words = (x: { zh: string; en: string }) => (lang.value === 'en' ? x.en : x.zh);

/** The shipped lessons' skills, in lesson order, with their titles. */
function skillList(): Array<{ skill: string; title: string; lessonId: string }> {
  const seen = new Set<string>();
  const out: Array<{ skill: string; title: string; lessonId: string }> = [];
  for (const l of allLessons()) {
    if (seen.has(l.skill)) continue;
    seen.add(l.skill);
    out.push({ skill: l.skill, title: words(l.title), lessonId: l.id });
  }
  return out;
}

const villageName = villageLabel;
const levelTone = (level: SkillLevel) => (level === 'alone' ? 'green' : level === 'helped' ? 'amber' : 'grey');

function errorText(r: Extract<RecordResult, { ok: false }>): string {
  return r.error === 'forbidden' ? t('tr.error.forbidden') : t('tr.error.other', { detail: r.detail ?? r.error });
}

export function TrainingScreen({ session, learner, view }: { session: Session; learner?: string | undefined; view?: 'new' | 'edit' | 'session' | undefined }) {
  const records = session.records;
  void records?.version.value;
  const org = session.org.value;
  const state = records?.training() ?? null;
  if (!records || !state) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('tr.title')}</ScreenTitle>
        <Alert tone="info">{t('tr.none')}</Alert>
      </div>
    );
  }
  const mayTrain = records.mayTrain();
  if (view === 'new' && mayTrain) return <LearnerForm session={session} records={records} org={org} />;
  const l = learner ? state.learners.get(learner) : undefined;
  if (learner && !l) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('tr.title')}</ScreenTitle>
        <p class="backlink">
          <a href="#/training">{t('tr.back')}</a>
        </p>
        <Alert tone="info">{t('app.notFound')}</Alert>
      </div>
    );
  }
  if (l && view === 'edit' && mayTrain) return <LearnerForm session={session} records={records} org={org} learner={l} />;
  if (l && view === 'session' && mayTrain) return <SessionForm session={session} records={records} org={org} learner={l} />;
  if (l) return <LearnerView session={session} records={records} org={org} learner={l} mayTrain={mayTrain} />;
  return mayTrain ? <TrainerHome session={session} records={records} state={state} org={org} /> : <ReaderHome session={session} state={state} org={org} />;
}

// ------------------------------------------------------------------ homes

function TrainerHome({ session, records, state, org }: { session: Session; records: RecordsApi; state: TrainingState; org: OrgView | null }) {
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const now = session.now();
  const endOfDay = new Date(now).setHours(24, 0, 0, 0);
  const due = revisits(state, now, endOfDay);
  const skills = skillList();
  const learners = [...state.learners.values()].filter((l) => !l.withdrawn).sort((a, b) => a.name.localeCompare(b.name, 'zh'));
  const key = q.trim();
  const shown = key ? learners.filter((l) => l.name.includes(key) || villageName(org, l.villageId).includes(key)) : learners;
  const tryOut = async () => {
    setBusy(true);
    setFailed(null);
    try {
      await startPractice(session, { id: null, name: t('pr.guest') });
    } catch (e) {
      setFailed(String((e as Error).message));
      setBusy(false);
    }
  };
  return (
    <div class="tr">
      <ScreenTitle suffix={t('app.name')}>{t('tr.title')}</ScreenTitle>
      <UnsavedRecords records={records} />
      <p class="measure tr-lead">{t('tr.lead')}</p>
      <div class="tr-actions">
        <a class="btn btn-primary" href={routeHref({ name: 'training', view: 'new' })}>
          {t('tr.newLearner')}
        </a>
        <button type="button" class="btn" onClick={() => void tryOut()} disabled={busy}>
          {busy ? t('pr.starting') : t('tr.practiceTry')}
        </button>
        <a class="btn btn-quiet" href="#/lessons">
          {t('tr.lessons')}
        </a>
      </div>
      {failed ? <Alert tone="error">{t('pr.failed', { detail: failed })}</Alert> : null}
      <section aria-labelledby="tr-revisit">
        <h2 id="tr-revisit">{t('tr.revisit')}</h2>
        {due.length === 0 ? (
          <p class="muted">{t('tr.revisitNone')}</p>
        ) : (
          <ul class="tr-cards">
            {due.map((r) => (
              <li key={r.learner.id} class="card tr-card">
                <a class="row-link" href={routeHref({ name: 'training', learner: r.learner.id })}>
                  <strong>{r.learner.name}</strong>
                  <span class="muted"> · {villageName(org, r.learner.villageId)}</span>
                </a>
                <p class={r.reason === 'appointment_due' ? 'tr-due' : 'muted'}>
                  {r.reason === 'skills_open' ? t('tr.reason.skills_open', { n: r.openSkills.length }) : t(`tr.reason.${r.reason}`, { time: formatDateTime(r.atMs ?? 0) })}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="tr-learners">
        <h2 id="tr-learners">{t('tr.learners', { n: learners.length })}</h2>
        {learners.length === 0 ? (
          <EmptyState icon="people" text={t('tr.learnersNone')} />
        ) : (
          <>
            <div class="field tr-search">
              <label for="tr-q">{t('tr.search')}</label>
              <input id="tr-q" type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
            </div>
            <ul class="tr-cards">
              {shown.map((l) => (
                <LearnerCard key={l.id} learner={l} org={org} total={skills.length} />
              ))}
            </ul>
          </>
        )}
      </section>
    </div>
  );
}

function LearnerCard({ learner: l, org, total }: { learner: Learner; org: OrgView | null; total: number }) {
  const mastered = [...l.skills.values()].filter((s) => s.level === 'alone').length;
  return (
    <li class="card tr-card">
      <a class="row-link" href={routeHref({ name: 'training', learner: l.id })}>
        <strong>{l.name}</strong>
        <span class="muted">
          {' · '}
          {villageName(org, l.villageId)} · {t(`tr.age.${l.ageBand}`)}
        </span>
      </a>
      <p class="tr-meta">
        <Badge tone={mastered > 0 ? 'green' : 'grey'}>{t('tr.mastered', { n: mastered, total })}</Badge>
        <span class="muted">{l.nextMs !== undefined ? t('tr.next', { time: formatDateTime(l.nextMs) }) : t('tr.noNext')}</span>
      </p>
    </li>
  );
}

function ReaderHome({ session, state, org }: { session: Session; state: TrainingState; org: OrgView | null }) {
  const now = session.now();
  const own = session.user.role === 'secretary' ? session.user.villageId : undefined;
  const figures = literacyByVillage(state, now - 30 * DAY, now + DAY).filter((f) => !own || f.villageId === own);
  const learners = [...state.learners.values()].filter((l) => !l.withdrawn && (!own || l.villageId === own)).sort((a, b) => a.name.localeCompare(b.name, 'zh'));
  const total = skillList().length;
  return (
    <div class="tr">
      <ScreenTitle suffix={t('app.name')}>{t('tr.titleRead')}</ScreenTitle>
      <section aria-labelledby="tr-fig">
        <h2 id="tr-fig">{t('tr.figures')}</h2>
        <LiteracyTable rows={figures.map((f) => ({ ...f, id: f.villageId, name: villageName(org, f.villageId) }))} first={t('tr.col.village')} labelledBy="tr-fig" />
      </section>
      <section aria-labelledby="tr-learners">
        <h2 id="tr-learners">{t('tr.learners', { n: learners.length })}</h2>
        {learners.length === 0 ? (
          <p class="muted">{t('tr.learnersNone')}</p>
        ) : (
          <ul class="tr-cards">
            {learners.map((l) => (
              <LearnerCard key={l.id} learner={l} org={org} total={total} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

// ------------------------------------------------------------------ a learner

function LearnerView({ session, records, org, learner: l, mayTrain }: { session: Session; records: RecordsApi; org: OrgView | null; learner: Learner; mayTrain: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [msg, setMsg] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [next, setNext] = useState(l.nextMs !== undefined ? toLocalInput(l.nextMs) : '');
  const skills = skillList();
  const known = new Set(skills.map((s) => s.skill));
  const extra = [...l.skills.keys()].filter((k) => !known.has(k)).map((k) => ({ skill: k, title: k, lessonId: '' }));
  const userName = (id: string) => org?.user(id)?.name ?? t('tr.someone');
  const act = (r: RecordResult, ok: string) => setMsg(r.ok ? { tone: 'success', text: ok } : { tone: 'error', text: errorText(r) });
  const practise = async () => {
    setBusy(true);
    try {
      await startPractice(session, { id: l.id, name: l.name });
    } catch (e) {
      setMsg({ tone: 'error', text: t('pr.failed', { detail: String((e as Error).message) }) });
      setBusy(false);
    }
  };
  return (
    <div class="tr">
      <p class="backlink">
        <a href="#/training">{t('tr.back')}</a>
      </p>
      <ScreenTitle suffix={t('app.name')}>{l.name}</ScreenTitle>
      <p class="muted">
        {villageName(org, l.villageId)} · {t(`tr.age.${l.ageBand}`)} · {t(`tr.consent.${l.consent}`)}
        {l.phone ? ` · ${l.phone}` : ''}
        {l.withdrawn ? ` · ${t('tr.withdrawn')}` : ''}
      </p>
      {l.note ? <p class="measure">{l.note}</p> : null}
      <div role="status">{msg ? <Alert tone={msg.tone}>{msg.text}</Alert> : null}</div>
      {mayTrain && !l.withdrawn ? (
        <div class="tr-actions">
          <button type="button" class="btn btn-primary" onClick={() => void practise()} disabled={busy}>
            {busy ? t('pr.starting') : t('tr.practice')}
          </button>
          <a class="btn" href={routeHref({ name: 'training', learner: l.id, view: 'session' })}>
            {t('tr.record')}
          </a>
          <a class="btn btn-quiet" href={routeHref({ name: 'training', learner: l.id, view: 'edit' })}>
            {t('tr.edit')}
          </a>
        </div>
      ) : null}
      <section aria-labelledby="tr-skills">
        <h2 id="tr-skills">{t('tr.skills')}</h2>
        <ul class="tr-skills">
          {[...skills, ...extra].map((s) => {
            const r = l.skills.get(s.skill);
            return (
              <li key={s.skill} class="tr-skill">
                <span class="tr-skill-name">{s.title}</span>
                {r ? <Badge tone={levelTone(r.level)}>{t(`tr.level.${r.level}`)}</Badge> : <Badge tone="grey">{t('tr.skillNever')}</Badge>}
                {s.lessonId ? (
                  <a class="cell-link" href={routeHref({ name: 'lessonCards', id: s.lessonId })}>
                    {t('tr.cards')}
                    <span class="visually-hidden">{`：${s.title}`}</span>
                  </a>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>
      {mayTrain && !l.withdrawn ? (
        <section aria-labelledby="tr-next">
          <h2 id="tr-next">{t('tr.appointment')}</h2>
          <form
            class="tr-inline measure"
            onSubmit={(e) => {
              e.preventDefault();
              const ms = fromLocalInput(next);
              act(records.trainingAct('appointment_set', { learnerId: l.id, ...(ms !== null ? { atMs: ms } : {}) }), t('tr.saved'));
            }}
          >
            <Field id="tr-next-at" label={t('tr.appointment')}>
              <input id="tr-next-at" type="datetime-local" value={next} onInput={(e) => setNext((e.target as HTMLInputElement).value)} />
            </Field>
            <button type="submit" class="btn">
              {next ? t('tr.setAppointment') : t('tr.clearAppointment')}
            </button>
          </form>
        </section>
      ) : null}
      <section aria-labelledby="tr-sessions">
        <h2 id="tr-sessions">{t('tr.sessions')}</h2>
        {l.sessions.length === 0 ? (
          <p class="muted">{t('tr.sessionsNone')}</p>
        ) : (
          <ol class="tr-history">
            {[...l.sessions].reverse().map((s) => (
              <li key={s.id} class="card">
                <p>
                  <strong>{t('tr.sessionLine', { time: formatTime(s.startedMs), minutes: s.minutes })}</strong>
                  <span class="muted"> · {t('tr.sessionBy', { name: userName(s.trainerId) })}</span>
                </p>
                <p class="tr-meta">
                  {s.skills.map((r) => (
                    <Badge key={r.skill} tone={levelTone(r.level)}>{`${skills.find((x) => x.skill === r.skill)?.title ?? r.skill}：${t(`tr.level.${r.level}`)}`}</Badge>
                  ))}
                </p>
                {s.partyVisit ? <p class="muted">{t('tr.sessionParty', { name: userName(s.partyVisit.memberId) })}</p> : null}
                {s.practice ? <p class="muted">{t('tr.sessionPractice')}</p> : null}
                {s.note ? <p>{s.note}</p> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
      {mayTrain && !l.withdrawn ? (
        <section class="tr-danger">
          {confirming ? (
            <Alert tone="warning">
              <p>{t('tr.withdrawConfirm', { name: l.name })}</p>
              <div class="tr-actions">
                <button
                  type="button"
                  class="btn btn-danger"
                  onClick={() => {
                    const r = records.trainingAct('learner_withdrawn', { learnerId: l.id });
                    if (r.ok) navigate('#/training');
                    else act(r, '');
                  }}
                >
                  {t('tr.withdrawYes')}
                </button>
                <button type="button" class="btn" onClick={() => setConfirming(false)}>
                  {t('tr.cancel')}
                </button>
              </div>
            </Alert>
          ) : (
            <button type="button" class="btn btn-quiet" onClick={() => setConfirming(true)}>
              {t('tr.withdraw')}
            </button>
          )}
        </section>
      ) : null}
    </div>
  );
}

// ------------------------------------------------------------------ forms

function LearnerForm({ session, records, org, learner }: { session: Session; records: RecordsApi; org: OrgView | null; learner?: Learner }) {
  const villages = (org?.data.villages ?? []).filter((v) => v.townId === session.user.townId);
  const [name, setName] = useState(learner?.name ?? '');
  const [villageId, setVillageId] = useState(learner?.villageId ?? villages[0]?.id ?? '');
  const [ageBand, setAgeBand] = useState<AgeBand>(learner?.ageBand ?? '70s');
  const [phone, setPhone] = useState(learner?.phone ?? '');
  const [consent, setConsent] = useState<string>(learner?.consent ?? '');
  const [note, setNote] = useState(learner?.note ?? '');
  const [errors, setErrors] = useState<{ name?: string; consent?: string; form?: string }>({});
  const submit = (e: Event) => {
    e.preventDefault();
    const next: typeof errors = {};
    if (!name.trim()) next.name = t('tr.nameRequired');
    if (!(CONSENT_KINDS as readonly string[]).includes(consent)) next.consent = t('tr.consentRequired');
    setErrors(next);
    if (next.name || next.consent) return;
    const learnerId = learner?.id ?? `L${session.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
    const r = records.trainingAct('learner_saved', {
      learnerId,
      name: name.trim(),
      villageId,
      ageBand,
      consent: consent as (typeof CONSENT_KINDS)[number],
      ...(phone.trim() ? { phone: phone.trim() } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
    if (r.ok) navigate(routeHref({ name: 'training', learner: learnerId }), { replace: true });
    else setErrors({ form: errorText(r) });
  };
  return (
    <div class="tr">
      <p class="backlink">
        <a href={learner ? routeHref({ name: 'training', learner: learner.id }) : '#/training'}>{learner ? learner.name : t('tr.back')}</a>
      </p>
      <ScreenTitle suffix={t('app.name')}>{learner ? t('tr.edit') : t('tr.newLearner')}</ScreenTitle>
      <form class="measure tr-form" onSubmit={submit} noValidate>
        <div role="alert">{errors.form ? <Alert tone="error">{errors.form}</Alert> : null}</div>
        <Field id="tr-name" label={t('tr.name')} error={errors.name}>
          <input id="tr-name" value={name} maxLength={40} autoComplete="off" aria-invalid={errors.name ? true : undefined} aria-describedby={describedBy('tr-name', undefined, errors.name)} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="tr-village" label={t('tr.village')}>
          <select id="tr-village" value={villageId} onChange={(e) => setVillageId((e.target as HTMLSelectElement).value)}>
            {villages.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </Field>
        <fieldset class="choices">
          <legend>{t('tr.ageBand')}</legend>
          {AGE_BANDS.map((a) => (
            <label key={a} class="choice">
              <input type="radio" name="tr-age" value={a} checked={ageBand === a} onChange={() => setAgeBand(a)} />
              {t(`tr.age.${a}`)}
            </label>
          ))}
        </fieldset>
        <Field id="tr-phone" label={t('tr.phone')}>
          <input id="tr-phone" type="tel" inputMode="tel" value={phone} maxLength={20} onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="tr-note" label={t('tr.note')} hint={t('tr.noteHint')}>
          <textarea id="tr-note" rows={2} maxLength={500} value={note} aria-describedby={describedBy('tr-note', true)} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </Field>
        <fieldset class="choices" aria-describedby={describedBy('tr-consent', true, errors.consent)} aria-invalid={errors.consent ? true : undefined}>
          <legend>{t('tr.consent')}</legend>
          <p class="hint" id="tr-consent-hint">
            {t('tr.consentHint')}
          </p>
          {CONSENT_KINDS.map((c) => (
            <label key={c} class="choice">
              <input type="radio" name="tr-consent" value={c} checked={consent === c} onChange={() => setConsent(c)} />
              {t(`tr.consent.${c}`)}
            </label>
          ))}
          {errors.consent ? (
            <p class="field-error" id="tr-consent-error">
              {errors.consent}
            </p>
          ) : null}
        </fieldset>
        <button type="submit" class="btn btn-primary">
          {t('tr.save')}
        </button>
      </form>
    </div>
  );
}

interface SkillDraft {
  practised: boolean;
  level: SkillLevel;
  attempts: number;
  mistakes: number;
}

/** A level suggested from a lesson's results: no mistakes and no replays -> alone; else with help. */
function suggestLevel(rs: readonly LessonResult[]): SkillLevel {
  return rs.some((r) => r.mistakes === 0 && r.replays === 0) ? 'alone' : 'helped';
}

function SessionForm({ session, records, org, learner: l }: { session: Session; records: RecordsApi; org: OrgView | null; learner: Learner }) {
  const skills = skillList();
  const practice = useMemo(() => takePracticeResults(l.id), [l.id]);
  const [drafts, setDrafts] = useState<Record<string, SkillDraft>>(() => {
    const out: Record<string, SkillDraft> = {};
    for (const s of skills) {
      const rs = practice?.results.filter((r) => r.skill === s.skill) ?? [];
      out[s.skill] = rs.length
        ? { practised: true, level: suggestLevel(rs), attempts: rs.length, mistakes: rs.reduce((n, r) => n + r.mistakes, 0) }
        : { practised: false, level: l.skills.get(s.skill)?.level ?? 'helped', attempts: 1, mistakes: 0 };
    }
    return out;
  });
  const [minutes, setMinutes] = useState(String(practice ? Math.max(5, Math.round((practice.endedMs - practice.startedMs) / 60_000)) : 30));
  const [note, setNote] = useState('');
  const [next, setNext] = useState('');
  const members = (org?.data.users ?? []).filter((u) => u.role === 'member' && u.townId === session.user.townId && (!u.villageId || u.villageId === l.villageId));
  const [member, setMember] = useState('');
  const [error, setError] = useState<string | null>(null);
  const set = (skill: string, patch: Partial<SkillDraft>) => setDrafts((d) => ({ ...d, [skill]: { ...d[skill]!, ...patch } }));
  const submit = (e: Event) => {
    e.preventDefault();
    const done = skills.filter((s) => drafts[s.skill]?.practised);
    if (done.length === 0) return setError(t('tr.session.nothing'));
    const nextMs = fromLocalInput(next);
    const r = records.trainingAct('session_recorded', {
      learnerId: l.id,
      startedMs: practice?.startedMs ?? session.now(),
      minutes: Math.min(480, Math.max(1, Math.round(Number(minutes) || 30))),
      skills: done.map((s) => ({ skill: s.skill, level: drafts[s.skill]!.level, attempts: Math.min(99, drafts[s.skill]!.attempts), mistakes: Math.min(999, drafts[s.skill]!.mistakes) })),
      ...(note.trim() ? { note: note.trim() } : {}),
      ...(nextMs !== null ? { nextMs } : {}),
      ...(member ? { partyVisit: { memberId: member } } : {}),
      ...(practice && practice.results.length > 0 ? { practice: true } : {}),
    });
    if (r.ok) navigate(routeHref({ name: 'training', learner: l.id }), { replace: true });
    else setError(errorText(r));
  };
  return (
    <div class="tr">
      <p class="backlink">
        <a href={routeHref({ name: 'training', learner: l.id })}>{l.name}</a>
      </p>
      <ScreenTitle suffix={t('app.name')}>{t('tr.session.title', { name: l.name })}</ScreenTitle>
      {practice && practice.results.length > 0 ? <Alert tone="info">{t('tr.session.fromPractice', { n: practice.results.length })}</Alert> : null}
      <form class="measure tr-form" onSubmit={submit} noValidate>
        <div role="alert">{error ? <Alert tone="error">{error}</Alert> : null}</div>
        {skills.map((s) => {
          const d = drafts[s.skill]!;
          const id = `tr-s-${s.skill}`;
          return (
            <fieldset key={s.skill} class="choices tr-skillset">
              <legend>{s.title}</legend>
              <label class="choice">
                <input type="radio" name={id} checked={!d.practised} onChange={() => set(s.skill, { practised: false })} />
                {t('tr.session.notPractised')}
              </label>
              {SKILL_LEVELS.map((lv) => (
                <label key={lv} class="choice">
                  <input type="radio" name={id} checked={d.practised && d.level === lv} onChange={() => set(s.skill, { practised: true, level: lv })} />
                  {t(`tr.level.${lv}`)}
                </label>
              ))}
              {d.practised && (d.attempts > 1 || d.mistakes > 0) ? <p class="hint">{t('tr.session.mistakes', { attempts: d.attempts, mistakes: d.mistakes })}</p> : null}
            </fieldset>
          );
        })}
        <Field id="tr-min" label={t('tr.session.minutes')}>
          <input id="tr-min" type="number" inputMode="numeric" min={1} max={480} value={minutes} onInput={(e) => setMinutes((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="tr-snote" label={t('tr.session.note')}>
          <textarea id="tr-snote" rows={3} maxLength={2000} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </Field>
        <Field id="tr-snext" label={t('tr.session.next')}>
          <input id="tr-snext" type="datetime-local" value={next} onInput={(e) => setNext((e.target as HTMLInputElement).value)} />
        </Field>
        {members.length > 0 ? (
          <Field id="tr-member" label={t('tr.session.party')}>
            <select id="tr-member" value={member} onChange={(e) => setMember((e.target as HTMLSelectElement).value)}>
              <option value="">{t('tr.session.partyNone')}</option>
              {members.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <button type="submit" class="btn btn-primary">
          {t('tr.save')}
        </button>
      </form>
    </div>
  );
}

/** `<input type=datetime-local>` value <-> ms, in the device's time zone; empty or invalid -> null. */
function fromLocalInput(v: string): number | null {
  if (!v) return null;
  const ms = new Date(v).getTime();
  return Number.isFinite(ms) ? ms : null;
}
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
