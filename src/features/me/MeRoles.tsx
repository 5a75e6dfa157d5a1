/**
 * Issue 15: 我的身份 on #/me for a person who holds several roles (a village secretary who is also a 网格长, a party
 * member who is a grid worker): each role with its place, the one in use marked, and 切换 to act in another without
 * signing out (AuthService.switchRole). On a shared PC the password is asked: the role's data on the device is
 * sealed with it like any user's.
 */
import { useState } from 'preact/hooks';
import type { RoleChoice } from '../../domain/accounts.ts';
import { roleName, t } from '../../app/i18n.ts';
import type { AuthService, Session } from '../../app/services.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Field } from '../../ui/Field.tsx';

type SwitchError = 'network' | 'unknown' | 'expired' | 'need_password' | 'bad_password';

export interface MeRolesProps {
  session: Session;
  switchRole: NonNullable<AuthService['switchRole']>;
  onSwitched(session: Session): void;
}

/** The place a role names, by name from the org data the session holds (its id when the name is not known here). */
function placeOf(r: RoleChoice, session: Session): string {
  const data = session.org.value?.data;
  if (r.gridId) return data?.grids.find((g) => g.id === r.gridId)?.name ?? r.gridId;
  if (r.villageId) return data?.villages.find((v) => v.id === r.villageId)?.name ?? r.villageId;
  if (r.unitId) return data?.units.find((u) => u.id === r.unitId)?.name ?? r.unitId;
  if (r.townId) return data?.towns.find((x) => x.id === r.townId)?.name ?? r.townId;
  return '';
}

export function MeRoles({ session, switchRole, onSwitched }: MeRolesProps) {
  const roles = session.roles?.value ?? [];
  const [busy, setBusy] = useState<string | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<SwitchError | null>(null);
  if (roles.length < 2) return null;

  const go = async (id: string, pw?: string) => {
    setBusy(id);
    setError(null);
    try {
      const r = await switchRole(session, id, pw);
      if (r.ok) return onSwitched(r.session);
      if (r.error === 'need_password') setAsking(id);
      else setError(r.error);
    } catch {
      setError('network');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="card" aria-labelledby="me-roles-title">
      <h2 id="me-roles-title">{t('me.roles')}</h2>
      <p class="hint">{t('me.rolesHint')}</p>
      <ul class="me-roles">
        {roles.map((r) => {
          const current = r.id === session.user.id;
          const place = placeOf(r, session);
          return (
            <li key={r.id} class="me-role">
              <span>
                <strong>{roleName(r.role)}</strong>
                {place ? ` · ${place}` : ''}
                {current ? <span class="badge">{t('me.roleCurrent')}</span> : null}
              </span>
              {current ? null : (
                <button type="button" class="btn" disabled={busy !== null} aria-disabled={busy !== null} onClick={() => void go(r.id)}>
                  {busy === r.id ? t('me.roleSwitching') : t('me.roleSwitch', { role: roleName(r.role) })}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {asking ? (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void go(asking, password).then(() => setPassword(''));
          }}
        >
          <Field id="me-role-password" label={t('me.rolePassword')} hint={t('me.rolePasswordHint')}>
            <input id="me-role-password" type="password" autocomplete="current-password" value={password} aria-describedby="me-role-password-hint" onInput={(e) => setPassword(e.currentTarget.value)} />
          </Field>
          <button type="submit" class="btn btn-primary" disabled={busy !== null || !password}>
            {t('me.roleConfirm')}
          </button>
        </form>
      ) : null}
      <Alert tone="error">{error ? t(`me.roleError.${error === 'need_password' ? 'bad_password' : error}`) : ''}</Alert>
    </section>
  );
}
