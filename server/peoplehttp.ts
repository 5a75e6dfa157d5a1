/**
 * HTTP routes of the people and party docs (issue 5; wired in http.ts):
 *
 *   GET /api/people/<gridId>/residents[?q=text]   Bearer -> 200 {"gridId","residents":[{id, householdId, name, phone?,
 *       idNumber ('' when not recorded), idMasked, relation?, tags, address}]}; `q` matches name or address. Readers: the grid's worker,
 *       village secretary and town center (those who hold the doc), county and admin. ID numbers are masked
 *       (`2111**********1234`, idMasked: true) for everyone but the grid's worker and its town center
 *       (src/domain/people.ts): only for them is the grid's `idnumbers.<gridId>` doc read and joined in (the
 *       people doc holds masked numbers only). Other users 403, unknown grid 404, no token 401.
 *   GET /api/party/<townId>/summary?from=<YYYY-MM-DD>&to=<YYYY-MM-DD>   Bearer -> 200 the per-member and per-branch
 *       figures of the period (src/domain/party.ts summarizeParty; dates in UTC+8, `to` included; default this year).
 *       Readers: those who hold the town's party doc. 403 otherwise.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as Y from 'yjs';
import { docAccess, idNumbersDocName, partyDocName, peopleDocName, seesFullIdNumber } from '../src/domain/docs.ts';
import type { UserInfo } from '../src/domain/org.ts';
import { foldParty, summarizeParty } from '../src/domain/party.ts';
import { foldIdNumbers, foldPeople, residentFor, searchKey } from '../src/domain/people.ts';
import { EVENTS_ARRAY } from '../src/sync/protocol.ts';
import type { HttpContext } from './http.ts';

const DAY_MS = 86_400_000;
const CST_MS = 8 * 3600_000;

export async function peopleResidents(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [gridId]: string[]): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return json(res, 401, { error: 'unauthorized' });
  const org = ctx.org();
  const grid = org.index.grid(gridId!);
  if (!grid) return json(res, 404, { error: 'not_found' });
  const name = peopleDocName(grid.id);
  const holder = docAccess(user, name, org.townIds, (id) => org.index.grid(id)) !== null;
  if (!holder && user.role !== 'county' && user.role !== 'admin') return json(res, 403, { error: 'forbidden' });
  const stored = ctx.store.docNames();
  const raw = stored.includes(name) ? await ctx.relay.withDoc(name, (ydoc: Y.Doc) => ydoc.getArray(EVENTS_ARRAY).toArray()) : [];
  const state = foldPeople(raw);
  const idName = idNumbersDocName(grid.id);
  const ids = seesFullIdNumber(user, grid) && stored.includes(idName) ? foldIdNumbers(await ctx.relay.withDoc(idName, (ydoc: Y.Doc) => ydoc.getArray(EVENTS_ARRAY).toArray())) : null;
  const q = searchKey(new URL(req.url ?? '/', 'http://relay').searchParams.get('q') ?? '');
  const residents = [];
  for (const r of state.residents.values()) {
    const address = state.households.get(r.householdId)?.address ?? '';
    if (q && !searchKey(r.name).includes(q) && !searchKey(address).includes(q)) continue;
    const { updatedAt: _u, ...plain } = r;
    residents.push({ ...residentFor(plain, user, grid, ids), address });
  }
  residents.sort((a, b) => a.householdId.localeCompare(b.householdId) || a.id.localeCompare(b.id));
  json(res, 200, { gridId: grid.id, residents });
}

export async function partySummary(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [townId]: string[]): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return json(res, 401, { error: 'unauthorized' });
  const org = ctx.org();
  if (!org.townIds.includes(townId!)) return json(res, 404, { error: 'not_found' });
  const name = partyDocName(townId!);
  if (!docAccess(user, name, org.townIds)) return json(res, 403, { error: 'forbidden' });
  const url = new URL(req.url ?? '/', 'http://relay');
  const nowMs = ctx.now();
  const year = new Date(nowMs + CST_MS).getUTCFullYear();
  const from = parseDay(url.searchParams.get('from')) ?? Date.UTC(year, 0, 1) - CST_MS;
  const toDay = parseDay(url.searchParams.get('to'));
  const to = toDay === undefined ? nowMs + 1 : toDay + DAY_MS;
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) return json(res, 400, { error: 'bad_request' });
  const raw = ctx.store.docNames().includes(name) ? await ctx.relay.withDoc(name, (ydoc: Y.Doc) => ydoc.getArray(EVENTS_ARRAY).toArray()) : [];
  const state = foldParty(raw, (id) => org.index.user(id));
  json(res, 200, { townId, period: { fromMs: from, toMs: to }, ...summarizeParty(state, from, to) });
}

/** A `YYYY-MM-DD` day in UTC+8 as the ms of its start; undefined when absent, NaN when malformed. */
function parseDay(s: string | null): number | undefined {
  if (s === null) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - CST_MS;
}

async function bearerUser(req: IncomingMessage, ctx: HttpContext): Promise<UserInfo | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? ctx.authenticate(m[1]!) : null;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
