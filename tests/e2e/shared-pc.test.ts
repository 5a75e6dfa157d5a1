/**
 * Issue 14, shared PC end to end in Debian chromium, one browser profile: grid worker A (w0001) marks the device
 * shared at the first sign-in, reports a case offline and signs out with the change unsent; town center B (town02,
 * another town) signs in on the same profile and finds none of A's data in any IndexedDB database (names and
 * contents), the DOM or Cache Storage; A signs in again and the change reaches the relay.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { apiToken, closeAll, launchBrowser, newPage, serviceWorkerActivated, signIn, startApp, storedDoc, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

/** A doc of the relay's store as text (its update bytes read as UTF-8, as Yjs stores strings). */
function docText(name: string): string {
  const doc = storedDoc(app, name);
  if (!doc) return '';
  const text = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('utf8');
  doc.destroy();
  return text;
}

/**
 * A resident of A's grid with a phone, read from the relay's store (what A's device holds once synced), whose name
 * and phone appear in no other people doc of the county: demo names come from a small pool, and a needle that B's
 * own data also holds (戴莉 in 戴莉娜) would prove nothing.
 */
function residentOfGrid(gridId: string): { name: string; phone: string } {
  const doc = storedDoc(app, `people.${gridId}`) ?? new Y.Doc();
  const events = doc.getArray<{ type: string; data: { name?: string; phone?: string } }>(EVENTS_ARRAY).toArray();
  const others = app.server.store
    .docNames()
    .filter((n) => n.startsWith('people.') && n !== `people.${gridId}`)
    .map(docText)
    .join('\n');
  const r = events.find((e) => e.type === 'resident_saved' && e.data.name && e.data.phone && !others.includes(e.data.name) && !others.includes(e.data.phone));
  if (!r) throw new Error('no resident with a phone and a name of their own in the demo grid');
  return { name: r.data.name!, phone: r.data.phone! };
}

/**
 * Everything the origin keeps, as text: every IndexedDB database's name and every value of every store (bytes read
 * as UTF-8, which is how Yjs and the app store strings), and every Cache Storage response.
 */
function originText(page: Page): Promise<{ dbNames: string[]; idb: string; caches: string; dom: string }> {
  return page.evaluate(async () => {
    const dec = new TextDecoder('utf-8', { fatal: false });
    const text = (v: unknown): string => {
      if (v instanceof Uint8Array) return dec.decode(v);
      if (v instanceof ArrayBuffer) return dec.decode(new Uint8Array(v));
      if (typeof v === 'string') return v;
      if (Array.isArray(v)) return v.map(text).join('\n');
      if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${text(x)}`).join('\n');
      return String(v);
    };
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => ((r.onsuccess = () => res(r.result)), (r.onerror = () => rej(r.error))));
    const dbNames = (await indexedDB.databases()).map((d) => d.name ?? '');
    let idb = '';
    for (const name of dbNames) {
      const db = await req(indexedDB.open(name));
      const stores = Array.from(db.objectStoreNames);
      for (const s of stores) {
        const tx = db.transaction(s, 'readonly');
        idb += `\n${name}/${s}\n${text(await req(tx.objectStore(s).getAll()))}${text(await req(tx.objectStore(s).getAllKeys()))}`;
      }
      db.close();
    }
    let cached = '';
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      for (const r of await cache.keys()) cached += `\n${r.url}\n${await (await cache.match(r))!.text()}`;
    }
    return { dbNames, idb, caches: cached, dom: document.body.innerText };
  });
}

/** Sign out through the menu (phone layout) and its confirmation; returns the confirmation's text. */
async function signOut(page: Page): Promise<string> {
  await page.locator('header .menu-toggle').click();
  await page.locator('#app-menu').getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('heading', { name: '退出登录？' }).waitFor();
  const text = (await page.locator('main').textContent()) ?? '';
  await page.locator('main').getByRole('button', { name: '退出登录', exact: true }).click();
  await page.locator('#login-username').waitFor();
  return text;
}

describe('two people on one shared PC', () => {
  it("B finds none of A's data; A's offline change is kept and sent at A's next sign-in", async () => {
    const page = await newPage(browser, contexts, 'shared-pc');
    // The first sign-in on the device: A says several people use it.
    await page.goto(`${app.url}/#/cases`);
    await page.getByLabel('用户名').fill('w0001');
    await page.getByLabel('密码', { exact: true }).fill('demo');
    await page.getByLabel('一台电脑多人使用？', { exact: false }).check();
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '案件列表' }).waitFor();
    await syncText(page, '在线');
    await serviceWorkerActivated(page);
    // A's people doc on the device: its households show.
    await page.goto(`${app.url}/#/people`);
    await page.getByRole('heading', { name: /：[1-9]\d* 户/ }).first().waitFor({ timeout: 30_000 });
    const resident = residentOfGrid('g0001');
    const meA = (await (await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${await apiToken(app.url, 'w0001')}` } })).json()) as { user?: { name: string }; name?: string };
    const nameA = meA.user?.name ?? meA.name ?? '';
    expect(nameA).not.toBe('');
    const before = await originText(page);
    expect(before.idb).toContain(resident.phone); // the scan sees plaintext when there is some

    // Offline: A reports a case; it stays unsent.
    await page.context().setOffline(true);
    await page.goto(`${app.url}/#/report`);
    await page.getByLabel('搜索类别（中文、英文或代码）').fill('0101');
    await page.locator('input[type=radio][value="0101"]').check();
    const description = `共享电脑端到端：村口路灯损坏 ${Date.now()}`;
    await page.getByLabel('问题描述').fill(description);
    await page.getByRole('button', { name: '上报', exact: true }).click();
    await page.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
    const caseId = page.url().split('/').pop()!;
    await syncText(page, '1 项更改尚未保存到服务器');

    const confirmation = await signOut(page);
    expect(confirmation).toContain('你有 1 项更改尚未保存到服务器。');
    expect(confirmation).toContain('加密保存在本设备上');
    // The sign-in screen of a shared device names nobody.
    expect(await page.locator('.profiles').count()).toBe(0);

    // B, online, on the same browser profile.
    await page.context().setOffline(false);
    await signIn(page, `${app.url}/#/cases`, 'town02');
    await page.getByRole('heading', { name: '案件列表' }).waitFor();
    await syncText(page, '在线');
    const seen = await originText(page);
    expect(seen.dbNames.filter((n) => n.includes('w0001'))).toEqual([]);
    expect(seen.dbNames.some((n) => n.includes('town02'))).toBe(true);
    for (const needle of [resident.name, resident.phone, description]) {
      expect(seen.idb.includes(needle), `IndexedDB holds ${needle}`).toBe(false);
      expect(seen.caches.includes(needle), `Cache Storage holds ${needle}`).toBe(false);
      expect(seen.dom.includes(needle), `the page shows ${needle}`).toBe(false);
    }
    // A's name is in the staff directory every staff member's reference data carries (the org doc), so it is looked
    // for on the screen only: B's screens never show it.
    expect(seen.dom.includes(nameA)).toBe(false);
    // Nothing of A's case on the relay yet.
    const town01 = await apiToken(app.url, 'town01');
    const caseUrl = `${app.url}/api/cases/${caseId}`;
    expect((await fetch(caseUrl, { headers: { authorization: `Bearer ${town01}` } })).status).toBe(404);
    await signOut(page);

    // A again: the password opens the sealed data, and the change is sent.
    await signIn(page, `${app.url}/#/cases`, 'w0001');
    await page.getByRole('heading', { name: '案件列表' }).waitFor();
    await syncText(page, '所有更改已保存到服务器');
    const stored = (await (await fetch(caseUrl, { headers: { authorization: `Bearer ${town01}` } })).json()) as { description: string; reporter: string };
    expect(stored).toMatchObject({ description, reporter: 'w0001' });
  });
});
