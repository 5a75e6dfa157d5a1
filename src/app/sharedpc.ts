/**
 * Issue 14, shared PCs: sealing a signed-out user's local data, the quick lock and its PIN, and removing a user's
 * data from the device. The session service (session.ts) loads this module, and with it the vault's WebCrypto
 * and database-export code (src/sync/vault.ts), on first use: a sign-in, a lock, a shared device's start. It is
 * not part of the first screen's JavaScript.
 *
 * Contracts:
 *  - Sealing a user closes their sessions first, then encrypts their databases and profile into the vault and
 *    deletes the plaintext. A user with no vault key (signed in here before issue 14, and not since) is left as
 *    they are until their next sign-in makes one.
 *  - Unlocking checks the PIN or password on this device (offline too); five wrong PINs remove the PIN and require
 *    the password (src/domain/pin.ts).
 */
import type { LockInfo, Session, SharedPcApi, UnlockResult } from './services.ts';
import type { ProfileStore } from '../storage/profiles.ts';
import { checkVerifier, makeVerifier } from '../storage/profiles.ts';
import { DEVICE_SHARED, LOCKED_USER } from '../storage/profiles.ts';
import { MAX_PIN_FAILURES, isPin } from '../domain/pin.ts';
import { Vault } from '../sync/vault.ts';

export interface SharedPcHost {
  ns: string;
  store: ProfileStore;
  /** The open sessions, by user id. */
  active: ReadonlyMap<string, { stop(): Promise<void> }>;
  /** Each signed-in user's vault key, in memory only while their session is open. */
  keys: Map<string, CryptoKey>;
  random: (n: number) => Uint8Array;
  iterations: number;
  now: () => number;
  /** Open a session from a stored profile (after an unlock). */
  resumeAs(userId: string, heldPassword: string | null): Promise<Session | null>;
  removable(session: Session): ReturnType<SharedPcApi['unsaved']>;
}

export interface SharedPc {
  vault: Vault;
  sealUser(userId: string): Promise<boolean>;
  sealIdle(): Promise<void>;
  unseal(userId: string, priv: CryptoKey): Promise<void>;
  forgetUser(userId: string): Promise<void>;
  api: Omit<SharedPcApi, 'unsaved' | 'deviceShared'>;
}

export function sharedPc(host: SharedPcHost): SharedPc {
  const { store, active, keys, random } = host;
  const vault = new Vault(host.ns, random, host.iterations);
  const isShared = async () => (await store.getState(DEVICE_SHARED)) === true;

  async function sealUser(userId: string): Promise<boolean> {
    const s = active.get(userId);
    if (s) await s.stop();
    keys.delete(userId);
    if (!(await vault.keyRecord(userId))) return false;
    const profile = (await store.byId(userId)) ?? null;
    await vault.seal(userId, profile?.username ?? '', await store.dbNamesOf(userId), profile);
    if (profile) await store.removeProfile(userId);
    return true;
  }

  /** Seal everyone on this device whose data is in clear and who has no open session (a shared device's start). */
  async function sealIdle(): Promise<void> {
    for (const p of await store.list()) if (!active.has(p.userId)) await sealUser(p.userId);
  }

  /** Open a user's sealed data (if any) with their private key; their sealed profile comes back to the device db. */
  async function unseal(userId: string, priv: CryptoKey): Promise<void> {
    const r = await vault.restore(userId, priv);
    if (r?.profile && !(await store.byId(userId))) await store.put(r.profile);
  }

  /** Everything a user left on this device goes: profile, databases, vault key and sealed data. */
  async function forgetUser(userId: string): Promise<void> {
    const s = active.get(userId);
    if (s) await s.stop();
    keys.delete(userId);
    await store.forget(userId);
    await vault.forget(userId);
    if ((await store.getState(LOCKED_USER)) === userId) await store.setState(LOCKED_USER, null);
  }

  const api: SharedPc['api'] = {
    async setDeviceShared(on, by) {
      const asked = typeof (await store.getState(DEVICE_SHARED)) === 'boolean';
      if (asked && by.user.role !== 'town') return false;
      await store.setState(DEVICE_SHARED, on);
      if (on) await sealIdle();
      return true;
    },
    async lockState(): Promise<LockInfo | null> {
      const id = await store.getState(LOCKED_USER);
      if (typeof id !== 'string') return null;
      return { pin: await vault.hasPin(id) };
    },
    async lock(session) {
      const id = session.user.id;
      const s = active.get(id);
      if (s) await s.stop();
      await store.setCurrent(null);
      await store.setState(LOCKED_USER, id);
      if (await isShared()) await sealUser(id);
      keys.delete(id);
    },
    async unlock(secret): Promise<UnlockResult> {
      const id = await store.getState(LOCKED_USER);
      if (typeof id !== 'string') return { ok: false, error: 'not_locked' };
      let priv: CryptoKey | null;
      let heldPassword: string | null = null;
      if ('pin' in secret) {
        if (!isPin(secret.pin)) return { ok: false, error: 'bad_request' };
        const r = await vault.keyForPin(id, secret.pin, checkVerifier);
        if (r === 'no_pin') return { ok: false, error: 'pin_blocked' };
        if (r === 'wrong') {
          const failures = (await vault.keyRecord(id))?.pinFailures ?? 0;
          return { ok: false, error: 'bad_pin', left: Math.max(0, MAX_PIN_FAILURES - failures) };
        }
        priv = r;
      } else {
        if (!secret.password) return { ok: false, error: 'bad_request' };
        // Checked on this device (the vault key opens only with the right password; offline too).
        priv = await vault.keyIfPassword(id, secret.password);
        if (!priv) return { ok: false, error: 'bad_password' };
        heldPassword = secret.password;
      }
      await unseal(id, priv);
      if (!(await store.byId(id))) return { ok: false, error: 'not_locked' };
      await store.setState(LOCKED_USER, null);
      keys.set(id, priv);
      await store.update(id, { lastLoginMs: host.now() });
      const session = await host.resumeAs(id, heldPassword);
      return session ? { ok: true, session } : { ok: false, error: 'not_locked' };
    },
    async cancelLock() {
      await store.setState(LOCKED_USER, null);
    },
    hasPin: (userId) => vault.hasPin(userId),
    async setPin(session, pin, password) {
      if (pin !== null && !isPin(pin)) return 'bad_pin';
      const id = session.user.id;
      let priv = keys.get(id);
      if (!priv) {
        // A session resumed after a reload holds no key: the password proves it is still this user.
        if (!password) return 'need_password';
        const profile = await store.byId(id);
        if (!profile || !(await checkVerifier(password, profile.verifier))) return 'bad_password';
        const k = await vault.keyForPassword(id, password);
        if (!k) return 'bad_password';
        keys.set(id, (priv = k));
      }
      await vault.setPin(id, priv, pin, (p) => makeVerifier(p, random, host.iterations));
      return 'ok';
    },
    async removeMyData(session) {
      const u = host.removable(session);
      if (!u.ready || u.total > 0) return { ok: false, unsaved: u };
      await forgetUser(session.user.id);
      return { ok: true };
    },
  };

  return { vault, sealUser, sealIdle, unseal, forgetUser, api };
}
