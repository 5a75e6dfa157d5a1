/**
 * Shared PCs (issue 14): a signed-out or locked user's local data, encrypted at rest on this device.
 *
 * Contracts:
 *  - `<ns>-vault` is a device-level database. Per user it holds a key record (an ECDH P-256 key pair: the public
 *    key in clear, the private key wrapped with AES-GCM under a key derived from the password, and under one
 *    derived from the PIN when a PIN is set: PBKDF2-SHA256, storage/profiles.ts) and at most one sealed record.
 *  - Sealing needs only the public key, so it never needs a secret: sign-out, lock, and the next start after the
 *    browser was closed without signing out can all seal. Opening (unsealing) needs the private key, so the password
 *    or the PIN. Each seal uses a fresh ephemeral ECDH key (ECDH -> HKDF-SHA256 -> AES-GCM-256).
 *  - seal(userId, dbNames, profile): exports each named IndexedDB database whole (schema, keys, values), encrypts
 *    them with the profile in one payload, stores it, then deletes the plaintext databases. The caller has closed
 *    every connection to them. A crash between the store and the deletion leaves both: the next seal replaces the
 *    record, and restore() overwrites the databases, so nothing is lost either way.
 *  - restore(): recreates each database exactly (same IndexedDB version, stores, indexes, keys) and deletes the
 *    sealed record. Unsent changes are ordinary rows of those databases, so they survive the round trip and are sent
 *    when the session opens.
 *  - The sealed record is found at an offline sign-in by `lookup`, SHA-256 of the namespace and the username: it
 *    tells whether a guessed username has sealed data here, nothing else (names, roles and records are inside).
 */
import { MAX_PIN_FAILURES } from '../domain/pin.ts';
import Dexie, { type Table } from 'dexie';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PBKDF2_ITERATIONS } from '../storage/profiles.ts';
import type { ProfileRecord, Verifier } from '../storage/schema.ts';

export const vaultDbName = (ns: string): string => `${ns}-vault`;

/** A private key (pkcs8) encrypted under a key derived from a password or PIN. */
export interface Wrap {
  salt: Uint8Array;
  iterations: number;
  iv: Uint8Array;
  ct: Uint8Array;
}

export interface KeyRecord {
  userId: string;
  /** Raw P-256 public key: anyone may seal for this user. */
  publicKey: Uint8Array;
  password: Wrap;
  /** The PIN's wrap and verifier; absent until a PIN is set, removed after MAX_PIN_FAILURES wrong tries. */
  pin?: { wrap: Wrap; verifier: Verifier };
  /** Wrong PINs in a row (reset by a right PIN or a password). */
  pinFailures: number;
}

/**
 * One seal. A user normally has one; a crash after storing a seal and before deleting every plaintext database
 * leaves some, which the next start seals again into a second record: restore applies them oldest first, so the
 * newer copy of a database wins, and nothing needs the key to seal.
 */
export interface SealedRecord {
  id?: number;
  userId: string;
  lookup: string;
  /** Ephemeral ECDH public key (raw) of this seal. */
  ephemeral: Uint8Array;
  iv: Uint8Array;
  ct: Uint8Array;
  sealedMs: number;
}

/** Five wrong PINs in a row: the PIN is dropped and only the password opens the data (the rule). */
export { MAX_PIN_FAILURES };

export class VaultDb extends Dexie {
  keys!: Table<KeyRecord, string>;
  sealed!: Table<SealedRecord, number>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ keys: 'userId', sealed: '++id, userId, lookup' });
  }
}

const EC = { name: 'ECDH', namedCurve: 'P-256' } as const;
const enc = new TextEncoder();
const bs = (u: Uint8Array): BufferSource => u as BufferSource;

async function kek(secret: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', enc.encode(secret), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: bs(salt), iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

async function wrapKey(priv: CryptoKey, secret: string, random: (n: number) => Uint8Array, iterations: number): Promise<Wrap> {
  const salt = random(16);
  const iv = random(12);
  const k = await kek(secret, salt, iterations);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', priv));
  return { salt, iterations, iv, ct: new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: bs(iv) }, k, bs(pkcs8))) };
}

/** The private key, or null when the secret is wrong (AES-GCM refuses to decrypt). */
async function unwrapKey(w: Wrap, secret: string): Promise<CryptoKey | null> {
  try {
    const k = await kek(secret, w.salt, w.iterations);
    const pkcs8 = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bs(w.iv) }, k, bs(w.ct));
    return await crypto.subtle.importKey('pkcs8', pkcs8, EC, true, ['deriveBits']);
  } catch {
    return null;
  }
}

async function payloadKey(priv: CryptoKey, pub: CryptoKey, ephemeralRaw: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: pub }, priv, 256);
  const hk = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: bs(ephemeralRaw), info: enc.encode('gridlink-vault-1') }, hk, { name: 'AES-GCM', length: 256 }, false, [usage]);
}

export async function usernameLookup(ns: string, username: string): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(`${ns}\n${username}`)));
  return Array.from(h, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ------------------------------------------------------------------ IndexedDB export / import

interface StoreDump {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: Array<{ name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }>;
  keys: unknown[];
  values: unknown[];
}
interface DbDump {
  name: string;
  version: number;
  stores: StoreDump[];
}

const req = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });

/** Opens an existing database without changing it; null when it does not exist. */
function openExisting(name: string): Promise<IDBDatabase | null> {
  return new Promise((resolve, reject) => {
    let created = false;
    const r = indexedDB.open(name);
    r.onupgradeneeded = () => {
      // It did not exist: abort the creation.
      created = true;
      r.transaction?.abort();
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => (created ? resolve(null) : reject(r.error ?? new Error(`cannot open ${name}`)));
    r.onblocked = () => reject(new Error(`opening ${name} is blocked`));
  });
}

export async function exportDb(name: string): Promise<DbDump | null> {
  const db = await openExisting(name);
  if (!db) return null;
  try {
    const names = Array.from(db.objectStoreNames);
    const stores: StoreDump[] = [];
    if (names.length) {
      const tx = db.transaction(names, 'readonly');
      for (const n of names) {
        const s = tx.objectStore(n);
        const indexes = Array.from(s.indexNames, (i) => {
          const ix = s.index(i);
          return { name: ix.name, keyPath: ix.keyPath, unique: ix.unique, multiEntry: ix.multiEntry };
        });
        const [keys, values] = await Promise.all([req(s.getAllKeys()), req(s.getAll())]);
        stores.push({ name: n, keyPath: s.keyPath, autoIncrement: s.autoIncrement, indexes, keys, values });
      }
    }
    return { name, version: db.version, stores };
  } finally {
    db.close();
  }
}

/**
 * Recreate a database from its dump, in its version-change transaction: stores first, then every record, then the
 * indexes, which Chromium builds over the stored records far faster than it maintains them record by record.
 */
export async function importDb(dump: DbDump): Promise<void> {
  await deleteDb(dump.name);
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(dump.name, dump.version);
    r.onupgradeneeded = () => {
      for (const s of dump.stores) {
        const store = r.result.createObjectStore(s.name, { keyPath: s.keyPath, autoIncrement: s.autoIncrement });
        for (let i = 0; i < s.values.length; i++) {
          if (s.keyPath === null) store.put(s.values[i], s.keys[i] as IDBValidKey);
          else store.put(s.values[i]);
        }
        for (const ix of s.indexes) store.createIndex(ix.name, ix.keyPath, { unique: ix.unique, multiEntry: ix.multiEntry });
      }
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error(`cannot restore ${dump.name}`));
  });
  db.close();
}

export function deleteDb(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error ?? new Error(`cannot delete ${name}`));
    // A connection still open: the deletion waits for it (the caller closed the session's; another tab's closes on
    // versionchange, Dexie's default).
    r.onblocked = () => {};
  });
}

/** The payload of a seal: the user's databases and their device profile, in lib0's compact binary encoding. */
interface Payload {
  profile: ProfileRecord | null;
  dbs: DbDump[];
}
function encodePayload(p: Payload): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeAny(e, p as unknown as encoding.AnyEncodable);
  return encoding.toUint8Array(e);
}
function decodePayload(b: Uint8Array): Payload {
  return decoding.readAny(decoding.createDecoder(b)) as Payload;
}

// ------------------------------------------------------------------ the vault

export interface SealResult {
  bytes: number;
  dbs: number;
}

export class Vault {
  readonly db: VaultDb;
  constructor(
    readonly ns: string,
    private readonly random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
    private readonly iterations = PBKDF2_ITERATIONS,
  ) {
    this.db = new VaultDb(vaultDbName(ns));
  }

  keyRecord(userId: string): Promise<KeyRecord | undefined> {
    return this.db.keys.get(userId);
  }

  async hasSealed(userId: string): Promise<boolean> {
    return (await this.db.sealed.where('userId').equals(userId).count()) > 0;
  }

  async sealedByUsername(username: string): Promise<SealedRecord | undefined> {
    return this.db.sealed.where('lookup').equals(await usernameLookup(this.ns, username)).first();
  }

  /**
   * After a password was accepted (online or offline): the user's private key. The key pair is made on first use,
   * and made anew when the stored wrap does not open with this password (it changed elsewhere) and nothing is
   * sealed under the old one. Returns null only when sealed data exists that this password cannot open.
   */
  async keyForPassword(userId: string, password: string): Promise<CryptoKey | null> {
    const rec = await this.db.keys.get(userId);
    if (rec) {
      const priv = await unwrapKey(rec.password, password);
      if (priv) {
        if (rec.pinFailures) await this.db.keys.update(userId, { pinFailures: 0 });
        return priv;
      }
      if (await this.hasSealed(userId)) return null;
    }
    const pair = (await crypto.subtle.generateKey(EC, true, ['deriveBits'])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    await this.db.keys.put({ userId, publicKey, password: await wrapKey(pair.privateKey, password, this.random, this.iterations), pinFailures: 0 });
    return pair.privateKey;
  }

  /** The private key if this password opens it (never makes a new key pair: for the lock screen). */
  async keyIfPassword(userId: string, password: string): Promise<CryptoKey | null> {
    const rec = await this.db.keys.get(userId);
    const priv = rec ? await unwrapKey(rec.password, password) : null;
    if (priv && rec?.pinFailures) await this.db.keys.update(userId, { pinFailures: 0 });
    return priv;
  }

  async hasPin(userId: string): Promise<boolean> {
    return Boolean((await this.db.keys.get(userId))?.pin);
  }

  /** Set (or with null, remove) the PIN; `priv` is the private key of the signed-in user. */
  async setPin(userId: string, priv: CryptoKey, pin: string | null, makeVerifier: (pin: string) => Promise<Verifier>): Promise<void> {
    if (pin === null) {
      await this.db.keys.where('userId').equals(userId).modify((r) => void delete r.pin);
      return;
    }
    const [wrap, verifier] = await Promise.all([wrapKey(priv, pin, this.random, this.iterations), makeVerifier(pin)]);
    await this.db.keys.update(userId, { pin: { wrap, verifier }, pinFailures: 0 });
  }

  /**
   * A PIN typed at the lock screen: the private key, or `wrong` (counted; the fifth in a row removes the PIN), or
   * `no_pin` (none set, or removed after too many wrong ones: the password is needed).
   */
  async keyForPin(userId: string, pin: string, check: (pin: string, v: Verifier) => Promise<boolean>): Promise<CryptoKey | 'wrong' | 'no_pin'> {
    const rec = await this.db.keys.get(userId);
    if (!rec?.pin) return 'no_pin';
    const priv = (await check(pin, rec.pin.verifier)) ? await unwrapKey(rec.pin.wrap, pin) : null;
    if (priv) {
      if (rec.pinFailures) await this.db.keys.update(userId, { pinFailures: 0 });
      return priv;
    }
    const failures = rec.pinFailures + 1;
    await this.db.keys
      .where('userId')
      .equals(userId)
      .modify((r) => {
        r.pinFailures = failures;
        if (failures >= MAX_PIN_FAILURES) delete r.pin;
      });
    return failures >= MAX_PIN_FAILURES ? 'no_pin' : 'wrong';
  }

  /** Encrypt the named databases (those that exist) and the profile for `userId`, then delete the plaintext. */
  async seal(userId: string, username: string, dbNames: readonly string[], profile: ProfileRecord | null): Promise<SealResult> {
    const rec = await this.db.keys.get(userId);
    if (!rec) throw new Error(`no vault key for ${userId}`);
    const dumps: DbDump[] = [];
    for (const n of dbNames) {
      const d = await exportDb(n);
      if (d) dumps.push(d);
    }
    // Nothing left in clear (sealed before, nothing opened since): nothing to do.
    if (dumps.length === 0 && profile === null) return { bytes: 0, dbs: 0 };
    const payload: Payload = { profile, dbs: dumps };
    const lookup = profile ? await usernameLookup(this.ns, username) : ((await this.db.sealed.where('userId').equals(userId).first())?.lookup ?? (await usernameLookup(this.ns, username)));
    const plain = encodePayload(payload);
    const pub = await crypto.subtle.importKey('raw', bs(rec.publicKey), EC, false, []);
    const eph = (await crypto.subtle.generateKey(EC, true, ['deriveBits'])) as CryptoKeyPair;
    const ephemeral = new Uint8Array(await crypto.subtle.exportKey('raw', eph.publicKey));
    const key = await payloadKey(eph.privateKey, pub, ephemeral, 'encrypt');
    const iv = this.random(12);
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: bs(iv) }, key, bs(plain)));
    await this.db.sealed.add({ userId, lookup, ephemeral, iv, ct, sealedMs: Date.now() });
    for (const d of dumps) await deleteDb(d.name);
    return { bytes: ct.length, dbs: dumps.length };
  }

  private async open(rec: SealedRecord, priv: CryptoKey): Promise<Payload | null> {
    try {
      const eph = await crypto.subtle.importKey('raw', bs(rec.ephemeral), EC, false, []);
      const key = await payloadKey(priv, eph, rec.ephemeral, 'decrypt');
      return decodePayload(new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bs(rec.iv) }, key, bs(rec.ct))));
    } catch {
      return null;
    }
  }

  /**
   * Decrypt and restore the user's sealed databases; returns the profile sealed with them (the latest) and how many
   * databases came back, or null when nothing was sealed. Throws, leaving the sealed data as it was, when the key
   * does not open it.
   */
  async restore(userId: string, priv: CryptoKey): Promise<{ profile: ProfileRecord | null; dbs: number } | null> {
    const recs = await this.db.sealed.where('userId').equals(userId).sortBy('id');
    if (!recs.length) return null;
    const payloads: Payload[] = [];
    for (const r of recs) {
      const p = await this.open(r, priv);
      if (!p) throw new Error('the sealed data does not open with this key');
      payloads.push(p);
    }
    const latest = new Map<string, DbDump>();
    let profile: ProfileRecord | null = null;
    for (const p of payloads) {
      for (const d of p.dbs) latest.set(d.name, d);
      profile = p.profile ?? profile;
    }
    for (const d of latest.values()) await importDb(d);
    await this.db.sealed.bulkDelete(recs.map((r) => r.id!));
    return { profile, dbs: latest.size };
  }

  /** Remove everything the vault holds for a user (their data leaves the device). */
  async forget(userId: string): Promise<void> {
    await this.db.transaction('rw', this.db.keys, this.db.sealed, async () => {
      await this.db.keys.delete(userId);
      await this.db.sealed.where('userId').equals(userId).delete();
    });
  }

  close(): void {
    this.db.close();
  }
}
