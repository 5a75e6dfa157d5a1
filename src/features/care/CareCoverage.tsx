/**
 * Care visit coverage per grid (issue 17) in 考核: for each grid whose care doc this user holds (a town center: its
 * town's grids; a village secretary: their village's), the households in care and how they stand at the end of the
 * period (or now, for the current one): visited on time, due, overdue; and the care visits made in the period.
 * Party members' contact-household visits and home-visit records count (records.ts `careIndex`). The county and
 * admins hold no grid's care docs: for a town or grid they assess, the relay's rows (GET /api/care/coverage, the
 * domain's `gridCoverage`), said to come from the server.
 */
import { formatDateTime, formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/care.zh.ts';
import type { OrgView, Session } from '../../app/services.ts';
import { coverage, visitsBetween, type Coverage, type CoverageRow } from '../../domain/care.ts';
import { readsGridWorkFromRelay, useRelayRows, type GridQuery } from '../assessment/relayrows.ts';
import { gridLabel } from '../cases/lookup.ts';
import './care.css';

/** The rows of the held grids for [fromMs, toMs), as of min(now, toMs). */
export function coverageRows(session: Session, fromMs: number, toMs: number, townId: string | null): CoverageRow[] {
  const records = session.records;
  if (!records) return [];
  const org = session.org.value;
  const asOf = Math.min(session.now(), toMs - 1);
  const out: CoverageRow[] = [];
  for (const gridId of records.careGrids().sort()) {
    if (townId && org?.grid(gridId)?.townId !== townId) continue;
    const index = records.careIndex(gridId, asOf);
    const care = records.care(gridId);
    if (!index) continue;
    out.push({ gridId, ...coverage(index, asOf), visits: care ? visitsBetween(care, fromMs, toMs) : 0 });
  }
  return out;
}

export function CareCoverageCard({ session, org, townId, fromMs, toMs, query }: { session: Session; org: OrgView; townId: string | null; fromMs: number; toMs: number; query?: GridQuery }) {
  const records = session.records;
  void records?.version.value;
  const fromRelay = (records?.careGrids().length ?? 0) === 0 && query !== undefined && readsGridWorkFromRelay(session);
  const relay = useRelayRows(session, '/api/care/coverage', query, fromRelay, (grids) => grids as CoverageRow[]);
  if (!records || (records.careGrids().length === 0 && !fromRelay) || session.user.role === 'worker') return null;
  const rows = fromRelay ? (relay?.rows ?? []) : coverageRows(session, fromMs, toMs, townId);
  const total = rows.reduce((a, r) => ({ households: a.households + r.households, onTime: a.onTime + r.onTime, due: a.due + r.due, overdue: a.overdue + r.overdue, visits: a.visits + r.visits }), { households: 0, onTime: 0, due: 0, overdue: 0, visits: 0 });
  const rate = (r: { households: number; onTime: number }) => (r.households ? `${Math.round((r.onTime / r.households) * 100)}%` : '—');
  const cells = (r: Coverage & { visits: number }) => (
    <>
      <td class="num" data-label={t('care.households')}>
        {formatNumber(r.households)}
      </td>
      <td class="num" data-label={t('care.status.ok')}>
        {formatNumber(r.onTime)}
      </td>
      <td class="num" data-label={t('care.status.due')}>
        {formatNumber(r.due)}
      </td>
      <td class="num" data-label={t('care.status.overdue')}>
        {formatNumber(r.overdue)}
      </td>
      <td class="num" data-label={t('care.coverageRate')}>
        {rate(r)}
      </td>
      <td class="num" data-label={t('care.visits')}>
        {formatNumber(r.visits)}
      </td>
    </>
  );
  return (
    <section class="card care-coverage" aria-labelledby="care-cov-title">
      <h2 id="care-cov-title">{t('care.coverage')}</h2>
      <p class="hint">{t('care.coverageHint')}</p>
      {fromRelay ? <p class="muted">{relay ? t('care.fromRelay', { time: formatDateTime(relay.atMs) }) : t('care.relayPending')}</p> : null}
      {fromRelay && !relay ? null : rows.length === 0 ? (
        <p class="muted">{t('care.coverageNone')}</p>
      ) : (
        <div class="table-wrap" role="region" aria-labelledby="care-cov-title" tabIndex={0}>
          <table class="data-table rtable rt-compact">
            <thead>
              <tr>
                <th scope="col">{t('care.grid')}</th>
                <th scope="col" class="num">
                  {t('care.households')}
                </th>
                <th scope="col" class="num">
                  {t('care.status.ok')}
                </th>
                <th scope="col" class="num">
                  {t('care.status.due')}
                </th>
                <th scope="col" class="num">
                  {t('care.status.overdue')}
                </th>
                <th scope="col" class="num">
                  {t('care.coverageRate')}
                </th>
                <th scope="col" class="num">
                  {t('care.visits')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.gridId} data-grid={r.gridId}>
                  <th scope="row" class="rt-title">
                    {gridLabel(org, r.gridId)}
                  </th>
                  {cells(r)}
                </tr>
              ))}
            </tbody>
            {rows.length > 1 ? (
              <tfoot>
                <tr>
                  <th scope="row">{t('care.total')}</th>
                  {cells(total)}
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      )}
    </section>
  );
}
