/**
 * 账号管理 (`#/accounts`, issue 15, a lazy chunk): staff accounts for an administrator (all) and a town center (its
 * own town's; the relay filters too). A searchable, filtered list, 100 a page; per account 编辑, 停用/启用 and
 * 重置密码, each opening the panel above the list (a confirmation says what happens to the person's devices);
 * 新建账号 in the same panel. 增加身份 (a main account's row) gives the person another role, its own account linked to the
 * main one (POST /api/accounts/<id>/roles), with the role and place picker AccountForm uses. A role account's row says
 * so (兼任, "（X 的身份）"): 编辑 changes its place only, 停用/启用 removes or restores the role; it has no password
 * to reset and no roles of its own. One's own row has no 停用 and its role is not offered for change (own_account).
 * A temporary password (new account, reset) is shown once, with a copy button and the rule to hand it over in
 * person; closing the panel forgets it. 批量导入 / 导出 (StaffImport.tsx) opens below the
 * buttons: the sheet template, the export, and the import of a sheet (checked first); the list reloads after it.
 *
 * Everything here is an operation of the relay (server/accountshttp.ts): offline, the screen says it needs a
 * connection, and every failure is said in words.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { lang, roleName, t } from '../../app/i18n.ts';
import '../../app/locales/staff.zh.ts';
import type { Session } from '../../app/services.ts';
import { rolesManagedBy, scopeFieldOf, type ScopeField, type StaffRole } from '../../domain/accounts.ts';
import { auditNames } from '../../domain/auditlog.ts';
import { Alert, type AlertTone } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Foreign } from '../../ui/Foreign.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { AccountForm, checkAccount, checkRole, placeProblem, RolePlacePicker, type FieldErrors, type RolePlaceValues } from './AccountForm.tsx';
import { AdminTabs } from './AdminTabs.tsx';
import { call, errorOf, type AccountView } from './api.ts';
import { StaffImport } from './StaffImport.tsx';
import './accounts.css';

export const PAGE = 100;

/** The pickers the form shows for each role's place (AccountForm: town, then village, then grid). */
const SHOWN: Record<ScopeField, ScopeField[]> = { townId: ['townId'], villageId: ['townId', 'villageId'], gridId: ['townId', 'villageId', 'gridId'], unitId: ['unitId'] };

type Panel =
  | { kind: 'create' }
  | { kind: 'edit'; account: AccountView }
  | { kind: 'role'; account: AccountView }
  | { kind: 'disable' | 'enable' | 'reset'; account: AccountView }
  | { kind: 'temp'; account: AccountView; password: string; created: boolean };

type Msg = { tone: AlertTone; text: string } | null;

/** The words for a refusal that is not a field's (409 own_account / last_admin, 403, 404, the network). */
function refusal(status: number | null, error: string): string {
  if (status === null) return t('acct.network');
  if (error === 'own_account' || error === 'last_admin' || error === 'forbidden' || error === 'not_found') return t(`acct.err.${error}`);
  if (status === 403) return t('acct.err.forbidden');
  return t('acct.failed', { status });
}

export function Accounts({ session }: { session: Session }) {
  const me = session.user;
  const manager = rolesManagedBy(me).length > 0;
  const org = session.org.value;
  const offline = session.status.value.connection === 'offline';
  const names = useMemo(() => (org ? auditNames(org.data, roleName) : null), [org, lang.value]);

  const [q, setQ] = useState('');
  const [applied, setApplied] = useState({ q: '', role: '', town: '', disabled: '' });
  const [list, setList] = useState<{ accounts: AccountView[]; total: number } | null>(null);
  const [loading, setLoading] = useState(false);
  const [listMsg, setListMsg] = useState<Msg>(null);
  const [panel, setPanel] = useState<Panel | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Msg>(null);
  const [copyMsg, setCopyMsg] = useState<Msg>(null);
  /** 批量导入 / 导出 shown (kept mounted when hidden, so an import under way keeps its answer). */
  const [bulk, setBulk] = useState(false);
  const panelHead = useRef<HTMLHeadingElement>(null);
  const tempRef = useRef<HTMLInputElement>(null);
  /** Where focus returns when the panel closes (the button that opened it). */
  const opener = useRef<HTMLElement | null>(null);

  const load = async (offset: number) => {
    const p = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
    if (applied.q) p.set('q', applied.q);
    if (applied.role) p.set('role', applied.role);
    if (applied.town && me.role === 'admin') p.set('town', applied.town);
    if (applied.disabled) p.set('disabled', applied.disabled);
    setLoading(true);
    const r = await call<{ accounts: AccountView[]; total: number }>(session, `/api/accounts?${p}`);
    setLoading(false);
    if (r.status !== 200 || !r.body) return setListMsg({ tone: 'error', text: r.status === null ? (offline ? t('acct.offline') : t('acct.network')) : refusal(r.status, errorOf(r).error) });
    const page = r.body;
    setListMsg(null);
    setList((old) => (offset === 0 || !old ? page : { accounts: [...old.accounts, ...page.accounts], total: page.total }));
  };

  useEffect(() => {
    if (manager) void load(0);
  }, [applied, manager]);

  useEffect(() => {
    if (!panel) return;
    if (panel.kind === 'temp') tempRef.current?.focus();
    else panelHead.current?.focus();
  }, [panel]);

  if (!manager) {
    return (
      <div class="acct">
        <ScreenTitle suffix={t('app.name')}>{t('acct.title')}</ScreenTitle>
        <p>{t('acct.forbidden')}</p>
      </div>
    );
  }

  const open = (p: Panel, e?: Event) => {
    opener.current = (e?.currentTarget as HTMLElement | undefined) ?? null;
    setErrors({});
    setDone(null);
    setCopyMsg(null);
    setPanel(p);
  };
  const close = () => {
    setPanel(null);
    setErrors({});
    setCopyMsg(null);
    const back = opener.current;
    opener.current = null;
    requestAnimationFrame(() => (back?.isConnected ? back.focus() : panelHead.current?.focus()));
  };
  /** An account changed by the relay: its row shows the answer. */
  const replace = (a: AccountView) => setList((old) => old && { ...old, accounts: old.accounts.map((x) => (x.id === a.id ? a : x)) });

  const submitForm = async (values: Parameters<typeof checkAccount>[0]) => {
    if (!org || !panel || (panel.kind !== 'create' && panel.kind !== 'edit')) return;
    const account = panel.kind === 'edit' ? panel.account : null;
    const checked = checkAccount(values, me, org, account);
    if ('errors' in checked) return setErrors({ ...checked.errors, form: t('acct.err.fix') });
    const { result } = checked;
    if (result.kind === 'none') return setErrors({ form: t('acct.noChange') });
    setBusy(true);
    setErrors({});
    const r =
      result.kind === 'create'
        ? await call<{ account: AccountView; temporaryPassword: string }>(session, '/api/accounts', { method: 'POST', body: result.body })
        : await call<{ account: AccountView }>(session, `/api/accounts/${encodeURIComponent(account!.id)}`, { method: 'PATCH', body: result.body });
    setBusy(false);
    if ((r.status === 201 || r.status === 200) && r.body) {
      const body = r.body as { account: AccountView; temporaryPassword?: string };
      const saved = body.account;
      if (body.temporaryPassword) {
        setPanel({ kind: 'temp', account: saved, password: body.temporaryPassword, created: true });
        void load(0);
      } else {
        replace(saved);
        setDone({ tone: 'success', text: t('acct.saved', { name: saved.name }) });
        close();
      }
      return;
    }
    // The relay's refusals, at the field they name.
    const { error, field, problem } = errorOf(r);
    if (error === 'username_taken') return setErrors({ username: t('acct.err.usernameTaken'), form: t('acct.err.fix') });
    if (error === 'bad_scope' && field) {
      const f = field as ScopeField | 'role';
      const own = scopeFieldOf((values.role || account?.role) as StaffRole);
      // At the picker the relay names when the form shows it for this role, else at the role's own place.
      const at = f === 'role' || !own ? 'role' : SHOWN[own].includes(f) ? f : own;
      return setErrors({ [at]: placeProblem(f, problem ?? ''), form: t('acct.err.fix') });
    }
    if (error === 'bad_request' && field && ['username', 'name', 'phone', 'role'].includes(field)) {
      return setErrors({ [field]: t(`acct.err.${field as 'username' | 'name' | 'phone' | 'role'}`), form: t('acct.err.fix') });
    }
    setErrors({ form: refusal(r.status, error) });
  };

  /** 增加身份: POST /api/accounts/<id>/roles; the list reloads to show the new role account. */
  const submitRole = async (values: RolePlaceValues) => {
    if (!org || panel?.kind !== 'role') return;
    const main = panel.account;
    const checked = checkRole(values, me, org);
    if ('errors' in checked) return setErrors({ ...checked.errors, form: t('acct.err.fix') });
    setBusy(true);
    setErrors({});
    const r = await call<{ account: AccountView }>(session, `/api/accounts/${encodeURIComponent(main.id)}/roles`, { method: 'POST', body: checked.body });
    setBusy(false);
    if (r.status === 201 && r.body) {
      setDone({ tone: 'success', text: t('acct.roleAdded', { name: main.name, role: roleName(r.body.account.role) }) });
      close();
      return void load(0);
    }
    const { error, field, problem } = errorOf(r);
    if (error === 'role_held') return setErrors({ role: t('acct.err.role_held'), form: t('acct.err.role_held') });
    if (error === 'role_account') return setErrors({ form: t('acct.err.role_account') });
    if (error === 'bad_scope' && field) {
      const f = field as ScopeField | 'role';
      const own = values.role ? scopeFieldOf(values.role) : null;
      const at = f === 'role' || !own ? 'role' : SHOWN[own].includes(f) ? f : own;
      return setErrors({ [at]: placeProblem(f, problem ?? ''), form: t('acct.err.fix') });
    }
    if (error === 'bad_request' && field === 'role') return setErrors({ role: t('acct.err.role'), form: t('acct.err.fix') });
    setErrors({ form: refusal(r.status, error) });
  };

  const confirm = async () => {
    if (!panel || (panel.kind !== 'disable' && panel.kind !== 'enable' && panel.kind !== 'reset')) return;
    const a = panel.account;
    setBusy(true);
    setErrors({});
    if (panel.kind === 'reset') {
      const r = await call<{ temporaryPassword: string }>(session, `/api/accounts/${encodeURIComponent(a.id)}/password-reset`, { method: 'POST' });
      setBusy(false);
      if (r.status === 200 && r.body) {
        replace({ ...a, mustChange: true });
        return setPanel({ kind: 'temp', account: a, password: r.body.temporaryPassword, created: false });
      }
      return setErrors({ form: refusal(r.status, errorOf(r).error) });
    }
    const disabled = panel.kind === 'disable';
    const r = await call<{ account: AccountView }>(session, `/api/accounts/${encodeURIComponent(a.id)}`, { method: 'PATCH', body: { disabled } });
    setBusy(false);
    if (r.status === 200 && r.body) {
      replace(r.body.account);
      setDone({ tone: 'success', text: t(disabled ? 'acct.disabledOk' : 'acct.enabledOk', { name: a.name }) });
      return close();
    }
    setErrors({ form: refusal(r.status, errorOf(r).error) });
  };

  const copy = async (password: string) => {
    try {
      await navigator.clipboard.writeText(password);
      setCopyMsg({ tone: 'success', text: t('acct.copied') });
    } catch {
      tempRef.current?.select();
      setCopyMsg({ tone: 'warning', text: t('acct.copyFailed') });
    }
  };

  const place = (a: AccountView): string => {
    if (!names) return a.gridId ?? a.villageId ?? a.unitId ?? a.townId ?? '';
    const field = scopeFieldOf(a.role as StaffRole);
    if (!field) return t('acct.county');
    if (field === 'unitId') return a.unitId ? names.unit(a.unitId) : '';
    const town = a.townId ? names.town(a.townId) : '';
    if (field === 'townId') return town;
    if (field === 'villageId') return [town, a.villageId ? names.village(a.villageId) : ''].filter(Boolean).join(' · ');
    return [town, a.gridId ? names.grid(a.gridId) : ''].filter(Boolean).join(' · ');
  };

  const roles = rolesManagedBy(me);
  const towns = org?.data.towns ?? [];

  const panelView = (() => {
    if (!panel) return null;
    if (panel.kind === 'create' || panel.kind === 'edit') {
      const account = panel.kind === 'edit' ? panel.account : null;
      return (
        <section class="card acct-panel" aria-labelledby="acct-panel-h">
          <h2 id="acct-panel-h" ref={panelHead} tabIndex={-1}>
            {account ? t(account.person ? 'acct.formEditRole' : 'acct.formEdit', { name: account.name, role: roleName(account.role) }) : t('acct.formNew')}
          </h2>
          {org ? (
            <AccountForm
              key={account?.id ?? 'new'}
              session={session}
              org={org}
              account={account}
              errors={errors}
              busy={busy}
              onSubmit={(v) => void submitForm(v)}
              onCancel={close}
              placeOnly={Boolean(account?.person)}
              roleFixed={Boolean(account && (account.person || account.id === me.id))}
            />
          ) : (
            <p role="status">{t('app.loading')}</p>
          )}
        </section>
      );
    }
    if (panel.kind === 'role') {
      const a = panel.account;
      return (
        <section class="card acct-panel acct-role" aria-labelledby="acct-panel-h">
          <h2 id="acct-panel-h" ref={panelHead} tabIndex={-1}>
            {t('acct.roleTitle', { name: a.name })}
          </h2>
          <p class="hint">{t('acct.roleIntro', { name: a.name })}</p>
          {org ? <AddRoleForm key={a.id} session={session} errors={errors} busy={busy} onSubmit={(v) => void submitRole(v)} onCancel={close} /> : <p role="status">{t('app.loading')}</p>}
        </section>
      );
    }
    if (panel.kind === 'temp') {
      const a = panel.account;
      return (
        <section class="card acct-panel acct-temp" aria-labelledby="acct-panel-h">
          <h2 id="acct-panel-h" ref={panelHead} tabIndex={-1}>
            {panel.created ? t('acct.tempTitleNew', { name: a.name }) : t('acct.tempTitleReset', { name: a.name })}
          </h2>
          <p>
            <Foreign text={t('acct.tempLogin', { username: a.username })} terms={[a.username]} />
          </p>
          <Field id="acct-temp" label={t('acct.tempLabel')} hint={t('acct.tempNote', { name: a.name })}>
            <input
              id="acct-temp"
              ref={tempRef}
              class="acct-temp-value"
              type="text"
              readOnly
              lang="en"
              spellcheck={false}
              autoComplete="off"
              value={panel.password}
              aria-describedby={describedBy('acct-temp', true)}
              onFocus={(e) => e.currentTarget.select()}
            />
          </Field>
          <div class="button-row">
            <button type="button" class="btn" onClick={() => void copy(panel.password)}>
              {t('acct.copy')}
            </button>
            <button type="button" class="btn btn-primary" onClick={close}>
              {t('acct.tempDone')}
            </button>
          </div>
          <Alert tone={copyMsg?.tone ?? 'info'}>{copyMsg?.text}</Alert>
        </section>
      );
    }
    const a = panel.account;
    const words = {
      disable: { title: 'acct.confirmDisableTitle', text: 'acct.confirmDisable', button: 'acct.confirmDisableButton' },
      enable: { title: 'acct.confirmEnableTitle', text: 'acct.confirmEnable', button: 'acct.confirmEnableButton' },
      reset: { title: 'acct.confirmResetTitle', text: 'acct.confirmReset', button: 'acct.confirmResetButton' },
    } as const;
    const w =
      panel.kind === 'disable' && a.person
        ? ({ title: 'acct.confirmDisableRoleTitle', text: 'acct.confirmDisableRole', button: 'acct.confirmDisableButton' } as const)
        : words[panel.kind];
    const vars = { name: a.name, role: roleName(a.role) };
    return (
      <section class="card acct-panel acct-confirm" role="alertdialog" aria-labelledby="acct-panel-h" aria-describedby="acct-confirm-text">
        <h2 id="acct-panel-h" ref={panelHead} tabIndex={-1}>
          {t(w.title, vars)}
        </h2>
        <p id="acct-confirm-text">{t(w.text, vars)}</p>
        <Alert tone="error">{errors.form}</Alert>
        <div class="button-row">
          <button type="button" class={panel.kind === 'enable' ? 'btn btn-primary' : 'btn btn-danger'} disabled={busy} onClick={() => void confirm()}>
            {busy ? t('acct.saving') : t(w.button)}
          </button>
          <button type="button" class="btn" onClick={close}>
            {t('acct.cancel')}
          </button>
        </div>
      </section>
    );
  })();

  const accounts = list?.accounts ?? [];
  return (
    <div class="acct">
      <ScreenTitle suffix={t('app.name')}>{t('acct.title')}</ScreenTitle>
      <AdminTabs session={session} current="accounts" />
      <p class="hint">{me.role === 'admin' ? t('acct.introAdmin') : t('acct.introTown')}</p>
      {offline ? <Alert tone="warning">{t('acct.offline')}</Alert> : null}

      <div class="acct-bar">
        <button type="button" class="btn btn-primary" disabled={panel?.kind === 'create'} onClick={(e) => open({ kind: 'create' }, e)}>
          {t('acct.new')}
        </button>
        <button type="button" class="btn" aria-expanded={bulk} aria-controls="acct-import" onClick={() => setBulk((b) => !b)}>
          {t('imp.open')}
        </button>
      </div>
      <div id="acct-import" hidden={!bulk}>
        <StaffImport session={session} onImported={() => void load(0)} />
      </div>
      <Alert tone={done?.tone ?? 'info'}>{done?.text}</Alert>
      {panelView}

      <form
        class="card acct-filters"
        role="search"
        aria-label={t('acct.search')}
        onSubmit={(e) => {
          e.preventDefault();
          setApplied((a) => ({ ...a, q: q.trim() }));
        }}
      >
        <div class="acct-search">
          <Field id="acct-q" label={t('acct.searchLabel')}>
            <input id="acct-q" type="search" value={q} maxLength={60} autoComplete="off" onInput={(e) => setQ(e.currentTarget.value)} />
          </Field>
          <button type="submit" class="btn">
            {t('acct.searchButton')}
          </button>
        </div>
        <div class="acct-selects">
          <Field id="acct-role" label={t('acct.filterRole')}>
            <select id="acct-role" value={applied.role} onChange={(e) => setApplied((a) => ({ ...a, role: e.currentTarget.value }))}>
              <option value="">{t('acct.all')}</option>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleName(r)}
                </option>
              ))}
            </select>
          </Field>
          {me.role === 'admin' ? (
            <Field id="acct-town" label={t('acct.filterTown')}>
              <select id="acct-town" value={applied.town} onChange={(e) => setApplied((a) => ({ ...a, town: e.currentTarget.value }))}>
                <option value="">{t('acct.allTowns')}</option>
                {towns.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          <Field id="acct-state" label={t('acct.filterState')}>
            <select id="acct-state" value={applied.disabled} onChange={(e) => setApplied((a) => ({ ...a, disabled: e.currentTarget.value }))}>
              <option value="">{t('acct.all')}</option>
              <option value="0">{t('acct.stateActive')}</option>
              <option value="1">{t('acct.stateDisabled')}</option>
            </select>
          </Field>
        </div>
      </form>

      <Alert tone={listMsg?.tone ?? 'info'}>{listMsg?.text}</Alert>
      {listMsg ? (
        <button type="button" class="btn" onClick={() => void load(0)}>
          {t('acct.retry')}
        </button>
      ) : null}
      {list === null && loading ? <p role="status">{t('acct.loading')}</p> : null}
      {list ? (
        <p class="acct-count" role="status">
          {t('acct.count', { n: list.total })}
          {accounts.length < list.total ? `，${t('acct.shown', { shown: accounts.length })}` : ''}
        </p>
      ) : null}
      {list && accounts.length === 0 ? <EmptyState icon="people" text={t('acct.none')} /> : null}
      {accounts.length > 0 ? (
        <div class="table-wrap">
          <table class="data-table rtable acct-table">
            <caption class="visually-hidden">{t('acct.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('acct.colName')}</th>
                <th scope="col">{t('acct.colUsername')}</th>
                <th scope="col">{t('acct.colRole')}</th>
                <th scope="col">{t('acct.colPlace')}</th>
                <th scope="col">{t('acct.colPhone')}</th>
                <th scope="col">{t('acct.colState')}</th>
                <th scope="col">{t('acct.colActions')}</th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => {
                const own = a.id === me.id;
                const main = a.person ? (accounts.find((x) => x.id === a.person)?.name ?? a.name) : null;
                return (
                <tr key={a.id} class={`acct-row${a.disabled ? ' acct-disabled' : ''}${a.person ? ' acct-rolerow' : ''}`} data-account={a.id}>
                  <th scope="row" class="rt-title">
                    {a.name}
                    {a.person ? (
                      <>
                        {' '}
                        <Badge tone="blue">{t('acct.badgeRole')}</Badge>
                      </>
                    ) : null}
                  </th>
                  <td data-label={t('acct.colUsername')} lang="en" class="acct-username">
                    {a.username}
                  </td>
                  <td data-label={t('acct.colRole')}>{roleName(a.role)}</td>
                  <td data-label={t('acct.colPlace')}>
                    {place(a)}
                    {main !== null ? <span class="acct-of">{t('acct.roleOf', { name: main })}</span> : null}
                  </td>
                  <td data-label={t('acct.colPhone')} class="nowrap">
                    {a.phone ?? t('acct.noPhone')}
                  </td>
                  <td data-label={t('acct.colState')} class="acct-state">
                    {a.disabled ? <Badge tone="grey">{t('acct.badgeDisabled')}</Badge> : <Badge tone="green">{t('acct.badgeActive')}</Badge>}
                    {a.mustChange && !a.person ? <Badge tone="amber">{t('acct.badgeMustChange')}</Badge> : null}
                  </td>
                  <td class="acct-actions">
                    <button type="button" class="btn" aria-label={t(a.person ? 'acct.editRoleOf' : 'acct.editOf', { name: a.name, role: roleName(a.role) })} onClick={(e) => open({ kind: 'edit', account: a }, e)}>
                      {t('acct.edit')}
                    </button>
                    {/* Not on the manager's own row: the relay refuses disabling oneself (own_account). */}
                    {own ? null : a.disabled ? (
                      <button type="button" class="btn" aria-label={t(a.person ? 'acct.enableRoleOf' : 'acct.enableOf', { name: a.name, role: roleName(a.role) })} onClick={(e) => open({ kind: 'enable', account: a }, e)}>
                        {t('acct.enable')}
                      </button>
                    ) : (
                      <button type="button" class="btn" aria-label={t(a.person ? 'acct.disableRoleOf' : 'acct.disableOf', { name: a.name, role: roleName(a.role) })} onClick={(e) => open({ kind: 'disable', account: a }, e)}>
                        {t('acct.disable')}
                      </button>
                    )}
                    {/* A role account has no password of its own (the relay answers role_account), nor roles of its own. */}
                    {a.person ? null : (
                      <button type="button" class="btn" aria-label={t('acct.resetOf', { name: a.name })} onClick={(e) => open({ kind: 'reset', account: a }, e)}>
                        {t('acct.reset')}
                      </button>
                    )}
                    {a.person ? null : (
                      <button type="button" class="btn" aria-label={t('acct.addRoleOf', { name: a.name })} onClick={(e) => open({ kind: 'role', account: a }, e)}>
                        {t('acct.addRole')}
                      </button>
                    )}
                  </td>
                </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {list && accounts.length < list.total ? (
        <button type="button" class="btn btn-block acct-more" disabled={loading} onClick={() => void load(accounts.length)}>
          {loading ? t('acct.loading') : t('acct.more')}
        </button>
      ) : null}
    </div>
  );
}

/** The 增加身份 form: a role the manager may give and the place it needs (the shared picker), checked on submit. */
function AddRoleForm({ session, errors, busy, onSubmit, onCancel }: { session: Session; errors: FieldErrors; busy: boolean; onSubmit(v: RolePlaceValues): void; onCancel(): void }) {
  const me = session.user;
  const org = session.org.value;
  const ownTown = me.role === 'town' ? me.townId : undefined;
  const [v, setV] = useState<RolePlaceValues>({ role: '', townId: ownTown ?? '', villageId: '', gridId: '', unitId: '' });
  if (!org) return null;
  return (
    <form
      class="form acct-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(v);
      }}
    >
      <fieldset class="acct-place">
        <legend>{`${t('acct.role')} · ${t('acct.colPlace')}`}</legend>
        <RolePlacePicker idPrefix="acct-r" me={me} org={org} values={v} set={(p) => setV((old) => ({ ...old, ...p }))} errors={errors} roles={rolesManagedBy(me)} />
      </fieldset>
      <Alert tone="error">{errors.form}</Alert>
      <div class="button-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('acct.saving') : t('acct.addRoleButton')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('acct.cancel')}
        </button>
      </div>
    </form>
  );
}
