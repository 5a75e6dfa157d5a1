/**
 * 考核 (issue 17): the mediation figures of the period from the summaries this user holds (src/domain/mediation.ts
 * `mediationByGrid`): per grid for a town or a grid, per town for the county. Disputes opened, settled (agreement),
 * referred and failed in the period; follow-ups overdue now. Nothing when no summary is held (a unit).
 */
import { t } from '../../app/i18n.ts';
import '../../app/locales/mediation.zh.ts';
import type { OrgView, Session } from '../../app/services.ts';
import type { AssessScope } from '../../domain/assessscope.ts';
import { mediationByGrid, totalMediation } from '../../domain/mediation.ts';
import { gridLabel, townLabel } from '../cases/lookup.ts';
import { MediationTable } from './MediationTable.tsx';

export function MediationCard({ session, org, scope, fromMs, toMs }: { session: Session; org: OrgView; scope: AssessScope; fromMs: number; toMs: number }) {
  const api = session.records?.mediation;
  void session.records?.version.value;
  const towns = api?.towns() ?? [];
  if (!api || towns.length === 0 || scope.kind === 'unit') return null;
  const now = session.now();
  const perGrid = (townId: string) => {
    const st = api.stateOf(townId);
    return st ? mediationByGrid(st, fromMs, toMs, now) : [];
  };
  let rows;
  if (scope.kind === 'county') rows = towns.map((tid) => ({ ...totalMediation(tid, perGrid(tid)), name: townLabel(org, tid) }));
  else {
    const townId = scope.kind === 'town' ? scope.townId : org.grid(scope.gridId)?.townId;
    if (!townId || !towns.includes(townId)) return null;
    rows = perGrid(townId)
      .filter((f) => scope.kind === 'town' || f.gridId === scope.gridId)
      .map((f) => ({ ...f, name: gridLabel(org, f.gridId) }));
  }
  return (
    <section class="card" aria-labelledby="mediation-title">
      <h2 id="mediation-title">{t('md.stats')}</h2>
      {rows.length === 0 ? <p class="muted">{t('md.statsNone')}</p> : <MediationTable rows={rows} labelledBy="mediation-title" first={scope.kind === 'county' ? t('md.col.town') : t('md.col.grid')} />}
      {scope.kind !== 'county' && api.townId() ? (
        <p>
          <a class="cell-link" href="#/mediation">
            {t('md.statsMore')}
          </a>
        </p>
      ) : null}
    </section>
  );
}
