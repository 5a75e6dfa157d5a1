/**
 * One case: its facts, its history (every event, with the superseded ones marked and why), and the actions
 * allowedActions() gives this user now. The actions go through session.act(); errors are shown by code.
 */
import '../../app/locales/events.zh.ts';
import '../../app/locales/errors.zh.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { actionName, eventName, formatDateTime, priorityName, roleName, statusName, t } from '../../app/i18n.ts';
import '../../app/locales/detail.zh.ts';
import '../../app/locales/wf.zh.ts';
import type { OrgView, Session } from '../../app/services.ts';
import type { EventType } from '../../domain/events.ts';
import { hlcMs } from '../../domain/hlc.ts';
import type { Unit } from '../../domain/org.ts';
import { allowedActions, FINAL_STATUSES, mayAct, roleMayEver, UNIT_STATUSES, type CaseState, type TimelineEntry } from '../../domain/workflow.ts';
import { mayOpen } from '../../domain/mediation.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { CaseFromPatrol } from '../patrols/CaseFromPatrol.tsx';
import { ActionFormView, extensionText, FOLDED_ACTIONS, orderActions, useActionForm, WorkflowActionForm, type MergeCandidate, type Run } from '../workflow/ActionForms.tsx';
import { Checklist, findMergeCandidates, PlanPreview, planOf, refusedText, supersededText, SupersededNotice, supervisionLevel, workflowDetail } from '../workflow/CaseParts.tsx';
import { DeadlineFacts } from '../workflow/Deadline.tsx';
import { ReporterContact } from '../workflow/ReporterContact.tsx';
import { RatingFacts, ReportedForFacts } from '../workflow/CitizenFacts.tsx';
import './detail.css';
import { useNow } from '../workflow/now.ts';
import { AssistConfirmForm, AssistRecordForm, AssistReleaseForm, HelperFacts, HelperPicker, helperCandidates } from '../workflow/Cohandle.tsx';
import { categoryLabel, gridLabel, statusTone, unitLabel } from './lookup.ts';
import { CaseMap } from '../map/CaseMap.tsx';
import { CaseEvidence } from '../evidence/BeforeAfter.tsx';
import { EvidenceSession } from '../evidence/useBlob.ts';

export function CaseDetail({ session, id }: { session: Session; id: string }) {
  const version = session.casesVersion.value;
  const org = session.org.value;
  const [c, setC] = useState<CaseState | null | undefined>(undefined);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const actionsHeading = useRef<HTMLHeadingElement>(null);
  const now = useNow(() => session.now());
  const [mergeCandidates, setMergeCandidates] = useState<MergeCandidate[] | undefined>(undefined);

  const load = () =>
    session.getCase(id).then(
      (s) => setC(s),
      () => setC(null),
    );
  useEffect(() => {
    void load();
  }, [id, version]);

  // Who may merge this case gets the possible duplicates (same category, 250 m, 7 days) to merge it into.
  const mayMerge = Boolean(c && org && mayAct(c, session.user, 'merged', org));
  useEffect(() => {
    if (!c || !mayMerge) return;
    let live = true;
    void findMergeCandidates(session, c).then((m) => live && setMergeCandidates(m));
    return () => {
      live = false;
    };
  }, [c?.id, mayMerge, version]);

  const run: Run = async (command, opts) => {
    setResult(null);
    try {
      const d = await session.act(id, command);
      if (!d.ok) {
        setResult({ ok: false, text: refusedText(d) });
        return false;
      }
      setC(d.state);
      setResult({ ok: true, text: t('detail.done') });
      void load();
      if (!opts?.keepFocus) actionsHeading.current?.focus();
      return true;
    } catch {
      setResult({ ok: false, text: t('detail.failed', { error: t('error.unexpected') }) });
      return false;
    }
  };

  if (c === undefined) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('detail.title')}</ScreenTitle>
        <p role="status">{t('detail.loading')}</p>
      </div>
    );
  }
  if (c === null) {
    return (
      <div class="detail-missing">
        <ScreenTitle suffix={t('app.name')}>{t('detail.title')}</ScreenTitle>
        <p>{t('detail.notFound')}</p>
        <p>
          <a href="#/cases">{t('app.backToList')}</a>
        </p>
      </div>
    );
  }

  const actions = org ? orderActions(allowedActions(c, session.user, org)) : [];
  const held = UNIT_STATUSES.includes(c.status);

  return (
    <div class="detail">
      <p class="backlink">
        <a href="#/cases">{t('app.backToList')}</a>
      </p>
      <ScreenTitle suffix={t('app.name')} title={`${t('detail.title')} · ${categoryLabel(org, c.category)}`}>
        <Badge tone={statusTone(c.status)}>{statusName(c.status)}</Badge> <span>{categoryLabel(org, c.category)}</span>
      </ScreenTitle>
      <SupersededNotice state={c} user={session.user} org={org} />
      {/* The photo is the report (随手拍): the evidence comes first, then the facts. */}
      <CaseEvidence session={session} state={c} verifyBelow={actions.includes('verified')} />
      <section class="card" aria-label={t('detail.title')}>
        <dl class="facts">
          <dt>{t('detail.description')}</dt>
          <dd class="prewrap">{c.description}</dd>
          <dt>{t('detail.category')}</dt>
          <dd>
            <span class="code">{c.category}</span> {categoryLabel(org, c.category)}
          </dd>
          <dt>{t('detail.grid')}</dt>
          <dd>{gridLabel(org, c.gridId)}</dd>
          {c.address ? (
            <>
              <dt>{t('detail.address')}</dt>
              <dd>{c.address}</dd>
            </>
          ) : null}
          <dt>{t('detail.location')}</dt>
          <dd class="location-fact">
            <span>{t('detail.coords', { lat: c.location.lat.toFixed(5), lng: c.location.lng.toFixed(5) })}</span>
            <CaseMap session={session} gridId={c.gridId} location={c.location} address={c.address} quiet />
          </dd>
          <dt>{t('detail.reporter')}</dt>
          <dd>
            <ReporterContact org={org} reporterId={c.reporter} viewer={session.user} />
          </dd>
          <ReportedForFacts c={c} viewer={session.user} />
          <CaseFromPatrol session={session} caseId={c.id} gridId={c.gridId} />
          <dt>{t('detail.reported')}</dt>
          <dd>
            <time dateTime={new Date(c.reportedMs).toISOString()}>{formatDateTime(c.reportedMs)}</time>
          </dd>
          {c.unitId ? (
            <>
              <dt>{c.helpers?.length ? t('co.lead') : t('detail.unit')}</dt>
              <dd>{unitLabel(org, c.unitId)}</dd>
            </>
          ) : null}
          <HelperFacts c={c} org={org} />
          <DeadlineFacts c={c} now={now} />
          {c.extension ? (
            <>
              <dt>{t('wf.extension')}</dt>
              <dd>
                {extensionText(c, org)} <Badge tone={c.extension.status === 'pending' ? 'amber' : c.extension.status === 'approved' ? 'green' : 'grey'}>{t(`wf.ext.${c.extension.status}`)}</Badge>
              </dd>
            </>
          ) : null}
          {c.supervisions.length ? (
            <>
              <dt>{t('wf.supervisions')}</dt>
              <dd>{t('wf.supervisionCount', { n: c.supervisions.length })}</dd>
            </>
          ) : null}
          {c.returned ? (
            <>
              <dt>{t('wf.returnedBy')}</dt>
              <dd class="prewrap">{t('wf.returnedText', { unit: unitLabel(org, c.returned.unitId), time: formatDateTime(c.returned.ms), reason: c.returned.reason })}</dd>
            </>
          ) : null}
          {c.lastFailure && c.status === 'verification_failed' ? (
            <>
              <dt>{t('wf.failReason')}</dt>
              <dd class="prewrap">{c.lastFailure.reason}</dd>
            </>
          ) : null}
          {c.withdrawReason ? (
            <>
              <dt>{t('wf.withdrawReason')}</dt>
              <dd class="prewrap">{c.withdrawReason}</dd>
            </>
          ) : null}
          {c.mergedInto ? (
            <>
              <dt>{t('wf.mergedIntoLabel')}</dt>
              <dd>
                <a href={`#/cases/${c.mergedInto}`}>{t('wf.openMerged')}</a>
              </dd>
            </>
          ) : null}
          <RatingFacts c={c} org={org} />
          {c.rejectReason ? (
            <>
              <dt>{t('detail.rejectReason')}</dt>
              <dd class="prewrap">{c.rejectReason}</dd>
            </>
          ) : null}
          {c.resolution ? (
            <>
              <dt>{t('detail.resolution')}</dt>
              <dd class="prewrap">{c.resolution}</dd>
            </>
          ) : null}
        </dl>
      </section>

      {/* While a unit holds the case, the plan's steps come before the forms: it works through them (联系上报人
          first), then resolves. Afterwards they are a record, after the actions. */}
      {org && held ? <Checklist state={c} org={org} user={session.user} run={run} /> : null}

      <section class="card" aria-labelledby="actions-title">
        <h2 id="actions-title" ref={actionsHeading} tabIndex={-1}>
          {t('detail.actions')}
        </h2>
        <Alert tone={result && !result.ok ? 'error' : 'success'}>{result?.text ?? ''}</Alert>
        {actions.length === 0 ? <p class="hint">{t('detail.noActions')}</p> : null}
        {org ? (
          <ActionList actions={actions} fold state={c} org={org} run={run} mergeCandidates={mergeCandidates} closeAfterVerify={roleMayEver(session.user.role, 'closed')} session={session} />
        ) : null}
        {/* Issue 17: a dispute is mediated from the case (开始调解); an agreement may then close it by this workflow. */}
        {org && !FINAL_STATUSES.includes(c.status) && mayOpen(session.user, org.grid(c.gridId)) ? (
          <p>
            <a class="btn" href={`#/mediation/new?case=${encodeURIComponent(c.id)}`}>
              {t('detail.mediate')}
            </a>
          </p>
        ) : null}
      </section>

      {org && !held ? <Checklist state={c} org={org} user={session.user} run={run} /> : null}

      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('detail.timeline')}</h2>
        <ol class="timeline">
          {c.timeline.map((entry) => (
            <TimelineItem key={entry.event.id} entry={entry} org={org} category={c.category} state={c} />
          ))}
        </ol>
      </section>
    </div>
  );
}

function TimelineItem({ entry, org, category, state }: { entry: TimelineEntry; org: OrgView | null; category: string; state: CaseState }) {
  const e = entry.event;
  const actor = org?.user(e.actor);
  const ms = hlcMs(e.at);
  let detail: string | null;
  switch (e.type) {
    case 'rejected':
      detail = e.data.reason;
      break;
    case 'resolved':
      detail = e.data.note;
      break;
    case 'dispatched': {
      const plan = planOf({ planId: e.data.planId, category }, org);
      const parts = [unitLabel(org, e.data.unitId)];
      if (plan) parts.push(plan.name);
      // issue 17: the helping units (协办) the dispatch named
      if (e.data.helperUnitIds?.length) parts.push(`${t('co.helpers')}：${e.data.helperUnitIds.map((u) => unitLabel(org, u)).join('、')}`);
      if (e.data.dueHours) parts.push(t('detail.dueAt', { hours: e.data.dueHours, time: formatDateTime(ms + e.data.dueHours * 3_600_000) }));
      if (e.data.note) parts.push(e.data.note);
      detail = parts.join(' · ');
      break;
    }
    case 'accepted':
    case 'verified':
    case 'closed':
      detail = e.data.note ?? null;
      break;
    case 'reported':
      detail = e.data.address ?? null;
      break;
    default:
      detail = workflowDetail(e, org, category, state.planId);
  }
  const level = supervisionLevel(e, org);
  return (
    <li class={entry.applied ? 'tl-item' : 'tl-item is-superseded'}>
      <div class="tl-head">
        <strong class="tl-type">{eventName(e.type)}</strong>
        {!entry.applied ? <Badge tone="superseded">{t('detail.superseded')}</Badge> : null}
        {level ? <Badge tone="red">{level}</Badge> : null}
        <span class="tl-actor">
          {actor ? `${actor.name}（${roleName(actor.role)}）` : t('contact.unknown')}
        </span>
        <time dateTime={new Date(ms).toISOString()}>{formatDateTime(ms)}</time>
      </div>
      {detail ? <p class="tl-detail prewrap">{detail}</p> : null}
      {!entry.applied ? <p class="tl-reason">{supersededText(state.superseded.find((x) => x.eventId === e.id), entry.reason, org)}</p> : null}
    </li>
  );
}

export interface ActionFormProps {
  type: EventType;
  state: CaseState;
  org: OrgView;
  run: Run;
  mergeCandidates?: MergeCandidate[] | undefined;
  /** The user may also close what they verify (a grid worker): the verify form offers 核实并结案 in one step. */
  closeAfterVerify?: boolean | undefined;
  /** For the after-photos of the fix forms (issue 12). */
  session?: Session | undefined;
}

/**
 * The forms of `actions`, each in its box; with `fold`, the side steps (FOLDED_ACTIONS) in a disclosure.
 * The session reaches the verify form's before/after through EvidenceSession (src/features/evidence/useBlob.ts).
 */
export function ActionList({ actions, fold, ...p }: Omit<ActionFormProps, 'type'> & { actions: readonly EventType[]; fold: boolean }) {
  return (
    <EvidenceSession.Provider value={p.session ?? null}>
      {actions.map((a) =>
        fold && FOLDED_ACTIONS.has(a) ? (
          <details class="action action-more" key={`${a}-${p.state.updatedAt}`}>
            <summary>{actionName(a)}</summary>
            <ActionForm type={a} {...p} />
          </details>
        ) : (
          <div class="action" key={`${a}-${p.state.updatedAt}`}>
            <ActionForm type={a} {...p} />
          </div>
        ),
      )}
    </EvidenceSession.Provider>
  );
}

export function ActionForm(p: ActionFormProps) {
  switch (p.type) {
    case 'dispatched':
      return <DispatchForm {...p} />;
    case 'reported':
      return null;
    // issue 17: 主办 / 协办 (src/features/workflow/Cohandle.tsx)
    case 'assist_recorded':
      return <AssistRecordForm {...p} />;
    case 'assist_confirmed':
      return <AssistConfirmForm {...p} />;
    case 'assist_released':
      return <AssistReleaseForm {...p} />;
    default:
      return <WorkflowActionForm {...p} />;
  }
}

/** Units offered for dispatch: the plan's suggestions first, then units that handle this major category here. */
export function dispatchUnits(org: OrgView, state: CaseState, suggestedIds: string[]): { suggested: Unit[]; others: Unit[] } {
  const suggested = suggestedIds.map((u) => org.unit(u)).filter((u): u is Unit => Boolean(u));
  const taken = new Set(suggested.map((u) => u.id));
  const major = state.category.slice(0, 2);
  const fits = (u: Unit) => !taken.has(u.id) && (u.level === 'county' || u.townId === state.townId);
  let others = org.data.units.filter((u) => fits(u) && u.categories.includes(major));
  if (others.length === 0 && suggested.length === 0) others = org.data.units.filter(fits);
  others.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  return { suggested, others };
}

function DispatchForm(p: ActionFormProps) {
  const plans = p.org.plansFor(p.state.category);
  const [planId, setPlanId] = useState(plans[0]?.id ?? '');
  const plan = plans.find((x) => x.id === planId);
  const suggestedIds = plan ? plan.unitIds : [...new Set(plans.flatMap((x) => x.unitIds))];
  const [unitId, setUnitId] = useState(suggestedIds[0] ?? '');
  const [dueHours, setDueHours] = useState(String(plan?.dueHours ?? 24));
  const [note, setNote] = useState('');
  const [helpers, setHelpers] = useState<string[]>([]);
  const { suggested, others } = dispatchUnits(p.org, p.state, suggestedIds);
  const hours = Number(dueHours);
  const form = useActionForm({
    run: p.run,
    validate: () => ({
      ...(!unitId ? { 'act-unit': t('detail.err.unit') } : {}),
      ...(!Number.isInteger(hours) || hours < 1 || hours > 24 * 90 ? { 'act-due': t('detail.err.dueHours') } : {}),
    }),
    command: () => {
      const n = note.trim();
      // The lead is never its own helper (a lead chosen after ticking it as helper drops it).
      const helperUnitIds = helpers.filter((h) => h !== unitId);
      return { type: 'dispatch', unitId, ...(plan ? { planId: plan.id } : {}), dueHours: hours, ...(n ? { note: n } : {}), ...(helperUnitIds.length ? { helperUnitIds } : {}) };
    },
  });

  const choosePlan = (id: string) => {
    setPlanId(id);
    const next = plans.find((x) => x.id === id);
    if (next) {
      if (next.unitIds[0]) setUnitId(next.unitIds[0]);
      setDueHours(String(next.dueHours));
    }
  };

  return (
    <ActionFormView type="dispatched" form={form}>
      {plans.length ? (
        <Field id="act-plan" label={t('detail.plan')}>
          <select id="act-plan" value={planId} onChange={(e) => choosePlan(e.currentTarget.value)}>
            {plans.map((x) => (
              <option key={x.id} value={x.id}>
                {t('detail.planOption', { name: x.name, priority: priorityName(x.priority), hours: x.dueHours })}
              </option>
            ))}
            <option value="">{t('detail.noPlan')}</option>
          </select>
        </Field>
      ) : null}
      {plan ? <PlanPreview plan={plan} org={p.org} /> : null}
      <Field id="act-unit" label={t('detail.unitSelect')} error={form.errors['act-unit']}>
        <select id="act-unit" value={unitId} {...form.invalid('act-unit')} onChange={(e) => setUnitId(e.currentTarget.value)}>
          {!unitId ? <option value="">—</option> : null}
          {suggested.length ? (
            <optgroup label={t('detail.suggested')}>
              {suggested.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </optgroup>
          ) : null}
          {others.length ? (
            <optgroup label={t('detail.otherUnits')}>
              {others.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </Field>
      <Field id="act-due" label={t('detail.dueHours')} error={form.errors['act-due']}>
        <input id="act-due" inputMode="numeric" value={dueHours} {...form.invalid('act-due')} onInput={(e) => setDueHours(e.currentTarget.value)} />
      </Field>
      <HelperPicker candidates={helperCandidates(p.org, p.state, [...suggested, ...others])} lead={unitId} chosen={helpers.filter((h) => h !== unitId)} onChange={setHelpers} />
      <Field id="act-dispatch-note" label={t('detail.note')}>
        <textarea id="act-dispatch-note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
    </ActionFormView>
  );
}
