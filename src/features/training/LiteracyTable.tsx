/**
 * Literacy figures (issue 14): learners, sessions, skills learnt and sessions held during 党员联系户 visits, one row per
 * village (the training screens, a town's 考核) or per town (the county's 考核). Kept out of the training screens'
 * chunk so that 考核 loads no lesson.
 */
import { t } from '../../app/i18n.ts';
import '../../app/locales/training.zh.ts';
import type { LiteracyFigures } from '../../domain/training.ts';

export type LiteracyRow = Omit<LiteracyFigures, 'villageId'> & { id: string; name: string };

export function LiteracyTable({ rows, first, labelledBy }: { rows: readonly LiteracyRow[]; first: string; labelledBy: string }) {
  return (
    <div class="table-wrap" role="region" aria-labelledby={labelledBy} tabIndex={0}>
      <table class="data-table rtable rt-compact">
        <thead>
          <tr>
            <th scope="col">{first}</th>
            <th scope="col" class="num">
              {t('tr.col.learners')}
            </th>
            <th scope="col" class="num">
              {t('tr.col.sessions')}
            </th>
            <th scope="col" class="num">
              {t('tr.col.mastered')}
            </th>
            <th scope="col" class="num">
              {t('tr.col.party')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.id}>
              <th scope="row" class="rt-title">
                {f.name}
              </th>
              <td class="num" data-label={t('tr.col.learners')}>
                {f.learners}
              </td>
              <td class="num" data-label={t('tr.col.sessions')}>
                {f.sessions}
              </td>
              <td class="num" data-label={t('tr.col.mastered')}>
                {f.skillsMastered}
              </td>
              <td class="num" data-label={t('tr.col.party')}>
                {f.partySessions}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Sum of rows (a town's villages for the county's table). */
export function totalOf(id: string, name: string, rows: readonly Omit<LiteracyFigures, 'villageId'>[]): LiteracyRow {
  const out: LiteracyRow = { id, name, learners: 0, sessions: 0, skillsMastered: 0, partySessions: 0 };
  for (const r of rows) {
    out.learners += r.learners;
    out.sessions += r.sessions;
    out.skillsMastered += r.skillsMastered;
    out.partySessions += r.partySessions;
  }
  return out;
}
