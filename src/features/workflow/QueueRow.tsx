/**
 * One case in a work queue (board, unit workspace, worker tasks): a link to the case with its status, category,
 * deadline (time left, due soon / overdue), and the flags that matter for the queue (extension asked, returned,
 * supervised, superseded actions, not yet synced). Everything is text; colour only supports it.
 */
import '../../app/locales/cases.zh.ts';
import type { ComponentChildren } from 'preact';
import { formatTime, statusName, t } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { CaseRow, OrgView, Session } from '../../app/services.ts';
import { awaitingAssist, pendingHelpers } from '../../domain/queues.ts';
import { Badge } from '../../ui/Badge.tsx';
import { SkeletonRow } from '../../ui/Skeleton.tsx';
import { categoryLabel, gridLabel, statusTone, unitLabel } from '../cases/lookup.ts';
import { RowThumbs, VoiceMeta } from '../evidence/Thumb.tsx';
import { DeadlineBadge } from './Deadline.tsx';
import './workflow.css';

export interface QueueRowProps {
  row: CaseRow | undefined;
  org: OrgView | null;
  now: number;
  /** Show the unit holding the case (the center's views). */
  showUnit?: boolean;
  /** Extra content after the link (quick action buttons). */
  children?: ComponentChildren;
  /** Shows the case's thumbnails (loaded through session.evidence) when given. */
  session?: Session;
}

export function QueueRow({ row, org, now, showUnit, children, session }: QueueRowProps) {
  // Not fetched yet, or the reference data is not there to name its grid and unit (never show their raw ids).
  if (!row || !org) return <SkeletonRow />;
  return (
    <div class="queue-item">
      <a class={session && (row.thumb || row.afterThumb) ? 'case-row queue-row has-thumb' : 'case-row queue-row'} href={routeHref({ name: 'case', id: row.id })}>
        <span class="case-row-top">
          <Badge tone={statusTone(row.status)}>{statusName(row.status)}</Badge>
          <span class="case-cat">{categoryLabel(org, row.category)}</span>
          <DeadlineBadge c={row} now={now} />
          {row.extensionPending ? <Badge tone="amber">{t('queue.flag.extension')}</Badge> : null}
          {row.returned && row.status === 'returned' ? <Badge tone="amber">{t('queue.flag.returned')}</Badge> : null}
          {row.supervisions ? <Badge tone="red">{t('queue.flag.supervised', { n: row.supervisions })}</Badge> : null}
          {row.revisit?.status === 'pending' ? (
            <Badge tone="red">
              {t('queue.flag.dissatisfied')}
              {row.revisit.round > 1 ? ` · ${t('queue.flag.round', { n: row.revisit.round })}` : ''}
            </Badge>
          ) : null}
          {row.revisit?.status === 'pending' && row.revisit.unreached ? <Badge tone="amber">{t('queue.flag.unreached', { n: row.revisit.unreached })}</Badge> : null}
          {row.superseded ? <Badge tone="superseded">{t('queue.flag.superseded', { n: row.superseded })}</Badge> : null}
          {row.pending ? (
            <Badge tone="pending" title={t('cases.pendingLabel')}>
              {t('cases.pending')}
            </Badge>
          ) : null}
        </span>
        <span class="case-desc">{row.description}</span>
        {row.revisit?.status === 'pending' && row.feedbackNote ? <span class="case-desc feedback-note">{t('queue.feedbackNote', { note: row.feedbackNote })}</span> : null}
        <span class="case-meta">
          <span>{gridLabel(org, row.gridId)}</span>
          {showUnit && row.unitId ? <span>{unitLabel(org, row.unitId)}</span> : null}
          {showUnit && awaitingAssist(row) ? <span class="queue-helpers">{t('queue.awaitingHelpers', { units: pendingHelpers(row).map((u) => unitLabel(org, u)).join('、') })}</span> : null}
          {showUnit && !row.unitId && row.returnedUnitId ? <span>{t('queue.returnedBy', { unit: unitLabel(org, row.returnedUnitId) })}</span> : null}
          {row.onBehalfName ? <span>{t('queue.onBehalf', { name: row.onBehalfName })}</span> : null}
          <time dateTime={new Date(row.reportedMs).toISOString()}>{t('queue.reportedAt', { time: formatTime(row.reportedMs, now) })}</time>
          {row.revisit?.status === 'pending' ? <time dateTime={new Date(row.revisit.sinceMs).toISOString()}>{t('queue.ratedAt', { time: formatTime(row.revisit.sinceMs, now) })}</time> : null}
          <VoiceMeta seconds={row.voiceSeconds} />
        </span>
        {session ? <RowThumbs session={session} row={row} /> : null}
      </a>
      {children ? <div class="queue-quick">{children}</div> : null}
    </div>
  );
}
