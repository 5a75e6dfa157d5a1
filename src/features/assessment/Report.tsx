/**
 * The monthly 考核 report as a printable A4 page (issue 15), #/stats/report?month=YYYY-MM&scope=<county|id>: the
 * month's figures of a scope, its breakdown (towns and units for the county, grids for a town) and, for the county,
 * Table 1. Computed on this device by session.stats, as the 考核 screen computes it (works offline); laid out from
 * the same tables as the relay's exports (domain statsTables: one copy of the columns). Printed, only the report is
 * on paper (report.css: @page A4, Chinese fonts installed on the device, no web fonts).
 */
import { useEffect, useState } from 'preact/hooks';
import '../../app/locales/exports.zh.ts';
import '../../app/locales/stats.zh.ts';
import '../../app/locales/cohandle.zh.ts';
import { formatNumber, lang, localName, t } from '../../app/i18n.ts';
import { hoursNumber, pct } from './format.ts';
import { routeHref } from '../../app/router.ts';
import type { OrgView, Session, StatsResult } from '../../app/services.ts';
import { assessKinds, type AssessScope } from '../../domain/assessscope.ts';
import { mayAssess } from '../../domain/assessaccess.ts';
import { cstMinute, statsTables, type Cell, type Column, type ExportTable, type StatsAnswer } from '../../domain/exports.ts';
import { checkPeriod, cstDay, cstDayStart, DAY_MS } from '../../domain/period.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { gridLabel, townLabel, unitLabel } from '../cases/lookup.ts';
import './report.css';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The CST days of a month "YYYY-MM", or null. */
export function monthDays(month: string): { from: string; to: string; fromMs: number; toMs: number } | null {
  const m = MONTH.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const fromMs = cstDayStart(`${month}-01`);
  const next = mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
  const toMs = cstDayStart(next);
  if (fromMs === null || toMs === null || !checkPeriod(fromMs, toMs)) return null;
  return { from: `${month}-01`, to: cstDay(toMs - DAY_MS), fromMs, toMs };
}

/** The scope of a `scope` parameter as /api/stats reads it, or the user's own when absent; null when not theirs. */
function scopeOf(raw: string | undefined, session: Session, org: OrgView): { scope: AssessScope; id: string } | null {
  const user = session.user;
  const kinds = assessKinds(user.role);
  const id =
    raw ??
    (kinds[0] === 'county' ? 'county' : kinds[0] === 'town' ? user.townId : kinds[0] === 'unit' ? user.unitId : kinds[0] === 'grid' ? (user.gridId ?? org.data.grids.find((g) => g.villageId === user.villageId)?.id) : undefined);
  if (!id) return null;
  const scope: AssessScope | null =
    id === 'county'
      ? { kind: 'county' }
      : org.data.towns.some((x) => x.id === id)
        ? { kind: 'town', townId: id }
        : org.unit(id)
          ? { kind: 'unit', unitId: id }
          : org.grid(id)
            ? { kind: 'grid', gridId: id }
            : null;
  return scope && mayAssess(user, scope, org) ? { scope, id } : null;
}

/** The device's StatsResult as /api/stats answers it (the tables take that shape). */
function answerOf(r: StatsResult, id: string): StatsAnswer {
  return {
    scope: { kind: r.scope.kind, id },
    figures: r.figures,
    ...(r.scope.kind === 'county' ? { towns: r.report.towns } : {}),
    units: r.report.units,
    grids: r.report.grids,
    ...(r.table1 ? { table1: r.table1 } : {}),
  };
}

function show(v: Cell, c: Column): string {
  if (v === null || v === '') return '—';
  if (typeof v === 'string') return v;
  if (c.kind === 'rate') return pct(v);
  if (c.kind === 'hours') return hoursNumber(v);
  return formatNumber(v);
}

const label = (c: { label: string; labelEn: string }) => localName({ name: c.label, nameEn: c.labelEn });

/**
 * One table of the sheet: the first column heads each row, the others are text or figures as their kind says.
 * `unitOf` names a row's unit (`data-unit`: the 协办 table's rows are found by it).
 */
function MrTable(p: { id: string; title: string; class?: string; cols: ReadonlyArray<readonly [Column, number]>; rows: readonly Cell[][]; unitOf?: (r: readonly Cell[]) => string }) {
  return (
    <section aria-labelledby={p.id} class={p.class}>
      <h2 id={p.id}>{p.title}</h2>
      <table class="mr-table">
        <thead>
          <tr>
            {p.cols.map(([c]) => (
              <th scope="col" key={c.label} class={c.kind === 'text' ? '' : 'num'}>
                {label(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r, ri) => (
            <tr key={p.unitOf?.(r) ?? ri} data-unit={p.unitOf?.(r)}>
              {p.cols.map(([c, i], ci) =>
                ci === 0 ? (
                  <th scope="row" key={c.label}>
                    {show(r[i]!, c)}
                  </th>
                ) : (
                  <td key={c.label} class={c.kind === 'text' ? '' : 'num'}>
                    {show(r[i]!, c)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function MonthlyReport({ session, month: monthParam, scope: scopeParam }: { session: Session; month?: string | undefined; scope?: string | undefined }) {
  const org = session.org.value;
  const month = monthParam ?? cstDay(session.now()).slice(0, 7);
  const days = monthDays(month);
  const chosen = org ? scopeOf(scopeParam, session, org) : null;
  const [result, setResult] = useState<StatsResult | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!days || !chosen) return;
    let live = true;
    setError('');
    session.stats(chosen.scope, days.fromMs, days.toMs).then(
      (r) => live && setResult(r),
      () => live && setError(t('app.screenLoadFailed')),
    );
    return () => {
      live = false;
    };
  }, [month, chosen?.id, session.casesVersion.value]);

  if (!assessKinds(session.user.role).length || (org && !chosen)) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('stats.title')}</ScreenTitle>
        <p>{t('app.notAllowed')}</p>
      </div>
    );
  }
  if (!org || !chosen) return <p>{t('app.loading')}</p>;

  const s = chosen.scope;
  const scopeName = s.kind === 'county' ? t('stats.kind.county') : s.kind === 'town' ? townLabel(org, s.townId) : s.kind === 'unit' ? unitLabel(org, s.unitId) : gridLabel(org, s.gridId);
  const tables = result
    ? statsTables(answerOf(result, chosen.id), { scope: scopeName, town: (id) => townLabel(org, id), unit: (id) => unitLabel(org, id), grid: (id) => gridLabel(org, id) })
    : [];
  // The breakdown the 考核 screen shows: towns and units for the county, grids for a town.
  const shown: ExportTable['key'][] = s.kind === 'county' ? ['towns', 'units', 'table1'] : s.kind === 'town' ? ['grids'] : [];
  const figures = tables.find((x) => x.key === 'figures');
  // 协办 (issue 17): the units table's 协办 columns, for the units that helped (the county's, or the unit's own), as the
  // 考核 screen's AssistsCard shows them: the same figures.
  const units = tables.find((x) => x.key === 'units');
  const assistCols = units ? units.columns.map((c, i) => [c, i] as const).filter(([c]) => c.assist) : [];
  const assistRows =
    units && assistCols.length && (s.kind === 'county' || s.kind === 'unit')
      ? units.rows.filter((r) => (s.kind === 'county' || r[0] === s.unitId) && Number(r[assistCols[0]![1]] ?? 0) > 0)
      : [];

  return (
    <div class="monthly-report">
      <div class="mr-controls">
        <p>
          <a class="cell-link" href={routeHref({ name: 'stats' })}>
            {t('mreport.back')}
          </a>
        </p>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <div class="filter">
            <label for="mr-month">{t('mreport.month')}</label>
            <input
              id="mr-month"
              type="month"
              value={month}
              onInput={(e) => {
                const v = e.currentTarget.value;
                if (MONTH.test(v)) location.hash = routeHref({ name: 'statsReport', month: v, scope: chosen.id });
              }}
            />
          </div>
          <div class="filter">
            <button type="button" class="btn btn-primary" onClick={() => window.print()} disabled={!result}>
              {t('mreport.print')}
            </button>
          </div>
        </form>
      </div>
      <article class="mr-sheet" lang={lang.value === 'zh' ? 'zh-CN' : 'en'}>
        <ScreenTitle suffix={t('app.name')}>
          {t('mreport.title', { scope: scopeName })} {month}
        </ScreenTitle>
        {!days ? <Alert tone="error">{t('mreport.badMonth')}</Alert> : <p class="mr-meta">{t('mreport.period', { from: days.from, to: days.to })}</p>}
        <Alert tone="error">{error}</Alert>
        {figures ? (
          <section aria-labelledby="mr-figures">
            <h2 id="mr-figures">{t('mreport.figures')}</h2>
            <table class="mr-table mr-kv">
              <thead>
                <tr>
                  <th scope="col">{t('mreport.metric')}</th>
                  <th scope="col" class="num">
                    {t('mreport.value')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {figures.columns.slice(2).map((c, i) => (
                  <tr key={c.label}>
                    <th scope="row">{label(c)}</th>
                    <td class="num">{show(figures.rows[0]![i + 2]!, c)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}
        {tables
          .filter((x) => shown.includes(x.key) && x.rows.length)
          .map((x) => (
            <MrTable
              key={x.key}
              id={`mr-${x.key}`}
              title={localName({ name: x.title, nameEn: x.titleEn })}
              cols={x.columns.map((c, i) => [c, i] as const).filter(([c]) => c.brief)}
              rows={x.rows}
            />
          ))}
        {assistRows.length ? (
          <MrTable
            id="mr-assists"
            class="mr-assists"
            title={t('assess.assistsTitle')}
            cols={[[units!.columns[1]!, 1] as const, ...assistCols]}
            rows={assistRows}
            unitOf={(r) => String(r[0])}
          />
        ) : null}
        {result ? <p class="mr-meta">{t('mreport.generated', { time: cstMinute(result.nowMs) })}</p> : null}
        <p class="hint mr-meta">{t('stats.definitions')}</p>
      </article>
    </div>
  );
}
