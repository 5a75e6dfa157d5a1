/**
 * The form of a staff account (issue 15): new (username, name, phone, role, place) or an existing one (everything
 * but the username). The place picker follows the role (domain scopeFieldOf): a town; a village (town, then
 * village); a grid (town, village, then grid); a unit. It offers only places the manager may use (a town center:
 * its own town's). Checked before sending with the domain's rules (the patterns, resolveScope, mayManageAccount);
 * the relay's refusals (bad_scope's field, username_taken, bad_request's field) are shown at the field they name.
 */
import { useMemo, useState } from 'preact/hooks';
import { roleName, t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import { mayManageAccount, PHONE_PATTERN, resolveScope, rolesManagedBy, scopeFieldOf, USERNAME_PATTERN, type ScopeField, type StaffRole } from '../../domain/accounts.ts';
import type { OrgView } from '../../domain/org.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Foreign } from '../../ui/Foreign.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import type { AccountView } from './api.ts';

export type FormField = 'username' | 'name' | 'phone' | 'role' | ScopeField;
export type FieldErrors = Partial<Record<FormField | 'form', string>>;

/** What the form sends: POST /api/accounts's body (new) or PATCH /api/accounts/<id>'s (changed fields only). */
export type FormResult = { kind: 'create'; body: Record<string, string> } | { kind: 'patch'; body: Record<string, string | null> } | { kind: 'none' };

interface Values {
  username: string;
  name: string;
  phone: string;
  role: StaffRole | '';
  townId: string;
  villageId: string;
  gridId: string;
  unitId: string;
}

const PLACE_LABEL: Record<ScopeField, () => string> = {
  townId: () => t('acct.placeTown'),
  villageId: () => t('acct.placeVillage'),
  gridId: () => t('acct.placeGrid'),
  unitId: () => t('acct.placeUnit'),
};

/** The words for a scope problem at `field` (domain ScopeProblem codes; the relay's bad_scope `problem`). */
export function placeProblem(field: ScopeField | 'role', code: string): string {
  if (field === 'role') return t('acct.err.roleNotAllowed');
  if (code === 'required') return t('acct.err.placeRequired', { place: PLACE_LABEL[field]() });
  if (code === 'unknown') return t('acct.err.placeUnknown', { place: PLACE_LABEL[field]() });
  return t('acct.err.placeNotAllowed');
}

function lookups(org: OrgView) {
  return { grid: org.grid, village: org.village, unit: org.unit, townIds: org.data.towns.map((x) => x.id) };
}

/** Check the values with the domain's rules; the body to send, or the problems by field. */
export function checkAccount(values: Values, me: Session['user'], org: OrgView, account: AccountView | null): { errors: FieldErrors } | { result: FormResult } {
  const errors: FieldErrors = {};
  const name = values.name.trim();
  const phone = values.phone.trim();
  if (!account && !USERNAME_PATTERN.test(values.username.trim())) errors.username = t('acct.err.username');
  if (!name || name.length > 60) errors.name = t('acct.err.name');
  if (phone && !PHONE_PATTERN.test(phone)) errors.phone = t('acct.err.phone');
  const role = values.role;
  if (!role) errors.role = t('acct.err.role');
  else if (!rolesManagedBy(me).includes(role) && role !== account?.role) errors.role = t('acct.err.roleNotAllowed');
  let field: ScopeField | null = null;
  if (role) {
    field = scopeFieldOf(role);
    const r = resolveScope(role, field ? { [field]: values[field] } : {}, lookups(org));
    if (!r.ok) errors[r.problem.field] = placeProblem(r.problem.field, r.problem.code);
    else if (!mayManageAccount(me, { role, townId: r.scope.townId })) errors[field ?? 'role'] = field ? t('acct.err.placeOutside') : t('acct.err.roleNotAllowed');
  }
  if (Object.keys(errors).length || !role) return { errors };
  if (!account) {
    return { result: { kind: 'create', body: { username: values.username.trim(), name, role, ...(phone ? { phone } : {}), ...(field ? { [field]: values[field] } : {}) } } };
  }
  const body: Record<string, string | null> = {};
  if (name !== account.name) body.name = name;
  if (phone !== (account.phone ?? '')) body.phone = phone || null;
  if (role !== account.role) body.role = role;
  if (field && (role !== account.role || values[field] !== (account[field] ?? ''))) body[field] = values[field];
  return { result: Object.keys(body).length ? { kind: 'patch', body } : { kind: 'none' } };
}

export function AccountForm({
  session,
  org,
  account,
  errors,
  busy,
  onSubmit,
  onCancel,
  placeOnly = false,
  roleFixed = false,
}: {
  session: Session;
  org: OrgView;
  /** The account edited; null for a new one. */
  account: AccountView | null;
  errors: FieldErrors;
  busy: boolean;
  onSubmit(values: Values): void;
  onCancel(): void;
  /** A role account: only its place is edited (its name and phone are its person's). */
  placeOnly?: boolean;
  /** The role is not offered for change (the manager's own account: the relay answers own_account). */
  roleFixed?: boolean;
}) {
  const me = session.user;
  const ownTown = me.role === 'town' ? me.townId : undefined;
  const [v, setV] = useState<Values>(() => ({
    username: account?.username ?? '',
    name: account?.name ?? '',
    phone: account?.phone ?? '',
    role: (account?.role as StaffRole | undefined) ?? '',
    townId: account?.townId ?? ownTown ?? '',
    villageId: account?.villageId ?? '',
    gridId: account?.gridId ?? '',
    unitId: account?.unitId ?? '',
  }));
  const set = (patch: Partial<Values>) => setV((old) => ({ ...old, ...patch }));
  const roles = rolesManagedBy(me);
  const field = v.role ? scopeFieldOf(v.role) : null;
  const id = (f: string) => `acct-f-${f}`;
  const input = (f: FormField) => ({
    id: id(f),
    'aria-invalid': errors[f] ? ('true' as const) : undefined,
  });

  const roleChanged = account && (v.role !== account.role || (field && v[field] !== (account[field] ?? '')));

  return (
    <form
      class="form acct-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(v);
      }}
    >
      {account && !placeOnly ? (
        <p class="hint">
          <Foreign text={t('acct.usernameFixed', { username: account.username })} terms={[account.username]} />
        </p>
      ) : account ? null : (
        <Field id={id('username')} label={t('acct.username')} hint={t('acct.usernameHint')} error={errors.username}>
          <input
            {...input('username')}
            type="text"
            lang="en"
            autoComplete="off"
            autoCapitalize="off"
            spellcheck={false}
            maxLength={32}
            value={v.username}
            aria-describedby={describedBy(id('username'), true, errors.username)}
            onInput={(e) => set({ username: e.currentTarget.value })}
          />
        </Field>
      )}
      {placeOnly ? null : (
      <div class="two-cols">
        <Field id={id('name')} label={t('acct.name')} error={errors.name}>
          <input {...input('name')} type="text" autoComplete="off" maxLength={60} value={v.name} aria-describedby={describedBy(id('name'), false, errors.name)} onInput={(e) => set({ name: e.currentTarget.value })} />
        </Field>
        <Field id={id('phone')} label={t('acct.phone')} hint={t('acct.phoneHint')} error={errors.phone}>
          <input
            {...input('phone')}
            type="tel"
            inputMode="numeric"
            autoComplete="off"
            maxLength={11}
            value={v.phone}
            aria-describedby={describedBy(id('phone'), true, errors.phone)}
            onInput={(e) => set({ phone: e.currentTarget.value })}
          />
        </Field>
      </div>
      )}
      <fieldset class="acct-place">
        <legend>{`${t('acct.role')} · ${t('acct.colPlace')}`}</legend>
        <RolePlacePicker
          idPrefix="acct-f"
          me={me}
          org={org}
          values={v}
          set={set}
          errors={errors}
          roles={[...roles, ...(account && !roles.includes(account.role as StaffRole) ? [account.role as StaffRole] : [])]}
          roleFixed={roleFixed}
        />
        {v.role && !field ? <p class="hint">{t('acct.placeNone')}</p> : null}
      </fieldset>
      {roleChanged ? <Alert tone="warning">{t('acct.roleChangeNote')}</Alert> : null}
      <Alert tone="error">{errors.form}</Alert>
      <div class="button-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('acct.saving') : account ? t('acct.save') : t('acct.create')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('acct.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The role and place fields a picker edits (AccountForm's values, the 增加身份 form's). */
export interface RolePlaceValues {
  role: StaffRole | '';
  townId: string;
  villageId: string;
  gridId: string;
  unitId: string;
}

/**
 * The role select and the place pickers that follow it (a town; town, then village; town, village, then grid; a
 * unit), offering only the places `me` may use (a town center: its own town's). Shared by AccountForm and the
 * 增加身份 form; ids are `${idPrefix}-${field}` and errors show at the field they name.
 */
export function RolePlacePicker({
  idPrefix,
  me,
  org,
  values: v,
  set,
  errors,
  roles,
  roleFixed = false,
}: {
  idPrefix: string;
  me: Session['user'];
  org: OrgView;
  values: RolePlaceValues;
  set(patch: Partial<RolePlaceValues>): void;
  errors: Partial<Record<'role' | ScopeField, string | undefined>>;
  roles: StaffRole[];
  roleFixed?: boolean;
}) {
  const ownTown = me.role === 'town' ? me.townId : undefined;
  const field = v.role ? scopeFieldOf(v.role) : null;
  const id = (f: string) => `${idPrefix}-${f}`;
  const input = (f: 'role' | ScopeField) => ({
    id: id(f),
    'aria-invalid': errors[f] ? ('true' as const) : undefined,
  });
  const towns = useMemo(() => org.data.towns.filter((x) => !ownTown || x.id === ownTown), [org, ownTown]);
  const villages = useMemo(() => org.data.villages.filter((x) => x.townId === v.townId), [org, v.townId]);
  const grids = useMemo(() => org.data.grids.filter((x) => x.villageId === v.villageId), [org, v.villageId]);
  const units = useMemo(() => org.data.units.filter((u) => (ownTown ? u.townId === ownTown : true)), [org, ownTown]);

  const select = (f: ScopeField, label: string, options: Array<{ id: string; name: string }>, onChange: (value: string) => void, value: string) => (
    <Field id={id(f)} label={label} error={errors[f]}>
      <select {...input(f)} value={value} aria-describedby={describedBy(id(f), false, errors[f])} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t('acct.placeChoose')}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <>
      <div class="two-cols">
        {roleFixed && v.role ? (
          <p class="acct-role-fixed" id={id('role')}>
            {`${t('acct.role')}：${roleName(v.role)}`}
          </p>
        ) : (
          <Field id={id('role')} label={t('acct.role')} error={errors.role} class="acct-role-field">
            <select {...input('role')} value={v.role} aria-describedby={describedBy(id('role'), false, errors.role)} onChange={(e) => set({ role: e.currentTarget.value as StaffRole })}>
              <option value="">{t('acct.roleChoose')}</option>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleName(r)}
                </option>
              ))}
            </select>
          </Field>
        )}
        {field === 'townId' || field === 'villageId' || field === 'gridId'
          ? select('townId', t('acct.placeTown'), towns, (x) => set({ townId: x, villageId: '', gridId: '' }), v.townId)
          : null}
        {field === 'villageId' || field === 'gridId' ? select('villageId', t('acct.placeVillage'), villages, (x) => set({ villageId: x, gridId: '' }), v.villageId) : null}
        {field === 'gridId' ? select('gridId', t('acct.placeGrid'), grids, (x) => set({ gridId: x }), v.gridId) : null}
        {field === 'unitId' ? (
          <Field id={id('unitId')} label={t('acct.placeUnit')} error={errors.unitId}>
            <select {...input('unitId')} value={v.unitId} aria-describedby={describedBy(id('unitId'), false, errors.unitId)} onChange={(e) => set({ unitId: e.currentTarget.value })}>
              <option value="">{t('acct.placeChoose')}</option>
              {[{ id: '', name: t('acct.countyUnits') }, ...towns].map((town) => {
                const list = units.filter((u) => (u.townId ?? '') === town.id);
                return list.length ? (
                  <optgroup key={town.id || 'county'} label={town.name}>
                    {list.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                      </option>
                    ))}
                  </optgroup>
                ) : null;
              })}
            </select>
          </Field>
        ) : null}
      </div>
      {v.role && !field ? <p class="hint">{t('acct.placeNone')}</p> : null}
    </>
  );
}

/** Check a role to add (the 增加身份 form) with the domain's rules: the body to send, or the problems by field. */
export function checkRole(values: RolePlaceValues, me: Session['user'], org: OrgView): { errors: FieldErrors } | { body: Record<string, string> } {
  const role = values.role;
  if (!role) return { errors: { role: t('acct.err.role') } };
  if (!rolesManagedBy(me).includes(role)) return { errors: { role: t('acct.err.roleNotAllowed') } };
  const field = scopeFieldOf(role);
  const r = resolveScope(role, field ? { [field]: values[field] } : {}, lookups(org));
  if (!r.ok) return { errors: { [r.problem.field]: placeProblem(r.problem.field, r.problem.code) } };
  if (!mayManageAccount(me, { role, townId: r.scope.townId })) return { errors: { [field ?? 'role']: field ? t('acct.err.placeOutside') : t('acct.err.roleNotAllowed') } };
  return { body: { role, ...(field ? { [field]: values[field] } : {}) } };
}
