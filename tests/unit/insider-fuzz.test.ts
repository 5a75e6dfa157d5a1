/**
 * A seeded fuzzer of insiders' case events (issue 10): valid envelopes signed by the author's own account (so the
 * trivial refusals do not hide anything), hostile content: reused ids, second reports, foreign scopes, roles that may
 * not act on that case, extreme times. It runs for a bounded time in `npm test`. Whatever the relay's inspection
 * accepts is applied, and after every accepted update:
 *  - no id appears twice in the doc, and no case has two reports;
 *  - every case's report (reporter, grid, description) is the one it was opened with;
 *  - no accepted event is set aside by the fold for its author's lack of authority.
 * A failure prints the seed and the step, and replays exactly.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { factsOf } from '../../server/integrity.ts';
import { inspectUpdate, type DocKind } from '../../server/validate.ts';
import { EVENT_TYPES, type CaseEvent } from '../../src/domain/events.ts';
import { foldCase } from '../../src/domain/fold.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import { roleMayEver } from '../../src/domain/workflow.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { DATA, IDX, ORG, REPORT, T0, happyPath, pick } from './domain/fixture.ts';

const KIND: DocKind = { kind: 'cases', townId: 't01', year: 2025 };
const RELAY_CLIENT = 1;
const NOW = T0 + 30 * 86_400_000;
const BUDGET_MS = 3_000;
const AUTHORITY = new Set(['unknown_actor', 'role_not_allowed', 'out_of_scope', 'not_reporter']);

function run(seed: number): { steps: number; accepted: number; refused: Map<string, number> } {
  const r = seededRandom(seed);
  const server = new Y.Doc();
  // Three honest cases to attack.
  const honest = [0, 1, 2].map((i) => happyPath(newId(T0 + i, r.bytes)).slice(0, 2 + i));
  for (const list of honest) {
    const dev = new Y.Doc();
    Y.applyUpdate(dev, Y.encodeStateAsUpdate(server));
    dev.getArray(EVENTS_ARRAY).push(list);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(dev, Y.encodeStateVector(server)));
  }
  const reports = new Map(honest.map((l) => [l[0]!.caseId, JSON.stringify((l[0] as CaseEvent<'reported'>).data)]));
  const t01Users = ORG.users.filter((u) => u.townId === 't01' || !u.townId);
  const refused = new Map<string, number>();
  let accepted = 0;
  let steps = 0;
  const started = Date.now();
  while (Date.now() - started < BUDGET_MS && steps < 3_000) {
    steps++;
    const all = server.getArray<CaseEvent>(EVENTS_ARRAY).toArray();
    const actor = pick(r, t01Users);
    const type = pick(r, EVENT_TYPES.filter((t) => roleMayEver(actor.role, t)));
    if (!type) continue;
    const target = pick(r, all);
    const caseId = r.next() < 0.85 ? target.caseId : newId(NOW, r.bytes);
    const id = r.next() < 0.15 ? pick(r, all).id : newId(NOW, r.bytes);
    const ms = pick(r, [T0 - 86_400_000, T0, T0 + 3 * 60_000, NOW - 3_600_000, NOW, NOW + 4 * 60_000, NOW + 86_400_000, Date.UTC(2286, 0, 1)]);
    const data = type === 'reported' ? { ...REPORT, gridId: pick(r, ['g0001', 'g0002']), description: `攻击 ${steps}` } : DATA[type];
    const event = { id, caseId, type, actor: actor.id, at: formatHlc({ ms, counter: steps % 10_000, node: 'fuzz' }), data } as CaseEvent;

    const dev = new Y.Doc();
    Y.applyUpdate(dev, Y.encodeStateAsUpdate(server));
    dev.getArray(EVENTS_ARRAY).push([event]);
    const update = Y.encodeStateAsUpdate(dev, Y.encodeStateVector(server));
    const v = inspectUpdate(server, Y.decodeUpdate(update), KIND, actor, 'write', { nowMs: NOW, org: IDX, relayClient: RELAY_CLIENT });
    if (!v.ok) {
      refused.set(v.code, (refused.get(v.code) ?? 0) + 1);
      continue;
    }
    accepted++;
    Y.applyUpdate(server, update);
    factsOf(server, RELAY_CLIENT, 'cases').accepted(update, actor.id, v.events, [], v.records);

    const where = `seed ${seed}, step ${steps}: ${actor.id} ${type} on ${caseId}`;
    const now = server.getArray<CaseEvent>(EVENTS_ARRAY).toArray();
    expect(new Set(now.map((e) => e.id)).size, where).toBe(now.length);
    const byCase = new Map<string, CaseEvent[]>();
    for (const e of now) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e]);
    for (const [cid, list] of byCase) {
      const reps = list.filter((e) => e.type === 'reported');
      expect(reps.length, where).toBeLessThanOrEqual(1);
      if (reports.has(cid)) expect(JSON.stringify(reps[0]?.data), where).toBe(reports.get(cid));
      else if (reps[0]) reports.set(cid, JSON.stringify(reps[0].data));
    }
    const s = foldCase(byCase.get(caseId) ?? [], IDX);
    const entry = s?.timeline.find((t) => t.event.id === id);
    expect(entry?.applied === false && AUTHORITY.has(entry.reason ?? ''), `${where}: set aside for ${entry?.reason}`).toBe(false);
  }
  return { steps, accepted, refused };
}

describe('insider fuzzing of case events (seeded, bounded)', () => {
  it.each([1, 2])('seed %i: nothing accepted rewrites a report, duplicates an id or lacks authority', (seed) => {
    const { steps, accepted, refused } = run(seed);
    console.log(`[fuzz] seed ${seed}: ${steps} updates, ${accepted} accepted, refused ${JSON.stringify(Object.fromEntries(refused))}`);
    expect(steps).toBeGreaterThan(100);
    // The fuzzer reaches the interesting refusals, and some hostile-looking events are honest races.
    for (const code of ['duplicate_id', 'case_exists', 'not_authorized', 'clock_ahead', 'stamped_too_early']) expect(refused.get(code) ?? 0, code).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});
