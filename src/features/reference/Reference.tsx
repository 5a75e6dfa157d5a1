/**
 * 基础数据 (`#/reference[/<tab>]`, issue 15, a lazy chunk): the administrator's editor of the reference data in the
 * org doc. Tabs 乡镇 · 村（社区） · 网格 · 分类 · 预案 · 单位 · 节假日与调休 (and a link to 网格边界, #/geo). Each list
 * is filtered (town or major, a search, 显示已停用) and paged 100 at a time; per item 编辑 and 停用/恢复, and 新增
 * per tab, each in the panel above the list (focus on its heading when it opens, back on the opener when it
 * closes), as 账号管理 does.
 *
 * Contract: every save is ONE change of src/domain/refchanges.ts (the whole new value of one item) through
 * `session.changeReference`, checked first on the form with check.ts so that each problem is said at its field;
 * a refusal is said in words. A change applies on this device at once, offline too, and syncs to every device;
 * nothing is ever deleted (retired instead), and cases keep what they were (a plan's version at dispatch).
 * A retirement first states how many cases name the item (this device's read model holds every case of an
 * administrator), or why it may not be retired yet.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/ref.zh.ts';
import type { Session } from '../../app/services.ts';
import type { Grid, MajorCategory, OrgData, Plan, Subcategory, Town, Unit, Village } from '../../domain/org.ts';
import { Alert, type AlertTone } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { CalendarTab } from './Calendar.tsx';
import { blocker, caseCounts, keyOf, refusalText, TYPE, writeChange, type Checked, type Errors, type Item, type Kind } from './check.ts';
import { CategoryForm, GridForm, PlanForm, TownForm, UnitForm, VillageForm } from './forms.tsx';
import '../accounts/accounts.css';
import './reference.css';

export const PAGE = 100;
export const TABS = ['towns', 'villages', 'grids', 'categories', 'plans', 'units', 'calendar'] as const;
export type Tab = (typeof TABS)[number];

type Panel = { kind: 'form'; what: Kind; item: Item | null; parent?: string } | { kind: 'retire' | 'restore'; what: Kind; item: Item };
type Msg = { tone: AlertTone; text: string } | null;
interface Filters {
  q: string;
  town: string;
  major: string;
  retired: boolean;
}

/**
 * A filter carried to the tab a retirement's blocker points at (村（社区） of a town, ...): the tab is another
 * route, so another mount of this screen, which takes it once.
 */
let carried: Partial<Filters> | null = null;

const KIND_OF: Record<Exclude<Tab, 'calendar' | 'categories'>, Kind> = { towns: 'town', villages: 'village', grids: 'grid', plans: 'plan', units: 'unit' };

/** One row of a list: the item and the kind it is (the categories tab lists majors and subcategories). */
interface Entry {
  what: Kind;
  item: Item;
}

export function Reference({ session, tab: tabArg }: { session: Session; tab?: string | undefined }) {
  const me = session.user;
  const org = session.org.value;
  const tab: Tab = (TABS as readonly string[]).includes(tabArg ?? '') ? (tabArg as Tab) : 'towns';
  const [filters, setFilters] = useState<Filters>(() => {
    const f = { q: '', town: '', major: '', retired: false, ...carried };
    carried = null;
    return f;
  });
  const [limit, setLimit] = useState(PAGE);
  const [panel, setPanel] = useState<Panel | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Msg>(null);
  const [counts, setCounts] = useState<{ total: number; open: number } | null>(null);
  const panelHead = useRef<HTMLHeadingElement>(null);
  const panelRef = useRef<HTMLElement>(null);
  /** Where focus returns when the panel closes (the button that opened it). */
  const opener = useRef<HTMLElement | null>(null);

  useEffect(() => {
    if (panel) panelHead.current?.focus();
  }, [panel]);

  // Residents hold only the public reference data (no plans, no calendar): nothing to show them here.
  if (me.role === 'resident') {
    return (
      <div class="ref">
        <ScreenTitle suffix={t('app.name')}>{t('ref.title')}</ScreenTitle>
        <p>{t('ref.forbidden')}</p>
      </div>
    );
  }

  const offline = session.status.value.connection === 'offline';
  const setFilter = (p: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...p }));
    setLimit(PAGE);
  };

  const open = (p: Panel, e?: Event) => {
    opener.current = (e?.currentTarget as HTMLElement | undefined) ?? null;
    setErrors({});
    setDone(null);
    setCounts(null);
    setPanel(p);
    if (p.kind === 'retire') {
      void caseCounts(session, p.what, p.item)
        .then(setCounts)
        .catch(() => setCounts(null));
    }
  };
  const close = () => {
    setPanel(null);
    setErrors({});
    const back = opener.current;
    opener.current = null;
    requestAnimationFrame(() => (back?.isConnected ? back.focus() : document.querySelector<HTMLElement>('.screen-title')?.focus()));
  };

  /** Write one item; the success said (with where it is kept while offline), or the refusal at the form. */
  const write = async (what: Kind, data: Item, text: string): Promise<void> => {
    setBusy(true);
    setErrors({});
    const r = await writeChange(session, TYPE[what], data).catch((e: unknown) => ({ code: 'failed', detail: String(e) }));
    setBusy(false);
    if (r) return setErrors({ form: refusalText(r.code), detail: r.detail });
    setDone({ tone: 'success', text: offline ? `${text}${t('ref.savedOffline')}` : text });
    close();
  };

  const onSave = (checked: Checked<Item>) => {
    if (!panel || panel.kind !== 'form') return;
    if ('errors' in checked) {
      setErrors({ ...checked.errors, form: t('ref.fix') });
      // The first field with a problem takes focus (its message is read with it: aria-describedby).
      requestAnimationFrame(() => panelRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    const data = checked.data;
    if (panel.item && JSON.stringify({ ...panel.item, version: undefined }) === JSON.stringify({ ...data, version: undefined })) return setErrors({ form: t('ref.noChange') });
    void write(panel.what, data, t('ref.saved', { name: data.name }));
  };

  const confirm = () => {
    if (!panel || panel.kind === 'form') return;
    const { retired: _r, ...rest } = panel.item as Item & { retired?: true };
    const retire = panel.kind === 'retire';
    void write(panel.what, (retire ? { ...rest, retired: true } : rest) as Item, t(retire ? 'ref.retiredOk' : 'ref.restoredOk', { name: panel.item.name }));
  };

  const tabs = (
    <nav class="ref-tabs acct-tabs" aria-label={t('ref.tabs')}>
      {TABS.map((x) => (
        <a key={x} href={`#/reference/${x}`} aria-current={x === tab ? 'page' : undefined}>
          {t(`ref.tab.${x}`)}
        </a>
      ))}
      <a href="#/geo">{t('ref.tab.geo')}</a>
    </nav>
  );

  const head = (
    <>
      <ScreenTitle suffix={t('app.name')}>{`${t('ref.title')} · ${t(`ref.tab.${tab}`)}`}</ScreenTitle>
      {tabs}
    </>
  );

  if (!org) {
    return (
      <div class="ref">
        {head}
        <p role="status">{t('ref.loading')}</p>
      </div>
    );
  }
  const data = org.data;
  const status = <Alert tone={done?.tone ?? 'info'}>{done?.text}</Alert>;
  // Staff other than administrators may look (the org doc is theirs too) but not edit: no editing controls at all.
  const admin = me.role === 'admin';
  const readOnly = !admin || !session.changeReference || !session.stamp;
  const readOnlyNote = <Alert tone={admin ? 'warning' : 'info'}>{readOnly ? t(admin ? 'ref.readOnly' : 'ref.viewOnly') : null}</Alert>;

  if (tab === 'calendar') {
    return (
      <div class="ref">
        {head}
        {readOnlyNote}
        {status}
        <CalendarTab session={session} readOnly={readOnly} onSaved={(text) => setDone({ tone: 'success', text: offline ? `${text}${t('ref.savedOffline')}` : text })} />
      </div>
    );
  }

  // Called, not mounted as a component of its own: a component defined in here would be a new type on every render,
  // and its form would lose what was typed.
  const panelView = renderPanel();
  function renderPanel() {
    if (!panel) return null;
    const what = t(`ref.what.${panel.what}`);
    if (panel.kind === 'form') {
      const k = `${panel.what}:${panel.item ? keyOf(panel.item) : ''}`;
      const p = { org: data, errors, busy, onSave, onCancel: close, parent: panel.parent };
      const form =
        panel.what === 'town' ? (
          <TownForm key={k} {...p} item={panel.item as Town | null} />
        ) : panel.what === 'village' ? (
          <VillageForm key={k} {...p} item={panel.item as Village | null} />
        ) : panel.what === 'grid' ? (
          <GridForm key={k} {...p} item={panel.item as Grid | null} />
        ) : panel.what === 'category' || panel.what === 'subcategory' ? (
          <CategoryForm key={k} {...p} item={panel.item as MajorCategory | Subcategory | null} sub={panel.what === 'subcategory'} />
        ) : panel.what === 'plan' ? (
          <PlanForm key={k} {...p} item={panel.item as Plan | null} />
        ) : (
          <UnitForm key={k} {...p} item={panel.item as Unit | null} />
        );
      return (
        <section ref={panelRef} class="card acct-panel ref-panel" aria-labelledby="ref-panel-h" data-panel={panel.what}>
          <h2 id="ref-panel-h" ref={panelHead} tabIndex={-1}>
            {panel.item ? t('ref.editOf', { name: panel.item.name }) : panel.what === 'subcategory' && panel.parent ? t('ref.newSubOf', { name: data.categories.find((c) => c.code === panel.parent)?.name ?? panel.parent }) : t('ref.newOf', { what })}
          </h2>
          {form}
          <Detail text={errors.detail} />
        </section>
      );
    }
    const retire = panel.kind === 'retire';
    const block = blocker(panel.what, panel.item, data, retire);
    const thisOne = panel.what === 'plan' ? '' : t(`ref.this.${panel.what as Exclude<Kind, 'plan'>}`);
    return (
      <section ref={panelRef} class="card acct-panel acct-confirm ref-panel" role="alertdialog" aria-labelledby="ref-panel-h" aria-describedby="ref-confirm-text" data-panel="confirm">
        <h2 id="ref-panel-h" ref={panelHead} tabIndex={-1}>
          {t(retire ? 'ref.confirmRetireTitle' : 'ref.confirmRestoreTitle', { name: panel.item.name })}
        </h2>
        {block ? (
          <>
            <p id="ref-confirm-text" class="ref-blocked field-error">
              {block.text}
            </p>
            {block.tab ? (
              <p>
                <a
                  href={`#/reference/${block.tab}`}
                  onClick={() => {
                    carried = block.tab === 'villages' || block.tab === 'grids' ? { town: block.filter ?? '' } : { major: block.filter ?? '' };
                    if (block.tab === tab) {
                      setFilter(carried);
                      carried = null;
                      close();
                    }
                  }}
                >
                  {t('ref.blockedLink')}
                </a>
              </p>
            ) : null}
            <div class="button-row">
              <button type="button" class="btn" onClick={close}>
                {t('ref.close')}
              </button>
            </div>
          </>
        ) : (
          <>
            <p id="ref-confirm-text" class="ref-counts" role="status">
              {!retire
                ? t('ref.restoreText')
                : counts === null
                  ? t('ref.counting')
                  : panel.what === 'plan'
                    ? counts.total
                      ? t('ref.casesPlan', { n: counts.total, open: counts.open })
                      : t('ref.casesNonePlan')
                    : counts.total
                      ? t('ref.cases', { n: counts.total, open: counts.open, what: thisOne })
                      : t('ref.casesNone', { what: thisOne })}
            </p>
            <Alert tone="error">{errors.form}</Alert>
            <Detail text={errors.detail} />
            <div class="button-row">
              <button type="button" class={retire ? 'btn btn-danger' : 'btn btn-primary'} disabled={busy} onClick={confirm}>
                {busy ? t('ref.saving') : t(retire ? 'ref.retireButton' : 'ref.restoreButton')}
              </button>
              <button type="button" class="btn" onClick={close}>
                {t('ref.cancel')}
              </button>
            </div>
          </>
        )}
      </section>
    );
  }

  const entries = listOf(tab, data, filters);
  const shown = entries.slice(0, limit);
  const cols = columns(tab, data);
  const byTown = tab === 'villages' || tab === 'grids' || tab === 'units';
  const byMajor = tab === 'categories' || tab === 'plans';
  const newButtons: Array<{ what: Kind; label: string; parent?: string }> =
    tab === 'categories'
      ? [
          { what: 'category', label: t('ref.newMajor') },
          { what: 'subcategory', label: t('ref.newSub'), parent: filters.major },
        ]
      : [{ what: KIND_OF[tab], label: t('ref.newOf', { what: t(`ref.what.${KIND_OF[tab]}`) }), parent: byTown ? filters.town : filters.major }];

  return (
    <div class="ref">
      {head}
      <p class="hint">{t('ref.intro')}</p>
      {readOnlyNote}
      {readOnly ? null : (
        <div class="acct-bar">
          {newButtons.map((b) => (
            <button key={b.what} type="button" class="btn btn-primary" onClick={(e) => open({ kind: 'form', what: b.what, item: null, ...(b.parent ? { parent: b.parent } : {}) }, e)}>
              {b.label}
            </button>
          ))}
        </div>
      )}
      {status}
      {panelView}

      <form class="card acct-filters ref-filters" role="search" aria-label={t('ref.filters')} onSubmit={(e) => e.preventDefault()}>
        <div class="acct-selects">
          <Field id="ref-q" label={t('ref.search')}>
            <input id="ref-q" type="search" value={filters.q} maxLength={40} autoComplete="off" onInput={(e) => setFilter({ q: e.currentTarget.value })} />
          </Field>
          {byTown ? (
            <Field id="ref-ftown" label={t('ref.filterTown')}>
              <select id="ref-ftown" value={filters.town} onChange={(e) => setFilter({ town: e.currentTarget.value })}>
                <option value="">{t('ref.allTowns')}</option>
                {data.towns.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          {byMajor ? (
            <Field id="ref-fmajor" label={t('ref.filterMajor')}>
              <select id="ref-fmajor" value={filters.major} onChange={(e) => setFilter({ major: e.currentTarget.value })}>
                <option value="">{t('ref.allMajors')}</option>
                {data.categories.map((x) => (
                  <option key={x.code} value={x.code}>
                    {x.code} {x.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
        </div>
        <label class="ref-check">
          <input type="checkbox" checked={filters.retired} onChange={(e) => setFilter({ retired: e.currentTarget.checked })} />
          {t('ref.showRetired')}
        </label>
      </form>

      <p class="acct-count" role="status">
        {t('ref.count', { n: entries.length })}
        {shown.length < entries.length ? `，${t('ref.shown', { shown: shown.length })}` : ''}
      </p>
      {entries.length === 0 ? <EmptyState icon="search" text={t('ref.none')} /> : null}
      {shown.length > 0 ? (
        <div class="table-wrap">
          <table class="data-table rtable ref-table" data-tab={tab}>
            <caption class="visually-hidden">{t(`ref.tab.${tab}`)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ref.colName')}</th>
                <th scope="col">{t('ref.colId')}</th>
                {cols.map((c) => (
                  <th key={c.label} scope="col">
                    {c.label}
                  </th>
                ))}
                <th scope="col">{t('ref.colState')}</th>
                {readOnly ? null : <th scope="col">{t('ref.colActions')}</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => {
                const key = keyOf(e.item);
                const name = e.item.name;
                return (
                  <tr key={`${e.what}:${key}`} data-item={key} class={`ref-row ref-${e.what}${e.item.retired ? ' acct-disabled' : ''}`}>
                    <th scope="row" class="rt-title">
                      {e.what === 'subcategory' && tab === 'categories' ? <span class="ref-sub-mark" aria-hidden="true">└ </span> : null}
                      {name}
                    </th>
                    <td data-label={t('ref.colId')} class="mono" lang="en">
                      {key}
                    </td>
                    {cols.map((c) => (
                      <td key={c.label} data-label={c.label}>
                        {c.cell(e)}
                      </td>
                    ))}
                    <td data-label={t('ref.colState')}>{e.item.retired ? <Badge tone="grey">{t('ref.retired')}</Badge> : <Badge tone="green">{t('ref.active')}</Badge>}</td>
                    {readOnly ? null : (
                      <td class="acct-actions">
                        <button type="button" class="btn" aria-label={t('ref.editOf', { name })} onClick={(ev) => open({ kind: 'form', what: e.what, item: e.item }, ev)}>
                          {t('ref.edit')}
                        </button>
                        {e.item.retired ? (
                          <button type="button" class="btn" aria-label={t('ref.restoreOf', { name })} onClick={(ev) => open({ kind: 'restore', what: e.what, item: e.item }, ev)}>
                            {t('ref.restore')}
                          </button>
                        ) : (
                          <button type="button" class="btn" aria-label={t('ref.retireOf', { name })} onClick={(ev) => open({ kind: 'retire', what: e.what, item: e.item }, ev)}>
                            {t('ref.retire')}
                          </button>
                        )}
                        {e.what === 'category' && !e.item.retired ? (
                          <button type="button" class="btn" aria-label={t('ref.newSubOf', { name })} onClick={(ev) => open({ kind: 'form', what: 'subcategory', item: null, parent: key }, ev)}>
                            {t('ref.newSub')}
                          </button>
                        ) : null}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {shown.length < entries.length ? (
        <button type="button" class="btn btn-block acct-more" onClick={() => setLimit((n) => n + PAGE)}>
          {t('ref.more')}
        </button>
      ) : null}
    </div>
  );
}

/** A refusal's technical detail (English, from the domain): secondary, for whoever debugs. */
function Detail({ text }: { text?: string | undefined }) {
  if (!text) return null;
  return (
    <p class="ref-detail">
      {t('ref.err.detail')}
      <span lang="en">{text}</span>
    </p>
  );
}

/** The rows of a tab, filtered (retired ones only when asked), in id order. */
export function listOf(tab: Exclude<Tab, 'calendar'>, data: OrgData, f: Filters): Entry[] {
  const q = f.q.trim().toLowerCase();
  const keep = (x: Item, town?: string, major?: string) =>
    (f.retired || !x.retired) && (!q || keyOf(x).toLowerCase().includes(q) || x.name.toLowerCase().includes(q)) && (!f.town || town === f.town) && (!f.major || (major ?? '').startsWith(f.major));
  const sorted = (list: Entry[]) => list.sort((a, b) => (keyOf(a.item) < keyOf(b.item) ? -1 : keyOf(a.item) > keyOf(b.item) ? 1 : 0));
  switch (tab) {
    case 'towns':
      return sorted(data.towns.filter((x) => keep(x)).map((item) => ({ what: 'town', item })));
    case 'villages':
      return sorted(data.villages.filter((x) => keep(x, x.townId)).map((item) => ({ what: 'village', item })));
    case 'grids':
      return sorted(data.grids.filter((x) => keep(x, x.townId)).map((item) => ({ what: 'grid', item })));
    case 'categories':
      return sorted([
        ...data.categories.filter((x) => keep(x, undefined, x.code)).map((item): Entry => ({ what: 'category', item })),
        ...data.subcategories.filter((x) => keep(x, undefined, x.major)).map((item): Entry => ({ what: 'subcategory', item })),
      ]);
    case 'plans':
      return sorted(data.plans.filter((x) => keep(x, undefined, x.category)).map((item) => ({ what: 'plan', item })));
    case 'units':
      return sorted(data.units.filter((x) => keep(x, x.townId)).map((item) => ({ what: 'unit', item })));
  }
}

/** The columns of a tab between the id and the state. */
function columns(tab: Exclude<Tab, 'calendar'>, data: OrgData): Array<{ label: string; cell(e: Entry): ComponentChildren }> {
  const town = (id?: string) => (id ? (data.towns.find((x) => x.id === id)?.name ?? id) : '');
  switch (tab) {
    case 'towns':
      return [{ label: t('ref.tab.villages'), cell: (e) => data.villages.filter((v) => v.townId === keyOf(e.item) && !v.retired).length }];
    case 'villages':
      return [
        { label: t('ref.colTown'), cell: (e) => town((e.item as Village).townId) },
        { label: t('ref.colKind'), cell: (e) => t(`ref.kind.${(e.item as Village).kind}`) },
        { label: t('ref.tab.grids'), cell: (e) => data.grids.filter((g) => g.villageId === keyOf(e.item) && !g.retired).length },
      ];
    case 'grids':
      return [
        { label: t('ref.colTown'), cell: (e) => town((e.item as Grid).townId) },
        { label: t('ref.colVillage'), cell: (e) => data.villages.find((v) => v.id === (e.item as Grid).villageId)?.name ?? '' },
        { label: t('ref.colWorker'), cell: (e) => data.users.find((u) => u.id === (e.item as Grid).workerId)?.name ?? t('ref.noWorker') },
      ];
    case 'categories':
      return [{ label: t('ref.colMajor'), cell: (e) => (e.what === 'subcategory' ? (data.categories.find((c) => c.code === (e.item as Subcategory).major)?.name ?? '') : t('ref.what.category')) }];
    case 'plans':
      return [
        { label: t('ref.colSub'), cell: (e) => data.subcategories.find((s) => s.code === (e.item as Plan).category)?.name ?? (e.item as Plan).category },
        { label: t('ref.colPriority'), cell: (e) => t(`priority.${(e.item as Plan).priority}`) },
        {
          label: t('ref.colDue'),
          cell: (e) => {
            const p = e.item as Plan;
            return p.dueIn === 'working_days' && p.dueDays ? t('ref.days', { n: p.dueDays }) : t('ref.hours', { n: p.dueHours });
          },
        },
        { label: t('ref.colSteps'), cell: (e) => [t('ref.stepsN', { n: (e.item as Plan).steps.length }), (e.item as Plan).afterPhoto ? t('ref.afterPhoto') : ''].filter(Boolean).join(' · ') },
        { label: t('ref.colVersion'), cell: (e) => <span class="ref-plan-version">{t('ref.version', { n: (e.item as Plan).version ?? 1 })}</span> },
      ];
    case 'units':
      return [
        {
          label: t('ref.colLevel'),
          cell: (e) => {
            const u = e.item as Unit;
            return u.level === 'town' ? `${t('ref.level.town')} · ${town(u.townId)}` : t('ref.level.county');
          },
        },
        { label: t('ref.colCategories'), cell: (e) => (e.item as Unit).categories.map((c) => data.categories.find((x) => x.code === c)?.name ?? c).join('、') },
      ];
  }
}
