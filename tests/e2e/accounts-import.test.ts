/**
 * Issue 15: the staff import through the 账号管理 screen, with the real build in Debian chromium against the real
 * relay: an administrator chooses a CSV, the dry run finds a problem (nothing imported), the fixed sheet passes,
 * 导入 downloads the .xlsx of temporary passwords, and a new account signs in with its temporary password and is
 * told to change it. At 320 px nothing scrolls sideways.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launchBrowser, newPage, shellShown, signIn, startApp, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

const HEADER = '用户名,姓名,角色,手机号,乡镇,村,网格,单位\n';

describe('staff import on 账号管理', () => {
  it('checks the sheet first, imports it on confirmation, saves the passwords; a new account must change its password', async () => {
    const page = await newPage(browser, contexts, 'admin');
    await signIn(page, app.url, 'admin');
    await shellShown(page);
    await page.goto(`${app.url}/#/accounts`);
    await page.getByRole('button', { name: '批量导入 / 导出' }).click();
    const picker = page.getByLabel('选择要导入的表格（.xlsx 或 .csv）');

    // A bad phone: the problem, by row and column; nothing imported.
    await picker.setInputFiles({ name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(`${HEADER}e2e.imp1,导入甲,网格员,123,,,g0001,\n`, 'utf8') });
    const problem = page.locator('.imp-problem-table tbody tr');
    await problem.first().waitFor();
    expect(await problem.first().textContent()).toContain('第 2 行');
    expect(await problem.first().textContent()).toContain('手机号');
    expect(await page.locator('.imp-status').textContent()).toBe('发现 1 个问题（涉及 1 行），没有导入任何账号。');
    // At 320 px, with the column help open and the problems shown: nothing scrolls sideways.
    await page.click('summary:has-text("表格说明")');
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1366, height: 768 });

    // Fixed: clean; confirmed: the password file downloads.
    await picker.setInputFiles({ name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(`${HEADER}e2e.imp1,导入甲,网格员,13800000001,,,g0001,\n`, 'utf8') });
    await page.getByText('共 1 行，检查通过。').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导入 1 个账号' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^新账号临时密码-\d{4}-\d{2}-\d{2}\.xlsx$/);
    await page.getByText('已导入 1 个账号。').waitFor();
    await page.locator('.imp-warning').waitFor();
    await page.locator('tr[data-account="e2e.imp1"]').waitFor();

    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(await download.path())) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('临时密码')!;
    expect(sheet.getRow(1).values).toEqual([undefined, '用户名', '姓名', '角色', '临时密码']);
    expect(sheet.getRow(2).getCell(1).value).toBe('e2e.imp1');
    const password = String(sheet.getRow(2).getCell(4).value);
    expect(password).toMatch(/^\S{10}$/);

    const res = await fetch(`${app.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'e2e.imp1', password }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { mustChangePassword?: boolean }).mustChangePassword).toBe(true);
  });
});
