/**
 * HTTP routes of resident accounts (issue 13; wired in http.ts, rules in residents.ts):
 *
 *   GET  /api/signup/options        -> 200 {"sms": bool, "invite": true, "passwordMin": 8}: `sms` when a sender that
 *                                      reaches phones is configured (server/sms.ts)
 *   POST /api/signup/code           {"phone"} -> 202 {"sent":true,"resendAfter":60,"expiresIn":600} for every mobile
 *                                      number, whether or not it has an account; 400 bad_phone; 503 sms_unavailable;
 *                                      429 too_many_attempts + Retry-After (one per minute and 5 a day per phone, 10
 *                                      an hour per address); 502 sms_failed when the provider refused
 *   POST /api/signup                {"phone","password","name", and "code" (the SMS code) or "invite" (an invitation
 *                                      code), "villageId"? (with "code": the resident's village), "birthYear"?
 *                                      (issue 14: 出生年份, kept with the user's settings, settings.ts)}
 *                                      -> 201 {"token","user"}: a new resident account (phoneVerified with a code; in
 *                                      the invitation's village with an invite), put in the org directory live;
 *                                      400 bad_request | bad_phone | weak_password | bad_code | bad_invite |
 *                                      unknown_village; 503 sms_unavailable; 429 too_many_attempts + Retry-After
 *                                      (60 sign-ups an hour per address; 10 wrong invitation codes per 15 minutes
 *                                      per address; a phone with 3 accounts already)
 *   GET  /api/invites[?villageId=]  Bearer admin | town | secretary -> 200 {"invites":[Invite...]} of the villages
 *                                      they manage (newest first); 403 other roles
 *   POST /api/invites               Bearer {"villageId","days"?: 1..365 (30),"maxUses"?: 1..1000 (50)} -> 201 Invite;
 *                                      403 a village outside the caller's (secretary: their own village; town
 *                                      center: its town's; admin: any); 400 unknown_village | bad_request
 *   DELETE /api/invites/<code>      Bearer -> 200 Invite (state "revoked"); 404 unknown or not the caller's
 *   GET  /api/me/prefs              Bearer resident -> 200 {"smsProgress": bool, "phone", "phoneVerified", "mobile"}
 *   PUT  /api/me/prefs              Bearer resident {"smsProgress": bool} -> 200 the same; 400 sms_needs_mobile when
 *                                      turning it on for a phone that is not a mobile; 403 other roles
 *   GET  /api/sms/log[?caseId=&limit=1..500 (100)&before=<id>]  Bearer admin -> 200 {"messages":[SmsLogEntry...]},
 *                                      newest first; 403 others
 * Invite: {code, villageId, townId, createdBy, createdMs, expiresMs, maxUses, uses, revokedMs?,
 *          state: active|expired|used_up|revoked}.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { isMobile, normalizePhone } from '../src/domain/citizens.ts';
import { newId } from '../src/domain/ids.ts';
import { isBirthYear } from '../src/domain/settings.ts';
import { hashPassword } from './auth.ts';
import type { HttpContext } from './http.ts';
import { publicUser } from './http.ts';
import { bearerUser, readBody, sendJson } from './httpio.ts';
import {
  CODE_TTL_MS,
  INVITE_ALPHABET,
  INVITE_DEFAULT_DAYS,
  INVITE_DEFAULT_USES,
  INVITE_LENGTH,
  INVITE_MAX_DAYS,
  INVITE_MAX_USES,
  inviteVillages,
  mayManageInvites,
  RESIDENT_LIMITS,
} from './residents.ts';
import { settingsOf } from './settings.ts';
import { signed } from './sms.ts';

export const RESIDENT_PASSWORD_MIN = 8;

const CodeBody = v.strictObject({ phone: v.pipe(v.string(), v.maxLength(40)) });
const SignupBody = v.strictObject({
  phone: v.pipe(v.string(), v.maxLength(40)),
  password: v.pipe(v.string(), v.maxLength(200)),
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20), v.regex(/^[^\p{Cc}\p{Cf}]+$/u)),
  code: v.optional(v.pipe(v.string(), v.regex(/^\d{6}$/))),
  invite: v.optional(v.pipe(v.string(), v.maxLength(40))),
  villageId: v.optional(v.pipe(v.string(), v.maxLength(40))),
  // Issue 14: optional 出生年份 (src/domain/settings.ts isBirthYear), kept with the user's settings (settings.ts).
  birthYear: v.optional(v.number()),
});
const InviteBody = v.strictObject({
  villageId: v.pipe(v.string(), v.maxLength(40)),
  days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(INVITE_MAX_DAYS))),
  maxUses: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(INVITE_MAX_USES))),
});
const PrefsBody = v.strictObject({ smsProgress: v.boolean() });

/** An invitation code as typed or scanned: case and separators do not matter. */
export function normalizeInvite(input: string): string | null {
  const s = input.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== INVITE_LENGTH || [...s].some((c) => !INVITE_ALPHABET.includes(c))) return null;
  return s;
}

/** Why a resident's password is refused, or null. */
export function residentPasswordProblem(password: string, phone: string): string | null {
  if ([...password].length < RESIDENT_PASSWORD_MIN) return 'short';
  if (new Set(password).size < 3) return 'simple';
  if (password.includes(phone) || phone.endsWith(password)) return 'phone';
  return null;
}

const client = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';

function tooMany(res: ServerResponse, waitMs: number): void {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
  sendJson(res, 429, { error: 'too_many_attempts' });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req, 16 * 1024);
  if (text === null) return Symbol.for('too_large');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function signupOptions(_req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  sendJson(res, 200, { sms: ctx.sms.reachesPhones, invite: true, passwordMin: RESIDENT_PASSWORD_MIN });
}

export async function signupCode(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const body = v.safeParse(CodeBody, await readJson(req));
  if (!body.success) return sendJson(res, 400, { error: 'bad_request' });
  const phone = normalizePhone(body.output.phone);
  if (!phone || !isMobile(phone)) return sendJson(res, 400, { error: 'bad_phone' });
  if (!ctx.sms.reachesPhones) return sendJson(res, 503, { error: 'sms_unavailable' });
  const r = ctx.residents;
  const wait = Math.max(r.codeRequestsPerClient.wait(client(req)), r.codeGap.wait(phone), r.codeRequestsPerPhone.wait(phone));
  if (wait > 0) return tooMany(res, wait);
  r.codeRequestsPerClient.add(client(req));
  r.codeGap.add(phone);
  r.codeRequestsPerPhone.add(phone);
  // The same text whether or not the number has an account: it may always sign up (a household shares a phone).
  const code = r.newCode(phone);
  try {
    await ctx.sms.send(phone, signed(ctx.smsSign, `您的注册验证码是 ${code}，${CODE_TTL_MS / 60_000} 分钟内有效。如非本人操作，请忽略。`));
  } catch (err) {
    ctx.log.error(`sign-up code to ${phone} not sent`, err);
    return sendJson(res, 502, { error: 'sms_failed' });
  }
  sendJson(res, 202, { sent: true, resendAfter: RESIDENT_LIMITS.codeGapMs / 1000, expiresIn: CODE_TTL_MS / 1000 });
}

export async function signup(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const raw = await readJson(req);
  if (raw === Symbol.for('too_large')) return sendJson(res, 413, { error: 'too_large' });
  const body = v.safeParse(SignupBody, raw);
  if (!body.success || (body.output.code === undefined) === (body.output.invite === undefined)) return sendJson(res, 400, { error: 'bad_request' });
  if (body.output.birthYear !== undefined && !isBirthYear(body.output.birthYear, ctx.now())) return sendJson(res, 400, { error: 'bad_request' });
  const r = ctx.residents;
  const addr = client(req);
  const wait = r.signupsPerClient.wait(addr);
  if (wait > 0) return tooMany(res, wait);
  r.signupsPerClient.add(addr);
  const { password, name, code } = body.output;
  const phone = normalizePhone(body.output.phone);
  if (!phone) return sendJson(res, 400, { error: 'bad_phone' });
  if (residentPasswordProblem(password, phone)) return sendJson(res, 400, { error: 'weak_password' });
  const org = ctx.org();
  let village: { id: string; townId: string } | undefined;
  let invite: string | undefined;
  if (code !== undefined) {
    if (!ctx.sms.reachesPhones) return sendJson(res, 503, { error: 'sms_unavailable' });
    if (body.output.villageId !== undefined) {
      const vil = org.data.villages.find((x) => x.id === body.output.villageId);
      if (!vil) return sendJson(res, 400, { error: 'unknown_village' });
      village = { id: vil.id, townId: vil.townId };
    }
    if (!isMobile(phone) || !r.checkCode(phone, code)) return sendJson(res, 400, { error: 'bad_code' });
  } else {
    const badWait = r.badInvites.wait(addr);
    if (badWait > 0) return tooMany(res, badWait);
    invite = normalizeInvite(body.output.invite!) ?? undefined;
    if (!invite || r.invite(invite)?.state !== 'active') {
      r.badInvites.add(addr);
      return sendJson(res, 400, { error: 'bad_invite' });
    }
  }
  const passwordHash = await hashPassword(password);
  const nowMs = ctx.now();
  const created = r.createResident(
    { phone, name, passwordHash, phoneVerified: code !== undefined, ...(invite ? { invite } : {}), ...(village ? { village } : {}) },
    () => `r-${newId(nowMs, (n) => new Uint8Array(randomBytes(n)))}`,
  );
  if (created === null) {
    // Used up or revoked between the check and now.
    r.badInvites.add(addr);
    return sendJson(res, 400, { error: 'bad_invite' });
  }
  if (created === 'full') return tooMany(res, 3600_000);
  if (body.output.birthYear !== undefined) settingsOf(ctx.store).patch(created.id, { birthYear: body.output.birthYear }, nowMs);
  // Live in the org directory: connected staff see the new resident's name (and phone) at once.
  const verdict = await ctx.relay.putOrgUser(created);
  if (!verdict.ok) ctx.log.error(`resident ${created.id} not put in the org directory: ${verdict.code} ${verdict.detail}`);
  const user = publicUser(created);
  res.setHeader('Location', '/api/me');
  sendJson(res, 201, { token: await ctx.issueToken(user), user: { ...user, phone, ...(created.phoneVerified ? { phoneVerified: true } : {}) } });
}

async function staff(req: IncomingMessage, res: ServerResponse, ctx: HttpContext) {
  const user = await bearerUser(req, ctx);
  if (!user) {
    sendJson(res, 401, { error: 'unauthorized' });
    return null;
  }
  if (user.role !== 'admin' && user.role !== 'town' && user.role !== 'secretary') {
    sendJson(res, 403, { error: 'forbidden' });
    return null;
  }
  return user;
}

export async function listInvites(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await staff(req, res, ctx);
  if (!user) return;
  const villages = inviteVillages(user, ctx.org().data.villages);
  const only = new URL(req.url ?? '/', 'http://relay').searchParams.get('villageId');
  let list = ctx.residents.listInvites(villages);
  if (only !== null) list = list.filter((i) => i.villageId === only);
  sendJson(res, 200, { invites: list });
}

export async function issueInvite(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await staff(req, res, ctx);
  if (!user) return;
  const body = v.safeParse(InviteBody, await readJson(req));
  if (!body.success) return sendJson(res, 400, { error: 'bad_request' });
  const village = ctx.org().data.villages.find((x) => x.id === body.output.villageId);
  if (!village) return sendJson(res, 400, { error: 'unknown_village' });
  if (!mayManageInvites(user, village)) return sendJson(res, 403, { error: 'forbidden' });
  const invite = ctx.residents.issueInvite(user, village, body.output.days ?? INVITE_DEFAULT_DAYS, body.output.maxUses ?? INVITE_DEFAULT_USES);
  sendJson(res, 201, invite);
}

export async function revokeInvite(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [code]: string[]): Promise<void> {
  const user = await staff(req, res, ctx);
  if (!user) return;
  const norm = normalizeInvite(code!);
  const invite = norm ? ctx.residents.invite(norm) : undefined;
  if (!invite || !mayManageInvites(user, { id: invite.villageId, townId: invite.townId })) return sendJson(res, 404, { error: 'not_found' });
  sendJson(res, 200, ctx.residents.revokeInvite(invite.code));
}

async function resident(req: IncomingMessage, res: ServerResponse, ctx: HttpContext) {
  const user = await bearerUser(req, ctx);
  if (!user) {
    sendJson(res, 401, { error: 'unauthorized' });
    return null;
  }
  const stored = user.role === 'resident' ? ctx.store.userById(user.id) : undefined;
  if (!stored) {
    sendJson(res, 403, { error: 'forbidden' });
    return null;
  }
  return stored;
}

function prefsOf(ctx: HttpContext, u: { id: string; phone?: string; phoneVerified?: boolean }) {
  return { smsProgress: ctx.residents.smsProgress(u.id), phone: u.phone ?? '', phoneVerified: u.phoneVerified === true, mobile: !!u.phone && isMobile(u.phone) };
}

export async function getPrefs(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const u = await resident(req, res, ctx);
  if (u) sendJson(res, 200, prefsOf(ctx, u));
}

export async function putPrefs(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const u = await resident(req, res, ctx);
  if (!u) return;
  const body = v.safeParse(PrefsBody, await readJson(req));
  if (!body.success) return sendJson(res, 400, { error: 'bad_request' });
  if (body.output.smsProgress && !(u.phone && isMobile(u.phone))) return sendJson(res, 400, { error: 'sms_needs_mobile' });
  ctx.residents.setSmsProgress(u.id, body.output.smsProgress);
  sendJson(res, 200, prefsOf(ctx, u));
}

export async function smsLog(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  if (user.role !== 'admin') return sendJson(res, 403, { error: 'forbidden' });
  const q = new URL(req.url ?? '/', 'http://relay').searchParams;
  const limit = Number(q.get('limit') ?? 100);
  const before = q.get('before');
  if (!Number.isInteger(limit) || limit < 1 || limit > 500 || (before !== null && !/^\d{1,15}$/.test(before))) return sendJson(res, 400, { error: 'bad_request' });
  const caseId = q.get('caseId');
  sendJson(res, 200, { messages: ctx.residents.smsLog({ limit, ...(caseId ? { caseId } : {}), ...(before ? { before: Number(before) } : {}) }) });
}
