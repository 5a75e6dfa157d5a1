/**
 * Device profiles: the people who signed in on this browser, with what an offline sign-in needs
 * (a password verifier, their last token and grants), and removal of everything a person left here.
 *
 * The verifier is PBKDF2-SHA256 (WebCrypto) over the password with a random 16-byte salt; the iteration count is
 * stored with it so it can be raised later without breaking old profiles. The password itself is never stored.
 */
import Dexie from 'dexie';
import { parseDocName, parseRecordDocName } from '../domain/docs.ts';
import { DeviceDb, deviceDbName, docDbName, practiceDbName, userDbName, type ProfileRecord, type Verifier } from './schema.ts';

/**
 * 200,000 iterations: about 0.1 s in Node 20 on a server core, about 1 s on a low-end phone, once per sign-in.
 * OWASP's current figure for PBKDF2-SHA256 is 600,000; this is the compromise for 1-2 GB Android phones.
 */
export const PBKDF2_ITERATIONS = 200_000;

/** Device state (ProfileStore.getState): whether the device is a shared PC (boolean; absent until asked). */
export const DEVICE_SHARED = 'shared';
/** Device state: the id of the user behind the lock screen (absent when nobody is locked). */
export const LOCKED_USER = 'locked';

const CURRENT_KEY = 'current';

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function makeVerifier(password: string, random: (n: number) => Uint8Array, iterations = PBKDF2_ITERATIONS): Promise<Verifier> {
  const salt = random(16);
  return { salt, iterations, hash: await pbkdf2(password, salt, iterations) };
}

export async function checkVerifier(password: string, v: Verifier): Promise<boolean> {
  if (!(v.salt instanceof Uint8Array) || !(v.hash instanceof Uint8Array) || !(v.iterations > 0)) return false;
  const h = await pbkdf2(password, v.salt, v.iterations);
  if (h.length !== v.hash.length) return false;
  let diff = 0;
  for (let i = 0; i < h.length; i++) diff |= h[i]! ^ v.hash[i]!;
  return diff === 0;
}

export class ProfileStore {
  readonly db: DeviceDb;
  constructor(readonly ns: string) {
    this.db = new DeviceDb(deviceDbName(ns));
  }

  /** Everyone who signed in here, most recent first. */
  async list(): Promise<ProfileRecord[]> {
    return (await this.db.profiles.orderBy('lastLoginMs').reverse().toArray()).filter(isProfile);
  }

  async byUsername(username: string): Promise<ProfileRecord | undefined> {
    const p = await this.db.profiles.where('username').equals(username).first();
    return p && isProfile(p) ? p : undefined;
  }

  async byId(userId: string): Promise<ProfileRecord | undefined> {
    const p = await this.db.profiles.get(userId);
    return p && isProfile(p) ? p : undefined;
  }

  /** Store a profile after an online sign-in; another profile holding the same username (renamed user) goes. */
  async put(p: ProfileRecord): Promise<void> {
    await this.db.transaction('rw', this.db.profiles, async () => {
      const clash = await this.db.profiles.where('username').equals(p.username).first();
      if (clash && clash.userId !== p.userId) await this.db.profiles.delete(clash.userId);
      await this.db.profiles.put(p);
    });
  }

  async update(userId: string, changes: Partial<ProfileRecord>): Promise<void> {
    await this.db.profiles.update(userId, changes);
  }

  /** Who is signed in (for resuming after a reload), or null. */
  async current(): Promise<string | null> {
    const r = await this.db.state.get(CURRENT_KEY);
    const id = typeof r?.value === 'string' ? r.value : null;
    if (signedInHint() !== (id !== null)) setSignedInHint(id !== null);
    return id;
  }

  async setCurrent(userId: string | null): Promise<void> {
    if (userId === null) await this.db.state.delete(CURRENT_KEY);
    else await this.db.state.put({ key: CURRENT_KEY, value: userId });
    setSignedInHint(userId !== null);
  }

  /**
   * Every database of a user's namespace: the read model and each doc's y-indexeddb store (the docs named in the
   * profile, and any other `<ns>-u-<id>-<doc>` database the browser lists). Names only: some may not exist.
   */
  async dbNamesOf(userId: string): Promise<string[]> {
    const profile = await this.db.profiles.get(userId);
    const names = new Set<string>([userDbName(this.ns, userId)]);
    for (const g of profile?.docs ?? []) names.add(docDbName(this.ns, userId, g.name));
    const prefix = docDbName(this.ns, userId, '');
    if (typeof indexedDB.databases === 'function') {
      for (const info of await indexedDB.databases()) {
        // `<ns>-u-a-b` belongs to user `a-b`, not to `a`: only a doc name may follow the prefix.
        // Record docs too: a doc no longer granted, or granted on the device only (a dispute's details, from the
        // mediation summary), is this user's data all the same.
        if (info.name?.startsWith(prefix)) {
          const doc = info.name.slice(prefix.length);
          if (parseDocName(doc) || parseRecordDocName(doc)) names.add(info.name);
        }
        // Issue 14: a trainer's practice sandbox holds their learners' names: sealed and removed with their data.
        if (info.name === practiceDbName(this.ns, userId)) names.add(info.name);
      }
    }
    return [...names];
  }

  /** A device-level setting (DEVICE_SHARED, LOCKED_USER). */
  async getState(key: string): Promise<unknown> {
    return (await this.db.state.get(key))?.value;
  }

  async setState(key: string, value: unknown): Promise<void> {
    if (value === undefined || value === null) await this.db.state.delete(key);
    else await this.db.state.put({ key, value });
  }

  /** Remove a profile record only (its data was sealed: sync/vault.ts holds it, encrypted). */
  async removeProfile(userId: string): Promise<void> {
    await this.db.profiles.delete(userId);
  }

  /**
   * Delete a user's profile and every database of their namespace: the read model and each doc's y-indexeddb
   * store (the docs named in the profile, and any other `<ns>-u-<id>-<doc>` database the browser lists).
   * The caller closes that user's session first: an open connection would block the deletion.
   */
  async forget(userId: string): Promise<void> {
    const names = await this.dbNamesOf(userId);
    for (const name of names) await Dexie.delete(name);
    await this.db.transaction('rw', this.db.profiles, this.db.state, async () => {
      await this.db.profiles.delete(userId);
      const cur = await this.db.state.get(CURRENT_KEY);
      if (cur?.value === userId) await this.db.state.delete(CURRENT_KEY);
    });
  }

  close(): void {
    this.db.close();
  }
}

function isProfile(p: unknown): p is ProfileRecord {
  const r = p as Partial<ProfileRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.userId === 'string' &&
    typeof r.username === 'string' &&
    typeof r.token === 'string' &&
    typeof r.user === 'object' &&
    r.user !== null &&
    Array.isArray(r.docs) &&
    typeof r.verifier === 'object' &&
    r.verifier !== null
  );
}

/**
 * Whether someone was signed in on this device when the page last changed it: a synchronous hint for the first
 * screen only (main.tsx fetches the sign-in screen's code at once when nobody is), never trusted for anything else.
 * The truth is current() (IndexedDB, asynchronous), which corrects the hint. A new device has nobody; without
 * localStorage the hint says someone is (nothing fetched early).
 */
const HINT_KEY = 'gridlink.signedIn';
export function signedInHint(): boolean {
  try {
    return localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return true;
  }
}
function setSignedInHint(on: boolean): void {
  try {
    localStorage.setItem(HINT_KEY, on ? '1' : '0');
  } catch {
    // Private mode or storage full: the hint is only a head start.
  }
}
