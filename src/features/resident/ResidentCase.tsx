/**
 * One of the resident's reports (#/cases/<id> for role resident): its stage among the six plain-word steps, whether
 * it reached the town, what they reported (photos, voice, words), what happened with times and the replies given to
 * the reporter (reporterView on the relay removes everything else), before/after photos once fixed, and the rating
 * after closure (满意 / 基本满意 / 不满意 + a note: the `feedback` command through ResidentSync.act, online only).
 * A report still 已收到 may be withdrawn.
 */
import '../../app/locales/errors.zh.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, formatTime, localName, t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import { residentStage } from '../../domain/stages.ts';
import { SATISFACTIONS, type CaseEvent, type Satisfaction } from '../../domain/events.ts';
import { hlcMs } from '../../domain/hlc.ts';
import type { CaseState } from '../../domain/workflow.ts';
import { Alert } from '../../ui/Alert.tsx';
import { CategoryIcon } from '../../ui/categoryIcons.tsx';
import { ListSkeleton } from '../../ui/EmptyState.tsx';
import { Icon } from '../../ui/icons.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { PhotoStrip } from '../evidence/PhotoStrip.tsx';
import { VoicePlayer } from '../evidence/VoicePlayer.tsx';
import { DeliveryLine } from './parts.tsx';
import { categoryName, delivery, MAIN_STAGES, stageTone, stageWord } from './words.ts';
import './resident.css';

export function ResidentCase({ session, id }: { session: Session; id: string }) {
  const [state, setState] = useState<CaseState | null | undefined>(undefined);
  const [pending, setPending] = useState(false);
  const version = session.casesVersion.value;
  const org = session.org.value;
  useEffect(() => {
    let live = true;
    void session.getCase(id).then(async (s) => {
      // The row says whether the report is still in this phone's outbox.
      const rows = s ? await session.queryCases({}, 0, 500) : [];
      if (!live) return;
      setState(s);
      setPending(Boolean(rows.find((r) => r.id === id)?.pending));
    });
    return () => {
      live = false;
    };
  }, [id, version]);

  const back = (
    <p class="backlink">
      <a href="#/cases" data-lesson="case-back">
        <Icon name="back" />
        {t('rs.case.back')}
      </a>
    </p>
  );
  if (state === undefined) return <ListSkeleton label={t('app.loading')} />;
  if (state === null) {
    return (
      <div class="rs">
        {back}
        <ScreenTitle suffix={t('app.name')}>{t('rs.case.notFound')}</ScreenTitle>
      </div>
    );
  }
  const stage = residentStage(state.status);
  const fixed = ['resolved', 'closed'].includes(stage);
  const d = delivery(pending, session.status.value);
  const entries = state.timeline.filter((e) => e.applied);
  return (
    <div class="rs rs-case">
      {back}
      <ScreenTitle suffix={t('app.name')}>
        <span class="rs-title-icon" aria-hidden="true">
          <CategoryIcon code={state.category} size="1.5em" />
        </span>
        {categoryName(org, state.category)}
      </ScreenTitle>
      <p class={`rs-stage rs-stage-big rs-tone-${stageTone(stage)}`} data-lesson="case-stage">{stageWord(state.status, state.unitId, org)}</p>
      <p>
        <DeliveryLine session={session} caseId={state.id} state={d} reportedMs={state.reportedMs} long />
      </p>

      {state.status === 'closed' ? <Rating session={session} state={state} onDone={setState} /> : null}

      {MAIN_STAGES.includes(stage as (typeof MAIN_STAGES)[number]) ? (
        <section class="card rs-section" aria-labelledby="rs-stages" data-lesson="case-progress">
          <h2 id="rs-stages">{t('rs.stages')}</h2>
          <ol class="rs-steps">
            {MAIN_STAGES.map((s, i) => {
              const at = MAIN_STAGES.indexOf(stage as (typeof MAIN_STAGES)[number]);
              const cls = i < at ? 'is-done' : i === at ? 'is-now' : 'is-todo';
              return (
                <li key={s} class={cls} aria-current={i === at ? 'step' : undefined}>
                  <span class="rs-step-dot" aria-hidden="true">
                    {i < at || (i === at && s === 'closed') ? <Icon name="check" /> : i + 1}
                  </span>
                  <span>
                    {s === 'dispatched' ? stageWord('dispatched', state.unitId, org) : t(`rs.stage.${s}`)}
                    <span class="visually-hidden">{i < at ? t('rs.stepDone') : i === at ? t('rs.stepNow') : ''}</span>
                  </span>
                </li>
              );
            })}
          </ol>
        </section>
      ) : null}

      {fixed && (state.photos.length || state.afterPhotos?.length) ? (
        <section class="card rs-section" aria-labelledby="rs-ba">
          <h2 id="rs-ba">{t('rs.case.photos')}</h2>
          <div class="rs-ba">
            <div>
              <h3>{t('rs.case.before')}</h3>
              {state.photos.length ? <PhotoStrip session={session} photos={state.photos} label={t('rs.case.before')} small /> : <p class="hint">—</p>}
            </div>
            <div>
              <h3>{t('rs.case.after')}</h3>
              {state.afterPhotos?.length ? <PhotoStrip session={session} photos={state.afterPhotos} label={t('rs.case.after')} after small /> : <p class="hint">—</p>}
            </div>
          </div>
        </section>
      ) : null}

      <section class="card rs-section" aria-labelledby="rs-what">
        <h2 id="rs-what">{t('rs.case.what')}</h2>
        <p class="rs-text">{state.description}</p>
        {state.address ? <p class="hint">{t('rs.case.address', { text: state.address })}</p> : null}
        {!fixed && state.photos.length ? <PhotoStrip session={session} photos={state.photos} label={t('rs.case.photos')} /> : null}
        {state.voice ? <VoicePlayer session={session} voice={state.voice} /> : null}
      </section>

      <section class="card rs-section" aria-labelledby="rs-steps-title" data-lesson="case-history">
        <h2 id="rs-steps-title">{t('rs.case.steps')}</h2>
        {entries.length ? (
          <ol class="rs-timeline">
            {[...entries].reverse().map(({ event }) => (
              <li key={event.id}>
                <span class="rs-time">{formatTime(hlcMs(event.at))}</span>
                <span class="rs-what">{eventWords(event, org)}</span>
                {replyOf(event) ? <span class="rs-reply">{t('rs.case.reply', { text: replyOf(event)! })}</span> : null}
              </li>
            ))}
          </ol>
        ) : (
          <p>{t('rs.case.noSteps')}</p>
        )}
      </section>

      {state.status === 'reported' && d === 'sent' ? <Withdraw session={session} id={state.id} onDone={setState} /> : null}
    </div>
  );
}

function eventWords(e: CaseEvent, org: Session['org']['value']): string {
  const data = e.data as { unitId?: string; satisfaction?: Satisfaction };
  switch (e.type) {
    case 'dispatched': {
      const u = data.unitId ? org?.unit(data.unitId) : undefined;
      return u ? t('rs.ev.dispatched', { unit: localName(u) }) : t('rs.stage.dispatchedNoUnit');
    }
    case 'feedback':
      return t('rs.ev.feedback', { what: data.satisfaction ? t(`rs.rate.${data.satisfaction}`) : '' });
    case 'reported':
    case 'accepted':
    case 'rejected':
    case 'acknowledged':
    case 'started':
    case 'returned':
    case 'resolved':
    case 'self_resolved':
    case 'verification_failed':
    case 'verified':
    case 'closed':
    case 'withdrawn':
    case 'reopened':
    case 'merged':
      return t(`rs.ev.${e.type}`);
    default:
      return '';
  }
}

/** The words given to the reporter with a step: the fix's note, the reason of a refusal or a reopening. */
function replyOf(e: CaseEvent): string | undefined {
  const data = e.data as { note?: string; reason?: string };
  if (e.type === 'resolved' || e.type === 'self_resolved') return data.note;
  if (e.type === 'rejected' || e.type === 'reopened') return data.reason;
  if (e.type === 'feedback') return data.note || undefined;
  return undefined;
}

function Rating({ session, state, onDone }: { session: Session; state: CaseState; onDone(s: CaseState): void }) {
  const [choice, setChoice] = useState<Satisfaction | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  if (state.satisfaction) {
    return (
      <section class="card rs-section rs-rated" aria-labelledby="rs-rate" data-lesson="rate-done">
        <h2 id="rs-rate">{t('rs.rate.yours', { what: t(`rs.rate.${state.satisfaction}`) })}</h2>
        {state.feedbackNote ? <p class="rs-text">{state.feedbackNote}</p> : null}
        {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      </section>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!choice) {
      setMessage({ tone: 'error', text: t('rs.rate.choose') });
      document.getElementById(`rs-rate-satisfied`)?.focus();
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const text = note.trim();
      const d = await session.act(state.id, { type: 'feedback', satisfaction: choice, ...(text ? { note: text } : {}) });
      if (!mounted.current) return;
      if (d.ok) {
        onDone(d.state);
        setMessage({ tone: 'success', text: choice === 'dissatisfied' ? t('rs.rate.thanksBad') : t('rs.rate.thanks') });
      } else setMessage({ tone: 'error', text: t('rs.rate.failed', { error: errorText(d.error) }) });
    } catch {
      // The relay could not be reached: nothing was recorded; the choice stays on screen for another try.
      if (mounted.current) setMessage({ tone: 'error', text: t('rs.rate.offline') });
    } finally {
      if (mounted.current) setBusy(false);
    }
  };
  return (
    <form class="card rs-section rs-rating" onSubmit={submit} noValidate aria-labelledby="rs-rate" data-lesson="rate-form">
      <fieldset>
        <legend id="rs-rate">
          <h2>{t('rs.rate.title')}</h2>
        </legend>
        <div class="rs-choices" data-lesson="rate-choices">
          {SATISFACTIONS.map((s) => (
            <label key={s} class={`rs-choice rs-choice-${s}${choice === s ? ' is-on' : ''}`}>
              <input type="radio" name="satisfaction" id={`rs-rate-${s}`} value={s} checked={choice === s} onChange={() => setChoice(s)} />
              <span>{t(`rs.rate.${s}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label class="rs-label" for="rs-rate-note">
        {choice === 'dissatisfied' ? t('rs.rate.noteDissatisfied') : t('rs.rate.note')}
      </label>
      <textarea id="rs-rate-note" rows={3} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <div role="alert" class={message ? '' : 'alert-empty'}>
        {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      </div>
      <button type="submit" class="btn btn-primary rs-big" disabled={busy} data-lesson="rate-send">
        {t('rs.rate.send')}
      </button>
    </form>
  );
}

function Withdraw({ session, id, onDone }: { session: Session; id: string; onDone(s: CaseState): void }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState('');
  const go = async () => {
    setError('');
    try {
      const d = await session.act(id, { type: 'withdraw', reason: t('rs.withdrawReason') });
      if (d.ok) onDone(d.state);
      else setError(errorText(d.error));
    } catch {
      setError(t('rs.offline'));
    }
  };
  return (
    <section class="rs-withdraw">
      {asking ? (
        <div class="card" role="group" aria-labelledby="rs-wd-q">
          <p id="rs-wd-q">{t('rs.withdrawConfirm')}</p>
          <div class="button-row">
            <button type="button" class="btn btn-danger" onClick={() => void go()}>
              {t('rs.withdrawYes')}
            </button>
            <button type="button" class="btn" onClick={() => setAsking(false)}>
              {t('rs.withdrawNo')}
            </button>
          </div>
          {error ? <Alert tone="error">{error}</Alert> : null}
        </div>
      ) : (
        <button type="button" class="btn btn-quiet" onClick={() => setAsking(true)}>
          {t('rs.withdraw')}
        </button>
      )}
    </section>
  );
}
