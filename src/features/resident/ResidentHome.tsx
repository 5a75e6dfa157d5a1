/**
 * A resident's home (#/cases for role resident): 我要上报 first, then 我的上报, newest first, each with its
 * plain-word stage (已收到 … 已办结), whether it has reached the town (待发送 / 发送中 / 已送达: a report made
 * offline waits on the phone and must not look lost), and 请评价 once a closed case awaits the resident's rating.
 * Rows come from the session's read model (ResidentSync writes the outbox and the relay's view of the own reports).
 * Issue 14: the 长辈版 switch in the title row (phones), and 长辈版 offered once to a resident aged 60 or more.
 */
import { useEffect, useState } from 'preact/hooks';
import { elderMode, setElderMode } from '../../app/display.ts';
import { t } from '../../app/i18n.ts';
import '../../app/locales/voice.zh.ts';
import { changeSettings, userSettings } from '../../app/settings.ts';
import { shouldOfferElder } from '../../domain/settings.ts';
import type { CaseRow, Session } from '../../app/services.ts';
import { residentStage } from '../../domain/stages.ts';
import { CategoryIcon } from '../../ui/categoryIcons.tsx';
import { EmptyState, ListSkeleton } from '../../ui/EmptyState.tsx';
import { Icon } from '../../ui/icons.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { ElderSwitch } from '../shell/ElderSwitch.tsx';
import { categoryName, delivery, stageTone, stageWord, type Delivery } from './words.ts';
import { DeliveryLine } from './parts.tsx';
import './resident.css';

const PAGE = 30;

/** A closed report of this resident's, delivered and not rated yet: it asks for 请评价. */
const toRate = (r: CaseRow, d: Delivery) => r.status === 'closed' && !r.satisfaction && d === 'sent';

/**
 * Issue 14: 长辈版 offered once to a resident whose birth year says 60 or more (domain/settings.ts shouldOfferElder):
 * a calm card in the page, never a pop-up; the answer is kept with their settings, so no device asks again.
 */
function ElderOffer({ session }: { session: Session }) {
  const [accepted, setAccepted] = useState(false);
  if (accepted) {
    return (
      <p class="elder-offer-done" role="status">
        {t('elder.offerOn')}
      </p>
    );
  }
  if (!shouldOfferElder(userSettings.value, elderMode.value, session.now())) return null;
  return (
    <section class="card elder-offer" aria-labelledby="elder-offer-title">
      <h2 id="elder-offer-title">{t('elder.offerTitle')}</h2>
      <p>{t('elder.offerText')}</p>
      <div class="button-row">
        <button
          type="button"
          class="btn btn-primary"
          onClick={() => {
            setAccepted(true);
            setElderMode('on');
            void changeSettings({ elderOffer: 'accepted' });
          }}
        >
          {t('elder.offerYes')}
        </button>
        <button type="button" class="btn" onClick={() => void changeSettings({ elderOffer: 'declined' })}>
          {t('elder.offerNo')}
        </button>
      </div>
    </section>
  );
}

export function ResidentHome({ session }: { session: Session }) {
  const [rows, setRows] = useState<CaseRow[] | null>(null);
  const [limit, setLimit] = useState(PAGE);
  const [total, setTotal] = useState(0);
  const version = session.casesVersion.value;
  const org = session.org.value;
  const status = session.status.value;
  useEffect(() => {
    let live = true;
    void Promise.all([session.queryCases({}, 0, limit), session.countCases({})]).then(([r, n]) => {
      if (!live) return;
      setRows(r);
      setTotal(n);
    });
    return () => {
      live = false;
    };
  }, [version, limit]);

  // Empty is known once the relay answered, or when it cannot be asked (then the phone's list is all there is).
  const known = status.ready && (status.synced || status.connection === 'offline');
  return (
    <div class="rs">
      <ScreenTitle suffix={t('app.name')} tools={<ElderSwitch home />}>{t('rs.home.title')}</ScreenTitle>
      <a class="btn btn-primary rs-cta" href="#/report" data-lesson="report-start">
        <Icon name="report" size="1.5em" />
        {t('rs.home.report')}
      </a>
      <p class="rs-lead">{t('rs.home.reportHint')}</p>
      <ElderOffer session={session} />
      {rows === null || (!rows.length && !known) ? (
        <ListSkeleton label={t('rs.home.loading')} />
      ) : !rows.length ? (
        <EmptyState icon="cases" text={t('rs.home.empty')} />
      ) : (
        <ul class="rs-list" data-lesson="my-reports">
          {rows.map((r) => {
            const stage = residentStage(r.status);
            const d = delivery(r.pending, status);
            return (
              <li key={r.id}>
                <a class="rs-card" href={`#/cases/${encodeURIComponent(r.id)}`} data-lesson={toRate(r, d) ? 'report-card report-to-rate' : 'report-card'}>
                  <span class="rs-card-icon" aria-hidden="true">
                    <CategoryIcon code={r.category} size="1.75rem" />
                  </span>
                  <span class="rs-card-main">
                    <span class="rs-card-title">{categoryName(org, r.category)}</span>
                    <span class="rs-card-desc">{r.description}</span>
                    <span class={`rs-stage rs-tone-${stageTone(stage)}`}>{stageWord(r.status, r.unitId, org)}</span>
                    <span class="rs-card-meta">
                      <DeliveryLine session={session} caseId={r.id} state={d} reportedMs={r.reportedMs} />
                    </span>
                    {toRate(r, d) ? (
                      <span class="rs-rate-callout">
                        <Icon name="alert" />
                        {t('rs.home.rate')}
                      </span>
                    ) : null}
                  </span>
                  <Icon name="back" class="rs-chevron" />
                </a>
              </li>
            );
          })}
        </ul>
      )}
      {rows && total > rows.length ? (
        <button type="button" class="btn rs-more" onClick={() => setLimit((l) => l + PAGE)}>
          {t('rs.home.more', { n: Math.min(PAGE, total - rows.length) })}
        </button>
      ) : null}
      <p class="rs-links">
        <a class="btn btn-quiet" href="#/nearby">
          <Icon name="pin" />
          {t('rs.home.nearby')}
        </a>
      </p>
    </div>
  );
}
