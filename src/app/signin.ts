/**
 * Signing in (online against the relay, offline against this device's verifier), the change of a temporary password
 * (issue 15) and the switch to another role of the same person (issue 15), for the session service (session.ts,
 * whose header states the sign-in contracts). Loaded on first use: a device that resumes its session, most loads,
 * never runs it.
 */
import type { AuthService, LoginError, PasswordProblem, Session } from './services.ts';
import type { GridlinkSession, Me, OnlineLogin, SessionStart } from './session.ts';
import type { SharedPc } from './sharedpc.ts';
import { checkVerifier, makeVerifier, LOCKED_USER, type ProfileStore } from '../storage/profiles.ts';
import type { ProfileRecord } from '../storage/schema.ts';

export interface SignInHost {
  store: ProfileStore;
  /** The open sessions, by user id. */
  active: ReadonlyMap<string, GridlinkSession & { stop(): Promise<void>; readonly currentToken: string }>;
  /** Each signed-in user's vault key, in memory while their session is open. */
  keys: Map<string, CryptoKey>;
  random: (n: number) => Uint8Array;
  iterations: number | undefined;
  now: () => number;
  online: () => boolean;
  isShared(): Promise<boolean>;
  pc(): Promise<SharedPc>;
  onlineLogin(username: string, password: string): Promise<OnlineLogin>;
  fetchMe(token: string): Promise<Me | 'unauthorized' | 'network'>;
  apiFetch(token: string, path: string, init?: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: string | Uint8Array; headers?: Record<string, string> }): Promise<Response>;
  startSession(p: SessionStart, heldPassword: string | null): Promise<GridlinkSession>;
}

export interface SignInFlows {
  login(username: string, password: string): Promise<{ ok: true; session: GridlinkSession } | { ok: false; error: LoginError }>;
  changeTemporaryPassword: NonNullable<AuthService['changeTemporaryPassword']>;
  switchRole: NonNullable<AuthService['switchRole']>;
}

export function signInFlows(host: SignInHost): SignInFlows {
  const { store, active, keys, random, now, online, isShared, pc, onlineLogin, fetchMe, apiFetch, startSession } = host;
  /** The token of a sign-in with a temporary password, by username, until the password is changed. */
  const temporary = new Map<string, string>();

async function login(username: string, password: string): Promise<{ ok: true; session: GridlinkSession } | { ok: false; error: LoginError }> {
    const name = typeof username === 'string' ? username.trim() : '';
    if (!name || typeof password !== 'string' || !password) return { ok: false, error: 'bad_request' };
    if (online()) {
      const r = await onlineLogin(name, password);
      if (r.kind === 'bad_credentials' || r.kind === 'bad_request' || r.kind === 'too_many_attempts') return { ok: false, error: r.kind };
      if (r.kind === 'must_change') {
        temporary.set(name.toLowerCase(), r.token);
        return { ok: false, error: 'must_change_password' };
      }
      if (r.kind === 'ok') {
        const shared = await pc();
        const [verifier, priv] = await Promise.all([makeVerifier(password, random, host.iterations), shared.vault.keyForPassword(r.user.id, password)]);
        if (!priv) return { ok: false, error: 'sealed_password' };
        await shared.unseal(r.user.id, priv);
        const record: ProfileRecord = {
          userId: r.user.id,
          // Issue 13: a resident signs in by phone: their profile is found by it offline too.
          username: r.user.role === 'resident' ? name.replace(/[\s-]/g, '') : r.user.username || name,
          name: r.user.name,
          role: r.user.role,
          lastLoginMs: now(),
          user: r.user,
          docs: r.docs,
          verifier,
          token: r.token,
          ...(r.roles ? { roles: r.roles } : {}),
        };
        await store.put(record);
        await store.setState(LOCKED_USER, null);
        keys.set(r.user.id, priv);
        return { ok: true, session: await startSession({ ...r, username: record.username }, null) };
      }
      // network: fall through to the offline unlock
    }
    const shared = await pc();
    let profile = await store.byUsername(name);
    if (!profile) {
      // Shared device: a signed-out user's profile is sealed with their data; their password opens both.
      const sealed = await shared.vault.sealedByUsername(name);
      if (!sealed) return { ok: false, error: 'offline_unknown_user' };
      const priv = await shared.vault.keyIfPassword(sealed.userId, password);
      if (!priv) return { ok: false, error: 'bad_credentials' };
      await shared.unseal(sealed.userId, priv);
      profile = await store.byId(sealed.userId);
      if (!profile) return { ok: false, error: 'offline_unknown_user' };
    }
    if (!(await checkVerifier(password, profile.verifier))) return { ok: false, error: 'bad_credentials' };
    const priv = await shared.vault.keyForPassword(profile.userId, password);
    if (!priv) return { ok: false, error: 'sealed_password' };
    await shared.unseal(profile.userId, priv);
    keys.set(profile.userId, priv);
    await store.setState(LOCKED_USER, null);
    await store.update(profile.userId, { lastLoginMs: now() });
    return { ok: true, session: await startSession({ user: profile.user, docs: profile.docs, token: profile.token, username: profile.username, roles: profile.roles }, password) };
  }

async function switchRole(from: Session, userId: string, password?: string): ReturnType<NonNullable<AuthService['switchRole']>> {
    const cur = active.get(from.user.id);
    const mine = await store.byId(from.user.id);
    if (!cur || !mine) return { ok: false, error: 'expired' };
    if (userId === from.user.id) return { ok: true, session: cur };
    const shared = await isShared();
    if (shared && !password) return { ok: false, error: 'need_password' };
    if (password !== undefined && !(await checkVerifier(password, mine.verifier))) return { ok: false, error: 'bad_password' };
    // The role's data on this device opens with the person's password (sealed on a shared device).
    let priv: CryptoKey | null = null;
    if (password !== undefined) {
      const p = await pc();
      priv = await p.vault.keyForPassword(userId, password);
      if (priv) await p.unseal(userId, priv);
    }
    let target = await store.byId(userId);
    if (online()) {
      const res: Response | null = await apiFetch(cur.currentToken, '/api/me/role', { method: 'POST', body: JSON.stringify({ userId }), headers: { 'content-type': 'application/json' } }).catch(
        () => null,
      );
      if (res?.status === 401) return { ok: false, error: 'expired' };
      if (res?.status === 403 || res?.status === 404) return { ok: false, error: 'unknown' };
      const token = res?.ok ? ((await res.json().catch(() => null)) as { token?: unknown } | null)?.token : null;
      const me = typeof token === 'string' ? await fetchMe(token) : 'network';
      if (typeof token === 'string' && me !== 'network' && me !== 'unauthorized') {
        target = {
          userId,
          username: me.user.username || userId,
          name: me.user.name,
          role: me.user.role,
          lastLoginMs: now(),
          user: me.user,
          docs: me.docs,
          // The same person: the same password opens this role on this device.
          verifier: mine.verifier,
          token,
          roleOf: mine.roleOf ?? mine.userId,
          ...(me.roles ? { roles: me.roles } : {}),
        };
        await store.put(target);
      }
    }
    // Offline: only a role this device has held before (its grants and token are kept).
    if (!target || (target.roleOf ?? target.userId) !== (mine.roleOf ?? mine.userId)) return { ok: false, error: 'network' };
    // This role's session closes; its unsaved work stays in its own namespace (sealed on a shared device).
    if (shared) await (await pc()).sealUser(from.user.id);
    else await cur.stop();
    if (priv) keys.set(userId, priv);
    await store.update(userId, { lastLoginMs: now() });
    const profile = (await store.byId(userId)) ?? target;
    const session = await startSession({ user: profile.user, docs: profile.docs, token: profile.token, username: profile.username, roles: profile.roles }, null);
    return { ok: true, session };
  }

async function changeTemporaryPassword(username: string, current: string, next: string): ReturnType<NonNullable<AuthService['changeTemporaryPassword']>> {
    const name = username.trim();
    const token = temporary.get(name.toLowerCase());
    if (!token) return { ok: false, error: 'expired' };
    let res: Response;
    try {
      res = await apiFetch(token, '/api/me/password', { method: 'POST', body: JSON.stringify({ current, next }), headers: { 'content-type': 'application/json' } });
    } catch {
      return { ok: false, error: 'network' };
    }
    if (res.status === 400) {
      const body = (await res.json().catch(() => null)) as { error?: string; problem?: PasswordProblem } | null;
      return body?.error === 'weak_password' && body.problem ? { ok: false, error: 'weak_password', problem: body.problem } : { ok: false, error: 'bad_request' };
    }
    if (res.status === 403) return { ok: false, error: 'bad_password' };
    if (res.status === 401) {
      temporary.delete(name.toLowerCase());
      return { ok: false, error: 'expired' };
    }
    if (!res.ok) return { ok: false, error: 'network' };
    temporary.delete(name.toLowerCase());
    return login(name, next);
  }

  return { login, changeTemporaryPassword, switchRole };
}
