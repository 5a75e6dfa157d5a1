/**
 * Dexie schema of the device and of each user's namespace, with its version history.
 *
 * Contracts:
 *  - `<ns>-device` (default `gridlink-device`) is shared by everyone who uses this browser: it lists the people who
 *    signed in here (profiles, with an offline-unlock verifier and their last token) and which of them is signed in.
 *  - `<ns>-u-<userId>` belongs to one user: the case read model (`cases`) and sync bookkeeping (`meta`).
 *    The y-indexeddb databases of that user's docs are `<ns>-u-<userId>-<docName>`.
 *    Nothing a user's session opens lives outside these names, so `forget` can delete all of it.
 *  - Read-model tables are derived from the Yjs docs. A version that changes them drops the read model and the
 *    markers in its upgrade (`dropDerived`), and the next open refolds every doc: no row-by-row migration of views.
 *    `meta` keys survive upgrades unless a version says otherwise.
 *
 * Versions are append-only: never edit a released entry, add the next one.
 */
import { PRACTICE_PREFIX } from '../domain/docs.ts';
import Dexie, { type Table, type Transaction } from 'dexie';
import type { DocGrant } from '../domain/docs.ts';
import type { HlcState } from '../domain/hlc.ts';
import type { UserInfo } from '../domain/org.ts';
import type { RoleChoice } from '../domain/accounts.ts';
import type { CaseRow } from './rows.ts';

export const DEFAULT_NAMESPACE = 'gridlink';

export const deviceDbName = (ns: string): string => `${ns}-device`;
export const userDbName = (ns: string, userId: string): string => `${ns}-u-${userId}`;
/** A trainer's practice sandbox (issue 14, src/app/practice.ts): under `practice.`, a name the relay refuses. */
export const practiceDbName = (ns: string, userId: string): string => `${PRACTICE_PREFIX}${ns}.${userId}`;
export const docDbName = (ns: string, userId: string, docName: string): string => `${ns}-u-${userId}-${docName}`;

/** PBKDF2-SHA256 verifier of a password, for unlocking offline. */
export interface Verifier {
  salt: Uint8Array;
  iterations: number;
  hash: Uint8Array;
}

export interface ProfileRecord {
  userId: string;
  username: string;
  name: string;
  role: UserInfo['role'];
  lastLoginMs: number;
  /** The user as the relay described it at the last online login (scope included). */
  user: UserInfo;
  /** The docs the relay listed at the last online login. */
  docs: DocGrant[];
  verifier: Verifier;
  /** Last token from the relay (may have expired: the relay decides). */
  token: string;
  /** Issue 15: the person's roles (one account each) at the last contact, for switching (offline too). */
  roles?: RoleChoice[];
  /** Issue 15: a role account reached by switching from this main account's session (not listed at sign-in). */
  roleOf?: string;
}

export interface DeviceStateRecord {
  key: string;
  value: unknown;
}

/**
 * One stored row of the case list: the screens' `CaseRow` plus what the indexes need. `major` is the first two
 * digits of `category`; `doc` the Y.Doc the case lives in. Version 2 (issue 4) added the fields queues, deadlines and
 * the assessment read, so they read rows, not docs; `dueMs` is set only while a clock runs (deadlines.ts), so the
 * `dueMs` index lists exactly those cases.
 */
export interface CaseRecord extends Omit<CaseRow, 'pending'> {
  doc: string;
  major: string;
  pending: boolean;
  /** Queue flags for a multi-entry index (booleans cannot be indexed): `extension_pending`, `returned`. */
  tags?: string[];
}

/**
 * Version 3 (issue 5): the offline search index of the people docs this user holds, one row per resident,
 * derived from the docs (src/sync/records.ts rewrites a grid's rows when its doc changes). `terms` are every
 * suffix of the normalised name and address, so `where('terms').startsWith(q)` is a substring search.
 */
export interface PeopleSearchRecord {
  /** `<gridId>:<residentId>` */
  id: string;
  gridId: string;
  residentId: string;
  terms: string[];
}

export interface MetaRecord {
  key: string;
  value: unknown;
}

export class DeviceDb extends Dexie {
  profiles!: Table<ProfileRecord, string>;
  state!: Table<DeviceStateRecord, string>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({
      profiles: 'userId, &username, lastLoginMs',
      state: 'key',
    });
  }
}

export interface SchemaVersion {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

/**
 * The list reads newest first through one index per filter: `reportedMs` alone, each filter field with
 * `reportedMs`, and status combined with each other field (the list's status tabs). Ties on `reportedMs` are
 * ordered by the primary key, so paging is stable. Grid + category without status uses the grid index and
 * tests the category on that (small) range.
 */
export const CASES_INDEXES = [
  'id',
  'doc',
  'reportedMs',
  '[status+reportedMs]',
  '[gridId+reportedMs]',
  '[major+reportedMs]',
  '[category+reportedMs]',
  '[status+gridId+reportedMs]',
  '[status+major+reportedMs]',
  '[status+category+reportedMs]',
].join(', ');

/**
 * Version 2 (issue 4) adds the queue indexes: the running deadline (`dueMs`, overdue = below now), a unit's cases
 * by deadline, a reporter's cases, and the queue flags.
 */
export const CASES_INDEXES_V2 = [CASES_INDEXES, 'dueMs', '[unitId+dueMs]', '[reporter+reportedMs]', '*tags'].join(', ');

export const USER_SCHEMA: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: { cases: CASES_INDEXES, meta: 'key' },
  },
  {
    version: 2,
    stores: { cases: CASES_INDEXES_V2 },
    upgrade: dropDerived,
  },
  {
    version: 3,
    stores: { people: 'id, gridId, *terms' },
  },
  {
    // issue 12: photo and voice blobs (outbox and cache), and rows that carry thumbnails (refolded).
    version: 4,
    stores: { blobs: 'hash, state, [state+createdMs], caseId, usedMs' },
    upgrade: dropDerived,
  },
  {
    // issue 13: rows carry the report's channel, the rating's note and the 二次回访 (`revisit_pending` tag): refolded.
    version: 5,
    stores: {},
    upgrade: dropDerived,
  },
  {
    // issue 17: rows carry the helping units and the 协办 queue tags (`unit_assist`, `assist_pending`): refolded.
    version: 6,
    stores: {},
    upgrade: dropDerived,
  },
];

/** For an upgrade that changes a derived table: empty it and drop the markers so every doc is refolded. */
export async function dropDerived(tx: Transaction): Promise<void> {
  await tx.table('cases').clear();
  await tx
    .table('meta')
    .where('key')
    .startsWith(META.markerPrefix)
    .delete();
}

/** What a blob is: a compressed photo, its thumbnail, or a voice clip. Thumbnails upload first (src/sync/uploads.ts). */
export type BlobKind = 'thumb' | 'photo' | 'voice';

/**
 * Version 4 (issue 12): one photo, thumbnail or voice clip of this user's cases, by content hash (DESIGN §7).
 *  - `draft`: captured on a form not yet submitted (removed after DRAFT_TTL_MS if never used);
 *  - `unsent`: named by an event this device wrote; in the outbox until the relay confirmed every byte. Never
 *    evicted, whatever the storage pressure;
 *  - `sent`: the relay has it; kept as the local copy (evictable like `cached`);
 *  - `cached`: downloaded to show it; evictable (closed cases' first, least recently used first).
 * `bytes` is a Uint8Array (not a Blob: Blobs in IndexedDB have been unreliable on older Android WebViews).
 */
export interface BlobRecord {
  hash: string;
  kind: BlobKind;
  /** MIME type, as sniffed from the bytes (src/domain/blobs.ts). */
  type: string;
  bytes: Uint8Array;
  size: number;
  state: 'draft' | 'unsent' | 'sent' | 'cached';
  /** The case whose event names it (absent for a draft). */
  caseId?: string;
  /** Bytes of an upload the relay confirmed (resume point). */
  confirmed: number;
  createdMs: number;
  usedMs: number;
}

export class UserDb extends Dexie {
  cases!: Table<CaseRecord, string>;
  blobs!: Table<BlobRecord, string>;
  meta!: Table<MetaRecord, string>;
  people!: Table<PeopleSearchRecord, string>;
  constructor(name: string, versions: readonly SchemaVersion[] = USER_SCHEMA) {
    super(name);
    for (const v of versions) {
      const ver = this.version(v.version).stores(v.stores);
      if (v.upgrade) ver.upgrade(v.upgrade);
    }
  }
}

/** Keys of the `meta` table. */
export const META = {
  /** HLC state of this user on this device. */
  hlc: 'hlc',
  /** Node id of this user on this device (part of every HLC timestamp it makes). */
  node: 'node',
  /** The relay's clock minus this device's, last measured (ms): events are stamped by the relay's time. */
  clockOffset: 'clockOffset',
  /** When the relay last acknowledged one of this device's changes. */
  lastSaved: 'lastSaved',
  /** State vector the relay acknowledged as durable, per doc (Uint8Array). */
  acked: (doc: string) => `acked:${doc}`,
  /** Yjs client ids this device wrote a doc with (number[]). */
  clients: (doc: string) => `clients:${doc}`,
  /** What the read model of a doc was built from (ReadModelMarker). */
  markerPrefix: 'marker:',
  marker: (doc: string) => `marker:${doc}`,
  /** Own events dropped after the relay refused them twice (kept for diagnosis, never re-sent). */
  refused: (doc: string) => `refused:${doc}`,
  /** Own unacknowledged events saved during a refusal recovery, re-appended after the next sync. */
  rescue: (doc: string) => `rescue:${doc}`,
  /** Ids of events re-appended by a recovery and not yet acknowledged (refused again -> set aside). */
  probation: (doc: string) => `probation:${doc}`,
  /** Issue 16: a first sign-in's head start (src/domain/starter.ts), kept until its docs have synced. */
  starter: 'starter',
  /** Issue 16: the cases docs that have synced with the relay on this device at least once (string[]). */
  syncedOnce: 'syncedOnce',
  /**
   * Issue 17: something folded from record docs, kept with the state of the docs it was folded from (its reader
   * checks that state before using it; src/app/careindex.ts: a grid's care index). Derived: deleting it only costs
   * a refold.
   */
  derived: (key: string) => `derived:${key}`,
} as const;

export interface ReadModelMarker {
  /** base64 of the doc's state vector, the org doc's and the acknowledged one, when the rows were written. */
  doc: string;
  org: string;
  acked: string;
}

export type { HlcState };
