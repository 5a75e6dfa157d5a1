// Issue 14: a user's settings travel with their account (GET/PUT /api/me/settings at a real relay on port 0):
// patches, bad input refused whole, the size limit, an insider who tries to write someone else's settings, and a
// resident's birth year given at sign-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestServer, type TestServer } from './relay-harness.ts';

let server: TestServer;
const tokens: Record<string, string> = {};
const settings = (who: string) => api(server.url, '/api/me/settings', { token: tokens[who]! });
const put = (who: string, body: unknown) => api(server.url, '/api/me/settings', { method: 'PUT', token: tokens[who]!, body });

beforeAll(async () => {
  server = await startTestServer({});
  for (const u of ['w0001', 'st01v01', 'resident01']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
});

describe('GET/PUT /api/me/settings', () => {
  it('starts empty, takes a patch, keeps the fields a later patch does not name, and removes a field set to null', async () => {
    expect((await settings('w0001')).body).toEqual({ settings: {}, updatedMs: null });
    const a = await put('w0001', { lang: 'en', elder: 'larger', guidance: 'brief' });
    expect(a.status).toBe(200);
    expect((a.body as { settings: unknown }).settings).toEqual({ lang: 'en', elder: 'larger', guidance: 'brief' });
    await put('w0001', { elder: 'on', lang: null });
    const b = (await settings('w0001')).body as { settings: unknown; updatedMs: number };
    expect(b.settings).toEqual({ elder: 'on', guidance: 'brief' });
    expect(typeof b.updatedMs).toBe('number');
  });

  it('refuses a wrong patch whole (unknown field, wrong value, wrong type, not an object, not JSON) and changes nothing', async () => {
    await put('st01v01', { elder: 'on' });
    const bad: unknown[] = [
      { elder: 'huge' },
      { elder: 'off', colour: 'red' },
      { lang: 'fr' },
      { guidance: true },
      { birthYear: 1850 },
      { birthYear: 3000 },
      { birthYear: 1950.5 },
      { birthYear: '1950' },
      { elderOffer: 'maybe' },
      ['elder', 'on'],
      'on',
      null,
    ];
    for (const body of bad) expect((await put('st01v01', body)).status, JSON.stringify(body)).toBe(400);
    expect((await api(server.url, '/api/me/settings', { method: 'PUT', token: tokens.st01v01!, rawBody: '{"elder":' })).status).toBe(400);
    expect((await settings('st01v01')).body).toMatchObject({ settings: { elder: 'on' } });
  });

  it('refuses a body over the size limit (413) and every call without a valid token (401)', async () => {
    expect((await put('st01v01', { elder: 'on', pad: 'x'.repeat(2000) })).status).toBe(413);
    expect((await api(server.url, '/api/me/settings')).status).toBe(401);
    expect((await api(server.url, '/api/me/settings', { method: 'PUT', body: { elder: 'on' } })).status).toBe(401);
    expect((await api(server.url, '/api/me/settings', { token: 'not-a-token' })).status).toBe(401);
  });

  it("an insider cannot write (or read) another user's settings: no route takes a user id, and a body naming one is refused", async () => {
    await put('resident01', { elder: 'off', birthYear: 1958 });
    const before = (await settings('resident01')).body;
    // The grid worker tries: a user id in the body, in the query, in the path.
    expect((await put('w0001', { userId: 'resident01', elder: 'larger' })).status).toBe(400);
    expect((await put('w0001', { user: { id: 'resident01' }, elder: 'larger' })).status).toBe(400);
    const viaQuery = await api(server.url, '/api/me/settings?userId=resident01', { method: 'PUT', token: tokens.w0001!, body: { elder: 'larger' } });
    expect(viaQuery.status).toBe(200); // the query is not read: this wrote the worker's own settings
    expect((await api(server.url, '/api/users/resident01/settings', { method: 'PUT', token: tokens.w0001!, body: { elder: 'larger' } })).status).toBe(404);
    expect((await api(server.url, '/api/me/settings/resident01', { token: tokens.w0001! })).status).toBe(404);
    expect((await settings('resident01')).body).toEqual(before);
    expect((await settings('w0001')).body).toMatchObject({ settings: { elder: 'larger' } });
  });
});

describe('birth year at sign-up', () => {
  it('is kept with the new account and checked like the setting', async () => {
    const invite = await api(server.url, '/api/invites', { token: tokens.st01v01!, body: { villageId: 't01v01' } });
    const code = (invite.body as { code: string }).code;
    const base = { phone: '13911110000', password: 'good-pass-1', name: '王奶奶', invite: code };
    expect((await api(server.url, '/api/signup', { body: { ...base, birthYear: 1890 } })).status).toBe(400);
    const r = await api(server.url, '/api/signup', { body: { ...base, birthYear: 1955 } });
    expect(r.status).toBe(201);
    const token = (r.body as { token: string }).token;
    expect((await api(server.url, '/api/me/settings', { token })).body).toMatchObject({ settings: { birthYear: 1955 } });
  });
});
