/**
 * Accounts a production relay may start with (issue 9, section 5).
 *
 * Contracts:
 * - `createAdmin` writes an administrator with a salt of its own (auth.ts) and puts them in the org doc's user
 *   directory (so names show in timelines), as one org update row written with a fresh Yjs client id: it never
 *   reuses the relay's id, so it is safe next to a running relay (which sees the directory entry when it next
 *   loads the org doc; the account itself works at once, sign-in reads the users table).
 * - `publishedPasswordAccounts` finds accounts whose password is a published one (the demo's). Checking every
 *   account would cost one scrypt each (minutes for a county); it checks the hashes that can carry one: a hash
 *   shared by several accounts (only a seed writes one hash for many: seed.ts) and every administrator's.
 * - `checkProductionStore` refuses (ConfigError, with what to do) a DATA_DIR that holds the demo county or an
 *   account with a published password, and one with no administrator unless `admin` is given (then creates it).
 */
import * as Y from 'yjs';
import { ORG_DOC } from '../src/domain/docs.ts';
import type { UserInfo } from '../src/domain/org.ts';
import { hashPassword, verifyPassword } from './auth.ts';
import { ConfigError, PASSWORD_RULE, passwordProblem, usernameProblem } from './config.ts';
import { DEMO_META } from './seed.ts';
import { storedParts, type Store } from './store.ts';

export interface AdminSetting {
  username: string;
  password: string;
  /** Shown in the user directory; default 系统管理员. */
  name?: string;
}

/** Create an administrator (users table and org directory). Throws ConfigError when the name is taken or bad. */
export async function createAdmin(store: Store, admin: AdminSetting): Promise<UserInfo> {
  const nameProblem = usernameProblem(admin.username);
  if (nameProblem) throw new ConfigError(`administrator username "${admin.username}" ${nameProblem}`);
  const weak = passwordProblem(admin.password, admin.username);
  if (weak) throw new ConfigError(`the administrator's password ${weak}: choose another (${PASSWORD_RULE})`);
  if (store.userByName(admin.username) || store.userById(admin.username)) {
    throw new ConfigError(`an account named "${admin.username}" exists already; choose another username`);
  }
  const user: UserInfo = { id: admin.username, username: admin.username, name: admin.name ?? '系统管理员', role: 'admin' };
  const passwordHash = await hashPassword(admin.password);
  const directoryEntry = orgUserUpdate(store, user);
  store.transaction(() => {
    store.insertUsers([{ ...user, passwordHash }]);
    store.appendUpdate(ORG_DOC, directoryEntry);
  });
  return user;
}

/** The update that adds `user` to the stored org doc's `users` map, from a fresh client id. */
function orgUserUpdate(store: Store, user: UserInfo): Uint8Array {
  const doc = new Y.Doc();
  try {
    for (const part of storedParts(store.loadDoc(ORG_DOC))) Y.applyUpdate(doc, part);
    const before = Y.encodeStateVector(doc);
    doc.getMap('users').set(user.id, { ...user });
    return Y.encodeStateAsUpdate(doc, before);
  } finally {
    doc.destroy();
  }
}

/** Usernames (one per hash, up to 5) of accounts whose password is one of `published`. */
export async function publishedPasswordAccounts(store: Store, published: readonly string[]): Promise<{ accounts: number; examples: string[] }> {
  let accounts = 0;
  const examples: string[] = [];
  for (const group of store.hashesSharedOrAdmin()) {
    for (const password of new Set(published)) {
      if (!(await verifyPassword(password, group.passwordHash))) continue;
      accounts += group.accounts;
      if (examples.length < 5) examples.push(group.example);
      break;
    }
  }
  return { accounts, examples };
}

/**
 * The production rules for a store, before anything is served: no demo county, no account with a published
 * password, and an administrator (created from `admin` when there is none yet).
 */
export async function checkProductionStore(
  store: Store,
  opts: { dataDir: string; published: readonly string[]; admin?: AdminSetting; log: (msg: string) => void },
): Promise<void> {
  await refusePublishedAccounts(store, opts);
  if ((store.usersByRole().admin ?? 0) > 0) {
    if (opts.admin) opts.log('an administrator exists already: ADMIN_PASSWORD is only read on the first start and can be removed');
    return;
  }
  if (!opts.admin) {
    throw new ConfigError(
      `DATA_DIR ${opts.dataDir} has no administrator yet. For the first start set ADMIN_PASSWORD ` +
        `(${PASSWORD_RULE}; ADMIN_USERNAME names it, default admin), or create one first with ` +
        '`node dist-server/main.js create-admin`. (`npm start` runs the demo county instead.)',
    );
  }
  const user = await createAdmin(store, opts.admin);
  opts.log(`created the administrator "${user.username}" (first start)`);
}

/** Refuse (ConfigError) a store holding the demo county or an account with one of the `published` passwords. */
export async function refusePublishedAccounts(store: Store, opts: { dataDir: string; published: readonly string[] }): Promise<void> {
  if (store.getMeta(DEMO_META) !== undefined) {
    throw new ConfigError(
      `DATA_DIR ${opts.dataDir} holds the demo county (every account has a published password). ` +
        'A production relay never serves it: set DATA_DIR to a new, empty directory for production ' +
        '(keep this one for `npm start`, which runs the demo).',
    );
  }
  const found = await publishedPasswordAccounts(store, opts.published);
  if (found.accounts > 0) {
    throw new ConfigError(
      `${found.accounts} account(s) in DATA_DIR ${opts.dataDir} have the published demo password ` +
        `(${found.examples.join(', ')}). A production relay refuses to serve them: start from a new, empty DATA_DIR ` +
        '(this one looks like a demo store; `npm start` may keep serving it).',
    );
  }
}
