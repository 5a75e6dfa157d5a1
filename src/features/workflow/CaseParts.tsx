/**
 * Pieces of the case detail for the issue-4 workflow: the plan's checklist (ticked by the unit), the plan preview
 * shown when dispatching, the words for each timeline event, and what a superseded event lost to.
 */
import '../../app/locales/events.zh.ts';
import '../../app/locales/errors.zh.ts';
import { useState } from 'preact/hooks';
import { actionName, errorText, eventName, formatDateTime, priorityName, roleName, statusName, t } from '../../app/i18n.ts';
import '../../app/locales/detail.zh.ts';
import '../../app/locales/wf.zh.ts';
import type { OrgView, Session } from '../../app/services.ts';
import type { CaseEvent } from '../../domain/events.ts';
import { hlcMs } from '../../domain/hlc.ts';
import type { Plan, UserInfo } from '../../domain/org.ts';
import { mayAct, type CaseState, type SupersededEntry } from '../../domain/workflow.ts';
import { Alert } from '../../ui/Alert.tsx';
import { unitLabel, userLabel } from '../cases/lookup.ts';
import { satisfactionName, type MergeCandidate, type Run } from './ActionForms.tsx';

export function planOf(state: Pick<CaseState, 'planId' | 'category'>, org: OrgView | null): Plan | undefined {
  return state.planId && org ? org.plansFor(state.category).find((p) => p.id === state.planId) : undefined;
}

/** The plan's suggestion and steps, shown in the dispatch form when a plan is chosen. */
export function PlanPreview({ plan, org }: { plan: Plan; org: OrgView }) {
  return (
    <div class="plan-preview" aria-label={t('wf.planPreview')} role="group">
      <p>
        {t('wf.planSuggests', {
          units: plan.unitIds.map((u) => unitLabel(org, u)).join('、') || '—',
          hours: plan.dueHours,
          priority: priorityName(plan.priority),
        })}
      </p>
      {plan.steps.length ? (
        <>
          <p class="hint">{t('wf.planSteps')}</p>
          <ol class="plan-steps">
            {plan.steps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
        </>
      ) : null}
    </div>
  );
}

/** The plan's checklist: checkboxes for the unit holding the case, a read-only list for everyone else. */
export function Checklist({ state, org, user, run }: { state: CaseState; org: OrgView; user: UserInfo; run: Run }) {
  const plan = planOf(state, org);
  const [busy, setBusy] = useState(-1);
  if (!plan || plan.steps.length === 0 || state.checklist.length === 0) return null;
  const canTick = mayAct(state, user, 'checklist', org);
  const done = state.checklist.filter(Boolean).length;
  const toggle = async (i: number, value: boolean) => {
    if (busy >= 0) return;
    setBusy(i);
    await run({ type: 'checklist', step: i, done: value }, { keepFocus: true });
    setBusy(-1);
  };
  return (
    <section class="card" aria-labelledby="checklist-title">
      <h2 id="checklist-title">{t('wf.checklist')}</h2>
      <p class="hint" id="checklist-progress">
        {t('wf.checklistProgress', { plan: plan.name, done, total: plan.steps.length })}
      </p>
      <ul class="checklist" aria-describedby="checklist-progress">
        {plan.steps.map((s, i) => {
          const checked = state.checklist[i] === true;
          return (
            <li key={i}>
              {canTick ? (
                <label class="choice" for={`step-${i}`}>
                  <input id={`step-${i}`} type="checkbox" checked={checked} disabled={busy === i} onChange={() => void toggle(i, !checked)} />
                  <span>{s}</span>
                </label>
              ) : (
                <span class={checked ? 'step is-done' : 'step'}>
                  <span aria-hidden="true" class="step-mark">
                    {checked ? '✓' : '○'}
                  </span>
                  <span>{s}</span>
                  <span class="visually-hidden">{checked ? t('wf.stepDone') : t('wf.stepOpen')}</span>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The words shown under a timeline entry for the issue-4 event types (null: nothing to add). */
export function workflowDetail(e: CaseEvent, org: OrgView | null, category: string, planId?: string): string | null {
  switch (e.type) {
    case 'acknowledged':
    case 'started':
      return e.data.note ?? null;
    case 'returned':
    case 'verification_failed':
    case 'withdrawn':
    case 'reopened':
      return e.data.reason;
    case 'self_resolved':
    case 'supervised':
      return e.data.note;
    case 'feedback':
      return [satisfactionName(e.data.satisfaction), e.data.note].filter(Boolean).join(' · ');
    case 'extension_requested':
      return t('wf.extRequested', { hours: e.data.hours, reason: e.data.reason });
    case 'extension_decided':
      return [e.data.approve ? t('wf.extApproved') : t('wf.extRefused'), e.data.note].filter(Boolean).join(' · ');
    case 'merged':
      return [t('wf.mergedInto'), e.data.note].filter(Boolean).join(' · ');
    case 'revisit_called':
      // 二次回访 (issue 13): the call's notes, then the resident's answer
      return [e.data.note, e.data.outcome ? t('wf.revisit.outcomeText', { outcome: t(`revisit.outcome.${e.data.outcome}`) }) : ''].filter(Boolean).join(' · ');
    // issue 17: 主办 / 协办
    case 'assist_recorded':
      return e.data.note;
    case 'assist_confirmed':
      return e.data.note ?? null;
    case 'assist_released':
      return `${unitLabel(org, e.data.unitId)} · ${e.data.reason}`;
    case 'checklist': {
      const step = planId ? org?.plansFor(category).find((p) => p.id === planId)?.steps[e.data.step] : undefined;
      return t(e.data.done ? 'wf.stepTicked' : 'wf.stepUnticked', { n: e.data.step + 1, step: step ?? '' }).trim();
    }
    default:
      return null;
  }
}

/** "Supervision by the county" / "by the town" for a supervision notice's badge. */
export function supervisionLevel(e: CaseEvent, org: OrgView | null): string | null {
  if (e.type !== 'supervised') return null;
  return org?.user(e.actor)?.role === 'town' ? t('wf.superviseTown') : t('wf.superviseCounty');
}

function who(org: OrgView | null, userId: string): string {
  const u = org?.user(userId);
  return u ? `${u.name}（${roleName(u.role)}）` : t('contact.unknown');
}

/** Why an event had no effect, and what it lost to (who made the winning change, and when). */
export function supersededText(entry: SupersededEntry | undefined, reason: string | undefined, org: OrgView | null): string {
  const why = t('detail.supersededReason', { reason: reason ? errorText(reason) : t('error.unexpected') });
  const w = entry?.winner;
  if (!w) return why;
  return `${why}${t('wf.lostTo', { who: who(org, w.actor), time: formatDateTime(hlcMs(w.at)), event: eventName(w.type) })}`;
}

/** A notice for the people whose own actions on this case had no effect (e.g. two dispatchers at once). */
export function SupersededNotice({ state, user, org }: { state: CaseState; user: UserInfo; org: OrgView | null }) {
  const mine = state.superseded.filter((x) => x.actor === user.id);
  if (!mine.length) return null;
  return (
    <Alert tone="warning">
      <ul class="notice-list">
        {mine.map((x) => (
          <li key={x.eventId}>{yourSupersededText(x, org)}</li>
        ))}
      </ul>
    </Alert>
  );
}

export function yourSupersededText(x: SupersededEntry, org: OrgView | null): string {
  const action = actionName(x.type);
  if (x.winner) {
    const self = x.winner.actor === x.actor;
    return t('wf.yourSuperseded', {
      action,
      time: formatDateTime(x.ms),
      who: self ? t('wf.you') : userLabel(org, x.winner.actor),
      event: eventName(x.winner.type),
    });
  }
  return t('wf.yourSupersededReason', { action, time: formatDateTime(x.ms), reason: errorText(x.reason) });
}

/** How a possible duplicate is named in lists: its description, distance and status. */
export function duplicateLabel(description: string, distanceM: number, status: CaseState['status']): string {
  const desc = description.length > 40 ? `${description.slice(0, 40)}…` : description;
  return t('dup.option', { desc, m: Math.round(distanceM), status: statusName(status) });
}

/** The possible duplicates of a case (same category, 250 m, 7 days) to merge it into; none when the look-up fails. */
export function findMergeCandidates(session: Session, c: Pick<CaseState, 'id' | 'category' | 'location'>): Promise<MergeCandidate[]> {
  return session.findDuplicates({ category: c.category, location: c.location }).then(
    (m) => m.filter((x) => x.case.id !== c.id).map((x) => ({ id: x.case.id, label: duplicateLabel(x.case.description, x.distanceM, x.case.status) })),
    () => [],
  );
}

/** The message for an action the domain refused: its error, and the detail when there is one. */
export function refusedText(d: { error: string; detail?: string | undefined }): string {
  return t('detail.failed', { error: errorText(d.error) }) + (d.detail ? ` (${d.detail})` : '');
}
