/**
 * Issue 15: staff accounts over HTTP, the user's own password, sign-out, and the audit log.
 *
 * Contracts (errors are `{"error":"<code>"}`; 401 without a valid token, 403 when the caller may not):
 *   GET   /api/accounts?town=&role=&q=&disabled=0|1&offset=&limit=   admin (all) or town center (its town)
 *         -> 200 {"accounts":[AccountView...],"total"}
 *   POST  /api/accounts {username,name,role,phone?,townId?|villageId?|gridId?|unitId?}
 *         -> 201 {"account","temporaryPassword"}; 400 bad_request | bad_scope (+"field","problem"); 403; 409 username_taken
 *   PATCH /api/accounts/<id> {name?,role?,phone?(null removes),townId?|villageId?|gridId?|unitId?,disabled?}
 *         -> 200 {"account"}; 404 unknown (or a resident); 409 own_account (disabling yourself or changing your own
 *         role) | last_admin (the last enabled administrator)
 *   POST  /api/accounts/<id>/password-reset -> 200 {"temporaryPassword"}
 *   POST  /api/accounts/<id>/roles {role,townId?|villageId?|gridId?|unitId?}   another role for the person whose
 *         main account is <id> -> 201 {"account"} (its own account, id `<id>.<role>`, no password of its own);
 *         404 unknown; 409 role_account (<id> is itself a role account) | role_held (the person holds it already)
 *   POST  /api/me/role {userId} -> 200 {"token","user"}: act in another role of the same person, without signing
 *         out (the roles are in GET /api/me's "roles"); 403 not_your_role; 404 unknown
 *   POST  /api/me/password {current,next} -> 200 {"token"}; 400 weak_password (+"problem") | bad_request;
 *         403 bad_password (current is wrong)
 *   POST  /api/logout -> 204 (recorded; the token stays valid until it expires: a device may sign out offline)
 *
 * Rules (src/domain/accounts.ts): the scope follows from the role; a town center manages its own town's staff.
 * A new account and a reset get a temporary password (shown once, to the one who made it) that must be changed at
 * the next sign-in: until then the account's token opens only /api/me, /api/me/password and /api/logout.
 * Several roles (a village secretary who is also a 网格长, a party member who is a grid worker): one account per role,
 * linked to the person's main account (store.ts `person`), so every event and receipt names the role it was written
 * in and history keeps its meaning. Only the main account has a password; a session switches to another role of the
 * same person with its token. Disabling the main account, resetting or changing its password revoke every role.
 * Revocation: disabling, a role or scope change and a password reset raise the account's token version (store.ts):
 * its live sockets are closed at once (relay.ts closeUser) and every token issued before is refused. Everything
 * here is recorded in the audit log (audit.ts); no route edits the log.
 */
import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import {
  AccountInputSchema,
  AccountPatchSchema,
  mayManageAccount,
  resolveScope,
  scopeFieldOf,
  staffPasswordProblem,
  type RoleChoice,
  type Scope,
  type StaffRole,
} from '../src/domain/accounts.ts';
import type { UserInfo } from '../src/domain/org.ts';
import { clientAddress } from './audit.ts';
import { hashPassword, TEMPORARY_COST, verifyPassword } from './auth.ts';
import { publicUser, type HttpContext } from './http.ts';
import { answer, bearerUser, readBody, refuse, sendJson } from './httpio.ts';
import type { Store, StoredUser } from './store.ts';

const MAX_BODY_BYTES = 16 * 1024;
const PAGE_MAX = 500;
/** No 0/O, 1/l/I: read aloud or copied from a screen to a phone. */
const TEMP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const TEMP_LENGTH = 10;

/** An account as the account screens show it: no hash, nothing secret. */
export interface AccountView extends UserInfo {
  disabled: boolean;
  mustChange: boolean;
  /** A role account: the person's main account id. */
  person?: string;
}

function view(u: StoredUser): AccountView {
  return { ...publicUser(u), ...(u.phone ? { phone: u.phone } : {}), disabled: Boolean(u.disabled), mustChange: Boolean(u.mustChange), ...(u.person ? { person: u.person } : {}) };
}

/** The enabled roles of the person `u` belongs to (main account first). */
export function personRoles(store: Store, u: StoredUser): RoleChoice[] {
  return store
    .personAccounts(u.person ?? u.id)
    .filter((a) => !a.disabled)
    .map((a) => {
      const { id, role, townId, villageId, gridId, unitId } = publicUser(a);
      return { id, role, ...(townId ? { townId } : {}), ...(villageId ? { villageId } : {}), ...(gridId ? { gridId } : {}), ...(unitId ? { unitId } : {}) };
    });
}

/** Close the live sockets of every role account of a person and refuse their tokens (main account changes). */
function revokeRoles(ctx: HttpContext, person: string, reason: string): void {
  for (const id of ctx.store.revokeRoles(person)) ctx.relay.closeUser(id, reason);
}

export function temporaryPassword(): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < TEMP_LENGTH; i++) s += TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)];
    if (staffPasswordProblem(s, '') === null) return s;
  }
}


async function user(req: IncomingMessage, ctx: HttpContext, opts?: { allowMustChange?: boolean }): Promise<UserInfo> {
  const u = await bearerUser(req, ctx, opts);
  if (!u) throw refuse(401, 'unauthorized');
  return u;
}

async function manager(req: IncomingMessage, ctx: HttpContext): Promise<UserInfo> {
  const u = await user(req, ctx);
  if (u.role !== 'admin' && u.role !== 'town') throw refuse(403, 'forbidden');
  return u;
}

async function body<T extends v.GenericSchema>(req: IncomingMessage, schema: T): Promise<v.InferOutput<T>> {
  const text = await readBody(req, MAX_BODY_BYTES);
  if (text === null) throw refuse(413, 'too_large');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refuse(400, 'bad_request');
  }
  const r = v.safeParse(schema, json);
  if (!r.success) throw refuse(400, 'bad_request', { field: r.issues[0]?.path?.map((p) => String(p.key)).join('.') ?? null });
  return r.output;
}

function orgLookups(ctx: HttpContext) {
  const org = ctx.org();
  return { grid: org.index.grid, village: org.index.village, unit: org.index.unit, townIds: org.townIds };
}

function scopeOrRefuse(role: StaffRole, given: Scope, ctx: HttpContext): Scope {
  const r = resolveScope(role, given, orgLookups(ctx));
  if (!r.ok) throw refuse(400, 'bad_scope', { field: r.problem.field, problem: r.problem.code });
  return r.scope;
}

function enabledAdmins(ctx: HttpContext): number {
  return ctx.store.listUsers({ role: 'admin', disabled: false, limit: 1, offset: 0 }).total;
}

export async function listAccounts(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  return answer(res, async () => {
  const me = await manager(req, ctx);
  const q = new URL(req.url ?? '/', 'http://relay').searchParams;
  const int = (k: string, dflt: number, max: number) => {
    const raw = q.get(k);
    if (raw === null) return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > max) throw refuse(400, 'bad_request');
    return n;
  };
  const disabled = q.get('disabled');
  if (disabled !== null && disabled !== '0' && disabled !== '1') throw refuse(400, 'bad_request');
  const town = q.get('town') ?? undefined;
  if (me.role === 'town' && town !== undefined && town !== me.townId) throw refuse(403, 'forbidden');
  const { users, total } = ctx.store.listUsers({
    ...(me.role === 'town' ? { townId: me.townId! } : town ? { townId: town } : {}),
    ...(q.get('role') ? { role: q.get('role')! } : {}),
    ...(q.get('q') ? { q: q.get('q')!.slice(0, 60) } : {}),
    ...(disabled !== null ? { disabled: disabled === '1' } : {}),
    limit: int('limit', 100, PAGE_MAX),
    offset: int('offset', 0, 10_000_000),
  });
  // A town center's list holds its town's staff only (county-level units and the county's accounts have no town).
  const shown = users.filter((u) => mayManageAccount(me, u));
  sendJson(res, 200, { accounts: shown.map(view), total: me.role === 'town' ? total - (users.length - shown.length) : total });
  });
}

export async function createAccount(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  return answer(res, async () => {
  const me = await manager(req, ctx);
  const input = await body(req, AccountInputSchema);
  const scope = scopeOrRefuse(input.role, input, ctx);
  if (!mayManageAccount(me, { role: input.role, townId: scope.townId })) throw refuse(403, 'forbidden');
  if (ctx.store.userByName(input.username) || ctx.store.userById(input.username)) throw refuse(409, 'username_taken');
  const password = temporaryPassword();
  const created: StoredUser = {
    id: input.username,
    username: input.username,
    name: input.name,
    role: input.role,
    ...scope,
    ...(input.phone ? { phone: input.phone } : {}),
    passwordHash: await hashPassword(password, TEMPORARY_COST),
    mustChange: true,
  };
  // The name may have been taken while the hash was computed.
  if (ctx.store.userByName(input.username) || ctx.store.userById(input.username)) throw refuse(409, 'username_taken');
  ctx.store.insertUsers([created]);
  await ctx.relay.putOrgUser(publicUser(created));
  ctx.audit.record({ actor: me.id, action: 'account.created', target: created.id, ip: clientAddress(req), detail: { role: created.role, ...scope } });
  sendJson(res, 201, { account: view(ctx.store.userById(created.id)!), temporaryPassword: password });
  });
}

export async function changeAccount(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [id]: string[]): Promise<void> {
  return answer(res, async () => {
  const me = await manager(req, ctx);
  const patch = await body(req, AccountPatchSchema);
  const target = ctx.store.userById(id!);
  if (!target || target.role === 'resident') throw refuse(404, 'not_found');
  if (!mayManageAccount(me, target)) throw refuse(403, 'forbidden');
  const role = (patch.role ?? target.role) as StaffRole;
  const scopeGiven = (['townId', 'villageId', 'gridId', 'unitId'] as const).some((k) => patch[k] !== undefined);
  let scope: Scope | undefined;
  if (scopeGiven) {
    scope = scopeOrRefuse(role, { townId: patch.townId, villageId: patch.villageId, gridId: patch.gridId, unitId: patch.unitId }, ctx);
  } else if (role !== target.role) {
    // A new role keeps the place the account had, where the new role names that kind of place.
    const field = scopeFieldOf(role);
    scope = scopeOrRefuse(role, field ? { [field]: target[field] } : {}, ctx);
  }
  if (scope && !mayManageAccount(me, { role, townId: scope.townId })) throw refuse(403, 'forbidden');
  if (target.id === me.id && ((patch.disabled === true && !target.disabled) || role !== target.role)) throw refuse(409, 'own_account');
  const losesAdmin = target.role === 'admin' && !target.disabled && (role !== 'admin' || patch.disabled === true);
  if (losesAdmin && enabledAdmins(ctx) <= 1) throw refuse(409, 'last_admin');

  const phone = patch.phone === undefined ? target.phone : (patch.phone ?? undefined);
  const fullScope = scope || patch.phone !== undefined ? { ...(scope ?? pickScope(target)), ...(phone ? { phone } : {}) } : undefined;
  const after = ctx.store.updateUser(target.id, {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.role !== undefined ? { role } : {}),
    ...(fullScope ? { scope: fullScope } : {}),
    ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
  })!;
  if ((after.tokenVersion ?? 0) !== (target.tokenVersion ?? 0)) ctx.relay.closeUser(after.id, after.disabled ? 'account disabled' : 'account changed');
  if (!target.person && patch.disabled === true && !target.disabled) revokeRoles(ctx, target.id, 'account disabled');
  const before = publicUser(target);
  const now = publicUser(after);
  if (JSON.stringify(before) !== JSON.stringify(now)) await ctx.relay.putOrgUser(now);
  const ip = clientAddress(req);
  if (patch.disabled !== undefined && patch.disabled !== Boolean(target.disabled)) {
    ctx.audit.record({ actor: me.id, action: after.disabled ? 'account.disabled' : 'account.enabled', target: after.id, ip });
  }
  const changed = diff({ ...before, phone: target.phone }, { ...now, phone: after.phone });
  if (Object.keys(changed).length) ctx.audit.record({ actor: me.id, action: 'account.changed', target: after.id, ip, detail: { changed } });
  sendJson(res, 200, { account: view(after) });
  });
}

export async function resetPassword(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [id]: string[]): Promise<void> {
  return answer(res, async () => {
  const me = await manager(req, ctx);
  const target = ctx.store.userById(id!);
  if (!target || target.role === 'resident') throw refuse(404, 'not_found');
  if (!mayManageAccount(me, target)) throw refuse(403, 'forbidden');
  if (target.person) throw refuse(409, 'role_account');
  const password = temporaryPassword();
  ctx.store.setPassword(target.id, await hashPassword(password, TEMPORARY_COST), true);
  ctx.relay.closeUser(target.id, 'password reset');
  revokeRoles(ctx, target.id, 'password reset');
  ctx.audit.record({ actor: me.id, action: 'account.password_reset', target: target.id, ip: clientAddress(req) });
  sendJson(res, 200, { temporaryPassword: password });
  });
}

const RoleBody = v.strictObject({
  role: AccountInputSchema.entries.role,
  townId: AccountInputSchema.entries.townId,
  villageId: AccountInputSchema.entries.villageId,
  gridId: AccountInputSchema.entries.gridId,
  unitId: AccountInputSchema.entries.unitId,
});

export async function addRole(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [id]: string[]): Promise<void> {
  return answer(res, async () => {
    const me = await manager(req, ctx);
    const input = await body(req, RoleBody);
    const main = ctx.store.userById(id!);
    if (!main || main.role === 'resident') throw refuse(404, 'not_found');
    if (main.person) throw refuse(409, 'role_account');
    if (!mayManageAccount(me, main)) throw refuse(403, 'forbidden');
    const scope = scopeOrRefuse(input.role, input, ctx);
    if (!mayManageAccount(me, { role: input.role, townId: scope.townId })) throw refuse(403, 'forbidden');
    const same = (a: StoredUser) => a.role === input.role && (['townId', 'villageId', 'gridId', 'unitId'] as const).every((k) => (a[k] ?? null) === (scope[k] ?? null));
    const held = ctx.store.personAccounts(main.id).find(same);
    if (held && !held.disabled) throw refuse(409, 'role_held');
    let account: StoredUser;
    if (held) {
      // The role was held before and removed (disabled): it comes back as it was, with its history.
      account = ctx.store.updateUser(held.id, { disabled: false, name: main.name })!;
    } else {
      let roleId = `${main.id}.${input.role}`;
      for (let n = 2; ctx.store.userById(roleId) || ctx.store.userByName(roleId); n++) roleId = `${main.id}.${input.role}${n}`;
      // No password of its own: a role account is reached from its person's session (POST /api/me/role).
      ctx.store.insertUsers([{ id: roleId, username: roleId, name: main.name, role: input.role, ...scope, passwordHash: 'role-account', person: main.id }]);
      account = ctx.store.userById(roleId)!;
    }
    await ctx.relay.putOrgUser(publicUser(account));
    ctx.audit.record({ actor: me.id, action: 'account.role_added', target: main.id, ip: clientAddress(req), detail: { account: account.id, role: account.role, ...scope } });
    sendJson(res, 201, { account: view(account) });
  });
}

const SwitchBody = v.strictObject({ userId: v.pipe(v.string(), v.maxLength(80)) });

export async function switchRole(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  return answer(res, async () => {
    const me = await user(req, ctx);
    const { userId } = await body(req, SwitchBody);
    const current = ctx.store.userById(me.id)!;
    const target = ctx.store.userById(userId);
    if (!target || target.disabled) throw refuse(404, 'not_found');
    if ((target.person ?? target.id) !== (current.person ?? current.id)) throw refuse(403, 'not_your_role');
    const next = publicUser(target);
    ctx.audit.record({ actor: me.id, action: 'role.switched', target: target.id, ip: clientAddress(req), detail: { from: me.role, to: target.role } });
    sendJson(res, 200, { token: await ctx.issueToken(next), user: next });
  });
}

const PasswordBody = v.strictObject({ current: v.pipe(v.string(), v.maxLength(200)), next: v.pipe(v.string(), v.maxLength(200)) });

export async function changeOwnPassword(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  return answer(res, async () => {
  const me = await user(req, ctx, { allowMustChange: true });
  const { current, next } = await body(req, PasswordBody);
  const stored = ctx.store.userById(me.id);
  if (!stored || !(await verifyPassword(current, stored.passwordHash))) throw refuse(403, 'bad_password');
  const problem = current === next ? 'same_as_before' : staffPasswordProblem(next, stored.role === 'resident' ? '' : stored.username);
  if (problem) throw refuse(400, 'weak_password', { problem });
  ctx.store.setPassword(me.id, await hashPassword(next), false);
  // The user's other devices sign in again with the new password.
  ctx.relay.closeUser(me.id, 'password changed');
  if (!stored.person) revokeRoles(ctx, me.id, 'password changed');
  ctx.audit.record({ actor: me.id, action: 'account.password_changed', target: me.id, ip: clientAddress(req) });
  sendJson(res, 200, { token: await ctx.issueToken(me) });
  });
}

export async function logout(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  return answer(res, async () => {
  const me = await user(req, ctx, { allowMustChange: true });
  ctx.audit.record({ actor: me.id, action: 'logout', ip: clientAddress(req) });
  res.writeHead(204).end();
  });
}

function pickScope(u: StoredUser): Scope {
  const s: Scope = {};
  for (const k of ['townId', 'villageId', 'gridId', 'unitId'] as const) if (u[k]) s[k] = u[k];
  return s;
}

function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[k] !== after[k]) out[k] = [before[k] ?? null, after[k] ?? null];
  }
  return out;
}
