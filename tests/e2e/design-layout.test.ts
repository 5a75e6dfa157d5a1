/**
 * Issue 11, defects 7, 8, 9 and the party member's phones, in Chromium against the production build:
 *  - PC (1366x768): the header, the sync status bar and the screen's content start at the same x, and the town
 *    center's header is one row.
 *  - Phone (360x740), also at 200% text: no sideways scroll on 人员 and the party 统计; every destination is
 *    reachable (tab bar, or the 菜单 panel at large text); the sync bar is not sticky at 200% text.
 *  - Phone numbers are tap-to-call (tel:) for the grid worker's households and the party member's contacts.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launchBrowser, newPage, signIn, startApp, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

async function as(who: string, hash: string, heading: RegExp): Promise<Page> {
  const page = await newPage(browser, contexts, who);
  await signIn(page, `${app.url}/${hash}`, who);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 30_000 });
  await syncText(page, '在线');
  return page;
}

/** Left x of the first text-bearing box of the header row, the sync bar and the screen title. */
const lefts = (page: Page) =>
  page.evaluate(() => {
    const x = (sel: string) => {
      const el = document.querySelector(sel)!;
      const r = document.createRange();
      r.selectNodeContents(el);
      return Math.round(r.getBoundingClientRect().left);
    };
    return { header: x('.brand'), sync: x('.syncbar'), title: x('main h1') };
  });

const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function bigText(page: Page) {
  await page.evaluate(() => {
    document.documentElement.style.fontSize = '200%';
  });
  await page.waitForTimeout(300);
}

describe('one page column on a PC', () => {
  it('town01: header, sync bar and content share the left edge on 调度台 and 考核; the header is one row', async () => {
    const page = await as('town01', '#/board', /调度台/);
    await page.setViewportSize({ width: 1366, height: 768 });
    for (const [hash, h1] of [
      ['#/board', /调度台/],
      ['#/stats', /考核/],
      ['#/people', /人员信息/],
    ] as const) {
      await page.goto(`${app.url}/${hash}`);
      await page.getByRole('heading', { level: 1, name: h1 }).waitFor();
      const l = await lefts(page);
      expect(Math.abs(l.header - l.title), `${hash} ${JSON.stringify(l)}`).toBeLessThanOrEqual(2);
      expect(Math.abs(l.sync - l.title), `${hash} ${JSON.stringify(l)}`).toBeLessThanOrEqual(14); // the status dot sits before the text
      const rows = await page.evaluate(() => document.querySelector('.topbar-inner')!.getBoundingClientRect().height);
      expect(rows).toBeLessThan(70);
    }
    // A narrower PC window: still one row; the destinations that do not fit are behind 更多, every one reachable.
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${app.url}/#/board`);
    await page.getByRole('heading', { level: 1, name: /调度台/ }).waitFor();
    const header = page.locator('.topbar-inner');
    expect((await header.boundingBox())!.height).toBeLessThan(70);
    const nav = page.getByRole('navigation', { name: '主导航' }).first();
    const visible = await nav.locator('a.nav-link:visible').allInnerTexts();
    const more = nav.getByRole('button', { name: '更多' });
    await more.click();
    const menu = page.locator('#app-menu');
    const listed = await menu.locator('a.nav-link').allInnerTexts();
    expect(listed.length).toBeGreaterThan(0);
    expect([...visible, ...listed].map((x) => x.trim())).toEqual(expect.arrayContaining(['调度台', '案件', '人员', '地图', '考核']));
    expect(visible.filter((v) => listed.includes(v)), JSON.stringify({ visible, listed })).toEqual([]);
    await menu.getByRole('link', { name: '考核' }).click();
    await page.getByRole('heading', { level: 1, name: /考核/ }).waitFor();
    expect(await menu.count()).toBe(0);
  });
});

describe('phones', () => {
  it('w0001: 人员 and a household without sideways scroll at 360 px and 200% text; phones are tel: links; every destination reachable', async () => {
    const page = await as('w0001', '#/people', /人员信息/);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByRole('heading', { name: /：[1-9]\d* 户/ }).waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    // Bottom tab bar: 人员 one tap away; the rest behind 更多 with every destination named.
    const tabbar = page.getByRole('navigation', { name: '常用功能' });
    await tabbar.getByRole('link', { name: '人员' }).waitFor();
    await tabbar.getByRole('button', { name: '更多' }).click();
    for (const name of ['我的任务', '案件', '上报', '人员', '地图', '考核']) await page.locator('#app-menu').getByRole('link', { name }).waitFor();
    await page.keyboard.press('Escape');

    await page.locator('main a[href^="#/people/"]').first().click();
    await page.getByRole('heading', { name: /家庭成员/ }).waitFor();
    expect(await page.locator('main a[href^="tel:"]').count()).toBeGreaterThan(0);
    const back = await page.getByRole('link', { name: '返回人员列表' }).boundingBox();
    expect(back!.height).toBeGreaterThanOrEqual(44);
    expect(await sideways(page)).toBeLessThanOrEqual(0);

    await bigText(page);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    // At 200% text: the 菜单 panel lists every destination; the sync bar scrolls away (not sticky).
    await page.getByRole('button', { name: '菜单' }).click();
    for (const name of ['上报', '地图', '人员']) await page.locator('#app-menu').getByRole('link', { name }).waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.syncbar')!).position)).toBe('static');
    await page.goto(`${app.url}/#/people`);
    await page.getByRole('heading', { name: /：[1-9]\d* 户/ }).waitFor();
    await bigText(page);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
  });

  it('party member: contact households have tap-to-call phones; 统计 has no sideways scroll at 360 px', async () => {
    const page = await as('p0001', '#/party/contacts', /党建工作/);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByRole('heading', { name: /我的联系户/ }).waitFor();
    const tels = page.locator('article.card a[href^="tel:"]');
    await tels.first().waitFor();
    expect(await tels.count()).toBe(await page.locator('article.card').count());
    await page.goto(`${app.url}/#/party/summary`);
    await page.getByRole('heading', { name: '按党员' }).waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThan(6000);
    // No doubled 社区 in branch names.
    await page.goto(`${app.url}/#/party/chain`);
    await page.getByRole('heading', { name: '五级组织体系' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('社区社区');
  });
});
