// Issue 13: GET /api/public/nearby on a real relay. A resident (an insider with a valid token) sees other people's
// place-type reports near a point, anonymised: category, rounded place, village name, stage, day, and nothing
// else (no ids, names, phones, descriptions, addresses, photos). Reports about persons are never shown. The radius
// cannot be widened past 1000 m, bad input is refused with 400, and an account asking too often gets 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgData } from '../../src/domain/org.ts';
import { NEARBY_RATE } from '../../server/publichttp.ts';
import { major, sub } from '../support/county.ts';
import { api, FIXTURE_ORG, login, seedFixture, startTestServer, tempDir, type TestServer } from './relay-harness.ts';

const PHONE = '13812345678';
const ORG: OrgData = {
  ...FIXTURE_ORG,
  categories: [...FIXTURE_ORG.categories, major('06', '城乡建设', 'Construction')],
  subcategories: [...FIXTURE_ORG.subcategories, sub('0602', '道路破损', 'Damaged roads')],
  units: FIXTURE_ORG.units.map((u) => ({ ...u, categories: [...u.categories, '06'] })),
  users: FIXTURE_ORG.users.map((u) => (u.role === 'resident' ? u : { ...u, phone: PHONE })),
};

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
const HERE = { lat: 41.12, lng: 122.07 };
const SECRET_TEXT = `王大爷家门口路面塌了，电话${PHONE}`;
const ids: Record<string, string> = {};

const report = async (who: string, body: Record<string, unknown>) => {
  const r = await api(server.url, '/api/cases', {
    token: tokens[who]!,
    body: { category: '0602', description: SECRET_TEXT, address: '一村三组王大爷家', location: { lat: 41.12123, lng: 122.07156 }, gridId: 'g0001', ...body },
  });
  if (r.status !== 201) throw new Error(`report ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { id: string }).id;
};
const nearby = (who: string, query: string) => api(server.url, `/api/public/nearby${query}`, { token: tokens[who]! });

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, [], ORG);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['resident01', 'town01', 'town02', 'w0001', 'st01v01']) tokens[u] = await login(server.url, u);
  ids.road = await report('w0001', {});
  // About a person (矛盾纠纷), right here: never public.
  ids.person = await report('w0001', { category: '0101' });
  // A place case 9 km away, in the other town.
  ids.far = await report('town02', { gridId: 'g0002', location: { lat: 41.2, lng: 122.1 } });
  // The resident's own report, then withdrawn: withdrawn cases are not shown.
  ids.withdrawn = await report('resident01', { location: { lat: 41.1205, lng: 122.0705 } });
  const w = await api(server.url, `/api/cases/${ids.withdrawn}/commands`, { token: tokens.resident01!, body: { type: 'withdraw', reason: '已经修好了' } });
  expect(w.status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

describe('GET /api/public/nearby', () => {
  it('shows a resident the place-type cases nearby, anonymised, and nothing else', async () => {
    const r = await nearby('resident01', `?lat=${HERE.lat}&lng=${HERE.lng}`);
    expect(r.status).toBe(200);
    const body = r.body as { radiusM: number; cases: Array<Record<string, unknown>> };
    expect(body.radiusM).toBe(500);
    expect(body.cases).toHaveLength(1);
    const c = body.cases[0]!;
    expect(Object.keys(c).sort()).toEqual(['category', 'day', 'distanceM', 'place', 'stage']);
    expect(c.category).toBe('0602');
    expect(c.stage).toBe('received');
    // Rounded to 0.001 degree (41.12123 -> 41.121), with the village's public name.
    expect(c.place).toEqual({ lat: 41.121, lng: 122.072, village: '一村' });
    expect(c.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(c.distanceM).toBe(200);
    const text = JSON.stringify(r.body);
    for (const secret of [PHONE, '王大爷', '一村三组', 'w0001', '网格员一', ...Object.values(ids), '41.12123', '122.07156']) expect(text, secret).not.toContain(secret);
    expect(text).not.toMatch(/"(id|description|address|photos|voice|reporter|timeline|unitId|actor|phone|name)"/);
  });

  it('answers staff the same (no more for an insider)', async () => {
    const r = await nearby('town01', `?lat=${HERE.lat}&lng=${HERE.lng}&radius=1000`);
    expect(r.status).toBe(200);
    expect((r.body as { cases: unknown[] }).cases).toHaveLength(1);
    expect(JSON.stringify(r.body)).not.toContain(ids.road!);
  });

  it('finds the far case only near it', async () => {
    const r = await nearby('resident01', '?lat=41.2&lng=122.1');
    expect((r.body as { cases: Array<{ place: { village?: string } }> }).cases.map((c) => c.place.village)).toEqual(['二村']);
  });

  it('refuses a wider radius, malformed or extra parameters (400), and no token (401)', async () => {
    for (const q of [
      '?lat=41.12&lng=122.07&radius=1001',
      '?lat=41.12&lng=122.07&radius=100000',
      '?lat=41.12&lng=122.07&radius=50',
      '?lat=41.12&lng=122.07&radius=1e3',
      '?lat=41.12&lng=122.07&limit=1000',
      '?lat=41.12&lat=41.2&lng=122.07',
      '?lat=41.12',
      '?lat=abc&lng=122.07',
      '?lat=91&lng=122.07',
      '?lat=41.12&lng=181',
      '?lat=&lng=122.07',
      '?lat=4e1&lng=122.07',
      '',
    ]) {
      const r = await nearby('st01v01', q);
      expect(r.status, q).toBe(400);
      expect(r.body).toEqual({ error: 'bad_request' });
    }
    const anon = await api(server.url, '/api/public/nearby?lat=41.12&lng=122.07');
    expect(anon.status).toBe(401);
    const post = await api(server.url, '/api/public/nearby?lat=41.12&lng=122.07', { token: tokens.resident01!, body: {} });
    expect(post.status).toBe(405);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await api(server.url, '/api/openapi.json')).body as { paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }> };
    expect(doc.paths['/api/public/nearby']?.get?.parameters?.map((p) => p.name)).toEqual(['lat', 'lng', 'radius']);
  });

  it('limits how often one account may ask (429 with Retry-After), not the others', async () => {
    const token = await login(server.url, 'w0001');
    let last = 0;
    for (let i = 0; i < NEARBY_RATE.max + 1; i++) {
      const r = await api(server.url, `/api/public/nearby?lat=41.${100 + i}&lng=122.07`, { token });
      last = r.status;
      if (i < NEARBY_RATE.max) expect(r.status, `request ${i + 1}`).toBe(200);
      else expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(last).toBe(429);
    // Another account is not slowed down.
    expect((await nearby('resident01', '?lat=41.12&lng=122.07')).status).toBe(200);
  });
});
