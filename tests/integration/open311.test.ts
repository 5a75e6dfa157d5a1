// Issue 13: Open311 GeoReport v2 conformance at a real relay. Every route in JSON and XML (the XML parsed), error
// bodies as the spec shapes them, bad input refused with nothing created, idempotent re-posts, API keys issued and
// revoked by the administrator only, and no name, phone or staff note in the public answers.
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_DOC } from '../../src/domain/docs.ts';
import type { OrgData } from '../../src/domain/org.ts';
import { readOrg } from '../../src/protocol/orgread.ts';
import { decide } from '../../src/domain/commands.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { HybridClock } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { indexOrg } from '../../src/domain/org.ts';
import { POST_BURST } from '../../server/open311.ts';
import { api, casesDoc, FIXTURE_ORG, login, seedFixture, startTestServer, SyncClient, tempDir, USERS, type TestServer } from './relay-harness.ts';

/** The fixture county with a subcategory that has service fields (0602 道路破损: size required, depth_cm). */
const ORG: OrgData = {
  ...FIXTURE_ORG,
  categories: [...FIXTURE_ORG.categories, { code: '06', name: '城乡建设', nameEn: 'Construction' }],
  subcategories: [...FIXTURE_ORG.subcategories, { code: '0602', major: '06', name: '道路破损', nameEn: 'Damaged roads' }],
};

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
let key = '';
let keyId = '';
let clientId = '';
/** The first request, posted with `key` (its client sees its own text). */
let firstId = '';
const win = new Window();
/** The relay's clock, held still where a test must not see a rate limit's bucket refill (a slow machine). */
let heldMs: number | null = null;

interface Answer {
  status: number;
  text: string;
  json: unknown;
  xml: Document | null;
  type: string;
}

async function o311(path: string, init: { method?: string; form?: Record<string, string>; token?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.form) {
    body = new URLSearchParams(init.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(server.url + path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  let json: unknown = null;
  let xml: Document | null = null;
  if (path.split('?')[0]!.endsWith('.xml')) {
    expect(type).toMatch(/^text\/xml/);
    xml = new win.DOMParser().parseFromString(text, 'text/xml') as unknown as Document;
    expect(xml.querySelector('parsererror'), text).toBeNull();
  } else {
    expect(type).toMatch(/^application\/json/);
    json = JSON.parse(text);
  }
  return { status: res.status, text, json, xml, type };
}

/** The spec's error body, in both formats: a list of {code, description}. */
function expectError(a: Answer, status: number, words?: RegExp): void {
  expect(a.status, a.text).toBe(status);
  if (a.xml) {
    expect(a.xml.documentElement.tagName).toBe('errors');
    const errs = [...a.xml.getElementsByTagName('error')];
    expect(errs.length).toBe(1);
    expect(errs[0]!.getElementsByTagName('code')[0]!.textContent).toBe(String(status));
    if (words) expect(errs[0]!.getElementsByTagName('description')[0]!.textContent).toMatch(words);
  } else {
    const list = a.json as { code: number; description: string }[];
    expect(Array.isArray(list)).toBe(true);
    expect(list).toHaveLength(1);
    expect(list[0]!.code).toBe(status);
    expect(typeof list[0]!.description).toBe('string');
    if (words) expect(list[0]!.description).toMatch(words);
  }
}

const xmlText = (el: Element, name: string) => el.getElementsByTagName(name)[0]?.textContent ?? null;

/** Every request the public list holds (the count before and after a refused post must not change). */
async function count(): Promise<number> {
  const a = await o311('/open311/v2/requests.json');
  return (a.json as unknown[]).length;
}

const good = (extra: Record<string, string> = {}): Record<string, string> => ({
  api_key: key,
  jurisdiction_id: 'gridlink',
  service_code: '0602',
  lat: '41.1201',
  long: '122.0702',
  description: '村口水泥路有个大坑',
  'attribute[size]': 'large',
  'attribute[depth_cm]': '15',
  first_name: '三',
  last_name: '张',
  phone: '+86 138-1234-5678',
  email: 'zhang@example.com',
  media_url: 'https://img.example.com/p/1.jpg',
  ...extra,
});

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, [], ORG);
  server = await startTestServer({ dataDir: tmp.dir, seed: false, now: () => heldMs ?? Date.now() });
  for (const u of ['admin', 'town01', 'town02', 'w0001', 'resident01', 'county']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

describe('API keys', () => {
  it('only the administrator issues, lists and revokes keys', async () => {
    for (const who of ['town01', 'w0001', 'resident01', 'county']) {
      expect((await api(server.url, '/api/open311/keys', { token: tokens[who]!, body: { name: '冒名客户端' } })).status, who).toBe(403);
      expect((await api(server.url, '/api/open311/keys', { token: tokens[who]! })).status, who).toBe(403);
    }
    expect((await api(server.url, '/api/open311/keys', { body: { name: 'x' } })).status).toBe(401);
    expect((await api(server.url, '/api/open311/keys', { token: tokens.admin!, body: { name: '' } })).status).toBe(400);
    const list = await api(server.url, '/api/open311/keys', { token: tokens.admin! });
    expect((list.body as { keys: unknown[] }).keys).toEqual([]);

    const issued = await api(server.url, '/api/open311/keys', { token: tokens.admin!, body: { name: '市民热线小程序' } });
    expect(issued.status).toBe(201);
    const b = issued.body as { id: string; key: string; clientId: string; name: string };
    [key, keyId, clientId] = [b.key, b.id, b.clientId];
    expect(key.length).toBeGreaterThanOrEqual(40);
    const after = await api(server.url, '/api/open311/keys', { token: tokens.admin! });
    const keys = (after.body as { keys: Record<string, unknown>[] }).keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ id: keyId, name: '市民热线小程序', clientId });
    // The key itself is shown once, never listed.
    expect(JSON.stringify(after.body)).not.toContain(key);
  });

  it("the key's client account is in the org directory and nobody can sign in as it", async () => {
    const org = await server.relay.withDoc(ORG_DOC, readOrg);
    expect(org.users.find((u) => u.id === clientId)).toMatchObject({ role: 'resident', name: 'Open311：市民热线小程序' });
    for (const password of ['', '!', 'fixture-pw']) {
      const r = await api(server.url, '/api/login', { body: { username: clientId, password } });
      expect([400, 401]).toContain(r.status);
    }
  });
});

describe('discovery and services', () => {
  it('discovery, JSON and XML', async () => {
    const j = await o311('/open311/discovery.json');
    expect(j.status).toBe(200);
    const d = j.json as { endpoints: { specification: string; url: string; formats: string[] }[] };
    expect(d.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', formats: ['application/json', 'text/xml'] });
    expect(d.endpoints[0]!.url).toBe(`${server.url}/open311/v2`);
    const x = await o311('/open311/discovery.xml');
    expect(x.xml!.documentElement.tagName).toBe('discovery');
    const ep = x.xml!.getElementsByTagName('endpoint')[0]!;
    expect(xmlText(ep, 'specification')).toBe('http://wiki.open311.org/GeoReport_v2');
    expect([...ep.getElementsByTagName('format')].map((f) => f.textContent)).toEqual(['application/json', 'text/xml']);
  });

  it('services: every subcategory, group = its major category, metadata where it has fields', async () => {
    const j = await o311('/open311/v2/services.json');
    const list = j.json as Record<string, unknown>[];
    expect(list.map((s) => s.service_code)).toEqual(['0101', '0602']);
    expect(list[1]).toMatchObject({ service_code: '0602', service_name: '道路破损', metadata: true, type: 'realtime', group: '城乡建设' });
    expect(list[0]).toMatchObject({ metadata: false, group: '综合治理' });
    const x = await o311('/open311/v2/services.xml?jurisdiction_id=gridlink');
    expect(x.xml!.documentElement.tagName).toBe('services');
    const services = [...x.xml!.getElementsByTagName('service')];
    expect(services.map((s) => xmlText(s, 'service_code'))).toEqual(['0101', '0602']);
    expect(xmlText(services[1]!, 'metadata')).toBe('true');
    expect(xmlText(services[1]!, 'group')).toBe('城乡建设');
    expectError(await o311('/open311/v2/services.json?jurisdiction_id=elsewhere'), 404, /jurisdiction_id/);
  });

  it('service definition with attributes; an unknown code is 404 in both formats', async () => {
    const j = await o311('/open311/v2/services/0602.json');
    const def = j.json as { service_code: string; attributes: Record<string, unknown>[] };
    expect(def.service_code).toBe('0602');
    expect(def.attributes.map((a) => [a.code, a.datatype, a.required, a.order])).toEqual([
      ['size', 'singlevaluelist', true, 1],
      ['depth_cm', 'number', false, 2],
    ]);
    expect((def.attributes[0]!.values as { key: string }[]).map((x) => x.key)).toEqual(['small', 'medium', 'large']);
    const x = await o311('/open311/v2/services/0602.xml');
    expect(x.xml!.documentElement.tagName).toBe('service_definition');
    const attrs = [...x.xml!.getElementsByTagName('attribute')];
    expect(attrs.map((a) => xmlText(a, 'code'))).toEqual(['size', 'depth_cm']);
    expect([...attrs[0]!.getElementsByTagName('value')].map((v) => xmlText(v, 'key'))).toEqual(['small', 'medium', 'large']);
    expect((await o311('/open311/v2/services/0101.json')).json).toEqual({ service_code: '0101', attributes: [] });
    expectError(await o311('/open311/v2/services/9999.json'), 404, /9999/);
    expectError(await o311('/open311/v2/services/9999.xml'), 404, /9999/);
    expectError(await o311('/open311/v2/nothing.json'), 404);
    expectError(await o311('/open311/v2/services.json', { method: 'DELETE' }), 405);
  });
});

describe('POST requests', () => {
  it('refuses bad input with a clear error and creates nothing', async () => {
    const before = await count();
    const cases: [Record<string, string>, number, RegExp][] = [
      [good({ api_key: '' }), 403, /api_key/],
      [good({ api_key: 'not-a-key' }), 403, /api_key not valid/],
      [good({ service_code: '9999' }), 404, /service_code 9999/],
      [good({ service_code: '' }), 400, /service_code/],
      [good({ jurisdiction_id: 'elsewhere' }), 404, /jurisdiction_id/],
      [good({ lat: '', long: '' }), 400, /location is required/],
      [good({ lat: '41.12', long: '' }), 400, /lat and long/],
      [good({ lat: '', long: '', address_string: '火星基地' }), 400, /address_string/],
      [good({ lat: '30.0', long: '100.0' }), 400, /outside/],
      [good({ 'attribute[size]': 'huge' }), 400, /attribute/],
      [good({ 'attribute[depth_cm]': '9000' }), 400, /attribute/],
      [good({ 'attribute[colour]': 'red' }), 400, /attribute\[colour\]/],
      [good({ 'attribute[size]': '' }), 400, /attribute\[size\] is required/],
      [good({ phone: '12345' }), 400, /phone/],
      [good({ email: 'not-an-email' }), 400, /email/],
      [good({ media_url: 'javascript:alert(1)' }), 400, /media_url/],
      [good({ surprise: '1' }), 400, /unknown field surprise/],
      [good({ description: '身份证 110101199003074578 的张三' }), 400, /ID number/],
    ];
    for (const [form, status, words] of cases) {
      expectError(await o311('/open311/v2/requests.json', { form }), status, words);
    }
    expectError(await o311('/open311/v2/requests.xml', { form: good({ service_code: '9999' }) }), 404, /service_code/);
    expectError(await o311('/open311/v2/requests.json', { form: good(), token: 'forged.token.value' }), 403, /Bearer/);
    expectError(await o311('/open311/v2/requests.json', { form: { ...good(), description: 'x'.repeat(17_000) } }), 413);
    expect(await count()).toBe(before);
  });

  it('creates a case through decide() with channel open311, contact, attributes and the media URL', async () => {
    const a = await o311('/open311/v2/requests.json', { form: good() });
    expect(a.status, a.text).toBe(201);
    const [r] = a.json as { service_request_id: string; token: string }[];
    expect(r!.service_request_id).toMatch(/^[0-9A-Z]{26}$/);
    firstId = r!.service_request_id;
    const staff = await api(server.url, `/api/cases/${r!.service_request_id}`, { token: tokens.town01! });
    expect(staff.status).toBe(200);
    const c = staff.body as Record<string, unknown>;
    expect(c).toMatchObject({
      category: '0602',
      gridId: 'g0001',
      townId: 't01',
      channel: 'open311',
      reporter: clientId,
      status: 'reported',
      contact: { name: '张三', phone: '13812345678', email: 'zhang@example.com' },
      attributes: { size: 'large', depth_cm: '15' },
      location: { lat: 41.1201, lng: 122.0702 },
    });
    // Staff see the media URL in the description; the relay fetched nothing.
    expect(c.description).toContain('https://img.example.com/p/1.jpg');

    // The token route, both formats.
    const t = await o311(`/open311/v2/tokens/${r!.token}.json`);
    expect(t.json).toEqual([{ service_request_id: r!.service_request_id, token: r!.token }]);
    const tx = await o311(`/open311/v2/tokens/${r!.token}.xml`);
    expect(tx.xml!.documentElement.tagName).toBe('service_requests');
    expect(xmlText(tx.xml!.getElementsByTagName('request')[0]!, 'service_request_id')).toBe(r!.service_request_id);
    expectError(await o311('/open311/v2/tokens/nope.json'), 404);
    expectError(await o311('/open311/v2/tokens/nope.xml'), 404);
  });

  it('address_string alone resolves to the village it names (XML answer)', async () => {
    const x = await o311('/open311/v2/requests.xml', { form: good({ lat: '', long: '', address_string: '二镇二村小学门口', service_code: '0101', 'attribute[size]': '', 'attribute[depth_cm]': '' }) });
    expect(x.status, x.text).toBe(201);
    const req = x.xml!.getElementsByTagName('request')[0]!;
    const id = xmlText(req, 'service_request_id')!;
    expect(xmlText(req, 'token')).toBeTruthy();
    const staff = await api(server.url, `/api/cases/${id}`, { token: tokens.admin! });
    expect(staff.body).toMatchObject({ gridId: 'g0002', townId: 't02', address: '二镇二村小学门口', location: { lat: 41.2, lng: 122.1 } });
  });

  it('re-posts with the same idempotency key give the same request, once; other fields with it are refused', async () => {
    const before = await count();
    const form = good({ idempotency_key: 'client-report-42', description: '路面塌了一块' });
    const first = await o311('/open311/v2/requests.json', { form });
    expect(first.status).toBe(201);
    const again = await o311('/open311/v2/requests.json', { form });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    // The header form of the key, concurrently: still one request.
    const { idempotency_key: _k, ...rest } = form;
    const both = await Promise.all([1, 2, 3].map(() => o311('/open311/v2/requests.json', { form: rest, headers: { 'idempotency-key': 'client-report-43' } })));
    const ids = new Set(both.map((b) => (b.json as { service_request_id: string }[])[0]!.service_request_id));
    expect(ids.size).toBe(1);
    expect(both.map((b) => b.status).sort()).toEqual([200, 200, 201]);
    expect(await count()).toBe(before + 2);
    const changed = await o311('/open311/v2/requests.json', { form: { ...form, description: '另一件事' } });
    expectError(changed, 409, /idempotency_key/);
    expect(await count()).toBe(before + 2);
  });

  it('a re-post after a failure between the key row and the event creates the case once, with the id chosen first', async () => {
    const before = await count();
    const original = server.httpRelay.appendEvents.bind(server.httpRelay);
    server.httpRelay.appendEvents = async () => {
      throw new Error('the relay stopped here');
    };
    const form = good({ idempotency_key: 'client-report-crash', description: '井盖缺了一块' });
    try {
      expectError(await o311('/open311/v2/requests.json', { form }), 500);
    } finally {
      server.httpRelay.appendEvents = original;
    }
    expect(await count()).toBe(before);
    const again = await o311('/open311/v2/requests.json', { form });
    expect(again.status, again.text).toBe(201);
    const third = await o311('/open311/v2/requests.json', { form });
    expect(third.status).toBe(200);
    expect(third.json).toEqual(again.json);
    expect(await count()).toBe(before + 1);
  });

  it("a resident's token makes the case theirs: they follow it in the app", async () => {
    const a = await o311('/open311/v2/requests.json', { form: good({ description: '居民通过第三方应用上报' }), token: tokens.resident01! });
    expect(a.status, a.text).toBe(201);
    const id = (a.json as { service_request_id: string }[])[0]!.service_request_id;
    const mine = await api(server.url, '/api/cases/mine', { token: tokens.resident01! });
    const found = (mine.body as { cases: { id: string; reporter: string }[] }).cases.find((c) => c.id === id);
    expect(found?.reporter).toBe('resident01');
  });

  it('a revoked key is refused at once and creates nothing', async () => {
    const other = await api(server.url, '/api/open311/keys', { token: tokens.admin!, body: { name: '临时客户端' } });
    const k = other.body as { id: string; key: string };
    expect((await o311('/open311/v2/requests.json', { form: good({ api_key: k.key }) })).status).toBe(201);
    expect((await api(server.url, `/api/open311/keys/${k.id}`, { method: 'DELETE', token: tokens.town01! })).status).toBe(403);
    const revoked = await api(server.url, `/api/open311/keys/${k.id}`, { method: 'DELETE', token: tokens.admin! });
    expect(revoked.status).toBe(200);
    expect(typeof (revoked.body as { revokedMs?: number }).revokedMs).toBe('number');
    const before = await count();
    expectError(await o311('/open311/v2/requests.json', { form: good({ api_key: k.key }) }), 403, /api_key not valid/);
    expectError(await o311('/open311/v2/requests.xml', { form: good({ api_key: k.key }) }), 403, /api_key not valid/);
    expect(await count()).toBe(before);
    expect((await api(server.url, '/api/open311/keys/nope', { method: 'DELETE', token: tokens.admin! })).status).toBe(404);
  });
});

describe('GET requests', () => {
  it('lists public requests without names, phones, e-mails or descriptions; the posting client sees its own text', async () => {
    const j = await o311('/open311/v2/requests.json');
    const list = j.json as Record<string, unknown>[];
    expect(list.length).toBeGreaterThanOrEqual(5);
    const text = JSON.stringify(list);
    for (const secret of ['张三', '13812345678', 'zhang@example.com', '大坑', 'img.example.com', '居民一', 'resident01', clientId]) expect(text).not.toContain(secret);
    const r = list.find((x) => x.service_code === '0602')!;
    expect(r).toMatchObject({ status: 'open', service_name: '道路破损', address: '一村 一村第一网格', lat: 41.12, long: 122.07 });
    expect(r.extended_attributes).toMatchObject({ detailed_status: 'reported', stage: 'received', channel: 'open311' });
    expect(r.description).toBeUndefined();

    const own = await o311(`/open311/v2/requests.json?api_key=${encodeURIComponent(key)}&service_request_id=${firstId}`);
    const mine = (own.json as Record<string, unknown>[])[0]!;
    expect(mine).toMatchObject({ description: '村口水泥路有个大坑', media_url: 'https://img.example.com/p/1.jpg', lat: 41.1201, long: 122.0702, attributes: { size: 'large' } });
    // Another request of the same list, without the key: no text.
    const theirs = (await o311(`/open311/v2/requests.json?service_request_id=${firstId}`)).json as Record<string, unknown>[];
    expect(theirs[0]!.description).toBeUndefined();
    expectError(await o311('/open311/v2/requests.json?api_key=wrong'), 403);

    const x = await o311('/open311/v2/requests.xml');
    expect(x.xml!.documentElement.tagName).toBe('service_requests');
    const reqs = [...x.xml!.getElementsByTagName('request')];
    expect(reqs.length).toBe(list.length);
    expect(reqs.map((e) => xmlText(e, 'service_request_id'))).toEqual(list.map((e) => e.service_request_id));
    expect(xmlText(reqs[0]!, 'status')).toMatch(/^(open|closed)$/);
    expect(reqs[0]!.getElementsByTagName('extended_attributes')[0]!.getElementsByTagName('detailed_status')[0]!.textContent).toBeTruthy();
    expect(x.text).not.toContain('13812345678');
  });

  it('filters: service_request_id list, service_code, status, start_date / end_date', async () => {
    const all = (await o311('/open311/v2/requests.json')).json as { service_request_id: string; service_code: string; requested_datetime: string }[];
    const two = all.slice(0, 2).map((r) => r.service_request_id);
    const byIds = (await o311(`/open311/v2/requests.json?service_request_id=${two.join(',')},01ARZ3NDEKTSV4RRFFQ69G5FAV`)).json as { service_request_id: string }[];
    expect(byIds.map((r) => r.service_request_id)).toEqual(two);
    const roads = (await o311('/open311/v2/requests.json?service_code=0602')).json as { service_code: string }[];
    expect(roads.length).toBe(all.filter((r) => r.service_code === '0602').length);
    expect(roads.length).toBeGreaterThan(0);
    expect((await o311('/open311/v2/requests.json?status=closed')).json).toEqual([]);
    expect(((await o311('/open311/v2/requests.json?status=open')).json as unknown[]).length).toBe(all.length);
    expect((await o311('/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z')).json).toEqual([]);
    const today = new Date(Date.now() - 3600_000).toISOString();
    expect(((await o311(`/open311/v2/requests.json?start_date=${today}`)).json as unknown[]).length).toBe(all.length);
    expectError(await o311('/open311/v2/requests.json?status=pending'), 400, /status/);
    expectError(await o311('/open311/v2/requests.json?start_date=yesterday'), 400, /start_date/);
    expectError(await o311('/open311/v2/requests.xml?start_date=2021-01-02&end_date=2021-01-01'), 400);
  });

  it('one request by id in both formats; an unknown id is 404', async () => {
    const all = (await o311('/open311/v2/requests.json')).json as { service_request_id: string }[];
    const id = all[0]!.service_request_id;
    const j = await o311(`/open311/v2/requests/${id}.json`);
    expect((j.json as { service_request_id: string }[]).map((r) => r.service_request_id)).toEqual([id]);
    const x = await o311(`/open311/v2/requests/${id}.xml`);
    expect(x.xml!.documentElement.tagName).toBe('service_requests');
    expect(xmlText(x.xml!.getElementsByTagName('request')[0]!, 'service_request_id')).toBe(id);
    expectError(await o311('/open311/v2/requests/01ARZ3NDEKTSV4RRFFQ69G5FAV.json'), 404);
    expectError(await o311('/open311/v2/requests/01ARZ3NDEKTSV4RRFFQ69G5FAV.xml'), 404);
  });

  it('status closed plus the detailed status once staff finish a case', async () => {
    const all = (await o311('/open311/v2/requests.json?service_code=0101')).json as { service_request_id: string }[];
    const id = all[0]!.service_request_id;
    const rej = await api(server.url, `/api/cases/${id}/commands`, { token: tokens.town02!, body: { type: 'reject', reason: '内部备注：联系人张三已私下处理' } });
    expect(rej.status, JSON.stringify(rej.body)).toBe(200);
    const [r] = (await o311(`/open311/v2/requests/${id}.json`)).json as Record<string, unknown>[];
    expect(r).toMatchObject({ status: 'closed', status_notes: '未受理', extended_attributes: { detailed_status: 'rejected', stage: 'rejected' } });
    expect(JSON.stringify(r)).not.toContain('内部备注');
  });
});

describe('service fields on every path', () => {
  it("an insider's device that syncs a report with an attribute its subcategory lacks is refused (invalid_event)", async () => {
    const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const clock = new HybridClock('dev-w0001', Date.now);
    const caseId = newId(Date.now(), random);
    const d = decide(
      null,
      { type: 'report', category: '0602', description: '路面坑洼', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001', townId: 't01', attributes: { size: 'small' } },
      { actor: USERS.w0001, org: indexOrg(ORG), at: clock.now(), eventId: newId(Date.now(), random), caseId },
    );
    if (!d.ok) throw new Error(d.error);
    const c = new SyncClient(server.wsBase, casesDoc('t01'), tokens.w0001!);
    try {
      await c.synced();
      const answer = c.refused('invalid_event');
      c.append({ ...d.event, data: { ...d.event.data, attributes: { size: 'enormous' } } } as CaseEvent);
      expect(await answer).toMatchObject({ code: 'invalid_event' });
      expect(server.store.caseDoc(caseId)).toBeUndefined();
    } finally {
      c.destroy();
    }
    // And through the staff JSON API, which takes no attributes at all.
    const r = await api(server.url, '/api/cases', { token: tokens.w0001!, body: { category: '0602', description: '坑', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001', attributes: { size: 'x' } } });
    expect(r.status).toBe(400);
  });
});

describe('limits', () => {
  it('posts per api_key: a burst, then 429 with Retry-After in the spec shape; other keys are not affected', async () => {
    const issued = await api(server.url, '/api/open311/keys', { token: tokens.admin!, body: { name: '批量客户端' } });
    const busy = (issued.body as { key: string }).key;
    const before = await count();
    // The burst within one instant of the relay's clock: on a slow machine the bucket would refill meanwhile.
    heldMs = Date.now();
    try {
      // Refused posts count too (nothing is created by these: no location).
      for (let i = 0; i < POST_BURST; i++) expect((await o311('/open311/v2/requests.json', { form: good({ api_key: busy, lat: '', long: '' }) })).status).toBe(400);
      const limited = await o311('/open311/v2/requests.xml', { form: good({ api_key: busy }) });
      expectError(limited, 429, /too many/);
      expect(Number(limited.type && (await fetch(server.url + '/open311/v2/requests.json', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(good({ api_key: busy })).toString() })).headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await count()).toBe(before);
      expect((await o311('/open311/v2/requests.json', { form: good({ description: '另一个客户端不受影响' }) })).status).toBe(201);
    } finally {
      heldMs = null;
    }
  });
});
