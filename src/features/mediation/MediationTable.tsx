/** Disputes per grid or town (the town center's 调解 list, and 考核: MediationCard). */
import { formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/mediation.zh.ts';
import type { MediationFigures } from '../../domain/mediation.ts';

const COLUMNS = ['opened', 'settled', 'referred', 'failed', 'followUpsOverdue'] as const;
const COLUMN_LABEL = { opened: 'md.col.opened', settled: 'md.col.settled', referred: 'md.col.referred', failed: 'md.col.failed', followUpsOverdue: 'md.col.overdue' } as const;

export function MediationTable({ rows, labelledBy, first }: { rows: ReadonlyArray<MediationFigures & { name: string }>; labelledBy: string; first?: string }) {
  return (
    <div class="table-wrap" role="region" aria-labelledby={labelledBy} tabIndex={0}>
      <table class="data-table rtable rt-compact">
        <thead>
          <tr>
            <th scope="col">{first ?? t('md.col.grid')}</th>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" class="num">
                {t(COLUMN_LABEL[c])}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.gridId}>
              <th scope="row" class="rt-title">
                {f.name}
              </th>
              {COLUMNS.map((c) => (
                <td key={c} class={c === 'followUpsOverdue' && f[c] > 0 ? 'num md-late' : 'num'} data-label={t(COLUMN_LABEL[c])}>
                  {formatNumber(f[c])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
