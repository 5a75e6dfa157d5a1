// The HTTP contracts of issue 2 against a real server on port 0: health, login, me, cases, plans, errors.
import { request } from 'node:http';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readEnv, resolveJwtSecret } from '../../server/config.ts';
import { caseYear } from '../../src/domain/docs.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { api, casesDoc, login, startTestServer, SyncClient, tempDir, waitFor, type TestServer } from './relay-harness.ts';

let server: TestServer;
let base: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  base = server.url;
  for (const u of ['admin', 'county', 'town01', 'town02', 'w0001', 'w0002', 'unit001', 'trainer01', 'st01v01']) {
    tokens[u] = await login(base, u);
  }
});
afterAll(async () => {
  await server?.stop();
});

describe('GET /healthz', () => {
  it('answers 200 {"ok":true}', async () => {
    const r = await api(base, '/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('POST /api/login', () => {
  it('returns a token and the user with its scope', async () => {
    const r = await api(base, '/api/login', { body: { username: 'w0001', password: 'fixture-pw' } });
    expect(r.status).toBe(200);
    const body = r.body as { token: string; user: Record<string, unknown> };
    expect(body.token.split('.')).toHaveLength(3);
    expect(body.user).toEqual({
      id: 'w0001',
      username: 'w0001',
      name: '网格员一',
      role: 'worker',
      townId: 't01',
      villageId: 't01v01',
      gridId: 'g0001',
    });
    expect(JSON.stringify(body)).not.toMatch(/scrypt|password/);
  });

  it('refuses wrong credentials with 401 bad_credentials, the same for unknown users', async () => {
    for (const body of [
      { username: 'w0001', password: 'wrong' },
      { username: 'nobody', password: 'fixture-pw' },
    ]) {
      const r = await api(base, '/api/login', { body });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: 'bad_credentials' });
    }
  });

  it('answers a malformed body with 400 bad_request', async () => {
    for (const rawBody of ['not json', '{}', '{"username":"w0001"}', '{"username":"w0001","password":5}', '[]', 'null']) {
      const r = await api(base, '/api/login', { rawBody, method: 'POST' });
      expect(r.status, rawBody).toBe(400);
      expect(r.body).toEqual({ error: 'bad_request' });
    }
  });

  it('caps the body size (413 too_large)', async () => {
    const r = await api(base, '/api/login', { body: { username: 'x', password: 'y'.repeat(100_000) } });
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ error: 'too_large' });
  });
});

describe('GET /api/me', () => {
  const year = caseYear(Date.now());

  it('lists the docs a grid worker syncs: org (read) and its town this year and last (write)', async () => {
    const r = await api(base, '/api/me', { token: tokens.w0001 });
    expect(r.status).toBe(200);
    const body = r.body as { user: { id: string; gridId: string }; docs: unknown[] };
    expect(body.user.id).toBe('w0001');
    expect(body.user.gridId).toBe('g0001');
    expect(body.docs).toEqual([
      { name: 'org', access: 'read' },
      { name: `cases.t01.${year - 1}`, access: 'write' },
      { name: `cases.t01.${year}`, access: 'write' },
      { name: 'people.g0001', access: 'write' }, // issue 5: the people of its grid
      { name: 'idnumbers.g0001', access: 'write' }, // and their full ID numbers (worker and town center only)
      { name: 'taskanswers.g0001', access: 'write' }, // issue 17: its grid's answers to tasks sent down
      { name: 'care.g0001', access: 'write' }, // issue 17: the grid's care visits
      { name: 'patrols.g0001', access: 'write' }, // issue 17: its patrols
      { name: 'party.t01', access: 'read' }, // and the town's party work (members' 联系户 visits count as care visits)
      { name: 'tasks.t01', access: 'read' }, // issue 17: its town's tasks sent down
      { name: 'mediation.t01', access: 'write' }, // issue 17: its town's disputes, without parties
    ]);
  });

  it('gives the admin write access to org and the county every town', async () => {
    const admin = (await api(base, '/api/me', { token: tokens.admin })).body as { docs: Array<{ name: string; access: string }> };
    expect(admin.docs[0]).toEqual({ name: 'org', access: 'write' });
    const county = (await api(base, '/api/me', { token: tokens.county })).body as { docs: Array<{ name: string; access: string }> };
    // issue 17: the county writes the org doc, for its care levels (`care.set`) only (refchanges.ts roleMayChange)
    expect(county.docs[0]).toEqual({ name: 'org', access: 'write' });
    // issue 5: and every town's party doc (no people docs: personal data stays with the grid, village and town)
    // issue 17: every town's tasks (not the grids' answers) and mediation summaries
    expect(county.docs.map((d) => d.name)).toEqual(['org', `cases.t01.${year - 1}`, `cases.t01.${year}`, `cases.t02.${year - 1}`, `cases.t02.${year}`, 'party.t01', 'training.t01', 'tasks.t01', 'mediation.t01', 'party.t02', 'training.t02', 'tasks.t02', 'mediation.t02']);
    const trainer = (await api(base, '/api/me', { token: tokens.trainer01 })).body as { docs: Array<{ name: string }> };
    // issue 14: and the training doc of their town
    expect(trainer.docs).toEqual([
      { name: 'org', access: 'read' },
      { name: 'training.t01', access: 'write' },
    ]);
  });

  it('answers 401 unauthorized without or with a bad token', async () => {
    for (const token of [undefined, 'garbage', tokens.w0001!.slice(0, -3) + 'abc']) {
      const r = await api(base, '/api/me', token === undefined ? {} : { token });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: 'unauthorized' });
    }
  });
});

describe('POST /api/cases and GET /api/cases/<id>', () => {
  const report = { category: '0101', description: '路灯损坏，夜间无照明', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' };

  it('reports as the caller (201), writes through the relay (a connected device receives it) and reads it back', async () => {
    const device = new SyncClient(server.wsBase, casesDoc('t01'), tokens.town01!);
    try {
      await device.synced();
      const r = await api(base, '/api/cases', { token: tokens.w0001, body: { ...report, address: '一村东口' } });
      expect(r.status).toBe(201);
      const state = r.body as { id: string; status: string; reporter: string; townId: string; gridId: string; address: string };
      expect(state).toMatchObject({ status: 'reported', reporter: 'w0001', townId: 't01', gridId: 'g0001', address: '一村东口' });
      expect(state.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(r.headers.get('location')).toBe(`/api/cases/${state.id}`);

      await waitFor(device, () => device.events.some((e) => e.caseId === state.id), 'the reported event on the device');
      const event = device.events.find((e) => e.caseId === state.id)!;
      expect(event).toMatchObject({ type: 'reported', actor: 'w0001', data: { ...report, townId: 't01', channel: 'api' } });

      const got = await api(base, `/api/cases/${state.id}`, { token: tokens.town01 });
      expect(got.status).toBe(200);
      const body = got.body as { id: string; status: string; events: CaseEvent[] };
      expect(body.id).toBe(state.id);
      expect(body.status).toBe('reported');
      expect(body.events).toEqual([event]);

      // Durable in the store, in the doc of the report's year, not only in memory.
      const stored = server.store.loadDoc(casesDoc('t01'));
      expect(stored.updates.length).toBeGreaterThan(0);
    } finally {
      device.destroy();
    }
  });

  it('answers 403 out of scope (other grid, other town, wrong role) and 404 for unknown cases', async () => {
    const created = await api(base, '/api/cases', { token: tokens.w0001, body: report });
    const id = (created.body as { id: string }).id;

    const otherGrid = await api(base, '/api/cases', { token: tokens.w0001, body: { ...report, gridId: 'g0002' } });
    expect(otherGrid).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
    const unit = await api(base, '/api/cases', { token: tokens.unit001, body: report });
    expect(unit).toMatchObject({ status: 403, body: { error: 'role_not_allowed' } });
    const trainer = await api(base, '/api/cases', { token: tokens.trainer01, body: report });
    expect(trainer.status).toBe(403);

    const foreign = await api(base, `/api/cases/${id}`, { token: tokens.town02 });
    expect(foreign).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await api(base, `/api/cases/${id}`, { token: tokens.county })).status).toBe(200);
    const unknown = await api(base, '/api/cases/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: tokens.county });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'unknown_case' } });
    expect((await api(base, `/api/cases/${id}`)).status).toBe(401);
  });

  it('answers 400 for bad fields', async () => {
    const bad: Array<[unknown, string]> = [
      [{ ...report, description: '' }, 'bad_request'],
      [{ ...report, location: { lat: 200, lng: 122 } }, 'bad_request'],
      [{ ...report, location: { lat: '41', lng: 122 } }, 'bad_request'],
      [{ ...report, category: 'abc' }, 'bad_request'],
      [{ ...report, extra: 1 }, 'bad_request'],
      [{ category: '0101' }, 'bad_request'],
      [{ ...report, gridId: 'g9999' }, 'unknown_grid'],
      [{ ...report, category: '0199' }, 'unknown_category'],
    ];
    for (const [body, code] of bad) {
      const r = await api(base, '/api/cases', { token: tokens.w0001, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toEqual({ error: code });
    }
    expect((await api(base, '/api/cases', { token: tokens.w0001, rawBody: '{', method: 'POST' })).status).toBe(400);
    expect((await api(base, '/api/cases', { body: report })).status).toBe(401);
  });

  it('keeps events in the doc of the town and year of the report', async () => {
    const r = await api(base, '/api/cases', { token: tokens.county, body: { ...report, gridId: 'g0002' } });
    expect(r.status).toBe(201);
    const id = (r.body as { id: string }).id;
    const inT02 = await server.relay.withDoc(casesDoc('t02'), (doc) => doc.getArray<CaseEvent>(EVENTS_ARRAY).toArray());
    expect(inT02.some((e) => e.caseId === id)).toBe(true);
  });
});

describe('GET /api/plans', () => {
  it('lists the contingency plans with categories and suggested units', async () => {
    const r = await api(base, '/api/plans', { token: tokens.w0001 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([{ id: 'P001', category: '0101', name: '矛盾纠纷调处预案', priority: 'normal', dueHours: 24, unitIds: ['u001'], steps: ['了解情况', '调解'] }]);
    expect((await api(base, '/api/plans')).status).toBe(401);
  });
});

describe('routing', () => {
  it('answers unknown API routes 404 not_found and wrong methods 405', async () => {
    expect(await api(base, '/api/nope', { token: tokens.admin })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const wrong = await api(base, '/api/login');
    expect(wrong).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await api(base, '/api/me', { method: 'DELETE', token: tokens.admin })).status).toBe(405);
    expect((await api(base, '/healthz', { method: 'POST', body: {} })).status).toBe(405);
  });
});

describe('static files', () => {
  let site: TestServer;
  const tmp = tempDir('gridlink-static-');
  const dist = join(tmp.dir, 'dist');

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>网格通</title>');
    writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {})');
    writeFileSync(join(dist, 'manifest.webmanifest'), '{"name":"网格通"}');
    writeFileSync(join(dist, 'assets', 'index-AbC123.js'), 'console.log(1)');
    writeFileSync(join(tmp.dir, 'secret.txt'), 'TOP SECRET');
    site = await startTestServer({ staticDir: dist });
  });
  afterAll(async () => {
    await site?.stop();
    tmp.remove();
  });

  it('serves the app with content types and cache rules', async () => {
    const index = await fetch(site.url + '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const sw = await fetch(site.url + '/sw.js');
    expect(sw.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const manifest = await fetch(site.url + '/manifest.webmanifest');
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json; charset=utf-8');
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(site.url + '/assets/index-AbC123.js');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    const again = await fetch(site.url + '/sw.js', { headers: { 'if-none-match': sw.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('falls back to index.html for navigations only', async () => {
    const nav = await fetch(site.url + '/cases/01ARZ3NDEKTSV4RRFFQ69G5FAV', { headers: { accept: 'text/html' } });
    expect(nav.status).toBe(200);
    expect(await nav.text()).toContain('网格通');
    expect((await fetch(site.url + '/assets/missing.js')).status).toBe(404);
    expect((await fetch(site.url + '/cases/x', { headers: { accept: 'application/json' } })).status).toBe(404);
  });

  it('never serves files outside the static root', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/a%00b']) {
      const r = await rawGet(site.port, path);
      expect(r.body, path).not.toContain('TOP SECRET');
      expect([400, 404], path).toContain(r.status);
    }
  });
});

function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { accept: 'text/html' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = readEnv({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, demoPassword: 'demo', maxMessageBytes: 1024 * 1024, tokenTtlSeconds: 12 * 3600 });
    expect(c).toMatchObject({ idleUnloadMs: 30_000, compactAfterRows: 100 });
    expect(c.dataDir).toBe(join(process.cwd(), 'data'));
    expect(c.jwtSecret).toBeUndefined();
  });

  it('fails with a message naming the variable', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: 'http' }, /PORT/],
      [{ PORT: '70000' }, /PORT/],
      [{ MAX_MESSAGE_BYTES: '-1' }, /MAX_MESSAGE_BYTES/],
      [{ TOKEN_TTL: 'soon' }, /TOKEN_TTL/],
      [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
      [{ COMPACT_AFTER_ROWS: '0' }, /COMPACT_AFTER_ROWS/],
      [{ IDLE_UNLOAD_MS: '1.5' }, /IDLE_UNLOAD_MS/],
    ];
    for (const [env, message] of bad) {
      expect(() => readEnv(env)).toThrow(ConfigError);
      expect(() => readEnv(env)).toThrow(message);
    }
    expect(readEnv({ TOKEN_TTL: '30m', PORT: '0' })).toMatchObject({ tokenTtlSeconds: 1800, port: 0 });
  });

  it('generates the JWT secret once, mode 0600, and keeps it', () => {
    const tmp = tempDir('gridlink-secret-');
    try {
      const a = resolveJwtSecret(tmp.dir);
      const b = resolveJwtSecret(tmp.dir);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      expect(a.length).toBeGreaterThanOrEqual(32);
      expect(statSync(join(tmp.dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(tmp.dir, 'jwt-secret'), 'utf8').trim()).toBe(new TextDecoder().decode(a));
      expect(new TextDecoder().decode(resolveJwtSecret(tmp.dir, 'x'.repeat(40)))).toBe('x'.repeat(40));
    } finally {
      tmp.remove();
    }
  });
});
