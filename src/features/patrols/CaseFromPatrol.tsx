/**
 * On a case's page (issue 17): "巡查中上报" with a link to the patrol, when the case was reported from a patrol and
 * this user holds that grid's patrols doc (its worker, village secretary, town center). The link is the patrol log's
 * `case_linked` event, made on the worker's device with the report, so it is there offline too.
 */
import { formatTime, t } from '../../app/i18n.ts';
import '../../app/locales/patrols.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { Session } from '../../app/services.ts';
import { patrolOfCase } from '../../domain/patrols.ts';

export function CaseFromPatrol({ session, caseId, gridId }: { session: Session; caseId: string; gridId: string }) {
  const records = session.records;
  void records?.version.value;
  const st = records?.patrolGrids().includes(gridId) ? records.patrols(gridId) : null;
  const p = st ? patrolOfCase(st, caseId) : undefined;
  if (!p) return null;
  return (
    <>
      <dt>{t('pa.fromPatrol')}</dt>
      <dd>
        <a class="cell-link" href={routeHref({ name: 'patrol', id: p.id })}>
          {t('pa.startedAt', { time: formatTime(p.startedMs, session.now()) })}
        </a>
      </dd>
    </>
  );
}
