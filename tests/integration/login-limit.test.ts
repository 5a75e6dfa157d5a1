// Repeated failed sign-ins are slowed down (server/ratelimit.ts): 429 with Retry-After, the right password too while
// locked, other people unaffected, and the app tells the person what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../../src/app/session.ts';
import { api, PASSWORD, startTestServer, type TestServer } from './relay-harness.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const attempt = (username: string, password: string) => api(server.url, '/api/login', { body: { username, password } });

describe('sign-in rate limit', () => {
  it('locks a username after five wrong passwords, even for the right one, and leaves others alone', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('w0001', `wrong-${i}`)).status).toBe(401);
    const locked = await attempt('w0001', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ error: 'too_many_attempts' });
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(29);
    expect(retry).toBeLessThanOrEqual(30);
    // The name is matched without case or spaces; other people still sign in.
    expect((await attempt(' W0001 ', PASSWORD)).status).toBe(429);
    expect((await attempt('w0002', PASSWORD)).status).toBe(200);
  });

  it('the app reports the lock instead of trying the offline unlock', async () => {
    for (let i = 0; i < 5; i++) await attempt('town01', 'nope');
    const auth = createAuthService({ baseUrl: server.url, fetch: globalThis.fetch, transport: null, namespace: `limit${Date.now().toString(36)}` });
    try {
      expect(await auth.login('town01', PASSWORD)).toEqual({ ok: false, error: 'too_many_attempts' });
    } finally {
      await auth.dispose();
    }
  });
});
