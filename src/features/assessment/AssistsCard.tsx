/**
 * 协办 in the 考核 (issue 17): each unit's part on cases other units led (src/domain/assessment.ts `assists*`): for a
 * unit scope its own figures, for the county every unit that helped in the period. Nothing when no unit helped.
 */
import { formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/cohandle.zh.ts';
import type { OrgView, StatsResult } from '../../app/services.ts';
import type { Figures } from '../../domain/assessment.ts';
import { ASSIST_COLUMNS } from '../../domain/exports.ts';
import { unitLabel } from '../cases/lookup.ts';

/** The 协办 columns of the exports' and the printed report's units table (one list: the same figures, same order). */
const COLS = ASSIST_COLUMNS.map((c) => c.key);

export function AssistsCard({ result, org }: { result: StatsResult; org: OrgView }) {
  const s = result.scope;
  const rows: [string, Figures][] =
    s.kind === 'unit' ? [[s.unitId, result.figures]] : s.kind === 'county' ? Object.entries(result.report.units) : [];
  // Figures from a relay older than issue 17 have no assists: counted as none.
  const shown = rows.filter(([, f]) => (f.assists ?? 0) > 0);
  if (!shown.length) return null;
  return (
    <section class="card" aria-labelledby="assists-title">
      <h2 id="assists-title">{t('assess.assistsTitle')}</h2>
      <p class="hint">{t('assess.assistsHint')}</p>
      <div class="table-wrap" role="region" aria-labelledby="assists-title" tabIndex={0}>
        <table class="data-table rtable rt-compact">
          <thead>
            <tr>
              <th scope="col">{t('stats.col.name')}</th>
              {COLS.map((c) => (
                <th scope="col" class="num" key={c}>
                  {t(`assess.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map(([id, f]) => (
              <tr key={id} data-unit={id}>
                <th scope="row" class="rt-title">
                  {unitLabel(org, id)}
                </th>
                {COLS.map((c) => (
                  <td class="num" data-label={t(`assess.${c}`)} key={c}>
                    {formatNumber(f[c] ?? 0)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
