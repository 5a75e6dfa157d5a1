// Issue 13, resident accounts at a real relay on port 0: sign-up by invitation code and by SMS code, sign-in by
// phone, invitation codes in the hands of insiders (a resident, a worker, a secretary of another village, another
// town), codes that expired, ran out or were revoked, answers that never tell whether a number has an account,
// rate limits, the new resident live in the org directory, cases followed on one's behalf, and progress texts at
// most once per case and stage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newId } from '../../src/domain/ids.ts';
import type { UserInfo } from '../../src/domain/org.ts';
import type { SmsSender } from '../../server/sms.ts';
import { MAX_ACCOUNTS_PER_PHONE, RESIDENT_LIMITS } from '../../server/residents.ts';
import { Actor, api, casesDoc, login, startTestServer, SyncClient, USERS, waitFor, type TestServer } from './relay-harness.ts';

/** A sender that reaches phones (as a provider would) and keeps what it sent. */
class CapturingSender implements SmsSender {
  readonly transport = 'test';
  readonly reachesPhones = true;
  sent: Array<{ to: string; text: string }> = [];
  async send(to: string, text: string): Promise<void> {
    this.sent.push({ to, text });
  }
  codeFor(phone: string): string {
    const last = [...this.sent].reverse().find((m) => m.to === phone);
    return /(\d{6})/.exec(last?.text ?? '')?.[1] ?? '';
  }
}

const HOUR = 3600_000;
let clock = Date.now();
const sms = new CapturingSender();
let server: TestServer;
const tokens: Record<string, string> = {};
/** Move the relay's clock past every rate-limit window (a fresh start for the next test). */
const later = (ms = 25 * HOUR) => {
  clock += ms;
};

beforeAll(async () => {
  server = await startTestServer({ now: () => clock, smsSender: sms, tokenTtl: 30 * 24 * 3600 });
  for (const u of ['admin', 'town01', 'town02', 'w0001', 'st01v01', 'resident01', 'unit001']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
});

const post = (path: string, body: unknown, token?: string) => api(server.url, path, { body, ...(token ? { token } : {}) });
const issue = (who: string, body: Record<string, unknown>) => post('/api/invites', body, tokens[who]);
const signupInvite = (phone: string, invite: string, name = '张大爷', password = 'good-pass-1') => post('/api/signup', { phone, password, name, invite });

describe('invitation codes and insiders', () => {
  it('a resident and a grid worker cannot issue, list or revoke codes', async () => {
    for (const who of ['resident01', 'w0001', 'unit001']) {
      expect((await issue(who, { villageId: 't01v01' })).status, who).toBe(403);
      expect((await api(server.url, '/api/invites', { token: tokens[who]! })).status, who).toBe(403);
    }
    expect((await api(server.url, '/api/invites')).status).toBe(401);
  });

  it('a secretary issues for their own village only; a town center for its town; admin for any', async () => {
    const own = await issue('st01v01', { villageId: 't01v01', days: 7, maxUses: 3 });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ villageId: 't01v01', townId: 't01', maxUses: 3, uses: 0, state: 'active', createdBy: USERS.st01v01.id });
    expect((own.body as { code: string }).code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect((await issue('st01v01', { villageId: 't02v01' })).status).toBe(403);
    expect((await issue('town01', { villageId: 't01v01' })).status).toBe(201);
    expect((await issue('town01', { villageId: 't02v01' })).status).toBe(403);
    expect((await issue('admin', { villageId: 't02v01' })).status).toBe(201);
    expect((await issue('admin', { villageId: 'nowhere' })).status).toBe(400);
    expect((await issue('admin', { villageId: 't01v01', maxUses: 0 })).status).toBe(400);
    // Lists: each sees only the villages they manage.
    const listed = (who: string) => api(server.url, '/api/invites', { token: tokens[who]! }).then((r) => (r.body as { invites: Array<{ villageId: string }> }).invites);
    expect((await listed('st01v01')).every((i) => i.villageId === 't01v01')).toBe(true);
    expect((await listed('town02')).every((i) => i.villageId === 't02v01')).toBe(true);
    expect((await listed('town02')).length).toBe(1);
    // Another town's center cannot revoke the secretary's code (and is not told it exists).
    const code = (own.body as { code: string }).code;
    expect((await api(server.url, `/api/invites/${code}`, { method: 'DELETE', token: tokens.town02! })).status).toBe(404);
    expect((await api(server.url, `/api/invites/${code}`, { method: 'DELETE', token: tokens.st01v01! })).body).toMatchObject({ state: 'revoked' });
  });

  it('expired, used-up, revoked and unknown codes are refused alike, and nothing is created', async () => {
    later();
    const once = (await issue('st01v01', { villageId: 't01v01', maxUses: 1 })).body as { code: string };
    const short = (await issue('st01v01', { villageId: 't01v01', days: 1 })).body as { code: string };
    const revoked = (await issue('st01v01', { villageId: 't01v01' })).body as { code: string };
    await api(server.url, `/api/invites/${revoked.code}`, { method: 'DELETE', token: tokens.st01v01! });
    expect((await signupInvite('13900000001', once.code)).status).toBe(201);
    clock += 25 * HOUR; // `short` has expired
    const before = server.store.usersByRole().resident;
    for (const code of [once.code, short.code, revoked.code, 'ABCD2345']) {
      const r = await signupInvite('13900000002', code);
      expect(r.status, code).toBe(400);
      expect(r.body, code).toEqual({ error: 'bad_invite' });
    }
    expect(server.store.usersByRole().resident).toBe(before);
    const states = (await api(server.url, '/api/invites', { token: tokens.st01v01! })).body as { invites: Array<{ code: string; state: string }> };
    const stateOf = (c: string) => states.invites.find((i) => i.code === c)?.state;
    expect([stateOf(once.code), stateOf(short.code), stateOf(revoked.code)]).toEqual(['used_up', 'expired', 'revoked']);
  });
});

describe('sign-up by invitation code', () => {
  it('places the resident in the village, puts them in the org directory live, and signs in by phone', async () => {
    later();
    const staff = new SyncClient(server.wsBase, 'org', tokens.town01!);
    await waitFor(staff, () => staff.provider.synced, 'org synced');
    const code = ((await issue('st01v01', { villageId: 't01v01' })).body as { code: string }).code;
    // Typed in lower case with a space, the phone with +86 and dashes: both are normalised.
    const r = await signupInvite('+86 139-1111-2222', `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`, '李阿姨', 'li-ayi-2024');
    expect(r.status).toBe(201);
    const { token, user } = r.body as { token: string; user: UserInfo };
    expect(user).toMatchObject({ role: 'resident', name: '李阿姨', townId: 't01', villageId: 't01v01', phone: '13911112222' });
    expect(user.phoneVerified).toBeUndefined();
    const users = staff.doc.getMap<UserInfo>('users');
    await waitFor(staff, () => users.has(user.id), 'the new resident in the org directory');
    expect(users.get(user.id)).toMatchObject({ name: '李阿姨', role: 'resident', phone: '13911112222', villageId: 't01v01' });
    staff.provider.destroy();
    // The token works, and the phone signs in (any spelling of it).
    expect((await api(server.url, '/api/me', { token })).body).toMatchObject({ user: { id: user.id, phone: '13911112222' }, docs: [] });
    const byPhone = await post('/api/login', { username: '139 1111 2222', password: 'li-ayi-2024' });
    expect(byPhone.status).toBe(200);
    expect((byPhone.body as { user: UserInfo }).user.id).toBe(user.id);
    expect((await post('/api/login', { username: '13911112222', password: 'wrong-pass-1' })).status).toBe(401);
  });

  it('refuses bad input with a clear error and creates nothing', async () => {
    later();
    const code = ((await issue('st01v01', { villageId: 't01v01' })).body as { code: string }).code;
    const before = server.store.usersByRole().resident;
    expect((await signupInvite('12345', code)).body).toEqual({ error: 'bad_phone' });
    expect((await signupInvite('13911113333', code, '王', 'short')).body).toEqual({ error: 'weak_password' });
    expect((await signupInvite('13911113333', code, '王', '13911113333')).body).toEqual({ error: 'weak_password' });
    expect((await post('/api/signup', { phone: '13911113333', password: 'good-pass-1', name: '王' })).body).toEqual({ error: 'bad_request' });
    expect((await post('/api/signup', { phone: '13911113333', password: 'good-pass-1', name: '', invite: code })).body).toEqual({ error: 'bad_request' });
    expect(server.store.usersByRole().resident).toBe(before);
  });
});

describe('never telling whether a number has an account', () => {
  const EXISTS = '13922223333';
  const NEW = '13922224444';

  it('code requests, sign-ups and sign-ins answer alike for a known and an unknown number', async () => {
    later();
    const code = ((await issue('st01v01', { villageId: 't01v01', maxUses: 10 })).body as { code: string }).code;
    expect((await signupInvite(EXISTS, code)).status).toBe(201);
    // A code request: the same answer, and a code is sent to both.
    const a = await post('/api/signup/code', { phone: EXISTS });
    const b = await post('/api/signup/code', { phone: NEW });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body).toEqual(b.body);
    expect(sms.codeFor(EXISTS)).toMatch(/^\d{6}$/);
    expect(sms.codeFor(NEW)).toMatch(/^\d{6}$/);
    // A sign-up with the invitation code: a new account for either (a household may share a phone).
    const c = await signupInvite(EXISTS, code, '张大妈', 'other-pass-2');
    const d = await signupInvite(NEW, code, '赵', 'other-pass-2');
    expect([c.status, d.status]).toEqual([201, 201]);
    // A wrong password: the same answer, and about the same time.
    const timed = async (phone: string) => {
      const t0 = performance.now();
      const r = await post('/api/login', { username: phone, password: 'not-the-pass' });
      return { r, ms: performance.now() - t0 };
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      const k = await timed(EXISTS);
      const u = await timed('13922225555');
      expect(k.r.status).toBe(401);
      expect(k.r.body).toEqual(u.r.body);
      known.push(k.ms);
      unknown.push(u.ms);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    // Both cost MAX_ACCOUNTS_PER_PHONE scrypt checks; generous bounds for a shared CI machine.
    expect(median(known) / median(unknown)).toBeGreaterThan(0.4);
    expect(median(known) / median(unknown)).toBeLessThan(2.5);
    // Each of the two accounts on the shared phone signs in with its own password.
    const first = await post('/api/login', { username: EXISTS, password: 'good-pass-1' });
    const second = await post('/api/login', { username: EXISTS, password: 'other-pass-2' });
    expect((first.body as { user: UserInfo }).user.name).toBe('张大爷');
    expect((second.body as { user: UserInfo }).user.name).toBe('张大妈');
  });
});

describe('accounts per phone', () => {
  it('a phone carries at most MAX_ACCOUNTS_PER_PHONE accounts; one more is refused like a rate limit', async () => {
    later();
    const code = ((await issue('st01v01', { villageId: 't01v01', maxUses: 10 })).body as { code: string }).code;
    const phone = '13988880000';
    for (let i = 0; i < MAX_ACCOUNTS_PER_PHONE; i++) expect((await signupInvite(phone, code, `户${i}`, `house-pass-${i}`)).status).toBe(201);
    const over = await signupInvite(phone, code, '再一个', 'house-pass-x');
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ error: 'too_many_attempts' });
    expect(server.store.residentsByPhone(phone, 10)).toHaveLength(MAX_ACCOUNTS_PER_PHONE);
  });
});

describe('rate limits', () => {
  it('one code a minute per phone, ten an hour per address', async () => {
    later();
    expect((await post('/api/signup/code', { phone: '13933330000' })).status).toBe(202);
    const again = await post('/api/signup/code', { phone: '13933330000' });
    expect(again.status).toBe(429);
    expect(again.body).toEqual({ error: 'too_many_attempts' });
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 1; i < 10; i++) expect((await post('/api/signup/code', { phone: `1393333000${i}` })).status).toBe(202);
    expect((await post('/api/signup/code', { phone: '13933331111' })).status).toBe(429);
    clock += HOUR;
    expect((await post('/api/signup/code', { phone: '13933331111' })).status).toBe(202);
  });

  it('ten wrong invitation codes lock the address out, even with a good code', async () => {
    later();
    const good = ((await issue('st01v01', { villageId: 't01v01' })).body as { code: string }).code;
    for (let i = 0; i < 10; i++) expect((await signupInvite('13944440000', `WRONG${String(i).padStart(3, '2')}`.slice(0, 8))).status).toBe(400);
    const locked = await signupInvite('13944440000', good);
    expect(locked.status).toBe(429);
    clock += 16 * 60_000;
    expect((await signupInvite('13944440000', good)).status).toBe(201);
  });

  it('at most RESIDENT_LIMITS.signupsPerClientPerHour sign-up attempts an hour per address', async () => {
    later();
    const statuses: number[] = [];
    for (let i = 0; i <= RESIDENT_LIMITS.signupsPerClientPerHour; i++) statuses.push((await post('/api/signup', { phone: 'x', password: 'y', name: 'z', code: '000000' })).status);
    expect(statuses.slice(0, -1).every((s) => s === 400)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('an SMS code allows five wrong tries, then is void', async () => {
    later();
    const phone = '13955550000';
    expect((await post('/api/signup/code', { phone })).status).toBe(202);
    const right = sms.codeFor(phone);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await post('/api/signup', { phone, password: 'good-pass-1', name: '钱', code: wrong })).body).toEqual({ error: 'bad_code' });
    expect((await post('/api/signup', { phone, password: 'good-pass-1', name: '钱', code: right })).body).toEqual({ error: 'bad_code' });
  });
});

describe('sign-up by SMS code, cases on one\'s behalf, progress texts', () => {
  const PHONE = '13966667777';
  let resident: { token: string; user: UserInfo };

  it('a code proves the phone', async () => {
    later();
    expect((await api(server.url, '/api/signup/options')).body).toEqual({ sms: true, invite: true, passwordMin: 8 });
    expect((await post('/api/signup/code', { phone: PHONE })).status).toBe(202);
    const r = await post('/api/signup', { phone: PHONE, password: 'sun-laoshi-9', name: '孙老师', code: sms.codeFor(PHONE), villageId: 't01v01' });
    expect(r.status).toBe(201);
    resident = r.body as typeof resident;
    expect(resident.user).toMatchObject({ phoneVerified: true, villageId: 't01v01', phone: PHONE });
    // Verified: progress texts on by default; the resident may turn them off and on.
    expect((await api(server.url, '/api/me/prefs', { token: resident.token })).body).toMatchObject({ smsProgress: true, phoneVerified: true, mobile: true });
    expect((await api(server.url, '/api/me/prefs', { method: 'PUT', token: resident.token, body: { smsProgress: false } })).body).toMatchObject({ smsProgress: false });
    expect((await api(server.url, '/api/me/prefs', { method: 'PUT', token: resident.token, body: { smsProgress: true } })).body).toMatchObject({ smsProgress: true });
    expect((await api(server.url, '/api/me/prefs', { token: tokens.w0001! })).status).toBe(403);
  });

  it('follows a case a grid worker reported on their behalf, and is texted each stage once', async () => {
    // The worker reports by phone for 孙老师 (代报) from their device.
    const worker = new SyncClient(server.wsBase, casesDoc('t01', clock), tokens.w0001!);
    await waitFor(worker, () => worker.provider.synced, 'cases synced');
    const actor = new Actor(USERS.w0001);
    const proxy = actor.act(null, newId(Date.now(), (n) => crypto.getRandomValues(new Uint8Array(n))), {
      type: 'report',
      category: '0101',
      description: '孙老师来电：路灯坏了',
      location: { lat: 41.12, lng: 122.07 },
      gridId: 'g0001',
      townId: 't01',
      onBehalf: { name: '孙老师', phone: PHONE, via: 'phone' },
    } as never);
    worker.append(proxy.event);
    await waitFor(worker, () => worker.saved, 'report saved');
    worker.provider.destroy();
    const id = proxy.state.id;
    // Followed: in the resident's list and readable, marked as on their behalf; not for an unverified account.
    const mine = (await api(server.url, '/api/cases/mine', { token: resident.token })).body as { cases: Array<{ id: string; followsOnBehalf?: boolean }> };
    expect(mine.cases.find((c) => c.id === id)).toMatchObject({ followsOnBehalf: true });
    const one = await api(server.url, `/api/cases/${id}`, { token: resident.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, followsOnBehalf: true });
    expect((await api(server.url, `/api/cases/${id}`, { token: tokens.resident01! })).status).toBe(403);

    const texts = () => sms.sent.filter((m) => m.to === PHONE && m.text.includes(id.slice(-6)));
    const until = async (n: number) => {
      for (let i = 0; i < 100 && texts().length < n; i++) await new Promise((r) => setTimeout(r, 20));
      return texts();
    };
    expect((await until(1)).map((m) => m.text)).toEqual([expect.stringContaining('已收到')]);
    const cmd = (who: string, body: Record<string, unknown>) => api(server.url, `/api/cases/${id}/commands`, { token: tokens[who]!, body });
    expect((await cmd('town01', { type: 'accept' })).status).toBe(200);
    expect((await cmd('town01', { type: 'dispatch', unitId: 'u001' })).status).toBe(200);
    await until(3);
    // The unit returns it: the case is 已受理 again, which was told already: no second text.
    expect((await cmd('unit001', { type: 'return', reason: '不属于本单位' })).status).toBe(200);
    expect((await cmd('town01', { type: 'dispatch', unitId: 'u001' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const sent = texts().map((m) => m.text);
    expect(sent).toHaveLength(3);
    expect(sent[1]).toContain('已受理');
    expect(sent[2]).toContain('已派给县水务局');
    expect(sent[0]).toMatch(/^【网格通】/);
    // The admin reads the log; nobody else does.
    const log = await api(server.url, `/api/sms/log?caseId=${id}`, { token: tokens.admin! });
    expect((log.body as { messages: Array<{ stage: string; status: string }> }).messages.map((m) => m.stage)).toEqual(['dispatched', 'accepted', 'received']);
    expect((await api(server.url, '/api/sms/log', { token: tokens.town01! })).status).toBe(403);
    expect((await api(server.url, '/api/sms/log', { token: resident.token })).status).toBe(403);
  });

  it('a resident who opted out gets no text for their own report', async () => {
    await api(server.url, '/api/me/prefs', { method: 'PUT', token: resident.token, body: { smsProgress: false } });
    const r = await api(server.url, '/api/cases', { token: resident.token, body: { category: '0101', description: '垃圾没人收', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' } });
    expect(r.status).toBe(201);
    const id = (r.body as { id: string }).id;
    expect((await api(server.url, `/api/cases/${id}/commands`, { token: tokens.town01!, body: { type: 'accept' } })).status).toBe(200);
    await new Promise((res) => setTimeout(res, 200));
    expect(sms.sent.filter((m) => m.text.includes(id.slice(-6)))).toEqual([]);
  });
});

describe('without a sender that reaches phones', () => {
  it('offers invitation codes only and refuses code requests', async () => {
    const plain = await startTestServer({});
    try {
      expect((await api(plain.url, '/api/signup/options')).body).toMatchObject({ sms: false, invite: true });
      expect((await api(plain.url, '/api/signup/code', { body: { phone: '13977778888' } })).body).toEqual({ error: 'sms_unavailable' });
    } finally {
      await plain.stop();
    }
  });
});


