/**
 * Open311 GeoReport v2 (issue 13; http://wiki.open311.org/GeoReport_v2), served by the relay for civic-tech
 * clients. Every route answers in JSON (`.json`) or XML (`.xml`), chosen by the path's extension.
 *
 *   GET  /open311/discovery.(json|xml)                 service discovery: the v2 endpoint, its formats
 *   GET  /open311/v2/services.(json|xml)               the subcategories as services: service_code = subcategory code,
 *                                                      group = its major category, metadata = it has service fields
 *   GET  /open311/v2/services/<code>.(json|xml)        the service definition: its attributes (src/domain/servicedefs.ts)
 *   POST /open311/v2/requests.(json|xml)               a report (application/x-www-form-urlencoded): api_key (required),
 *        jurisdiction_id?, service_code, lat + long or address_string, description?, media_url?, attribute[<code>]=,
 *        first_name?, last_name?, phone?, email? (-> the case's `contact`), idempotency_key? (or an Idempotency-Key
 *        header). With `Authorization: Bearer <a signed-in user's token>` the case is reported as that user (a
 *        resident follows it in the app); without, as the API key's client account (open311store.ts).
 *        -> 201 [{service_request_id, token, service_notice}]; a re-post with the same idempotency key and the same
 *        fields -> 200 with the same request; the same key with other fields -> 409.
 *   GET  /open311/v2/requests.(json|xml)               public requests, newest first, at most 1000: filters
 *        service_request_id (comma list, up to 100; then the others are ignored, as the spec says), service_code
 *        (comma list), start_date / end_date (ISO 8601; default the last 90 days), status (open, closed or both).
 *   GET  /open311/v2/requests/<id>.(json|xml)          one request, as a one-element list
 *   GET  /open311/v2/tokens/<token>.(json|xml)         [{service_request_id, token}] of a request posted here
 *
 * Errors, as the spec shapes them: JSON `[{"code":<http status>,"description":"..."}]`, XML
 * `<errors><error><code/><description/></error></errors>`: 400 bad or missing fields (including a location that
 * matches no grid), 403 an api_key that is missing, unknown or revoked (or a Bearer token that is not valid), 404
 * an unknown service_code, request id, token, jurisdiction_id or path, 405 another method, 409 an idempotency key
 * re-used with other fields, 413 a body over 16 KB, 429 (with Retry-After) more posts with one api_key than
 * POST_BURST at once and POST_RATE_PER_MIN a minute after. A refused request creates nothing.
 *
 * Status: `open` while the case is being handled, `closed` once it is final (closed, rejected, withdrawn, merged:
 * src/domain/workflow.ts FINAL_STATUSES). The detailed status is in `extended_attributes` (FixMyStreet style):
 * `detailed_status` (the workflow status), `stage` (the plain-word stage a resident sees: src/domain/stages.ts
 * residentStage) and `channel`. `status_notes` is the stage in plain Chinese words.
 *
 * Public data (the spec's GET routes need no key): no names, phones, e-mails, staff notes, free text or photos.
 * A request shows its service, status, unit (agency_responsible, a public name), times, the grid and village as its
 * address and its position rounded to 0.001° (about 100 m). Only the client system that posted a request (its
 * api_key given on the GET) also gets its description, exact address and position and media_url back.
 *
 * Location: lat/long picks the grid whose boundary contains the point (the geo store), else the nearest grid
 * centre within 3 km; address_string alone must name a grid or a village of the county (the longest name it
 * contains), whose centre becomes the position. Anything else: 400, nothing created.
 * media_url: the relay fetches nothing; the URL is appended to the case's description (staff see it in the case).
 * Jurisdiction: this relay serves one county; jurisdiction_id, when sent, must be JURISDICTION_ID.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { ContactSchema, reportChannel } from '../src/domain/citizens.ts';
import { residentStage, type ResidentStage } from '../src/domain/stages.ts';
import { decide } from '../src/domain/commands.ts';
import { caseYear, casesDocName, liveYears } from '../src/domain/docs.ts';
import type { ErrorCode } from '../src/domain/errors.ts';
import { geometryContains, type AreaGeometry } from '../src/domain/geo.ts';
import { haversineM } from '../src/domain/distance.ts';
import { hlcMs } from '../src/domain/hlc.ts';
import { newId } from '../src/domain/ids.ts';
import type { Grid, OrgData, UserInfo } from '../src/domain/org.ts';
import { missingRequired, serviceFields } from '../src/domain/servicedefs.ts';
import { FINAL_STATUSES, type CaseState } from '../src/domain/workflow.ts';
import { foldedDoc, type HttpContext } from './http.ts';
import { bearerToken, readBody, sendJson } from './httpio.ts';
import { Open311Store, type ApiKeyInfo } from './open311store.ts';
import { TokenBucket } from './ratelimit.ts';
import { isStoreFull } from './storecheck.ts';
import type { Store } from './store.ts';

export const JURISDICTION_ID = 'gridlink';
export const OPEN311_PREFIX = '/open311/';
const MAX_FORM_BYTES = 16 * 1024;
const MAX_IDS = 100;
const MAX_RESULTS = 1000;
const DEFAULT_WINDOW_MS = 90 * 24 * 3600_000;
const NEAREST_GRID_METRES = 3000;
const CHANGESET = '2026-12-06T00:00:00Z';

type Format = 'json' | 'xml';

class O311Error extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

const stores = new WeakMap<Store, Open311Store>();
/** The Open311 tables of a store (created on first use, like the other tables added after schema 1). */
export function open311Store(store: Store): Open311Store {
  let s = stores.get(store);
  if (!s) stores.set(store, (s = new Open311Store(store)));
  return s;
}

/** Answer an /open311/ request (http.ts hands every path under OPEN311_PREFIX here). */
export async function handleOpen311(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, pathname: string): Promise<void> {
  const m = /^\/open311\/(.+)\.(json|xml)$/.exec(pathname);
  const format: Format = m?.[2] === 'xml' ? 'xml' : 'json';
  try {
    if (!m) throw new O311Error(404, 'not found: paths end in .json or .xml');
    const method = req.method ?? 'GET';
    const path = m[1]!;
    const q = new URL(req.url ?? '/', 'http://relay').searchParams;
    let route: { methods: string[]; run: () => Promise<{ status: number; root: string; item?: string; body: unknown }> } | null = null;
    let p: RegExpExecArray | null;
    if (path === 'discovery') route = { methods: ['GET'], run: async () => ({ status: 200, root: 'discovery', body: discovery(req) }) };
    else if (path === 'v2/services') route = { methods: ['GET'], run: async () => ({ status: 200, root: 'services', item: 'service', body: services(ctx.org().data, q) }) };
    else if ((p = /^v2\/services\/([^/]+)$/.exec(path))) route = { methods: ['GET'], run: async () => ({ status: 200, root: 'service_definition', body: definition(ctx.org().data, q, decode(p![1]!)) }) };
    else if (path === 'v2/requests') {
      route = {
        methods: ['GET', 'POST'],
        run: async () => (method === 'POST' ? { root: 'service_requests', item: 'request', ...(await postRequest(req, res, ctx, q)) } : { status: 200, root: 'service_requests', item: 'request', body: await getRequests(ctx, q) }),
      };
    } else if ((p = /^v2\/requests\/([^/]+)$/.exec(path))) route = { methods: ['GET'], run: async () => ({ status: 200, root: 'service_requests', item: 'request', body: await getOne(ctx, q, decode(p![1]!)) }) };
    else if ((p = /^v2\/tokens\/([^/]+)$/.exec(path))) route = { methods: ['GET'], run: async () => ({ status: 200, root: 'service_requests', item: 'request', body: token(ctx, q, decode(p![1]!)) }) };
    if (!route) throw new O311Error(404, `not found: ${pathname}`);
    if (!route.methods.includes(method)) {
      res.setHeader('Allow', route.methods.join(', '));
      throw new O311Error(405, `method ${method} not allowed`);
    }
    const out = await route.run();
    send(res, format, out.status, out.root, out.item, out.body);
  } catch (caught) {
    let err: O311Error;
    if (caught instanceof O311Error) err = caught;
    else if (isStoreFull(caught)) {
      // Nothing was written (the store's contract); logged as http.ts does, at most every 10 minutes.
      if (ctx.store.noteFull(ctx.now()) !== null) ctx.log.error(`the store cannot write: the disk of DATA_DIR is full (Open311 ${req.method} ${pathname})`, caught);
      err = new O311Error(507, 'the relay cannot store anything now: try again later');
    } else {
      // The path only: a query may carry an api_key, which never goes to the log.
      ctx.log.error(`Open311 ${req.method} ${pathname} failed`, caught);
      err = new O311Error(500, 'internal error');
    }
    if (err.status === 413) res.setHeader('Connection', 'close');
    send(res, format, err.status, 'errors', 'error', [{ code: err.status, description: err.description }]);
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new O311Error(400, 'malformed path');
  }
}

function checkJurisdiction(j: string | null): void {
  if (j !== null && j !== '' && j !== JURISDICTION_ID) throw new O311Error(404, `jurisdiction_id ${j} not found (this endpoint serves ${JURISDICTION_ID})`);
}

// ------------------------------------------------------------------ discovery and services

function discovery(req: IncomingMessage): unknown {
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  const host = String(req.headers.host ?? 'localhost').replace(/[^A-Za-z0-9.:[\]-]/g, '');
  return {
    changeset: CHANGESET,
    contact: '县网格化服务管理中心 (county grid service center)',
    key_service: 'API keys are issued by the administrator of this relay, one per client system (#/apikeys)',
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${proto}://${host}/open311/v2`,
        changeset: CHANGESET,
        type: 'production',
        formats: ['application/json', 'text/xml'],
      },
    ],
  };
}

function services(org: OrgData, q: URLSearchParams): unknown[] {
  checkJurisdiction(q.get('jurisdiction_id'));
  const majors = new Map(org.categories.map((c) => [c.code, c]));
  return [...org.subcategories]
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((s) => ({
      service_code: s.code,
      service_name: s.name,
      description: `${s.name} (${s.nameEn})`,
      metadata: serviceFields(s.code).length > 0,
      type: 'realtime',
      keywords: s.nameEn,
      group: majors.get(s.major)?.name ?? s.major,
    }));
}

function definition(org: OrgData, q: URLSearchParams, code: string): unknown {
  checkJurisdiction(q.get('jurisdiction_id'));
  if (!org.subcategories.some((s) => s.code === code)) throw new O311Error(404, `service_code ${code} not found`);
  return {
    service_code: code,
    attributes: serviceFields(code).map((f, i) => ({
      variable: true,
      code: f.code,
      datatype: f.type,
      required: f.required,
      datatype_description:
        f.type === 'number' ? `a number from ${f.min ?? '-'} to ${f.max ?? '-'}` : f.type === 'string' ? `text, at most ${f.maxLength ?? 200} characters` : 'one of the keys',
      order: i + 1,
      description: `${f.label} (${f.labelEn})`,
      ...(f.values ? { values: f.values.map((x) => ({ key: x.key, name: `${x.name} (${x.nameEn})` })) } : {}),
    })),
  };
}

// ------------------------------------------------------------------ POST requests

const ATTRIBUTE = /^attribute\[([^\]]{1,40})\]$/;
const KNOWN_FIELDS = new Set([
  'api_key', 'jurisdiction_id', 'service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'device_id', 'account_id',
  'first_name', 'last_name', 'phone', 'description', 'media_url', 'idempotency_key',
]);

/** Serialises posts that share an idempotency key (one process: the second waits for the first's row). */
const inFlight = new Map<string, Promise<unknown>>();

/**
 * Posts per API key: a client system may send a burst (a batch gathered offline), then one a second on average.
 * In memory (a restart refills them). Every post with a valid key counts, refused ones too.
 */
export const POST_BURST = 60;
export const POST_RATE_PER_MIN = 60;
const postBuckets = new WeakMap<Store, Map<string, TokenBucket>>();

/** Takes one post from the key's bucket: 0 when allowed, else the ms until one is. */
function takePost(ctx: HttpContext, keyId: string): number {
  let m = postBuckets.get(ctx.store);
  if (!m) postBuckets.set(ctx.store, (m = new Map()));
  let b = m.get(keyId);
  if (!b) m.set(keyId, (b = new TokenBucket(POST_RATE_PER_MIN / 60, POST_BURST, ctx.now)));
  if (b.tryTake()) return 0;
  // How long until one token is there: take it as debt to learn the time, then give it back.
  const ms = b.take(1);
  b.take(-1);
  return Math.max(ms, 1);
}

async function postRequest(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, q: URLSearchParams): Promise<{ status: number; body: unknown }> {
  const text = await readBody(req, MAX_FORM_BYTES);
  if (text === null) throw new O311Error(413, `the body is larger than ${MAX_FORM_BYTES} bytes`);
  const type = String(req.headers['content-type'] ?? '');
  if (text.length > 0 && !/^application\/x-www-form-urlencoded\b/i.test(type)) throw new O311Error(400, 'the body must be application/x-www-form-urlencoded');
  const form = new URLSearchParams(text);
  const field = (k: string): string | null => {
    const all = form.getAll(k);
    if (all.length > 1) throw new O311Error(400, `${k} is given more than once`);
    const val = all[0] ?? q.get(k);
    return val === null ? null : val.trim();
  };
  // The key first: nothing about the request is judged for a caller without one.
  const apiKey = field('api_key');
  if (!apiKey) throw new O311Error(403, 'api_key is required: ask the administrator of this relay for one');
  const os = open311Store(ctx.store);
  const client = os.byKey(apiKey);
  if (!client) throw new O311Error(403, 'api_key not valid (unknown or revoked)');
  const wait = takePost(ctx, client.id);
  if (wait > 0) {
    res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
    throw new O311Error(429, `too many requests with this api_key: at most ${POST_BURST} at once, then ${POST_RATE_PER_MIN} a minute`);
  }
  checkJurisdiction(field('jurisdiction_id'));

  let actor: UserInfo | undefined;
  const bearer = bearerToken(req.headers.authorization);
  if (req.headers.authorization !== undefined) {
    const user = bearer ? await ctx.authenticate(bearer) : null;
    if (!user) throw new O311Error(403, 'the Bearer token is not valid (sign in again)');
    actor = user;
  }
  const org = ctx.org();
  actor ??= org.index.user(client.clientId);
  if (!actor) throw new O311Error(500, 'the client account of this api_key is missing');

  const input = parseReport(form, field, org.data, ctx);
  const idemKey = (req.headers['idempotency-key'] as string | undefined)?.trim() || field('idempotency_key') || null;
  if (idemKey !== null && !/^[\x21-\x7e]{1,100}$/.test(idemKey)) throw new O311Error(400, 'idempotency_key: 1 to 100 printable ASCII characters');
  const bodyHash = createHash('sha256').update(JSON.stringify([actor.id, input])).digest('hex');

  const run = async (): Promise<{ status: number; body: unknown }> => {
    let row = idemKey ? os.requestByKey(client.clientId, idemKey) : null;
    if (row && row.body !== bodyHash) throw new O311Error(409, 'idempotency_key was used before for a different request');
    if (row && ctx.store.caseDoc(row.caseId)) return { status: 200, body: [postAnswer(row.caseId, row.token)] };
    const grid = org.index.grid(input.gridId)!;
    const nowMs = ctx.now();
    const at = ctx.clock.now();
    const random = (n: number) => new Uint8Array(randomBytes(n));
    const caseId = row?.caseId ?? newId(nowMs, random);
    const decision = decide(null, { type: 'report', ...input, townId: grid.townId, channel: 'open311' }, { actor: actor!, org: org.index, at, eventId: newId(nowMs, random), caseId });
    if (!decision.ok) throw domainError(decision.error, decision.detail);
    row ??= os.addRequest({ clientId: client.clientId, key: idemKey, caseId, body: bodyHash }, nowMs);
    const verdict = await ctx.relay.appendEvents(casesDocName(grid.townId, caseYear(hlcMs(at))), [decision.event], actor!);
    if (!verdict.ok) {
      ctx.log.error(`relay refused a decided Open311 report: ${verdict.code} ${verdict.detail}`);
      throw new O311Error(500, 'internal error');
    }
    return { status: 201, body: [postAnswer(caseId, row.token)] };
  };
  if (!idemKey) return run();
  const lock = `${client.clientId}\n${idemKey}`;
  while (inFlight.has(lock)) await inFlight.get(lock)!.catch(() => undefined);
  const p = run();
  inFlight.set(lock, p);
  try {
    return await p;
  } finally {
    inFlight.delete(lock);
  }
}

function postAnswer(caseId: string, tok: string): unknown {
  return { service_request_id: caseId, token: tok, service_notice: '已收到，县网格化服务管理中心将受理 (received)' };
}

interface ReportFields {
  category: string;
  description: string;
  location: { lat: number; lng: number };
  gridId: string;
  address?: string;
  contact?: v.InferOutput<typeof ContactSchema>;
  attributes?: Record<string, string>;
}

function parseReport(form: URLSearchParams, field: (k: string) => string | null, org: OrgData, ctx: HttpContext): ReportFields {
  const code = field('service_code');
  if (!code) throw new O311Error(400, 'service_code is required');
  const sub = org.subcategories.find((s) => s.code === code);
  if (!sub) throw new O311Error(404, `service_code ${code} not found`);

  const attributes: Record<string, string> = {};
  for (const [k, val] of form) {
    const a = ATTRIBUTE.exec(k);
    if (a) {
      if (Object.hasOwn(attributes, a[1]!)) throw new O311Error(400, `${k} is given more than once`);
      attributes[a[1]!] = val.trim();
    } else if (!KNOWN_FIELDS.has(k)) throw new O311Error(400, `unknown field ${k}`);
  }
  const fields = serviceFields(code);
  for (const [k, val] of Object.entries(attributes)) {
    // An empty answer is no answer (HTML forms send every field).
    if (val === '') delete attributes[k];
    else if (!fields.some((x) => x.code === k)) throw new O311Error(400, `attribute[${k}] is not an attribute of service ${code} (GET services/${code} lists them)`);
  }
  const missing = missingRequired(code, attributes);
  if (missing.length > 0) throw new O311Error(400, `attribute[${missing[0]}] is required for service ${code}`);

  const addressString = field('address_string') || undefined;
  if (addressString && addressString.length > 200) throw new O311Error(400, 'address_string: at most 200 characters');
  const place = locate(field('lat'), field('long'), addressString, org, ctx);

  const media = field('media_url') || undefined;
  if (media !== undefined && (media.length > 500 || !/^https?:\/\/[^\s]+$/i.test(media) || !URL.canParse(media))) {
    throw new O311Error(400, 'media_url: an http(s) URL of at most 500 characters');
  }
  let description = field('description') || sub.name;
  if (media) description = `${description}\n附图链接 (media_url): ${media}`;
  if (description.length > 2000) throw new O311Error(400, 'description: at most 2000 characters (with media_url)');

  const first = field('first_name') || '';
  const last = field('last_name') || '';
  const cjk = /^[\p{Script=Han}]*$/u;
  const name = cjk.test(first) && cjk.test(last) ? `${last}${first}` : `${first} ${last}`.trim();
  const rawContact: Record<string, string> = {};
  if (name) rawContact.name = name;
  const phone = field('phone');
  if (phone) rawContact.phone = phone;
  const email = field('email');
  if (email) rawContact.email = email;
  let contact: ReportFields['contact'];
  if (Object.keys(rawContact).length > 0) {
    const c = v.safeParse(ContactSchema, rawContact);
    if (!c.success) {
      const key = String(c.issues[0]?.path?.[0]?.key ?? 'contact');
      throw new O311Error(400, `${key === 'name' ? 'first_name/last_name' : key}: not valid`);
    }
    contact = c.output;
  }
  return {
    category: code,
    description,
    location: place.location,
    gridId: place.grid.id,
    ...(addressString ? { address: addressString } : {}),
    ...(contact ? { contact } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

/** Grid boundaries, cached per geo version (the geo store's rows). */
const boundaries = new WeakMap<Store, { version: string; grids: { gridId: string; geometry: AreaGeometry }[] }>();

function locate(lat: string | null, lng: string | null, address: string | undefined, org: OrgData, ctx: HttpContext): { grid: Grid; location: { lat: number; lng: number } } {
  if (lat || lng) {
    const la = Number(lat);
    const ln = Number(lng);
    if (!lat || !lng || !Number.isFinite(la) || !Number.isFinite(ln) || Math.abs(la) > 90 || Math.abs(ln) > 180) {
      throw new O311Error(400, 'lat and long: both, as decimal degrees (WGS 84)');
    }
    const version = ctx.store.getMeta('geo_version') ?? '0';
    let b = boundaries.get(ctx.store);
    if (!b || b.version !== version) boundaries.set(ctx.store, (b = { version, grids: ctx.geo.grids() }));
    const inside = b.grids.find((g) => geometryContains(g.geometry, ln, la));
    let grid = inside ? org.grids.find((g) => g.id === inside.gridId) : undefined;
    if (!grid) {
      let best = Infinity;
      for (const g of org.grids) {
        const d = haversineM({ lat: la, lng: ln }, { lat: g.center[1], lng: g.center[0] });
        if (d < best) [best, grid] = [d, g];
      }
      if (best > NEAREST_GRID_METRES) grid = undefined;
    }
    if (!grid) throw new O311Error(400, 'lat/long is outside every grid of this county');
    return { grid, location: { lat: la, lng: ln } };
  }
  if (!address) throw new O311Error(400, 'a location is required: lat and long, or address_string');
  // The longest grid name, else village name, the address contains (网格 names include their village's).
  const longest = <T extends { name: string }>(xs: readonly T[]) =>
    xs.filter((x) => x.name.length >= 2 && address.includes(x.name)).sort((a, b) => b.name.length - a.name.length)[0];
  let grid = longest(org.grids);
  if (!grid) {
    const village = longest(org.villages);
    if (village) grid = org.grids.filter((g) => g.villageId === village.id).sort((a, b) => (a.id < b.id ? -1 : 1))[0];
  }
  if (!grid) throw new O311Error(400, 'address_string names no village or grid of this county: send lat and long, or a village name');
  return { grid, location: { lat: grid.center[1], lng: grid.center[0] } };
}

function domainError(code: ErrorCode, detail?: string): O311Error {
  switch (code) {
    case 'unknown_category':
      return new O311Error(404, 'service_code not found');
    case 'bad_attribute':
      return new O311Error(400, 'an attribute value is not valid for this service (GET services/<code> lists the values)');
    case 'full_id_number':
      return new O311Error(400, 'the description holds a full resident ID number: leave it out');
    case 'role_not_allowed':
    case 'out_of_scope':
    case 'unknown_actor':
      return new O311Error(403, `this account may not report here (${code})`);
    default:
      return new O311Error(400, detail ? `${code}: ${detail}` : code);
  }
}

// ------------------------------------------------------------------ GET requests

const STAGE_ZH: Record<ResidentStage, string> = {
  received: '已收到',
  accepted: '已受理',
  dispatched: '已派单',
  in_progress: '正在处理',
  resolved: '已解决',
  closed: '已办结',
  rejected: '未受理',
  withdrawn: '已撤销',
  merged: '已合并',
};

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The request as anyone may see it; `owner` (the client system that posted it) also gets its own text back. */
function publicRequest(s: CaseState, org: OrgData, owner: boolean): Record<string, unknown> {
  const sub = org.subcategories.find((x) => x.code === s.category);
  const grid = org.grids.find((g) => g.id === s.gridId);
  const village = org.villages.find((x) => x.id === (s.villageId ?? grid?.villageId));
  const unit = s.unitId ? org.units.find((u) => u.id === s.unitId) : undefined;
  const stage = residentStage(s.status);
  const place = [village?.name, grid?.name].filter(Boolean).join(' ');
  const out: Record<string, unknown> = {
    service_request_id: s.id,
    status: FINAL_STATUSES.includes(s.status) ? 'closed' : 'open',
    status_notes: stage === 'dispatched' && unit ? `已派给${unit.name}` : STAGE_ZH[stage],
    service_name: sub?.name ?? s.category,
    service_code: s.category,
    agency_responsible: unit?.name ?? '',
    service_notice: '',
    requested_datetime: iso(s.reportedMs),
    updated_datetime: iso(Math.max(hlcMs(s.updatedAt), s.reportedMs)),
    address: place,
    lat: round3(s.location.lat),
    long: round3(s.location.lng),
    extended_attributes: { detailed_status: s.status, stage, channel: reportChannel(s) },
  };
  if (owner) {
    const media = /\n附图链接 \(media_url\): (\S+)$/.exec(s.description);
    out.description = media ? s.description.slice(0, media.index) : s.description;
    if (s.address) out.address = s.address;
    out.lat = s.location.lat;
    out.long = s.location.lng;
    if (media) out.media_url = media[1];
    if (s.attributes) out.attributes = s.attributes;
  }
  return out;
}

/** The client whose key came with a GET (optional): it is shown its own requests' text. A bad key is refused. */
function optionalClient(ctx: HttpContext, q: URLSearchParams): ApiKeyInfo | null {
  const key = q.get('api_key');
  if (key === null) return null;
  const client = open311Store(ctx.store).byKey(key);
  if (!client) throw new O311Error(403, 'api_key not valid (unknown or revoked)');
  return client;
}

function isOwner(ctx: HttpContext, client: ApiKeyInfo | null, caseId: string): boolean {
  return client !== null && open311Store(ctx.store).requestByCase(caseId)?.clientId === client.clientId;
}

function parseDate(name: string, s: string | null): number | null {
  if (s === null || s === '') return null;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) throw new O311Error(400, `${name}: an ISO 8601 date-time`);
  // A date alone is that day's start in China Standard Time (the county's day, src/domain/period.ts).
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00+08:00` : s.replace(' ', 'T'));
  if (!Number.isFinite(ms)) throw new O311Error(400, `${name}: an ISO 8601 date-time`);
  return ms;
}

async function getRequests(ctx: HttpContext, q: URLSearchParams): Promise<unknown[]> {
  checkJurisdiction(q.get('jurisdiction_id'));
  const client = optionalClient(ctx, q);
  const org = ctx.org();
  const ids = q.get('service_request_id');
  if (ids) {
    const list = [...new Set(ids.split(',').map((x) => x.trim()).filter(Boolean))];
    if (list.length > MAX_IDS) throw new O311Error(400, `service_request_id: at most ${MAX_IDS} ids`);
    const out: unknown[] = [];
    for (const id of list) {
      const s = await findCase(ctx, id);
      if (s) out.push(publicRequest(s, org.data, isOwner(ctx, client, id)));
    }
    return out;
  }
  const codes = q.get('service_code') ? new Set(q.get('service_code')!.split(',').map((x) => x.trim())) : null;
  const statuses = q.get('status') ? q.get('status')!.split(',').map((x) => x.trim()) : ['open', 'closed'];
  if (statuses.some((x) => x !== 'open' && x !== 'closed')) throw new O311Error(400, 'status: open, closed, or both (comma separated)');
  const nowMs = ctx.now();
  const end = parseDate('end_date', q.get('end_date')) ?? nowMs;
  const start = parseDate('start_date', q.get('start_date')) ?? end - DEFAULT_WINDOW_MS;
  if (start > end) throw new O311Error(400, 'start_date is after end_date');
  const years = liveYears(nowMs).filter((y) => y >= caseYear(start) && y <= caseYear(end));
  const found: CaseState[] = [];
  for (const t of org.townIds) {
    for (const y of years) {
      const name = casesDocName(t, y);
      if (!ctx.store.hasDoc(name)) continue;
      for (const s of await foldedDoc(ctx, name)) {
        if (s.reportedMs < start || s.reportedMs > end) continue;
        if (codes && !codes.has(s.category)) continue;
        if (!statuses.includes(FINAL_STATUSES.includes(s.status) ? 'closed' : 'open')) continue;
        found.push(s);
      }
    }
  }
  found.sort((a, b) => b.reportedMs - a.reportedMs || (a.id < b.id ? 1 : -1));
  return found.slice(0, MAX_RESULTS).map((s) => publicRequest(s, org.data, isOwner(ctx, client, s.id)));
}

async function findCase(ctx: HttpContext, id: string): Promise<CaseState | undefined> {
  const doc = ctx.store.caseDoc(id);
  if (!doc) return undefined;
  return (await foldedDoc(ctx, doc)).find((s) => s.id === id);
}

async function getOne(ctx: HttpContext, q: URLSearchParams, id: string): Promise<unknown[]> {
  checkJurisdiction(q.get('jurisdiction_id'));
  const client = optionalClient(ctx, q);
  const s = await findCase(ctx, id);
  if (!s) throw new O311Error(404, `service_request_id ${id} not found`);
  return [publicRequest(s, ctx.org().data, isOwner(ctx, client, id))];
}

function token(ctx: HttpContext, q: URLSearchParams, tok: string): unknown[] {
  checkJurisdiction(q.get('jurisdiction_id'));
  const row = open311Store(ctx.store).requestByToken(tok);
  if (!row || !ctx.store.caseDoc(row.caseId)) throw new O311Error(404, `token ${tok} not found`);
  return [{ service_request_id: row.caseId, token: row.token }];
}

// ------------------------------------------------------------------ formats

/** XML element names of list items (the spec's singular forms). */
const ITEM: Record<string, string> = { endpoints: 'endpoint', formats: 'format', attributes: 'attribute', values: 'value' };

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)  // Characters XML 1.0 cannot carry at all (the domain's text fields may hold them) are dropped.
  // eslint-disable-next-line no-control-regex
  .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

function xmlOf(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return `<${name}/>`;
  if (Array.isArray(value)) return `<${name}>${value.map((x) => xmlOf(ITEM[name] ?? 'item', x)).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, x]) => xmlOf(k, x)).join('')}</${name}>`;
  return `<${name}>${esc(String(value))}</${name}>`;
}

function send(res: ServerResponse, format: Format, status: number, root: string, item: string | undefined, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  const text =
    format === 'json'
      ? JSON.stringify(body)
      : `<?xml version="1.0" encoding="utf-8"?>\n${
          Array.isArray(body) ? `<${root}>${body.map((x) => xmlOf(item ?? 'item', x)).join('')}</${root}>` : xmlOf(root, body)
        }`;
  res.statusCode = status;
  res.setHeader('Content-Type', format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  // Any origin may read the public API from a browser (civic-tech web clients); credentials are never involved.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(req(res).method === 'HEAD' ? undefined : text);
}

const req = (res: ServerResponse) => res.req;

// ------------------------------------------------------------------ API keys (administrator, JSON like the rest of /api)

/*
 *   GET    /api/open311/keys        Bearer admin -> 200 {"keys":[{id, name, prefix, clientId, createdMs, createdBy,
 *                                   revokedMs?, revokedBy?}]} (never the keys themselves)
 *   POST   /api/open311/keys        Bearer admin {"name": the client system, 1-60 chars} -> 201 {..., "key"}: the key,
 *                                   shown this once
 *   DELETE /api/open311/keys/<id>   Bearer admin -> 200 the key's entry with revokedMs (revoking again keeps the first
 *                                   time); 404 not_found. A revoked key is refused at once (403 on Open311).
 * 401 unauthorized without a valid token; 403 forbidden for any role but admin; 400 bad_request.
 */

const KeyName = v.strictObject({ name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60)) });

async function requireAdmin(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<UserInfo | null> {
  const tok = bearerToken(req.headers.authorization);
  const user = tok ? await ctx.authenticate(tok) : null;
  if (!user) return void sendJson(res, 401, { error: 'unauthorized' }), null;
  if (user.role !== 'admin') return void sendJson(res, 403, { error: 'forbidden' }), null;
  return user;
}

export async function listKeys(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  if (!(await requireAdmin(req, res, ctx))) return;
  sendJson(res, 200, { keys: open311Store(ctx.store).list() });
}

export async function issueKey(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const admin = await requireAdmin(req, res, ctx);
  if (!admin) return;
  const text = await readBody(req, 4096);
  if (text === null) return sendJson(res, 413, { error: 'too_large' });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return sendJson(res, 400, { error: 'bad_request' });
  }
  const parsed = v.safeParse(KeyName, body);
  if (!parsed.success) return sendJson(res, 400, { error: 'bad_request' });
  const { info, key } = await open311Store(ctx.store).issue(parsed.output.name, admin.id, ctx.now(), ctx.relay);
  ctx.log.info(`Open311 API key ${info.id} issued to ${JSON.stringify(info.name)} by ${admin.id}`);
  sendJson(res, 201, { ...info, key });
}

export async function revokeKey(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [id]: string[]): Promise<void> {
  const admin = await requireAdmin(req, res, ctx);
  if (!admin) return;
  const info = open311Store(ctx.store).revoke(id!, admin.id, ctx.now());
  if (!info) return sendJson(res, 404, { error: 'not_found' });
  ctx.log.info(`Open311 API key ${info.id} (${JSON.stringify(info.name)}) revoked by ${admin.id}`);
  sendJson(res, 200, info);
}
