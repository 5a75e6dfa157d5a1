/**
 * One rule for the assessment (考核): the figures the assessment screen computes on a device (session.stats, over
 * its read model) equal `/api/stats` on the relay, for every scope of the demo county, and the relay answers a
 * scope exactly when the screen offers it (domain `mayAssess`). Both sides read the clock from one frozen `now`, so
 * an overdue count cannot differ by a deadline passing between the two calls.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../server/app.ts';
import { quietLogger } from '../../server/log.ts';
import { createAuthService, type GridlinkAuthService, type GridlinkSession } from '../../src/app/session.ts';
import { mayAssess, type AssessScope, type Figures } from '../../src/domain/assessment.ts';
import { indexOrg } from '../../src/domain/org.ts';
import { dayPeriod, presetDays } from '../../src/domain/period.ts';

// 10:00 in Beijing on 20 November 2026: a fixed instant for the seed, the relay and the device.
const NOW = Date.parse('2026-11-20T02:00:00Z');

let server: RunningServer;
let dataDir: string;
const services: GridlinkAuthService[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gridlink-stats-'));
  server = await startServer({ dataDir, port: 0, host: '127.0.0.1', demo: true, log: quietLogger, now: () => NOW });
});

afterAll(async () => {
  for (const s of services) await s.dispose();
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function signIn(username: string): Promise<GridlinkSession> {
  const auth = createAuthService({ baseUrl: server.url, fetch: globalThis.fetch, WebSocketPolyfill: WebSocket, online: () => true, namespace: `st${username}`, now: () => NOW, pollMs: 50 });
  services.push(auth);
  const r = await auth.login(username, 'demo');
  if (!r.ok) throw new Error(`login ${username}: ${r.error}`);
  await r.session.engine.whenSynced();
  await r.session.engine.settled();
  return r.session;
}

async function token(username: string): Promise<string> {
  const r = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
  return ((await r.json()) as { token: string }).token;
}

const scopeParam = (s: AssessScope) => (s.kind === 'county' ? 'county' : s.kind === 'town' ? s.townId : s.kind === 'unit' ? s.unitId : s.gridId);

describe('assessment: the screen and /api/stats give the same figures', () => {
  it('for every scope of the demo county, as the county center sees it (this year and last month)', async () => {
    const county = await signIn('county');
    const org = county.org.value!.data;
    const bearer = { authorization: `Bearer ${await token('county')}` };
    const relayStats = async (scope: AssessScope, days: { from: string; to: string }) => {
      const r = await fetch(`${server.url}/api/stats?scope=${scopeParam(scope)}&from=${days.from}&to=${days.to}`, { headers: bearer });
      expect(r.status).toBe(200);
      return (await r.json()) as { period: { fromMs: number; toMs: number }; nowMs: number; figures: Figures; units: Record<string, Figures>; grids: Record<string, Figures>; towns?: Record<string, Figures>; table1?: unknown };
    };
    // Every 40th unit and grid besides every town: each scope's own path through both sides.
    const scopes: AssessScope[] = [
      ...org.towns.map((t) => ({ kind: 'town' as const, townId: t.id })),
      ...org.units.filter((_, i) => i % 40 === 0).map((u) => ({ kind: 'unit' as const, unitId: u.id })),
      ...org.grids.filter((_, i) => i % 40 === 0).map((g) => ({ kind: 'grid' as const, gridId: g.id })),
    ];
    for (const preset of ['this_year', 'last_month'] as const) {
      const days = presetDays(preset, NOW);
      const period = dayPeriod(days.from, days.to)!;
      // The county's breakdown holds the figures of every town, unit and grid with cases: all of them compared here.
      const device = await county.stats({ kind: 'county' }, period.fromMs, period.toMs);
      const relay = await relayStats({ kind: 'county' }, days);
      expect(relay.period).toMatchObject(period);
      expect(relay.nowMs).toBe(device.nowMs);
      expect(relay.figures).toEqual(device.figures);
      expect(relay.towns).toEqual(device.report.towns);
      expect(relay.units).toEqual(device.report.units);
      expect(relay.grids).toEqual(device.report.grids);
      expect(relay.table1).toEqual(device.table1);
      expect(Object.keys(device.report.towns)).toHaveLength(org.towns.length);
      expect(Object.keys(device.report.grids).length).toBeGreaterThan(100);
      for (const scope of scopes) {
        const d = await county.stats(scope, period.fromMs, period.toMs);
        const r = await relayStats(scope, days);
        expect({ scope, figures: r.figures }).toEqual({ scope, figures: d.figures });
        expect({ scope, units: r.units, grids: r.grids }).toEqual({ scope, units: d.report.units, grids: d.report.grids });
        // A scope's own figures are its line in the county's breakdown.
        const line =
          scope.kind === 'town' ? device.report.towns[scope.townId] : scope.kind === 'unit' ? device.report.units[scope.unitId] : scope.kind === 'grid' ? device.report.grids[scope.gridId] : undefined;
        if (line) expect({ scope, figures: d.figures }).toEqual({ scope, figures: line });
        else expect(d.figures.cases).toBe(0);
      }
    }
  });

  it('answers a scope exactly when the domain lets the user see it (the screen offers the same)', async () => {
    const s = await signIn('w0001'); // any session: its org doc is the relay's
    const data = s.org.value!.data;
    const idx = indexOrg(data);
    const sample: AssessScope[] = [
      { kind: 'county' },
      { kind: 'town', townId: 't01' },
      { kind: 'town', townId: 't02' },
      { kind: 'grid', gridId: 'g0001' },
      { kind: 'grid', gridId: 'g0002' },
      { kind: 'grid', gridId: data.grids.find((g) => g.townId === 't02')!.id },
      ...data.units.filter((u) => u.townId === undefined).slice(0, 1).map((u) => ({ kind: 'unit' as const, unitId: u.id })),
      ...data.units.filter((u) => u.townId === 't01').slice(0, 1).map((u) => ({ kind: 'unit' as const, unitId: u.id })),
      ...data.units.filter((u) => u.townId === 't02').slice(0, 1).map((u) => ({ kind: 'unit' as const, unitId: u.id })),
    ];
    const secretary = data.users.find((u) => u.role === 'secretary' && u.villageId === idx.grid('g0001')!.villageId)!;
    const unitUser = data.users.find((u) => u.role === 'unit' && u.unitId === (sample.at(-2) as { unitId: string }).unitId)!;
    const seen: Record<string, number> = {};
    for (const username of ['w0001', secretary.username, 'town01', unitUser.username, 'county', 'admin', 'p0001', 'trainer01', 'resident01']) {
      const user = data.users.find((u) => u.username === username)!;
      const bearer = { authorization: `Bearer ${await token(username)}` };
      for (const scope of sample) {
        const r = await fetch(`${server.url}/api/stats?scope=${scopeParam(scope)}`, { headers: bearer });
        expect({ username, scope, status: r.status }).toEqual({ username, scope, status: mayAssess(user, scope, idx) ? 200 : 403 });
        if (r.status === 200) seen[username] = (seen[username] ?? 0) + 1;
      }
    }
    // Each role below the county sees some scopes and not others; the county and admin all of them.
    expect(seen).toMatchObject({ w0001: 1, [secretary.username]: 2, town01: 5, [unitUser.username]: 1, county: sample.length, admin: sample.length });
    expect(seen.p0001 ?? 0).toBe(0);
  });
});
