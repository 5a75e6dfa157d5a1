/**
 * Finished cases where the user works, newest change first: a grid worker's 已完成 tab (the cases they verified stay
 * findable there), the unit's 已完成的案件. Read from the read model (offline too) with the list's own indexes:
 * the latest `limit` of the given statuses, narrowed by `keep` (a unit's own), fresh on every change.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/wf.zh.ts';
import type { CaseFilter, CaseRow, Session } from '../../app/services.ts';
import type { Status } from '../../domain/workflow.ts';
import { QueueRow } from '../workflow/QueueRow.tsx';
import { useDataKnown } from '../workflow/usePaged.ts';
import './home.css';

export interface FinishedQuery {
  statuses: readonly Status[];
  filter?: Omit<CaseFilter, 'status'>;
  /** Rows to keep (e.g. the unit's own). */
  keep?: (row: CaseRow) => boolean;
  /** How many to show. */
  limit: number;
}

/** Rows looked at per status before narrowing (`keep`): recent enough for a "recently finished" list. */
const SCAN = 400;

export async function finishedRows(session: Session, q: FinishedQuery): Promise<CaseRow[]> {
  const pages = await Promise.all(q.statuses.map((status) => session.queryCases({ ...q.filter, status }, 0, SCAN)));
  return pages
    .flat()
    .filter((r) => (q.keep ? q.keep(r) : true))
    .sort((a, b) => b.updatedMs - a.updatedMs)
    .slice(0, q.limit);
}

export function useFinished(session: Session, q: FinishedQuery): CaseRow[] | undefined {
  const version = session.casesVersion.value;
  const [rows, setRows] = useState<CaseRow[] | undefined>(undefined);
  useEffect(() => {
    let live = true;
    finishedRows(session, q).then(
      (r) => live && setRows(r),
      () => live && setRows([]),
    );
    return () => {
      live = false;
    };
  }, [version]);
  return rows;
}

export function FinishedList({ session, rows, now, label, empty, showUnit }: { session: Session; rows: CaseRow[] | undefined; now: number; label: string; empty: string; showUnit?: boolean }) {
  const org = session.org.value;
  const known = useDataKnown(session);
  if (rows === undefined || (rows.length === 0 && !known)) {
    return (
      <p role="status" class="hint">
        {t('home.loading')}
      </p>
    );
  }
  if (rows.length === 0) return <p class="hint">{empty}</p>;
  return (
    <ul class="finished-list" aria-label={label}>
      {rows.map((r) => (
        <li key={r.id}>
          <QueueRow row={r} org={org} now={now} showUnit={showUnit} session={session} />
        </li>
      ))}
    </ul>
  );
}
