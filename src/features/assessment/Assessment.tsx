/**
 * Assessment (考核) of a unit, a town, a grid or the whole county over a chosen period: acceptance on time,
 * on-time completion, completion, satisfaction, average hours to resolve and overdue count, with a breakdown table
 * (towns and units for the county, grids and units for a town) and, for the county, the seed's Table 1 next to
 * Panshan's 2023 figures. Computed on this device from the synced cases (session.stats), so it works offline.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatNumber, localName, t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/stats.zh.ts';
import type { OrgView, Session, StatsResult } from '../../app/services.ts';
import type { Figures, Table1Row } from '../../domain/assessment.ts';
import { assessKinds, type AssessScope } from '../../domain/assessscope.ts';
import { literacyByVillage } from '../../domain/training.ts';
import { LiteracyTable, totalOf } from '../training/LiteracyTable.tsx';
import { CareCoverageCard } from '../care/CareCoverage.tsx';
import type { GridQuery } from './relayrows.ts';
import { PatrolFiguresCard } from '../patrols/PatrolFigures.tsx';
import { MediationCard } from '../mediation/MediationCard.tsx';
import { REPORT_CHANNELS } from '../../domain/channels.ts';
import { cstDay, dayPeriod, presetDays, PRESETS as DAY_PRESETS } from '../../domain/period.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { GridOptions } from '../cases/GridOptions.tsx';
import { ExportButtons } from '../exports/ExportButtons.tsx';
import { statsExportQuery } from '../exports/queries.ts';
import { routeHref } from '../../app/router.ts';
import { gridLabel, gridsInScope, townLabel, unitLabel, villageLabel } from '../cases/lookup.ts';
import { hoursNumber, pct, table1Value } from './format.ts';
import { AssistsCard } from './AssistsCard.tsx';

type Kind = AssessScope['kind'];
/** The preset periods (src/domain/period.ts, in China Standard Time), and a custom one. */
export const PRESETS = [...DAY_PRESETS, 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

function hours(x: number | null): string {
  if (x === null) return '—';
  return t('stats.hours', { h: hoursNumber(x) });
}

/** The query of the grid-work cards the relay answers for the county (a town's or grid's, as GET /api/stats reads it). */
function gridQuery(scope: { kind: 'town'; townId: string } | { kind: 'grid'; gridId: string }, period: { fromMs: number; toMs: number }): GridQuery {
  return { scope: scope.kind === 'town' ? scope.townId : scope.gridId, from: cstDay(period.fromMs), to: cstDay(period.toMs - 1) };
}

export function Assessment({ session }: { session: Session }) {
  const org = session.org.value;
  const user = session.user;
  const kinds = assessKinds(user.role);
  const nowMs = session.now();
  // The county looks at the year (Table 1 is a year's figures); everyone else at the month.
  const firstPreset: Exclude<Preset, 'custom'> = kinds[0] === 'county' ? 'this_year' : 'this_month';
  const initial = presetDays(firstPreset, nowMs);
  const [kind, setKind] = useState<Kind>(kinds[0] ?? 'county');
  /** The user's own town, unit or grid when the list offers it, else the first of the list. */
  const firstTarget = (k: Kind): string => {
    const list = org ? targetsFor(k, session, org) : [];
    const own = k === 'town' ? user.townId : k === 'unit' ? user.unitId : k === 'grid' ? user.gridId : undefined;
    return own && list.some((x) => x.id === own) ? own : (list[0]?.id ?? '');
  };
  const [chosen, setTarget] = useState<string>(() => firstTarget(kinds[0] ?? 'county'));
  // Chosen before the reference data had loaded (nothing to choose from then): the default once it is here.
  const target = chosen || firstTarget(kind);
  const [preset, setPreset] = useState<Preset>(firstPreset);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [result, setResult] = useState<StatsResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [tookMs, setTookMs] = useState<number | null>(null);

  const targets = org ? targetsFor(kind, session, org) : [];
  const targetOk = kind === 'county' || targets.some((x) => x.id === target);
  const period = dayPeriod(from, to);

  useEffect(() => {
    if (!kinds.length || !targetOk || !period) return;
    let live = true;
    const scope: AssessScope =
      kind === 'county' ? { kind } : kind === 'town' ? { kind, townId: target } : kind === 'unit' ? { kind, unitId: target } : { kind, gridId: target };
    setBusy(true);
    setError('');
    const started = performance.now();
    session.stats(scope, period.fromMs, period.toMs).then(
      (r) => {
        if (!live) return;
        setResult(r);
        setTookMs(Math.round(performance.now() - started));
        setBusy(false);
      },
      () => {
        if (!live) return;
        setError(t('app.screenLoadFailed'));
        setBusy(false);
      },
    );
    return () => {
      live = false;
    };
  }, [kind, target, from, to, session.casesVersion.value]);

  if (!kinds.length) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('stats.title')}</ScreenTitle>
        <p>{t('app.notAllowed')}</p>
      </div>
    );
  }

  const chooseKind = (k: Kind) => {
    setKind(k);
    setTarget(firstTarget(k));
  };

  const choosePreset = (p: Preset) => {
    setPreset(p);
    if (p !== 'custom') {
      const r = presetDays(p, session.now());
      setFrom(r.from);
      setTo(r.to);
    }
  };

  const scopeName = !result
    ? ''
    : result.scope.kind === 'county'
      ? t('stats.kind.county')
      : result.scope.kind === 'town'
        ? townLabel(org, result.scope.townId)
        : result.scope.kind === 'unit'
          ? unitLabel(org, result.scope.unitId)
          : gridLabel(org, result.scope.gridId);

  return (
    <div class="assessment">
      <ScreenTitle suffix={t('app.name')}>{t('stats.title')}</ScreenTitle>
      <form class="card stats-form" aria-label={t('stats.choose')} onSubmit={(e) => e.preventDefault()}>
        <div class="filters">
          {/* A choice of one is no choice: a grid worker's own grid is named by the figures' heading. */}
          {kinds.length > 1 ? (
            <Field id="st-kind" label={t('stats.kind')}>
              <select id="st-kind" value={kind} onChange={(e) => chooseKind(e.currentTarget.value as Kind)}>
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {t(`stats.kind.${k}`)}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          {kind !== 'county' && org && (targets.length > 1 || !targetOk) ? (
            <Field id="st-target" label={t(`stats.target.${kind}`)}>
              <select id="st-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
                {!targetOk ? <option value="">—</option> : null}
                {kind === 'grid' ? (
                  <GridOptions grids={gridsInScope(user, org)} org={org} />
                ) : (
                  targets.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name}
                    </option>
                  ))
                )}
              </select>
            </Field>
          ) : null}
          <Field id="st-preset" label={t('stats.period')}>
            <select id="st-preset" value={preset} onChange={(e) => choosePreset(e.currentTarget.value as Preset)}>
              {PRESETS.map((p) => (
                <option key={p} value={p}>
                  {t(`stats.preset.${p}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="st-from" label={t('stats.from')}>
            <input
              id="st-from"
              type="date"
              value={from}
              max={to}
              onInput={(e) => {
                setPreset('custom');
                setFrom(e.currentTarget.value);
              }}
            />
          </Field>
          <Field id="st-to" label={t('stats.to')}>
            <input
              id="st-to"
              type="date"
              value={to}
              min={from}
              onInput={(e) => {
                setPreset('custom');
                setTo(e.currentTarget.value);
              }}
            />
          </Field>
        </div>
        {!period ? <p class="field-error">{t('stats.err.period')}</p> : null}
      </form>

      <p role="status" class="cases-count">
        {busy ? t('stats.busy') : result ? t('stats.basis', { scope: scopeName, from, to, n: formatNumber(result.figures.cases), ms: tookMs ?? 0 }) : ''}
      </p>
      <Alert tone="error">{error}</Alert>
      {period && targetOk ? <StatsExports session={session} scope={kind === 'county' ? 'county' : target} from={from} to={to} /> : null}

      {result ? <FiguresCard figures={result.figures} title={t('stats.figuresOf', { scope: scopeName })} /> : null}
      {result ? <ChannelsCard figures={result.figures} /> : null}
      {result && org ? <AssistsCard result={result} org={org} /> : null}
      {result?.table1 ? <Table1 rows={result.table1} /> : null}
      {result && org ? <Breakdown result={result} org={org} /> : null}
      {result && org && period && (result.scope.kind === 'town' || result.scope.kind === 'county') ? (
        <LiteracyCard session={session} org={org} townId={result.scope.kind === 'town' ? result.scope.townId : null} fromMs={period.fromMs} toMs={period.toMs} />
      ) : null}
      {result && org && period && (result.scope.kind === 'town' || result.scope.kind === 'grid') ? (
        <CareCoverageCard
          session={session}
          org={org}
          townId={result.scope.kind === 'town' ? result.scope.townId : null}
          fromMs={period.fromMs}
          toMs={period.toMs}
          query={gridQuery(result.scope, period)}
        />
      ) : null}
      {/* issue 17: patrols done against expected, per grid and worker (the patrols docs this user holds) */}
      {result && org && period && (result.scope.kind === 'town' || result.scope.kind === 'grid') ? (
        <PatrolFiguresCard
          session={session}
          org={org}
          {...(result.scope.kind === 'town' ? { townId: result.scope.townId } : { gridId: result.scope.gridId })}
          fromMs={period.fromMs}
          toMs={period.toMs}
          query={gridQuery(result.scope, period)}
        />
      ) : null}
      {/* Issue 17: disputes opened, settled, referred, failed, follow-ups overdue (per grid; per town for the county). */}
      {result && org && period ? <MediationCard session={session} org={org} scope={result.scope} fromMs={period.fromMs} toMs={period.toMs} /> : null}
      <p class="hint">{t('stats.definitions')}</p>
    </div>
  );
}

/**
 * 导出 (issue 15): the 考核 tables of this scope and period as the relay computes them (server/exports.ts: the same
 * rules, so the same numbers), and the month's printable report (Report.tsx, computed here like this screen).
 */
function StatsExports({ session, scope, from, to }: { session: Session; scope: string; from: string; to: string }) {
  const q = statsExportQuery(scope, from, to);
  // The CSV is one table: the screen's breakdown (towns for the county, grids for a town), else the scope's figures.
  const table = scope === 'county' ? 'towns' : session.org.value?.data.towns.some((x) => x.id === scope) ? 'grids' : 'figures';
  return (
    <>
      <ExportButtons
        session={session}
        files={[
          { label: t('export.xlsx'), path: `/api/exports/stats.xlsx?${q}` },
          { label: t('export.csv'), path: `/api/exports/stats.csv?${q}&table=${table}` },
        ]}
        note={t('export.statsNote')}
      />
      <p>
        <a class="btn btn-quiet" href={routeHref({ name: 'statsReport', month: from.slice(0, 7), scope })}>
          {t('mreport.link')}
        </a>
      </p>
    </>
  );
}

interface Target {
  id: string;
  name: string;
}

function targetsFor(kind: Kind, session: Session, org: OrgView): Target[] {
  const user = session.user;
  switch (kind) {
    case 'county':
      return [];
    case 'town':
      return org.data.towns.filter((x) => user.role !== 'town' || x.id === user.townId).map((x) => ({ id: x.id, name: localName(x) }));
    case 'unit':
      return org.data.units
        .filter((u) => (user.role === 'unit' ? u.id === user.unitId : user.role === 'town' ? u.townId === undefined || u.townId === user.townId : true))
        .map((u) => ({ id: u.id, name: u.name }))
        .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    case 'grid':
      return gridsInScope(user, org).map((g) => ({ id: g.id, name: gridLabel(org, g.id) }));
  }
}

const FIGURES: { key: MessageKey; value(f: Figures): string; detail?(f: Figures): string }[] = [
  { key: 'stats.f.acceptance', value: (f) => pct(f.acceptanceOnTimeRate), detail: (f) => t('stats.ofN', { a: formatNumber(f.acceptedOnTime), b: formatNumber(f.acceptanceCounted) }) },
  { key: 'stats.f.onTime', value: (f) => pct(f.onTimeCompletionRate), detail: (f) => t('stats.ofN', { a: formatNumber(f.completedOnTime), b: formatNumber(f.completed) }) },
  { key: 'stats.f.completion', value: (f) => pct(f.completionRate), detail: (f) => t('stats.ofN', { a: formatNumber(f.completed), b: formatNumber(f.cases - f.withdrawn - f.merged - f.rejected) }) },
  {
    key: 'stats.f.satisfaction',
    value: (f) => pct(f.satisfactionRate),
    detail: (f) => t('stats.satisfactionDetail', { s: formatNumber(f.satisfied), b: formatNumber(f.basicallySatisfied), d: formatNumber(f.dissatisfied) }),
  },
  { key: 'stats.f.avgHours', value: (f) => hours(f.avgResolveHours) },
  { key: 'stats.f.overdue', value: (f) => formatNumber(f.overdue), detail: (f) => t('stats.overdueDetail', { open: formatNumber(f.overdueOpen), late: formatNumber(f.completedLate) }) },
  { key: 'stats.f.cases', value: (f) => formatNumber(f.cases), detail: (f) => t('stats.casesDetail', { open: formatNumber(f.open), done: formatNumber(f.completed) }) },
  // 二次回访 (issue 13): cases rated 不满意, and how their revisits were answered
  {
    key: 'stats.f.revisits',
    value: (f) => formatNumber(f.revisits ?? 0),
    detail: (f) => t('stats.revisitDetail', { r: formatNumber(f.revisitsReopened ?? 0), c: formatNumber(f.revisitsCalled ?? 0), p: formatNumber(f.revisitPending ?? 0) }),
  },
];

/** The cases by channel (issue 13: the 考核 counts 代报 and residents' own reports). */
function ChannelsCard({ figures }: { figures: Figures }) {
  // Figures from a relay older than the channels have none: no card then.
  const channels = figures.channels as Figures['channels'] | undefined;
  if (!channels) return null;
  return (
    <section class="card" aria-labelledby="channels-title">
      <h2 id="channels-title">{t('stats.channels')}</h2>
      <div class="table-wrap channels-wrap" role="region" aria-labelledby="channels-title" tabIndex={0}>
        <table class="data-table rtable rt-compact">
          <thead>
            <tr>
              <th scope="col">{t('stats.col.channel')}</th>
              <th scope="col" class="num">
                {t('stats.col.cases')}
              </th>
              <th scope="col" class="num">
                %
              </th>
            </tr>
          </thead>
          <tbody>
            {REPORT_CHANNELS.map((c) => (
              <tr key={c}>
                <th scope="row" class="rt-title">
                  {t(`channel.${c}`)}
                </th>
                <td class="num" data-label={t('stats.col.cases')}>
                  {formatNumber(channels[c] ?? 0)}
                </td>
                <td class="num" data-label="%">
                  {pct(figures.cases ? (channels[c] ?? 0) / figures.cases : null)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function FiguresCard({ figures, title }: { figures: Figures; title: string }) {
  return (
    <section class="card" aria-labelledby="figures-title">
      <h2 id="figures-title">{title}</h2>
      <dl class="figures">
        {FIGURES.map((x) => (
          <div class="figure" key={x.key}>
            <dt>{t(x.key)}</dt>
            <dd>
              <span class="figure-value">{x.value(figures)}</span>
              {x.detail ? <span class="figure-detail">{x.detail(figures)}</span> : null}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}


function Table1({ rows }: { rows: Table1Row[] }) {
  return (
    <section class="card" aria-labelledby="table1-title">
      <h2 id="table1-title">{t('stats.table1')}</h2>
      <div class="table-wrap" role="region" aria-labelledby="table1-title" tabIndex={0}>
        <table class="data-table rtable rt-compact">
          <thead>
            <tr>
              <th scope="col">{t('stats.t1.category')}</th>
              <th scope="col">{t('stats.t1.unit')}</th>
              <th scope="col" class="num">
                {t('stats.t1.value')}
              </th>
              <th scope="col" class="num">
                {t('stats.t1.seed')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row" class="rt-title">
                  {localName({ name: r.label, nameEn: r.labelEn })}
                </th>
                <td data-label={t('stats.t1.unit')}>{r.unit}</td>
                <td class="num" data-label={t('stats.t1.value')}>
                  {table1Value(r, r.value)}
                </td>
                <td class="num" data-label={t('stats.t1.seed')}>
                  {table1Value(r, r.seed)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Breakdown({ result, org }: { result: StatsResult; org: OrgView }) {
  const s = result.scope;
  const tables: { id: string; title: string; rows: [string, string, Figures][] }[] = [];
  const rep = result.report;
  if (s.kind === 'county') {
    tables.push({ id: 'bd-towns', title: t('stats.byTown'), rows: Object.entries(rep.towns).map(([id, f]) => [id, townLabel(org, id), f]) });
    tables.push({ id: 'bd-units', title: t('stats.byUnit'), rows: Object.entries(rep.units).map(([id, f]) => [id, unitLabel(org, id), f]) });
  } else if (s.kind === 'town') {
    const grids = Object.entries(rep.grids).filter(([id]) => org.grid(id)?.townId === s.townId);
    tables.push({ id: 'bd-grids', title: t('stats.byGrid'), rows: grids.map(([id, f]) => [id, gridLabel(org, id), f]) });
  }
  return (
    <>
      {tables
        .filter((x) => x.rows.length)
        .map((x) => (
          <section class="card" aria-labelledby={x.id} key={x.id}>
            <h2 id={x.id}>{x.title}</h2>
            <div class="table-wrap" role="region" aria-labelledby={x.id} tabIndex={0}>
              <table class="data-table rtable rt-compact">
                <thead>
                  <tr>
                    <th scope="col">{t('stats.col.name')}</th>
                    <th scope="col" class="num">
                      {t('stats.f.cases')}
                    </th>
                    <th scope="col" class="num">
                      {t('stats.f.acceptance')}
                    </th>
                    <th scope="col" class="num">
                      {t('stats.f.onTime')}
                    </th>
                    <th scope="col" class="num">
                      {t('stats.f.completion')}
                    </th>
                    <th scope="col" class="num">
                      {t('stats.f.satisfaction')}
                    </th>
                    <th scope="col" class="num">
                      {t('stats.f.avgHours')}
                    </th>
                    <th scope="col" class="num">
                      {t('stats.f.overdue')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {x.rows.map(([id, name, f]) => (
                    <tr key={id}>
                      <th scope="row" class="rt-title">
                        {name}
                      </th>
                      <td class="num" data-label={t('stats.f.cases')}>
                        {formatNumber(f.cases)}
                      </td>
                      <td class="num" data-label={t('stats.f.acceptance')}>
                        {pct(f.acceptanceOnTimeRate)}
                      </td>
                      <td class="num" data-label={t('stats.f.onTime')}>
                        {pct(f.onTimeCompletionRate)}
                      </td>
                      <td class="num" data-label={t('stats.f.completion')}>
                        {pct(f.completionRate)}
                      </td>
                      <td class="num" data-label={t('stats.f.satisfaction')}>
                        {pct(f.satisfactionRate)}
                      </td>
                      <td class="num" data-label={t('stats.f.avgHours')}>
                        {hours(f.avgResolveHours)}
                      </td>
                      <td class="num" data-label={t('stats.f.overdue')}>
                        {formatNumber(f.overdue)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))}
    </>
  );
}

/**
 * Issue 14: digital-literacy figures of the period from the training docs this user holds: per village for a town,
 * per town for the county. Nothing when no training doc is held (a unit, a grid worker).
 */
function LiteracyCard({ session, org, townId, fromMs, toMs }: { session: Session; org: OrgView; townId: string | null; fromMs: number; toMs: number }) {
  const records = session.records;
  void records?.version.value;
  const towns = records?.trainingTowns() ?? [];
  if (!records || towns.length === 0 || (townId && !towns.includes(townId))) return null;
  const perVillage = (tid: string) => {
    const st = records.training(tid);
    return st ? literacyByVillage(st, fromMs, toMs) : [];
  };
  const rows = townId
    ? perVillage(townId).map((f) => ({ ...f, id: f.villageId, name: villageLabel(org, f.villageId) }))
    : towns.map((tid) => totalOf(tid, townLabel(org, tid), perVillage(tid)));
  return (
    <section class="card" aria-labelledby="literacy-title">
      <h2 id="literacy-title">{t('stats.literacy')}</h2>
      {rows.length === 0 ? <p class="muted">{t('stats.literacyNone')}</p> : <LiteracyTable rows={rows} first={townId ? t('tr.col.village') : t('stats.col.name')} labelledBy="literacy-title" />}
      {townId ? (
        <p>
          <a class="cell-link" href="#/training">
            {t('stats.literacyMore')}
          </a>
        </p>
      ) : null}
    </section>
  );
}
