// Issue 15: GET /api/audit.csv at a real relay on port 0. An administrator gets the audit log as a CSV file (UTF-8
// with a byte order mark, CRLF lines, Chinese labels and names) with the filters of GET /api/audit; a username an
// attacker typed at sign-in ("=cmd...") comes out escaped so a spreadsheet never runs it; a town center is refused;
// the export is itself in the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTION_LABELS } from '../../src/domain/auditlog.ts';
import { AUDIT_ACTIONS } from '../../server/audit.ts';
import { api, login, startTestServer, type TestServer } from './relay-harness.ts';

let server: TestServer;
const tokens: Record<string, string> = {};

type Entry = { seq: number; at: number; actor: string | null; action: string; target: string | null; detail: Record<string, unknown> };

beforeAll(async () => {
  server = await startTestServer({ tokenTtl: 3600 });
  // A failed sign-in whose username is a spreadsheet formula (recorded as the target, as typed).
  expect((await api(server.url, '/api/login', { body: { username: '=cmd|/c calc!A1', password: 'nope' } })).status).toBe(401);
  for (const u of ['admin', 'town01']) tokens[u] = await login(server.url, u);
  // An account change, so the account group has something to show.
  const r = await api(server.url, '/api/accounts', { token: tokens.admin!, body: { username: 'w9101', name: '导出测试员', role: 'worker', gridId: 'g0001' } });
  expect(r.status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
});

/** The raw answer: bytes (Response.text() would drop the byte order mark) and headers. */
async function csv(query: string, who = 'admin'): Promise<{ status: number; bytes: Uint8Array; text: string; headers: Headers }> {
  const res = await fetch(`${server.url}/api/audit.csv${query}`, { headers: { authorization: `Bearer ${tokens[who]!}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, bytes, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), headers: res.headers };
}
const lines = (text: string) => text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);

describe('GET /api/audit.csv', () => {
  it('gives an administrator the log as UTF-8 CSV with a byte order mark, CRLF lines and a Chinese header', async () => {
    const r = await csv('');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="gridlink-audit-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect([...r.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(r.text.endsWith('\r\n')).toBe(true);
    expect(r.text.replace(/\r\n/g, '')).not.toContain('\n');
    const all = lines(r.text);
    expect(all[0]).toBe('序号,时间（北京时间）,操作人,操作,操作代码,对象,地址,详情');
    // Newest first: the account created last comes before the sign-ins; labels and names in Chinese.
    const created = all.findIndex((l) => l.includes(',新建账号,account.created,'));
    const signedIn = all.findIndex((l) => l.includes(',登录成功,login.ok,'));
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(signedIn);
    expect(all[created]).toContain('管理员（admin）');
    expect(all[created]).toContain('导出测试员（w9101）');
    expect(all[created]).toMatch(/角色：网格员；/);
    expect(all[created]).toMatch(/^\d+,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},/);
  });

  it('escapes a typed username that a spreadsheet would run as a formula', async () => {
    const r = await csv('?action=login.failed');
    const row = lines(r.text).find((l) => l.includes('login.failed'));
    expect(row).toBeDefined();
    // The cell starts with an apostrophe (domain escapeFormula); no cell starts with a bare '='.
    expect(row).toContain(",'=cmd|/c calc!A1,");
    expect(row!.split(',').some((c) => c.startsWith('='))).toBe(false);
    expect(row).toContain('原因：用户名或密码错误');
  });

  it('respects the filters: an action group, an actor, a period', async () => {
    const group = lines((await csv('?action=account.')).text).slice(1);
    expect(group.length).toBeGreaterThan(0);
    expect(group.every((l) => l.split(',')[4]!.startsWith('account.'))).toBe(true);

    const byTown = lines((await csv('?actor=town01')).text).slice(1);
    expect(byTown.length).toBeGreaterThan(0);
    expect(byTown.every((l) => l.split(',')[2] === '一镇中心（town01）')).toBe(true);

    const future = Date.now() + 3_600_000;
    expect(lines((await csv(`?from=${future}`)).text)).toHaveLength(1); // the header only
    // A typo is refused, not answered with a wider file.
    expect((await csv('?acton=login.ok')).status).toBe(400);
    expect((await csv('?from=yesterday')).status).toBe(400);
  });

  it('refuses a town center and a request without a token', async () => {
    expect((await csv('', 'town01')).status).toBe(403);
    expect((await fetch(`${server.url}/api/audit.csv`)).status).toBe(401);
  });

  it('records each export in the audit log (action export, target audit.csv, the filter and rows)', async () => {
    const r = await csv('?action=account.');
    const rows = lines(r.text).length - 1;
    const log = await api(server.url, '/api/audit?action=export&target=audit.csv&limit=1', { token: tokens.admin! });
    expect(log.status).toBe(200);
    const [last] = (log.body as { entries: Entry[] }).entries;
    expect(last).toMatchObject({ actor: 'admin', action: 'export', target: 'audit.csv', detail: { filter: { action: 'account.' }, rows } });
    // A refused export is not recorded as one.
    await csv('', 'town01');
    const again = await api(server.url, '/api/audit?action=export&target=audit.csv', { token: tokens.admin! });
    expect((again.body as { entries: Entry[] }).entries.every((e) => e.actor === 'admin')).toBe(true);
  });

  it('has a Chinese label for every action the relay records', () => {
    for (const a of AUDIT_ACTIONS) expect(AUDIT_ACTION_LABELS[a], a).toBeDefined();
  });
});
