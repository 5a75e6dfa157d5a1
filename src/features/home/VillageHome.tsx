/**
 * The village secretary's home (村（社区）工作台): what needs them now (overdue cases in the village, residents'
 * needs whose party service waits for their confirmation, needs no member has claimed yet), the village at a
 * glance (open cases, overdue, households, party members, needs to claim), and the village's open cases, overdue
 * first. Everything is read locally (the read model, the people and party docs the secretary holds), offline too;
 * a figure not known yet shows "…", never 0.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/wf.zh.ts';
import type { CaseRow, Session } from '../../app/services.ts';
import { runningDueMs } from '../../domain/queues.ts';
import { FINAL_STATUSES } from '../../domain/workflow.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { ElderSwitch } from '../shell/ElderSwitch.tsx';
import { lookup } from '../cases/lookup.ts';
import { useNow } from '../workflow/now.ts';
import { QueueRow } from '../workflow/QueueRow.tsx';
import { NotAllowed } from '../workflow/WorkScreen.tsx';
import { useDataKnown } from '../workflow/usePaged.ts';
import './home.css';

/** Cases of a grid read at once (a grid holds few cases: about 2,000 a year over 844 grids). */
const PER_GRID = 2000;
const OPEN_SHOWN = 10;

interface VillageCases {
  open: CaseRow[];
  overdue: number;
}

export function villageCases(rows: readonly CaseRow[], nowMs: number): VillageCases {
  const open = rows.filter((r) => !FINAL_STATUSES.includes(r.status));
  const due = (r: CaseRow) => runningDueMs(r) ?? Number.POSITIVE_INFINITY;
  const overdue = open.filter((r) => due(r) < nowMs).length;
  // Overdue and nearest deadline first, then the newest.
  open.sort((a, b) => due(a) - due(b) || b.reportedMs - a.reportedMs);
  return { open, overdue };
}

function useVillageCases(session: Session, gridIds: readonly string[], nowMs: number): VillageCases | undefined {
  const version = session.casesVersion.value;
  const [v, setV] = useState<VillageCases | undefined>(undefined);
  const minute = Math.floor(nowMs / 60_000);
  useEffect(() => {
    if (!gridIds.length) return;
    let live = true;
    Promise.all(gridIds.map((g) => session.queryCases({ gridId: g }, 0, PER_GRID))).then(
      (pages) => live && setV(villageCases(pages.flat(), session.now())),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [version, gridIds.join(','), minute]);
  return v;
}

function Stat({ n, label, href, late }: { n: number | undefined; label: string; href?: string; late?: boolean }) {
  const body = (
    <>
      <span class="home-stat-n">{n === undefined ? '…' : formatNumber(n)}</span>
      <span class="home-stat-label">{label}</span>
    </>
  );
  const cls = late && n ? 'home-stat is-late' : 'home-stat';
  return <li>{href ? <a class={cls} href={href}>{body}</a> : <div class={cls}>{body}</div>}</li>;
}

export function VillageHome({ session }: { session: Session }) {
  const org = session.org.value;
  const user = session.user;
  const now = useNow(() => session.now());
  const villageId = user.villageId ?? '';
  const village = org ? lookup(org).villages.get(villageId) : undefined;
  const gridIds = org ? org.data.grids.filter((g) => g.villageId === villageId).map((g) => g.id) : [];
  const counted = useVillageCases(session, gridIds, now);
  const casesKnown = useDataKnown(session);
  // Zeros are not known while the first sync runs.
  const cases = counted && (counted.open.length > 0 || casesKnown) ? counted : undefined;
  const records = session.records;
  void records?.version.value; // re-render on every change of the people and party docs
  if (user.role !== 'secretary') return <NotAllowed title={t('home.village')} />;

  const peopleGrids = records ? records.peopleGrids().filter((g) => gridIds.includes(g)) : [];
  const households = records && peopleGrids.length ? peopleGrids.reduce((n, g) => n + (records.people(g)?.households.size ?? 0), 0) : undefined;
  const party = records?.party() ?? null;
  const members = party ? [...party.members.values()].filter((m) => m.villageId === villageId).length : undefined;
  const needs = party ? [...party.needs.values()].filter((x) => x.villageId === villageId) : undefined;
  const openNeeds = needs?.filter((x) => x.status === 'open').length;
  const toConfirm = needs?.filter((x) => x.status === 'claimed' && x.work.length > 0).length;

  const lines: { key: string; text: string; href?: string }[] = [];
  // Overdue cases head the list below (no link: the list is on this screen).
  if (cases?.overdue) lines.push({ key: 'overdue', text: t('home.overdueLine', { n: formatNumber(cases.overdue) }) });
  if (toConfirm) lines.push({ key: 'confirm', text: t('home.confirmLine', { n: formatNumber(toConfirm) }), href: '#/party/needs' });
  if (openNeeds) lines.push({ key: 'needs', text: t('home.needsLine', { n: formatNumber(openNeeds) }), href: '#/party/needs' });
  const known = cases !== undefined && needs !== undefined;

  return (
    <div class="village-home">
      <ScreenTitle suffix={t('app.name')} tools={<ElderSwitch home />}>
        {t('home.village')}
        {village ? <span class="title-sub">{village.name}</span> : null}
      </ScreenTitle>

      <section aria-labelledby="needs-you-title">
        <h2 id="needs-you-title">{t('home.needsYou')}</h2>
        {lines.length ? (
          <ul class="home-needs">
            {lines.map((l) => (
              <li key={l.key} class={l.key === 'overdue' ? 'home-lead is-late' : 'home-lead is-due'}>
                {l.href ? <a href={l.href}>{l.text}</a> : <span>{l.text}</span>}
              </li>
            ))}
          </ul>
        ) : known ? (
          <p class="home-lead">{t('home.nothingNow')}</p>
        ) : (
          <p role="status" class="hint">
            {t('home.loading')}
          </p>
        )}
      </section>

      <ul class="home-stats" aria-label={village?.name ?? t('home.village')}>
        <Stat n={cases?.open.length} label={t('home.open')} href="#/cases" />
        <Stat n={cases?.overdue} label={t('home.overdue')} late />
        <Stat n={households} label={t('home.households')} href="#/people" />
        <Stat n={members} label={t('home.members')} href="#/party" />
        <Stat n={openNeeds} label={t('home.needs')} href="#/party/needs" />
      </ul>

      <section class="card" aria-labelledby="open-title">
        <h2 id="open-title">
          {t('home.openList')}
        </h2>
        {cases === undefined ? (
          <p role="status" class="hint">
            {t('home.loading')}
          </p>
        ) : cases.open.length === 0 ? (
          <p class="hint">{t('home.openEmpty')}</p>
        ) : (
          <ul class="finished-list">
            {cases.open.slice(0, OPEN_SHOWN).map((r) => (
              <li key={r.id}>
                <QueueRow row={r} org={org} now={now} showUnit session={session} />
              </li>
            ))}
          </ul>
        )}
        <p>
          <a class="btn" href="#/cases">
            {t('home.allCases')}
          </a>
        </p>
      </section>
    </div>
  );
}
