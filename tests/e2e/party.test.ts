/**
 * Party work end to end in Debian chromium (issue 5): a party member (demo account p0001, village t01v01) records
 * a visit to a contact household with two raised issues, turns one into a case in one step, and the case then
 * appears for the town center (town01); the party doc on the relay has the visit linked to the case.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, closeAll, launchBrowser, newPage, signIn, startApp, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

async function signInAs(username: string, hash: string, heading: string | RegExp): Promise<Page> {
  const page = await newPage(browser, contexts, username);
  await signIn(page, `${app.url}/${hash}`, username);
  await page.getByRole('heading', { name: heading }).first().waitFor();
  await syncText(page, '在线');
  return page;
}

const token = (username: string) => apiToken(app.url, username);

describe('party member: contact-household visit, raised issue to case', () => {
  it('records a visit, reports an issue as a case in one step, and the town center sees the case', async () => {
    const member = await signInAs('p0001', '#/party/contacts', '党建工作');
    await member.getByRole('heading', { name: /我的联系户/ }).waitFor({ timeout: 30_000 });

    const card = member.locator('article.card').first();
    await card.getByText('记录走访', { exact: true }).click();
    const issue = `端到端：院门口排水沟堵塞 ${Date.now()}`;
    await card.getByLabel('走访情况').fill('上门了解老人生活情况，身体状况良好。');
    await card.getByLabel('反映的问题').fill(`${issue}\n希望增加路灯`);
    await card.getByRole('button', { name: '保存走访' }).click();
    await card.getByText('走访已记录。').waitFor();
    await card.getByText(issue).waitFor();

    // One step: category, then the case is reported with the household's grid, location and address.
    const item = card.locator('li', { hasText: issue }).last();
    await item.getByLabel('案件类别').selectOption('0101');
    await item.getByRole('button', { name: '转为案件' }).click();
    await card.getByRole('link', { name: '已转为案件，查看' }).waitFor({ timeout: 30_000 });
    // The visit and the link to the case are acknowledged by the relay (the screen's unsaved count is back to 0).
    await member.getByText('人员和党建记录已保存到服务器').waitFor({ state: 'attached', timeout: 30_000 });
    await card.getByRole('link', { name: '已转为案件，查看' }).click();
    await member.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
    const caseId = member.url().split('/').pop()!;
    await syncText(member, '所有更改已保存到服务器');

    // The relay has the case, reported by the member in the household's grid.
    const townToken = await token('town01');
    await expect
      .poll(async () => (await fetch(`${app.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${townToken}` } })).status, { timeout: 30_000 })
      .toBe(200);
    const stored = (await (await fetch(`${app.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${townToken}` } })).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ reporter: 'p0001', gridId: 'g0001', status: 'reported' });
    expect(String(stored.description)).toContain(issue);

    // The visit and its link to the case reached the relay's party doc.
    await expect
      .poll(
        async () => {
          const r = (await (await fetch(`${app.url}/api/party/t01/summary`, { headers: { authorization: `Bearer ${townToken}` } })).json()) as {
            members: Array<{ memberId: string; visits: number; issuesReported: number }>;
          };
          return r.members.find((m) => m.memberId === 'p0001');
        },
        { timeout: 30_000 },
      )
      .toMatchObject({ visits: 1, issuesReported: 1 });

    // The town center sees the new case.
    const town = await signInAs('town01', `#/cases/${caseId}`, /已上报/);
    await town.locator('.detail h1').filter({ hasText: '已上报' }).waitFor({ timeout: 30_000 });
    await town.getByText(issue).first().waitFor();
    // ... and in the new-case queue of its dispatch board.
    await town.goto(`${app.url}/#/board/new`);
    await town.getByText(issue).first().waitFor({ timeout: 30_000 });
  });
});
