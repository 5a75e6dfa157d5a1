/**
 * 考核 (issue 17): patrols done against expected for the period, per grid and per grid worker, from the patrols docs
 * this user holds (a town center: its town's grids; a village secretary: its village's; a worker: their own), so it
 * works offline. The county and admins hold no patrols docs (one per grid of the county): for a town or grid they
 * assess, the card shows what the relay folded with the same rules (GET /api/patrols/figures), and says so.
 */
import { formatDateTime, formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/patrols.zh.ts';
import type { OrgView, Session } from '../../app/services.ts';
import { patrolFigures, patrolFiguresFromJson, type PatrolFigures, type PatrolFiguresJson } from '../../domain/patrols.ts';
import { gridLabel, userLabel } from '../cases/lookup.ts';
import { pct } from '../assessment/format.ts';
import { readsGridWorkFromRelay, useRelayRows, type GridQuery } from '../assessment/relayrows.ts';
import { distanceText } from './format.ts';

export function PatrolFiguresCard({ session, org, townId, gridId, fromMs, toMs, query }: { session: Session; org: OrgView; townId?: string; gridId?: string; fromMs: number; toMs: number; query?: GridQuery }) {
  const records = session.records;
  void records?.version.value;
  const held = (records?.patrolGrids() ?? []).filter((g) => (gridId ? g === gridId : org.grid(g)?.townId === townId));
  // The county and admins hold no patrols docs (one per grid of the county): the relay folds them for them.
  const fromRelay = held.length === 0 && query !== undefined && readsGridWorkFromRelay(session);
  const relay = useRelayRows(session, '/api/patrols/figures', query, fromRelay, (grids) => (grids as PatrolFiguresJson[]).map(patrolFiguresFromJson));
  if (!records || (held.length === 0 && !fromRelay)) return null;
  const rows: PatrolFigures[] = [];
  for (const g of held) {
    const st = records.patrols(g);
    if (st) rows.push(patrolFigures(g, st, fromMs, toMs));
  }
  if (relay) rows.push(...relay.rows);
  const shown = rows.filter((r) => r.done > 0 || r.expected !== null);
  const workers = shown.flatMap((r) => [...r.byWorker].map(([w, n]) => ({ gridId: r.gridId, workerId: w, done: n, expected: r.expected })));
  const rate = (r: { done: number; expected: number | null }) => (r.expected ? pct(Math.min(1, r.done / r.expected)) : '—');
  return (
    <section class="card" aria-labelledby="patrol-figures-title">
      <h2 id="patrol-figures-title">{t('pa.stats')}</h2>
      {fromRelay ? <p class="muted">{relay ? t('pa.fromRelay', { time: formatDateTime(relay.atMs) }) : t('pa.relayPending')}</p> : null}
      {fromRelay && !relay ? null : shown.length === 0 ? (
        <p class="muted">{t('pa.statsNone')}</p>
      ) : (
        <>
          <div class="table-wrap" role="region" aria-labelledby="patrol-figures-title" tabIndex={0}>
            <table class="data-table rtable rt-compact">
              <thead>
                <tr>
                  <th scope="col">{t('pa.grid')}</th>
                  <th scope="col" class="num">
                    {t('pa.col.done')}
                  </th>
                  <th scope="col" class="num">
                    {t('pa.col.expected')}
                  </th>
                  <th scope="col" class="num">
                    {t('pa.col.rate')}
                  </th>
                  <th scope="col" class="num">
                    {t('pa.col.distance')}
                  </th>
                  <th scope="col" class="num">
                    {t('pa.col.cases')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.gridId}>
                    <th scope="row" class="rt-title">
                      {gridLabel(org, r.gridId)}
                    </th>
                    <td class="num" data-label={t('pa.col.done')}>
                      {formatNumber(r.done)}
                    </td>
                    <td class="num" data-label={t('pa.col.expected')}>
                      {r.expected === null ? t('pa.freqNone') : formatNumber(r.expected)}
                    </td>
                    <td class="num" data-label={t('pa.col.rate')}>
                      {rate(r)}
                    </td>
                    <td class="num" data-label={t('pa.col.distance')}>
                      {distanceText(r.distanceM)}
                    </td>
                    <td class="num" data-label={t('pa.col.cases')}>
                      {formatNumber(r.cases)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {workers.length ? (
            <>
              <h3 id="patrol-workers-title">{t('pa.byWorker')}</h3>
              <div class="table-wrap" role="region" aria-labelledby="patrol-workers-title" tabIndex={0}>
                <table class="data-table rtable rt-compact">
                  <thead>
                    <tr>
                      <th scope="col">{t('pa.worker')}</th>
                      <th scope="col">{t('pa.grid')}</th>
                      <th scope="col" class="num">
                        {t('pa.col.done')}
                      </th>
                      <th scope="col" class="num">
                        {t('pa.col.expected')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {workers.map((w) => (
                      <tr key={`${w.gridId}:${w.workerId}`}>
                        <th scope="row" class="rt-title">
                          {userLabel(org, w.workerId)}
                        </th>
                        <td data-label={t('pa.grid')}>{gridLabel(org, w.gridId)}</td>
                        <td class="num" data-label={t('pa.col.done')}>
                          {formatNumber(w.done)}
                        </td>
                        <td class="num" data-label={t('pa.col.expected')}>
                          {w.expected === null ? t('pa.freqNone') : formatNumber(w.expected)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </>
      )}
      <p class="hint">{t('pa.statsHint')}</p>
      <p>
        <a class="cell-link" href="#/patrol">
          {session.user.role === 'town' ? t('pa.setFreq') : t('pa.seeAll')}
        </a>
      </p>
    </section>
  );
}
