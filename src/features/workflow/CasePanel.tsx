/**
 * A case handled in place, next to a work queue (board, unit workspace, worker tasks): the facts that decide the
 * action (status, description, grid, unit, return reason, deadline), possible duplicates of a new report, the
 * plan's checklist, and the forms of the actions this screen offers (only those allowedActions gives now).
 * Focus moves to the panel's heading when the case has loaded; a done action hands its message to `onDone`
 * (the screen announces it, closes the panel and puts focus back on the list); a checklist tick stays here.
 */
import '../../app/locales/events.zh.ts';
import '../../app/locales/cases.zh.ts';
import '../../app/locales/errors.zh.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { actionName, formatDateTime, statusName, t } from '../../app/i18n.ts';
import '../../app/locales/detail.zh.ts';
import '../../app/locales/queue.zh.ts';
import '../../app/locales/wf.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { OrgView, Session } from '../../app/services.ts';
import type { EventType } from '../../domain/events.ts';
import { allowedActions, type CaseState } from '../../domain/workflow.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { ActionList } from '../cases/CaseDetail.tsx';
import { categoryLabel, gridLabel, statusTone, unitLabel } from '../cases/lookup.ts';
import { orderActions, type MergeCandidate, type Run } from './ActionForms.tsx';
import { Checklist, findMergeCandidates, refusedText } from './CaseParts.tsx';
import { DeadlineFacts } from './Deadline.tsx';
import { HelperFacts } from './Cohandle.tsx';
import './workflow.css';
import { ReporterContact } from './ReporterContact.tsx';
import { RatingFacts, ReportedForFacts } from './CitizenFacts.tsx';
import { CaseMap } from '../map/CaseMap.tsx';
import { CaseEvidence } from '../evidence/BeforeAfter.tsx';

export interface CasePanelProps {
  session: Session;
  org: OrgView;
  id: string;
  now: number;
  /** Heading prefix, e.g. "派遣". */
  title: string;
  /** The actions this screen offers (of those allowed now). */
  offers: readonly EventType[];
  /** Show the plan's checklist (the unit's workspace). */
  checklist?: boolean;
  /** Look for duplicates of a new report (the board's new queue). */
  duplicates?: boolean;
  onClose(): void;
  onDone(text: string): void;
}

export function CasePanel(p: CasePanelProps) {
  const { session, org, id, now } = p;
  const [c, setC] = useState<CaseState | null | undefined>(undefined);
  const [error, setError] = useState('');
  const [dups, setDups] = useState<MergeCandidate[] | undefined>(undefined);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = () =>
    session.getCase(id).then(
      (s) => {
        setC(s);
        return s;
      },
      () => {
        setC(null);
        return null;
      },
    );

  useEffect(() => {
    let live = true;
    void load().then((s) => {
      if (!live || !s || !p.duplicates || s.status !== 'reported') return;
      void findMergeCandidates(session, s).then((m) => live && setDups(m));
    });
    return () => {
      live = false;
    };
  }, [id]);

  useEffect(() => {
    if (c !== undefined) heading.current?.focus();
  }, [c === undefined]);

  const run: Run = async (command, opts) => {
    setError('');
    try {
      const d = await session.act(id, command);
      if (!d.ok) {
        setError(refusedText(d));
        return false;
      }
      if (opts?.keepFocus) {
        setC(d.state);
        void load();
        return true;
      }
      p.onDone(t('board.done', { action: actionName(d.event.type), category: categoryLabel(org, d.state.category) }));
      return true;
    } catch {
      setError(t('detail.failed', { error: t('error.unexpected') }));
      return false;
    }
  };

  const offered = c ? orderActions(allowedActions(c, session.user, org).filter((a) => p.offers.includes(a))) : [];
  return (
    <section class="card case-panel" aria-labelledby="panel-title">
      <div class="panel-head">
        <h2 id="panel-title" tabIndex={-1} ref={heading}>
          {c ? `${p.title}：${categoryLabel(org, c.category)}` : t('detail.loading')}
        </h2>
        <button type="button" class="btn btn-quiet" aria-keyshortcuts="Escape" onClick={p.onClose}>
          {t('board.close')}
          <kbd class="kbd-hint kbd-only" aria-hidden="true">
            {t('keys.name.esc')}
          </kbd>
        </button>
      </div>
      {c === null ? <p>{t('detail.notFound')}</p> : null}
      {c ? (
        <>
          <dl class="facts">
            <dt>{t('cases.status')}</dt>
            <dd>
              <Badge tone={statusTone(c.status)}>{statusName(c.status)}</Badge>
            </dd>
            <dt>{t('detail.description')}</dt>
            <dd class="prewrap">{c.description}</dd>
            <dt>{t('detail.grid')}</dt>
            <dd>{gridLabel(org, c.gridId)}</dd>
            <dt>{t('detail.reporter')}</dt><dd><ReporterContact org={org} reporterId={c.reporter} viewer={session.user} /></dd>
            {c.unitId ? (
              <>
                <dt>{c.helpers?.length ? t('co.lead') : t('detail.unit')}</dt>
                <dd>{unitLabel(org, c.unitId)}</dd>
              </>
            ) : null}
            <HelperFacts c={c} org={org} />
            {c.returned && c.status === 'returned' ? (
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
            {c.resolution && c.status === 'resolved' ? (
              <>
                <dt>{t('detail.resolution')}</dt>
                <dd class="prewrap">{c.resolution}</dd>
              </>
            ) : null}
            <ReportedForFacts c={c} viewer={session.user} />
            <RatingFacts c={c} org={org} />
            <DeadlineFacts c={c} now={now} />
          </dl>
          {offered.includes('revisit_called') ? <p class="hint revisit-choice">{t('wf.revisitChoice')}</p> : null}
          <CaseEvidence session={session} state={c} inPanel verifyBelow={offered.includes('verified')} />
          <CaseMap session={session} gridId={c.gridId} location={c.location} address={c.address} />
          {dups?.length ? (
            <div class="dups" role="group" aria-labelledby="panel-dups">
              <h3 id="panel-dups">{t('dup.title', { n: dups.length })}</h3>
              <ul>
                {dups.map((d) => (
                  <li key={d.id}>
                    <a href={routeHref({ name: 'case', id: d.id })}>{d.label}</a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <Alert tone="error">{error}</Alert>
          {offered.length === 0 ? <p class="hint">{t('detail.noActions')}</p> : null}
          {/* Side steps fold away only when there is a main step to keep in view. */}
          <ActionList actions={offered} fold={offered.length > 2} state={c} org={org} run={run} mergeCandidates={dups} session={session} />
          {p.checklist ? <Checklist state={c} org={org} user={session.user} run={run} /> : null}
          <p>
            <a class="panel-open-case" href={routeHref({ name: 'case', id: c.id })}>
              {t('board.openCase')}
            </a>
          </p>
        </>
      ) : null}
    </section>
  );
}
