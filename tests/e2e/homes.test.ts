/**
 * Issue 11: each field role's home answers "what needs me now", in Chromium against the demo county: the grid
 * worker lands on 我的任务 with the 核查 line first and 上报新案件 as the main action; the unit finds its finished
 * cases on its workspace; the village secretary lands on the village home with the village's figures.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launchBrowser, newPage, signIn, startApp, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

async function land(username: string, heading: string): Promise<Page> {
  const page = await newPage(browser, contexts, username);
  await signIn(page, app.url, username);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor({ timeout: 60_000 });
  return page;
}

describe('the homes of the field roles', () => {
  it('the grid worker: the 核查 line first, then 上报新案件', async () => {
    const page = await land('w0001', '我的任务');
    expect(page.url()).toMatch(/#\/tasks$/);
    const lead = page.locator('.home-lead').first();
    await lead.waitFor({ timeout: 60_000 });
    expect(await lead.textContent()).toMatch(/有 \d+ 件案件等您现场核查|目前没有等您核查的案件/);
    // Then the tasks sent down (the demo has one open and one overdue for g0001).
    await page.locator('.home-lead').nth(1).filter({ hasText: '下发任务' }).waitFor({ timeout: 60_000 });
    const report = page.getByRole('link', { name: '上报新案件' });
    expect(await report.getAttribute('class')).toContain('btn-primary');
    const box = (await report.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    // The finished cases of the grid stay findable.
    await page.getByRole('link', { name: /^已完成/ }).click();
    await page.locator('.finished-list .queue-row').first().waitFor({ timeout: 60_000 });
  });

  it('the unit: its finished cases below the work', async () => {
    const page = await land('unit001', '我的工作');
    await page.getByRole('heading', { name: '已完成的案件', level: 2 }).waitFor();
    await page.locator('.finished-list .queue-row').first().waitFor({ timeout: 60_000 });
    const statuses = await page.locator('.finished-list .queue-row .badge').first().textContent();
    expect(statuses).toMatch(/已处置|已核查|已结案|已核实/);
  });

  it('the village secretary: lands on the village home', async () => {
    const page = await land('st01v01', '村（社区）工作台');
    expect(page.url()).toMatch(/#\/village$/);
    await page.getByRole('heading', { name: '需要您处理', level: 2 }).waitFor();
    // Figures are shown once known ("…" until then), households from the people docs the secretary holds.
    const households = page.locator('.home-stat', { hasText: '户籍户数' }).locator('.home-stat-n');
    await expect.poll(async () => (await households.textContent()) ?? '', { timeout: 60_000 }).toMatch(/^[1-9][\d,]*$/);
    await page.getByRole('heading', { name: '村里的在办案件', level: 2 }).waitFor();
  });
});
