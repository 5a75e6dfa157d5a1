/**
 * Deadlines on screen: a compact badge with the time left (lists) and the full facts (case detail): due time,
 * time left or overdue, and to whom the case is escalated. The figures come from the domain's `deadlineOf`
 * with the screen clock (now.ts); the badge text always says the state, colour only supports it.
 */
import '../../app/locales/later.zh.ts';
import { formatDateTime, t } from '../../app/i18n.ts';
import '../../app/locales/detail.zh.ts';
import '../../app/locales/wf.zh.ts';
import { deadlineOf, type Deadline, type DeadlineInput, type DeadlineState } from '../../domain/deadlines.ts';
import { Badge } from '../../ui/Badge.tsx';

const MINUTE = 60_000;

/** "3 天 4 小时", "5 小时 20 分", "12 分钟" (rounded to minutes). */
export function formatDuration(ms: number): string {
  const min = Math.max(0, Math.round(Math.abs(ms) / MINUTE));
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d) return h ? t('dur.dh', { d, h }) : t('dur.d', { d });
  if (h) return m ? t('dur.hm', { h, m }) : t('dur.h', { h });
  return t('dur.m', { m });
}

export function deadlineTone(s: DeadlineState): string {
  return s === 'overdue' ? 'red' : s === 'due_soon' ? 'amber' : 'green';
}

/** "剩余 5 小时" / "超时 2 小时" / "已按时处置" for a deadline. */
export function remainingText(d: Deadline): string {
  if (d.stoppedMs !== undefined) return d.remainingMs >= 0 ? t('dl.metOnTime') : t('dl.metLate', { d: formatDuration(d.overdueMs) });
  return d.remainingMs >= 0 ? t('dl.left', { d: formatDuration(d.remainingMs) }) : t('dl.over', { d: formatDuration(d.overdueMs) });
}

/** A badge with the state and the time left, for list rows; nothing when no clock runs. */
export function DeadlineBadge({ c, now }: { c: DeadlineInput; now: number }) {
  const d = deadlineOf(c, now);
  if (!d || d.stoppedMs !== undefined) return null;
  return (
    <span class="deadline">
      <Badge tone={deadlineTone(d.state)}>{t(`dl.${d.state}`)}</Badge> <span class="deadline-left">{remainingText(d)}</span>
    </span>
  );
}

/** Rows of the case facts (<dt>/<dd> pairs) about the deadline, its state and its escalation. */
export function DeadlineFacts({ c, now }: { c: DeadlineInput; now: number }) {
  const d = deadlineOf(c, now);
  if (!d) return null;
  const ext = c.extensionHours ?? 0;
  return (
    <>
      <dt>{d.kind === 'accept' ? t('dl.acceptLabel') : t('detail.due')}</dt>
      <dd>
        {d.kind === 'accept'
          ? t('dl.acceptDue', { time: formatDateTime(d.dueMs) })
          : t('detail.dueAt', { hours: (c.dueHours ?? 0) + ext, time: formatDateTime(d.dueMs) })}
        {ext > 0 ? ` ${t('dl.extended', { hours: ext })}` : ''}
        <div class="deadline">
          {d.stoppedMs === undefined ? <Badge tone={deadlineTone(d.state)}>{t(`dl.${d.state}`)}</Badge> : null} <span>{remainingText(d)}</span>
        </div>
      </dd>
      {d.escalation !== 'none' ? (
        <>
          <dt>{t('dl.escalation')}</dt>
          <dd>
            <Badge tone="red">{t(`escalation.${d.escalation}`)}</Badge>
          </dd>
        </>
      ) : null}
    </>
  );
}
