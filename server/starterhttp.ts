/**
 * GET /api/starter (issue 16 section 5): the head start of a first sign-in, src/domain/starter.ts.
 *   Bearer -> 200 {"docs":[{"name","events":[...],"receipts":[...]}],"org":{towns,villages,grids,categories,
 *   subcategories,plans,units,users}}; gzip when the client accepts it. A role without a head start (every role but
 *   the grid worker) gets {"docs":[],"org":{}}. 401 without a valid token. Every live cases doc of the worker is
 *   listed, with no events when it holds none of their open work: the device then knows that doc's share is complete.
 *   It also starts encoding the whole states of the org doc and those docs, which the device asks for next
 *   (GET /api/docs/<name>, firststate.ts).
 * Only the live years of the cases docs the user may read (the same grants as GET /api/me), only what the relay has
 * accepted (its folded docs, foldedDoc: cached by state vector), nothing written.
 */
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { docsForUser, liveYears, ORG_DOC } from '../src/domain/docs.ts';
import type { CaseEvent } from '../src/domain/events.ts';
import { getsStarter, inStarter, starterOrg, type Starter } from '../src/domain/starter.ts';
import type { CaseState } from '../src/domain/workflow.ts';
import { CaseIndex } from '../src/protocol/caseindex.ts';
import { warmFirstStates } from './firststate.ts';
import { bearerUser, sendJson } from './httpio.ts';
import type { HttpContext } from './http.ts';

export async function starter(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, folded: (ctx: HttpContext, name: string) => Promise<CaseState[]>): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  const org = ctx.org();
  const body: Starter = { docs: [], org: {} };
  if (getsStarter(user)) {
    const all: CaseEvent[] = [];
    for (const grant of docsForUser(user, org.townIds, liveYears(ctx.now()))) {
      if (!grant.name.startsWith('cases.')) continue;
      // Every live cases doc of the user, even with nothing in it for them: what is listed is complete.
      if (!ctx.store.hasDoc(grant.name)) {
        body.docs.push({ name: grant.name, events: [], receipts: [] });
        continue;
      }
      const ids = new Set((await folded(ctx, grant.name)).filter((s) => inStarter(user, s)).map((s) => s.id));
      const { events, receipts } = await ctx.relay.withDoc(grant.name, (ydoc) => {
        const index = CaseIndex.of(ydoc);
        const evs: CaseEvent[] = [];
        for (const id of ids) evs.push(...(index.byCase.get(id) ?? []));
        return { events: evs, receipts: evs.map((e) => index.receipts.get(e.id)).filter((r) => r !== undefined) };
      });
      all.push(...events);
      body.docs.push({ name: grant.name, events, receipts });
    }
    body.org = starterOrg(org.data, user, all);
    // The device asks for these docs' whole states once this answer has arrived (firststate.ts): start encoding them.
    warmFirstStates(ctx, [ORG_DOC, ...body.docs.filter((d) => ctx.store.hasDoc(d.name)).map((d) => d.name)]);
  }
  const json = JSON.stringify(body);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    const gz = gzipSync(json, { level: 9 });
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', gz.length);
    res.end(gz);
    return;
  }
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}
