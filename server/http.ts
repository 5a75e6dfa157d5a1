/**
 * HTTP: health, JSON API, the built app.
 *
 * Contracts (issue 2; other systems and scripts rely on them):
 *   GET  /healthz          -> 200 {"ok":true}
 *   POST /api/login        {"username","password"} -> 200 {"token","user"}; 401 bad_credentials; 400 bad_request;
 *                          429 too_many_attempts with Retry-After (seconds) after repeated failures (ratelimit.ts).
 *                          Issue 13: a `username` that is a phone number (src/domain/citizens.ts normalizePhone)
 *                          signs in to the resident account with that phone and password (residents.ts)
 *   Issue 13, resident sign-up, invitation codes, SMS preference and log: residenthttp.ts
 *   Issue 14, GET|PUT /api/me/settings (the user's own settings, with them on any device): settings.ts
 *   Issue 15, staff accounts (/api/accounts...), the user's password (POST /api/me/password), sign-out
 *                          (POST /api/logout) and the audit log (GET /api/audit): accountshttp.ts. A sign-in with
 *                          a temporary password answers "mustChangePassword": true
 *   GET  /api/me           Bearer -> 200 {"user","docs":[{"name","access"}],"serverTime"}; 401 unauthorized
 *   GET  /api/starter      Bearer (issue 16) -> 200 a first sign-in's head start: starterhttp.ts
 *   GET  /api/docs/<name>  Bearer (issue 16) -> 200 a doc's whole state as one Yjs update (br/gzip), for a device
 *                          that holds nothing of it yet; 401, 403, 404 as the doc's socket; 429 past 4 in 10 min
 *                          per user and doc: firststate.ts
 *   POST /api/cases        Bearer {"category","description","location":{"lat","lng"},"gridId","address"?,
 *                          "photos"?:[{"full","thumb"}],"voice"?:{"hash","seconds"}}
 *                          -> 201 the new case state (with `id`); 400 bad fields; 403 role/scope
 *                          with an optional client-chosen "id" (26-char ULID, issue 11): a retry of a report
 *                          that already reached the relay answers 200 with that case (the caller's own), 409
 *                          `conflict` if the id belongs to someone else's case
 *   GET  /api/cases/<id>   Bearer -> 200 {case state..., "events":[...]}; 404 unknown; 403 out of scope; a
 *                          resident gets their own report as its reporter sees it (reporter.ts), and (issue 13) a
 *                          case reported on their behalf with their verified phone (followsOnBehalf, with
 *                          "followsOnBehalf": true), 403 any other
 *   GET  /api/cases/mine   Bearer -> 200 {"cases":[case state as its reporter sees it...]} (issue 11): the caller's
 *                          own reports of the live case years, newest first; issue 13: with a resident's cases
 *                          reported on their behalf (followsOnBehalf: their verified phone), marked
 *                          "followsOnBehalf": true
 *   GET  /api/reference    Bearer -> 200 the public reference data (towns, villages, grids, categories, units by
 *                          name; no staff directory: reporter.ts) with an ETag; 304 on If-None-Match
 *   GET  /api/plans        Bearer -> 200 [{id, category, name, priority, dueHours, unitIds, steps}]
 *   POST /api/cases/<id>/commands  Bearer {"type", ...fields} (issue 4) -> 200 the new case state (with `events`);
 *                          400 bad fields (or an unknown merge target); 403 role/scope; 404 unknown case;
 *                          409 the case's state does not allow it (also when a concurrent event won the race)
 *   GET  /api/stats?scope=county|<townId>|<unitId>|<gridId>&from=YYYY-MM-DD&to=YYYY-MM-DD  Bearer (issue 4)
 *                          -> 200 {scope, period, nowMs, figures, towns?, units, grids, table1?}; 400; 403
 *   GET  /api/exports/<stats.xlsx|stats.csv|cases.xlsx|cases.csv|cases.geojson>  Bearer (issue 15): exports.ts
 *   GET  /api/openapi.json the OpenAPI 3 description of these routes (no token needed)
 *   GET  /api/geo/<grids|villages|towns>.geojson, POST /api/geo/grids (admin import), GET /api/geo/basemap.pmtiles
 *                          Bearer (issue 5) -> the grid boundaries; contracts in geohttp.ts
 *   GET|PUT /api/blobs/<hash>, GET /api/blobs/<hash>/upload, POST /api/blobs
 *                          Bearer (issue 12) -> photos and voice clips: the protocol of src/protocol/blobs.ts, routes in
 *                          blobhttp.ts
 *   /open311/...           Open311 GeoReport v2 (issue 13): routes, formats and errors in open311.ts
 *   GET|POST /api/open311/keys, DELETE /api/open311/keys/<id>  Bearer admin (issue 13): Open311 API keys, open311.ts
 *   GET  /api/public/nearby?lat=&lng=[&radius=]  Bearer (issue 13) -> public, anonymised cases near a point;
 *                          contracts in publichttp.ts
 *   other /api/...         404 not_found; a known path with another method: 405 (with Allow)
 * Evidence (issue 12): UPLOAD FIRST, THEN REFERENCE THE HASHES. Put each photo (full image and thumbnail) and voice
 * clip with PUT /api/blobs/<sha256> (chunks with Content-Range, resumable) or several small ones with POST
 * /api/blobs; then send their hex sha256 in `photos` / `voice` of POST /api/cases, or in `photos` (and `location`)
 * of the `resolve` and `self_resolve` commands. A case event names blobs only by hash, never carries bytes; the relay
 * serves a blob to its uploaders and to whoever may read a case in which an uploader named it (so the account that
 * uploads should be the one that references). A plan with `afterPhoto` refuses
 * `resolve` without photos (400 photo_required).
 * Bodies are JSON, at most MAX_BODY_BYTES (413 too_large). Every error is `{"error":"<code>"}`: the domain's codes
 * (src/domain/errors.ts) plus codes of the HTTP edge itself, `method_not_allowed`, `internal_error` and
 * `insufficient_storage` (507: a write failed because the disk of DATA_DIR is full; nothing was written, reads are
 * still answered; logged once, then at most every 10 minutes while writes keep failing).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import type { LoginLimiter } from './ratelimit.ts';
import * as Y from 'yjs';
import { COMMAND_TYPES, decide, type CommandType } from '../src/domain/commands.ts';
import { caseYear, casesDocName, docAccess, docsForUser, liveYears, recordDocsForUser } from '../src/domain/docs.ts';
import type { ErrorCode } from '../src/domain/errors.ts';
import { foldAll, foldCase } from '../src/domain/fold.ts';
import { hlcMs, type HybridClock } from '../src/domain/hlc.ts';
import { ID_PATTERN, newId } from '../src/domain/ids.ts';
import type { OrgData, OrgIndex, UserInfo } from '../src/domain/org.ts';
import type { CaseState } from '../src/domain/workflow.ts';
import { CaseIndex } from '../src/protocol/caseindex.ts';
import { verifyPassword } from './auth.ts';
import type { Logger } from './log.ts';
import { OPENAPI } from './openapi.ts';
import { handleOpen311, issueKey, listKeys, OPEN311_PREFIX, revokeKey } from './open311.ts';
import type { Relay } from './relay.ts';
import { basemap, geoFile, importGrids } from './geohttp.ts';
import { getBlob, postBatch, putChunk, uploadStatus } from './blobhttp.ts';
import type { BlobStore } from './blobs.ts';
import { bearerUser, readBody, sendJson } from './httpio.ts';
import { partySummary, peopleResidents } from './peoplehttp.ts';
import { taskAnswers, tasksProgress } from './taskshttp.ts';
import { careCoverageRoute, patrolFiguresRoute } from './gridworkhttp.ts';
import { publicReferenceBody, reporterView } from './reporter.ts';
import { getPrefs, issueInvite, listInvites, putPrefs, revokeInvite, signup, signupCode, signupOptions, smsLog } from './residenthttp.ts';
import { residentByPhone, type Residents } from './residents.ts';
import type { SmsSender } from './sms.ts';
import { followsOnBehalf, normalizePhone } from '../src/domain/citizens.ts';
import { publicNearbyRoute } from './publichttp.ts';
import type { GeoStore } from './geostore.ts';
import { getSettings, putSettings } from './settings.ts';
import { isRefusal, statsAnswer, statsQuery } from './stats.ts';
import { exportRoute } from './exports.ts';
import { auditCsv, readAudit } from './audithttp.ts';
import { serveStatic } from './static.ts';
import { docState } from './firststate.ts';
import { starter } from './starterhttp.ts';
import { isStoreFull } from './storecheck.ts';
import type { Store } from './store.ts';
import { clientAddress, type Audit } from './audit.ts';
import { addRole, changeAccount, changeOwnPassword, createAccount, listAccounts, logout, personRoles, resetPassword, switchRole } from './accountshttp.ts';
import { importStaff, staffSheet } from './accountsimport.ts';

export type HttpErrorCode = ErrorCode | 'method_not_allowed' | 'internal_error' | 'too_many_attempts' | 'insufficient_storage';

const MAX_BODY_BYTES = 64 * 1024;

export interface OrgView {
  data: OrgData;
  /** Lookups; `user` also finds users that are only in the store (created after the org doc). */
  index: OrgIndex;
  townIds: string[];
}

export interface HttpContext {
  store: Store;
  relay: Relay;
  org(): OrgView;
  /**
   * The user behind a token, or null (refused: recorded in the audit log with `from`, the client's address).
   * Issue 15: an account signed in with a temporary password is refused everywhere but where `allowMustChange`
   * (reading /api/me, changing the password, signing out).
   */
  authenticate(token: string, from?: string | null, opts?: { allowMustChange?: boolean }): Promise<UserInfo | null>;
  issueToken(user: UserInfo): Promise<string>;
  now(): number;
  clock: HybridClock;
  /** Make the clock observe an event's time (bounded to what the relay accepts: app.ts). */
  observe(at: string): void;
  staticDir: string | null;
  /** Grid boundaries (geostore.ts); routes in geohttp.ts. */
  geo: GeoStore;
  log: Logger;
  /** Failed sign-ins per username and client address (ratelimit.ts). */
  logins: LoginLimiter;
  /** Photos and voice clips (issue 12): blobs.ts; routes in blobhttp.ts. */
  blobs: BlobStore;
  /** Issue 13: resident accounts and invitation codes (residents.ts; routes in residenthttp.ts). */
  residents: Residents;
  /** Issue 13: texts to phones (sms.ts) and the provider's signature. */
  sms: SmsSender;
  smsSign: string;
  /** Issue 15: the audit log (audit.ts). */
  audit: Audit;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
  ) {
    super(code);
  }
}

const LoginBody = v.object({
  username: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
  password: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
});

const ReportBody = v.strictObject({
  category: v.string(),
  description: v.string(),
  location: v.strictObject({ lat: v.number(), lng: v.number() }),
  gridId: v.string(),
  address: v.optional(v.string()),
  id: v.optional(v.pipe(v.string(), v.regex(ID_PATTERN))),
  // Issue 12: hashes of blobs uploaded first (PUT/POST /api/blobs); decide() checks their shape and count.
  photos: v.optional(v.array(v.unknown())),
  voice: v.optional(v.unknown()),
});

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: HttpContext, params: string[]) => Promise<void>;
interface Route {
  pattern: RegExp;
  methods: Partial<Record<string, Handler>>;
}

const ROUTES: Route[] = [
  { pattern: /^\/healthz$/, methods: { GET: healthz, HEAD: healthz } },
  { pattern: /^\/api\/login$/, methods: { POST: login } },
  { pattern: /^\/api\/me$/, methods: { GET: me } },
  { pattern: /^\/api\/starter$/, methods: { GET: (req, res, ctx) => starter(req, res, ctx, foldedDoc) } },
  { pattern: /^\/api\/docs\/([^/]+)$/, methods: { GET: (req, res, ctx, [name]) => docState(req, res, ctx, name!) } },
  { pattern: /^\/api\/cases$/, methods: { POST: reportCase } },
  { pattern: /^\/api\/cases\/mine$/, methods: { GET: myCases } },
  { pattern: /^\/api\/reference$/, methods: { GET: reference } },
  { pattern: /^\/api\/cases\/([^/]+)$/, methods: { GET: getCase } },
  { pattern: /^\/api\/plans$/, methods: { GET: plans } },
  { pattern: /^\/api\/cases\/([^/]+)\/commands$/, methods: { POST: caseCommand } },
  { pattern: /^\/api\/stats$/, methods: { GET: stats } },
  { pattern: /^\/api\/exports\/((?:stats|cases)\.(?:xlsx|csv)|cases\.geojson)$/, methods: { GET: (req, res, ctx, [file]) => exportRoute(req, res, ctx, file!, foldedDoc) } },
  { pattern: /^\/api\/openapi\.json$/, methods: { GET: openapi } },
  { pattern: /^\/api\/geo\/(grids|villages|towns)\.geojson$/, methods: { GET: geoLayer, HEAD: geoLayer } },
  { pattern: /^\/api\/geo\/grids$/, methods: { POST: importGrids } },
  { pattern: /^\/api\/geo\/basemap\.pmtiles$/, methods: { GET: basemap, HEAD: basemap } },
  { pattern: /^\/api\/people\/([^/]+)\/residents$/, methods: { GET: peopleResidents } },
  { pattern: /^\/api\/party\/([^/]+)\/summary$/, methods: { GET: partySummary } },
  // Issue 17: tasks sent down, their progress per grid for readers who do not sync every grid's answers (taskshttp.ts).
  { pattern: /^\/api\/tasks\/([^/]+)\/progress$/, methods: { GET: tasksProgress } },
  { pattern: /^\/api\/tasks\/([^/]+)\/([^/]+)\/answers$/, methods: { GET: taskAnswers } },
  { pattern: /^\/api\/patrols\/figures$/, methods: { GET: patrolFiguresRoute } },
  { pattern: /^\/api\/care\/coverage$/, methods: { GET: careCoverageRoute } },
  { pattern: /^\/api\/blobs$/, methods: { POST: postBatch } },
  { pattern: /^\/api\/blobs\/([^/]+)$/, methods: { GET: getBlob, PUT: putChunk } },
  { pattern: /^\/api\/blobs\/([^/]+)\/upload$/, methods: { GET: uploadStatus } },
  // Issue 13: resident accounts (residenthttp.ts).
  { pattern: /^\/api\/signup\/options$/, methods: { GET: signupOptions } },
  { pattern: /^\/api\/signup\/code$/, methods: { POST: signupCode } },
  { pattern: /^\/api\/signup$/, methods: { POST: signup } },
  { pattern: /^\/api\/invites$/, methods: { GET: listInvites, POST: issueInvite } },
  { pattern: /^\/api\/invites\/([^/]+)$/, methods: { DELETE: revokeInvite } },
  { pattern: /^\/api\/me\/prefs$/, methods: { GET: getPrefs, PUT: putPrefs } },
  // Issue 14: the user's own settings, which follow them to any device (settings.ts).
  { pattern: /^\/api\/me\/settings$/, methods: { GET: getSettings, PUT: putSettings } },
  { pattern: /^\/api\/sms\/log$/, methods: { GET: smsLog } },
  // Issue 13: Open311 API keys (administrator); the Open311 routes themselves are under /open311/ (open311.ts).
  { pattern: /^\/api\/open311\/keys$/, methods: { GET: listKeys, POST: issueKey } },
  { pattern: /^\/api\/open311\/keys\/([^/]+)$/, methods: { DELETE: revokeKey } },
  // Issue 15: staff accounts, the user's own password, sign-out, the audit log (accountshttp.ts).
  { pattern: /^\/api\/accounts$/, methods: { GET: listAccounts, POST: createAccount } },
  // The staff sheet (accountsimport.ts). These paths are also accounts' ids a username may spell: PATCH changes them.
  { pattern: /^\/api\/accounts\/(template\.xlsx|export\.xlsx|export\.csv)$/, methods: { GET: staffSheet, PATCH: changeAccount } },
  { pattern: /^\/api\/accounts\/(import)$/, methods: { POST: importStaff, PATCH: changeAccount } },
  { pattern: /^\/api\/accounts\/([^/]+)$/, methods: { PATCH: changeAccount } },
  { pattern: /^\/api\/accounts\/([^/]+)\/password-reset$/, methods: { POST: resetPassword } },
  { pattern: /^\/api\/accounts\/([^/]+)\/roles$/, methods: { POST: addRole } },
  { pattern: /^\/api\/me\/role$/, methods: { POST: switchRole } },
  { pattern: /^\/api\/me\/password$/, methods: { POST: changeOwnPassword } },
  { pattern: /^\/api\/logout$/, methods: { POST: logout } },
  { pattern: /^\/api\/audit$/, methods: { GET: readAudit } },
  { pattern: /^\/api\/audit\.csv$/, methods: { GET: auditCsv } },
  // Issue 13: public, anonymised cases near a point (publichttp.ts).
  { pattern: /^\/api\/public\/nearby$/, methods: { GET: (req, res, ctx) => publicNearbyRoute(req, res, ctx, foldedDoc) } },
];

export function createHttpHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res, ctx).catch((err: unknown) => {
      if (err instanceof HttpError) return sendError(res, err.status, err.code);
      if (isStoreFull(err)) {
        const refused = ctx.store.noteFull(ctx.now());
        if (refused !== null) {
          ctx.log.error(
            `the store cannot write: the disk of DATA_DIR is full; ${refused} write${refused === 1 ? '' : 's'} answered 507 insufficient_storage ` +
              `(last: ${req.method} ${req.url}); reads are still served. Free space on the disk; logged at most every 10 minutes while it lasts`,
            err,
          );
        }
        return sendError(res, 507, 'insufficient_storage');
      }
      ctx.log.error(`${req.method} ${req.url} failed`, err);
      sendError(res, 500, 'internal_error');
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const method = req.method ?? 'GET';
  let pathname: string;
  try {
    pathname = new URL(req.url ?? '/', 'http://relay').pathname;
  } catch {
    throw new HttpError(400, 'bad_request');
  }
  // Issue 13: Open311 GeoReport v2 answers in its own formats and error shapes (open311.ts).
  if (pathname.startsWith(OPEN311_PREFIX)) return handleOpen311(req, res, ctx, pathname);
  for (const route of ROUTES) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    const handler = route.methods[method];
    if (!handler) {
      res.setHeader('Allow', Object.keys(route.methods).join(', '));
      throw new HttpError(405, 'method_not_allowed');
    }
    let params: string[];
    try {
      params = m.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw new HttpError(400, 'bad_request');
    }
    return handler(req, res, ctx, params);
  }
  if (pathname === '/api' || pathname.startsWith('/api/')) throw new HttpError(404, 'not_found');
  if (pathname.startsWith('/sync/')) {
    res.setHeader('Upgrade', 'websocket');
    throw new HttpError(426, 'bad_request');
  }
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    throw new HttpError(405, 'method_not_allowed');
  }
  if (!ctx.staticDir) throw new HttpError(404, 'not_found');
  const result = await serveStatic(req, res, ctx.staticDir, pathname);
  if (result === 'bad_path') throw new HttpError(400, 'bad_request');
  if (result === 'not_found') throw new HttpError(404, 'not_found');
}

// ------------------------------------------------------------------ routes

async function healthz(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 200, { ok: true });
}

async function login(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const body = v.safeParse(LoginBody, await readJson(req));
  if (!body.success) throw new HttpError(400, 'bad_request');
  const { password } = body.output;
  // A phone number counts as one name however it is typed.
  const username = normalizePhone(body.output.username) ?? body.output.username;
  const client = req.socket.remoteAddress ?? 'unknown';
  const ip = clientAddress(req);
  const waitMs = ctx.logins.retryAfterMs(username, client);
  if (waitMs > 0) {
    ctx.audit.record({ actor: null, action: 'login.locked', target: username, ip });
    res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
    throw new HttpError(429, 'too_many_attempts');
  }
  // Issue 13: a phone number signs in to a resident account (residents.ts residentByPhone: the same time whether
  // or not, and however many, accounts the number has).
  const phone = normalizePhone(username);
  const byName = phone ? undefined : ctx.store.userByName(username);
  // verifyPassword costs one scrypt even for an unknown user: the answer time does not tell who exists.
  const stored = phone ? await residentByPhone(ctx.store, phone, password) : (await verifyPassword(password, byName?.passwordHash)) ? byName : undefined;
  // Issue 15: a disabled account answers as a wrong password does (no telling which accounts exist).
  if (!stored || stored.disabled) {
    ctx.logins.failed(username, client);
    ctx.audit.record({ actor: null, action: 'login.failed', target: username, ip, detail: { reason: stored ? 'disabled' : 'bad_credentials' } });
    if (ctx.logins.retryAfterMs(username, client) > 0) ctx.log.warn(`sign-in of ${JSON.stringify(username)} locked after repeated failures from ${client}`);
    throw new HttpError(401, 'bad_credentials');
  }
  ctx.logins.succeeded(username);
  const user = publicUser(stored);
  ctx.audit.record({ actor: user.id, action: 'login.ok', ip });
  // A temporary password (issue 15): the token opens only /api/me, /api/me/password and /api/logout until changed.
  sendJson(res, 200, { token: await ctx.issueToken(user), user, ...(stored.mustChange ? { mustChangePassword: true } : {}) });
}

async function me(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await bearerUser(req, ctx, { allowMustChange: true });
  if (!user) throw new HttpError(401, 'unauthorized');
  const org = ctx.org();
  const docs = [...docsForUser(user, org.townIds, liveYears(ctx.now())), ...recordDocsForUser(user, org.townIds, org.data.grids)];
  // serverTime: the relay's clock, so a device whose clock is wrong stamps its events by the relay's (receipts.ts).
  // Issue 13: a resident's own phone and whether it is verified (the account screen #/me shows them).
  const stored = ctx.store.userById(user.id);
  const shown = user.role === 'resident' && stored?.phone ? { ...user, phone: stored.phone, ...(stored.phoneVerified ? { phoneVerified: true } : {}) } : user;
  // Issue 15: the person's other roles (one account each), for switching without signing out (POST /api/me/role).
  const roles = stored && user.role !== 'resident' ? personRoles(ctx.store, stored) : [];
  sendJson(res, 200, { user: shown, docs, serverTime: ctx.now(), ...(roles.length > 1 ? { roles } : {}) });
}

async function reportCase(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await requireUser(req, ctx);
  const body = v.safeParse(ReportBody, await readJson(req));
  if (!body.success) throw new HttpError(400, 'bad_request');
  const org = ctx.org();
  const { id: clientId, ...input } = body.output;
  if (clientId) {
    // A retry (the device did not hear the first answer): the case is there already.
    const existing = ctx.store.caseDoc(clientId);
    if (existing) {
      const state = await ctx.relay.withDoc(existing, (ydoc) => foldOne(ctx, ydoc, clientId, org.index));
      if (!state || state.reporter !== user.id) throw new HttpError(409, 'conflict');
      sendJson(res, 200, user.role === 'resident' ? reporterView(state) : state);
      return;
    }
  }
  const grid = org.index.grid(input.gridId);
  if (!grid) throw new HttpError(400, 'unknown_grid');
  const nowMs = ctx.now();
  const at = ctx.clock.now();
  const random = (n: number) => new Uint8Array(randomBytes(n));
  const decision = decide(
    null,
    { type: 'report', ...input, townId: grid.townId, channel: 'api' },
    { actor: user, org: org.index, at, eventId: newId(nowMs, random), caseId: clientId ?? newId(nowMs, random) },
  );
  if (!decision.ok) throw new HttpError(statusOf(decision.error), decision.error);
  const doc = casesDocName(grid.townId, caseYear(hlcMs(at)));
  const verdict = await ctx.relay.appendEvents(doc, [decision.event], user);
  if (!verdict.ok) {
    // decide() and the relay's inspection apply the same rules: a refusal here is a bug, not the caller's fault.
    ctx.log.error(`relay refused a decided report: ${verdict.code} ${verdict.detail}`);
    throw new HttpError(500, 'internal_error');
  }
  res.setHeader('Location', `/api/cases/${decision.state.id}`);
  sendJson(res, 201, user.role === 'resident' ? reporterView(decision.state) : decision.state);
}

async function getCase(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [caseId]: string[]): Promise<void> {
  const user = await requireUser(req, ctx);
  const doc = ctx.store.caseDoc(caseId!);
  if (!doc) throw new HttpError(404, 'unknown_case');
  const org = ctx.org();
  // A resident has no doc access: only their own reports, as their reporter sees them.
  const asReporter = user.role === 'resident';
  if (!asReporter && !docAccess(user, doc, org.townIds)) throw new HttpError(403, 'forbidden');
  const folded = await ctx.relay.withDoc(doc, (ydoc) => foldOne(ctx, ydoc, caseId!, org.index));
  if (!folded) throw new HttpError(asReporter ? 403 : 404, asReporter ? 'forbidden' : 'unknown_case');
  // Issue 13: or a case reported on their behalf with their verified phone.
  const follows = asReporter && folded.reporter !== user.id && followsOnBehalf(ctx.store.userById(user.id) ?? user, folded);
  if (asReporter && folded.reporter !== user.id && !follows) throw new HttpError(403, 'forbidden');
  const state = asReporter ? reporterView(folded) : folded;
  sendJson(res, 200, { ...state, events: state.timeline.map((t) => t.event), ...(follows ? { followsOnBehalf: true } : {}) });
}

/** The caller's own reports of the live case years, as their reporter sees them (issue 11: the resident's 案件). */
async function myCases(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await requireUser(req, ctx);
  const org = ctx.org();
  // Issue 13: a resident with a verified phone also follows the cases reported on their behalf with it.
  const stored = user.role === 'resident' ? ctx.store.userById(user.id) : undefined;
  const phone = stored?.phoneVerified && stored.phone ? normalizePhone(stored.phone) : null;
  const out: Array<CaseState & { followsOnBehalf?: true }> = [];
  for (const t of org.townIds) {
    for (const y of liveYears(ctx.now())) {
      const name = casesDocName(t, y);
      if (!ctx.store.hasDoc(name)) continue;
      const states = await foldedDoc(ctx, name);
      for (const s of byReporter(states).get(user.id) ?? []) out.push(reporterView(s));
      if (!phone) continue;
      for (const s of byOnBehalfPhone(states).get(phone) ?? []) {
        if (s.reporter !== user.id && followsOnBehalf(stored!, s)) out.push({ ...reporterView(s), followsOnBehalf: true });
      }
    }
  }
  out.sort((a, b) => b.reportedMs - a.reportedMs || (a.id < b.id ? 1 : -1));
  sendJson(res, 200, { cases: out });
}

/** A doc's folded cases by reporter, built once per fold (every resident's device asks for its own every 30 s). */
const reporterIndex = new WeakMap<CaseState[], Map<string, CaseState[]>>();
function byReporter(states: CaseState[]): Map<string, CaseState[]> {
  let m = reporterIndex.get(states);
  if (!m) {
    m = new Map();
    for (const s of states) {
      const list = m.get(s.reporter);
      if (list) list.push(s);
      else m.set(s.reporter, [s]);
    }
    reporterIndex.set(states, m);
  }
  return m;
}

/** A doc's folded cases reported on someone's behalf, by that phone (issue 13), built once per fold. */
const onBehalfIndex = new WeakMap<CaseState[], Map<string, CaseState[]>>();
function byOnBehalfPhone(states: CaseState[]): Map<string, CaseState[]> {
  let m = onBehalfIndex.get(states);
  if (!m) {
    m = new Map();
    for (const s of states) {
      const p = s.onBehalf?.phone;
      if (!p) continue;
      const list = m.get(p);
      if (list) list.push(s);
      else m.set(p, [s]);
    }
    onBehalfIndex.set(states, m);
  }
  return m;
}

/** The public reference data (reporter.ts): what a report needs, no staff directory. */
async function reference(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  await requireUser(req, ctx);
  const { json, gzip, etag } = publicReferenceBody(ctx.org().data);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', gzip.length);
    res.end(gzip);
    return;
  }
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

async function plans(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  await requireUser(req, ctx);
  const list = ctx
    .org()
    .data.plans.map(({ id, category, name, priority, dueHours, unitIds, steps }) => ({ id, category, name, priority, dueHours, unitIds, steps }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  sendJson(res, 200, list);
}

function geoLayer(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [layer]: string[]): Promise<void> {
  return geoFile(req, res, ctx, layer as 'grids' | 'villages' | 'towns');
}

// ------------------------------------------------------------------ issue 4: commands, stats, OpenAPI

/** The command types the API takes (every workflow command but `report`, which is POST /api/cases). */
export const API_COMMANDS: readonly CommandType[] = COMMAND_TYPES.filter((c) => c !== 'report');

async function caseCommand(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [caseId]: string[]): Promise<void> {
  const user = await requireUser(req, ctx);
  const body = await readJson(req);
  const type = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(API_COMMANDS as readonly string[]).includes(type)) throw new HttpError(400, 'bad_request');
  const doc = ctx.store.caseDoc(caseId!);
  if (!doc) throw new HttpError(404, 'unknown_case');
  const org = ctx.org();
  // Residents have no doc access (they never sync): through the API they may withdraw or rate their own reports
  // (the fold checks they are the reporter).
  const residentOwn = user.role === 'resident' && (type === 'feedback' || type === 'withdraw');
  if (docAccess(user, doc, org.townIds) !== 'write' && !residentOwn) throw new HttpError(403, 'forbidden');
  if (type === 'merge') {
    // The target must be a case this caller can see (the fold cannot check another case: it folds one at a time).
    const into = (body as { intoCaseId?: unknown }).intoCaseId;
    const intoDoc = typeof into === 'string' ? ctx.store.caseDoc(into) : undefined;
    if (typeof into === 'string' && ID_PATTERN.test(into) && into !== caseId && (!intoDoc || !docAccess(user, intoDoc, org.townIds))) {
      throw new HttpError(400, 'unknown_case');
    }
  }
  const nowMs = ctx.now();
  const random = (n: number) => new Uint8Array(randomBytes(n));
  // The state is folded first, so the command's time comes after every event it answers (the clock observed them).
  const decision = await ctx.relay.withDoc(doc, (ydoc) =>
    decide(foldOne(ctx, ydoc, caseId!, org.index), body, {
      actor: user,
      org: org.index,
      at: ctx.clock.now(),
      eventId: newId(nowMs, random),
      caseId: caseId!,
    }),
  );
  if (!decision.ok) throw new HttpError(statusOf(decision.error), decision.error);
  const verdict = await ctx.relay.appendEvents(doc, [decision.event], user);
  if (!verdict.ok) {
    ctx.log.error(`relay refused a decided command: ${verdict.code} ${verdict.detail}`);
    throw new HttpError(500, 'internal_error');
  }
  // Refold with what the doc holds now: an event that arrived between the decision and the append may have won.
  const state = await ctx.relay.withDoc(doc, (ydoc) => foldOne(ctx, ydoc, caseId!, org.index));
  const mine = state?.timeline.find((t) => t.event.id === decision.event.id);
  if (!state || !mine) throw new HttpError(500, 'internal_error');
  if (!mine.applied) throw new HttpError(statusOf(mine.reason ?? 'state_not_allowed'), mine.reason ?? 'state_not_allowed');
  // A resident sees their report as its reporter does (no staff details), as GET /api/cases/<id> shows it.
  const shown = user.role === 'resident' ? reporterView(state) : state;
  sendJson(res, 200, { ...shown, events: shown.timeline.map((t) => t.event) });
}

/** GET /api/stats: the rules live in stats.ts, shared with the exports (exports.ts). */
async function stats(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await requireUser(req, ctx);
  const query = statsQuery(new URL(req.url ?? '/', 'http://relay').searchParams, user, ctx);
  if (isRefusal(query)) throw new HttpError(query.status, query.error);
  sendJson(res, 200, await statsAnswer(ctx, user, query, foldedDoc));
}

/** Folded cases of a doc, cached by the doc's state vector and org: a stats request does not refold unchanged docs. */
const foldCache = new WeakMap<HttpContext, Map<string, { sv: string; org: OrgIndex; states: CaseState[] }>>();

export async function foldedDoc(ctx: HttpContext, name: string): Promise<CaseState[]> {
  let cache = foldCache.get(ctx);
  if (!cache) foldCache.set(ctx, (cache = new Map()));
  const docs = cache;
  const org = ctx.org().index;
  return ctx.relay.withDoc(name, (ydoc) => {
    const sv = Buffer.from(Y.encodeStateVector(ydoc)).toString('base64');
    const hit = docs.get(name);
    if (hit && hit.sv === sv && hit.org === org) return hit.states;
    const index = CaseIndex.of(ydoc);
    const states = [...foldAll(index.events(), index.contextOf(org)).values()];
    docs.set(name, { sv, org, states });
    return states;
  });
}

async function openapi(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 200, OPENAPI);
}

// ------------------------------------------------------------------ helpers

/** One case as its events and receipts say; the relay's clock observes every event folded. */
function foldOne(ctx: HttpContext, ydoc: Y.Doc, caseId: string, org: OrgIndex): CaseState | null {
  const index = CaseIndex.of(ydoc, caseId);
  if (index.maxAt) ctx.observe(index.maxAt);
  return foldCase(index.byCase.get(caseId) ?? [], index.contextOf(org));
}

export function publicUser(u: UserInfo): UserInfo {
  const out: UserInfo = { id: u.id, username: u.username, name: u.name, role: u.role };
  if (u.townId) out.townId = u.townId;
  if (u.villageId) out.villageId = u.villageId;
  if (u.gridId) out.gridId = u.gridId;
  if (u.unitId) out.unitId = u.unitId;
  return out;
}

async function requireUser(req: IncomingMessage, ctx: HttpContext): Promise<UserInfo> {
  const user = await bearerUser(req, ctx);
  if (!user) throw new HttpError(401, 'unauthorized');
  return user;
}

function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'role_not_allowed':
    case 'out_of_scope':
    case 'forbidden':
    case 'unknown_actor':
    case 'not_reporter':
      return 403;
    case 'unknown_case':
    case 'not_found':
      return 404;
    case 'state_not_allowed':
    case 'conflict':
    case 'duplicate_case':
    case 'feedback_given':
    case 'extension_pending':
    case 'no_extension_pending':
    case 'no_revisit_pending':
    case 'stale_dispatch': // issue 17 (主办 / 协办): the case or the helper has moved on
    case 'helper_done':
    case 'no_part_recorded':
    case 'helpers_pending':
      return 409;
    default:
      return 400;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req, MAX_BODY_BYTES);
  if (text === null) throw new HttpError(413, 'too_large');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'bad_request');
  }
}

function sendError(res: ServerResponse, status: number, code: HttpErrorCode): void {
  // A body we stopped reading (too large) must not be parsed as the next request: close the connection.
  if (status === 413) res.setHeader('Connection', 'close');
  sendJson(res, status, { error: code });
}
