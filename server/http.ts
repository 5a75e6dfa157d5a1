/**
 * HTTP: health, JSON API, the built app.
 *
 * Contracts (issue 2; other systems and scripts rely on them):
 *   GET  /healthz          -> 200 {"ok":true}
 *   POST /api/login        {"username","password"} -> 200 {"token","user"}; 401 bad_credentials; 400 bad_request
 *   GET  /api/me           Bearer -> 200 {"user","docs":[{"name","access"}]}; 401 unauthorized
 *   POST /api/cases        Bearer {"category","description","location":{"lat","lng"},"gridId","address"?}
 *                          -> 201 the new case state (with `id`); 400 bad fields; 403 role/scope
 *   GET  /api/cases/<id>   Bearer -> 200 {case state..., "events":[...]}; 404 unknown; 403 out of scope
 *   GET  /api/plans        Bearer -> 200 [{id, category, name, priority, dueHours, unitIds, steps}]
 *   other /api/...         404 not_found; a known path with another method: 405 (with Allow)
 * Bodies are JSON, at most MAX_BODY_BYTES (413 too_large). Every error is `{"error":"<code>"}`: the domain's codes
 * (src/domain/errors.ts) plus two codes of the HTTP edge itself, `method_not_allowed` and `internal_error`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import type * as Y from 'yjs';
import { decide } from '../src/domain/commands.ts';
import { caseYear, casesDocName, docAccess, docsForUser, liveYears } from '../src/domain/docs.ts';
import type { ErrorCode } from '../src/domain/errors.ts';
import { parseEvent, type CaseEvent } from '../src/domain/events.ts';
import { foldCase } from '../src/domain/fold.ts';
import { hlcMs, type HybridClock } from '../src/domain/hlc.ts';
import { newId } from '../src/domain/ids.ts';
import type { OrgData, OrgIndex, UserInfo } from '../src/domain/org.ts';
import { EVENTS_ARRAY } from '../src/sync/protocol.ts';
import { verifyPassword } from './auth.ts';
import type { Logger } from './log.ts';
import type { Relay } from './relay.ts';
import { serveStatic } from './static.ts';
import type { Store } from './store.ts';

export type HttpErrorCode = ErrorCode | 'method_not_allowed' | 'internal_error';

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
  authenticate(token: string): Promise<UserInfo | null>;
  issueToken(user: UserInfo): Promise<string>;
  now(): number;
  clock: HybridClock;
  staticDir: string | null;
  log: Logger;
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
  { pattern: /^\/api\/cases$/, methods: { POST: reportCase } },
  { pattern: /^\/api\/cases\/([^/]+)$/, methods: { GET: getCase } },
  { pattern: /^\/api\/plans$/, methods: { GET: plans } },
];

export function createHttpHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res, ctx).catch((err: unknown) => {
      if (err instanceof HttpError) return sendError(res, err.status, err.code);
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
  const stored = ctx.store.userByName(body.output.username);
  // verifyPassword costs one scrypt even for an unknown user: the answer time does not tell who exists.
  if (!(await verifyPassword(body.output.password, stored?.passwordHash)) || !stored) throw new HttpError(401, 'bad_credentials');
  const user = publicUser(stored);
  sendJson(res, 200, { token: await ctx.issueToken(user), user });
}

async function me(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await requireUser(req, ctx);
  sendJson(res, 200, { user, docs: docsForUser(user, ctx.org().townIds, liveYears(ctx.now())) });
}

async function reportCase(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await requireUser(req, ctx);
  const body = v.safeParse(ReportBody, await readJson(req));
  if (!body.success) throw new HttpError(400, 'bad_request');
  const org = ctx.org();
  const grid = org.index.grid(body.output.gridId);
  if (!grid) throw new HttpError(400, 'unknown_grid');
  const nowMs = ctx.now();
  const at = ctx.clock.now();
  const random = (n: number) => new Uint8Array(randomBytes(n));
  const decision = decide(
    null,
    { type: 'report', ...body.output, townId: grid.townId, channel: 'api' },
    { actor: user, org: org.index, at, eventId: newId(nowMs, random), caseId: newId(nowMs, random) },
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
  sendJson(res, 201, decision.state);
}

async function getCase(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [caseId]: string[]): Promise<void> {
  const user = await requireUser(req, ctx);
  const doc = ctx.store.caseDoc(caseId!);
  if (!doc) throw new HttpError(404, 'unknown_case');
  const org = ctx.org();
  if (!docAccess(user, doc, org.townIds)) throw new HttpError(403, 'forbidden');
  const events = await ctx.relay.withDoc(doc, (ydoc) => caseEvents(ydoc, caseId!));
  const state = foldCase(events, org.index);
  if (!state) throw new HttpError(404, 'unknown_case');
  sendJson(res, 200, { ...state, events: state.timeline.map((t) => t.event) });
}

async function plans(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  await requireUser(req, ctx);
  const list = ctx
    .org()
    .data.plans.map(({ id, category, name, priority, dueHours, unitIds, steps }) => ({ id, category, name, priority, dueHours, unitIds, steps }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  sendJson(res, 200, list);
}

// ------------------------------------------------------------------ helpers

function caseEvents(ydoc: Y.Doc, caseId: string): CaseEvent[] {
  const out: CaseEvent[] = [];
  for (const value of ydoc.getArray(EVENTS_ARRAY).toArray()) {
    if (typeof value !== 'object' || value === null || (value as { caseId?: unknown }).caseId !== caseId) continue;
    const parsed = parseEvent(value);
    if (parsed.ok) out.push(parsed.event);
  }
  return out;
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
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const user = m ? await ctx.authenticate(m[1]!) : null;
  if (!user) throw new HttpError(401, 'unauthorized');
  return user;
}

function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'role_not_allowed':
    case 'out_of_scope':
    case 'forbidden':
    case 'unknown_actor':
      return 403;
    case 'unknown_case':
    case 'not_found':
      return 404;
    case 'state_not_allowed':
    case 'conflict':
    case 'duplicate_case':
      return 409;
    default:
      return 400;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'too_large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'bad_request');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

function sendError(res: ServerResponse, status: number, code: HttpErrorCode): void {
  // A body we stopped reading (too large) must not be parsed as the next request: close the connection.
  if (status === 413) res.setHeader('Connection', 'close');
  sendJson(res, status, { error: code });
}
