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
import { foldParty, partyPlaces, summarizeParty } from '../src/domain/party.ts';
import { foldIdNumbers, foldPeople, residentFor, searchKey } from '../src/domain/people.ts';
import { checkPeriod, cstDay, cstYearStart, dayPeriod } from '../src/domain/period.ts';
import { EVENTS_ARRAY } from '../src/protocol/wire.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, sendJson } from './httpio.ts';


export async function peopleResidents(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [gridId]: string[]): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  const org = ctx.org();
  const grid = org.index.grid(gridId!);
  if (!grid) return sendJson(res, 404, { error: 'not_found' });
  const name = peopleDocName(grid.id);
  const holder = docAccess(user, name, org.townIds, (id) => org.index.grid(id)) !== null;
  if (!holder && user.role !== 'county' && user.role !== 'admin') return sendJson(res, 403, { error: 'forbidden' });
  const state = foldPeople((await storedEvents(ctx, name)) ?? []);
  const idEvents = seesFullIdNumber(user, grid) ? await storedEvents(ctx, idNumbersDocName(grid.id)) : null;
  const ids = idEvents ? foldIdNumbers(idEvents) : null;
  const q = searchKey(new URL(req.url ?? '/', 'http://relay').searchParams.get('q') ?? '');
  const residents = [];
  for (const r of state.residents.values()) {
    const address = state.households.get(r.householdId)?.address ?? '';
    if (q && !searchKey(r.name).includes(q) && !searchKey(address).includes(q)) continue;
    const { updatedAt: _u, ...plain } = r;
    residents.push({ ...residentFor(plain, user, grid, ids), address });
  }
  residents.sort((a, b) => a.householdId.localeCompare(b.householdId) || a.id.localeCompare(b.id));
  sendJson(res, 200, { gridId: grid.id, residents });
}

export async function partySummary(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [townId]: string[]): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  const org = ctx.org();
  if (!org.townIds.includes(townId!)) return sendJson(res, 404, { error: 'not_found' });
  const name = partyDocName(townId!);
  if (!docAccess(user, name, org.townIds)) return sendJson(res, 403, { error: 'forbidden' });
  const url = new URL(req.url ?? '/', 'http://relay');
  const nowMs = ctx.now();
  const fromParam = url.searchParams.get('from');
  const toParam = url.searchParams.get('to');
  const period =
    fromParam === null && toParam === null
      ? checkPeriod(cstYearStart(nowMs), nowMs + 1)
      : dayPeriod(fromParam ?? cstDay(cstYearStart(nowMs)), toParam ?? cstDay(nowMs));
  if (!period) return sendJson(res, 400, { error: 'bad_request' });
  const { fromMs: from, toMs: to } = period;
  const state = foldParty((await storedEvents(ctx, name)) ?? [], (id) => org.index.user(id), partyPlaces(org.index, townId!));
  sendJson(res, 200, { townId, period: { fromMs: from, toMs: to }, ...summarizeParty(state, from, to) });
}

/** The events of a stored doc; null for a doc never written (not loaded into the relay just to be empty). */
export async function storedEvents(ctx: HttpContext, name: string): Promise<unknown[] | null> {
  return ctx.store.hasDoc(name) ? ctx.relay.withDoc(name, (ydoc: Y.Doc) => ydoc.getArray(EVENTS_ARRAY).toArray()) : null;
}

