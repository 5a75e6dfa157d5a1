/**
 * Issue 11, defect 2: 人员 after a reload (or opened within the first seconds) showed "您的账号没有网格人员数据。"
 * while the people docs were still loading, and kept it until the user left the screen. A reload on #/people must
 * show the households, and never the empty text on the way (a MutationObserver installed before the app runs
 * records every text the page ever shows).
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

const EMPTY = '您的账号没有网格人员数据';

/** Before any script of the page: remember whether the empty text was ever in the document. */
async function watchForEmpty(page: Page): Promise<void> {
  await page.addInitScript((text: string) => {
    const w = window as unknown as { __sawEmpty?: boolean };
    w.__sawEmpty = false;
    const check = () => {
      if (document.body?.textContent?.includes(text)) w.__sawEmpty = true;
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  }, EMPTY);
}

const sawEmpty = (page: Page) => page.evaluate(() => (window as unknown as { __sawEmpty?: boolean }).__sawEmpty === true);

/** The households heading ("<grid>：N 户") with N > 0. */
const householdsShown = (page: Page) => page.getByRole('heading', { name: /：[1-9]\d* 户/ }).first().waitFor({ timeout: 30_000 });

describe('人员 while the people docs load', () => {
  for (const who of ['w0001', 'town01']) {
    it(`${who}: a reload on #/people shows the households, never the empty state`, async () => {
      const page = await newPage(browser, contexts, who);
      await watchForEmpty(page);
      await signIn(page, `${app.url}/#/people`, who);
      await householdsShown(page);
      await syncText(page, '在线');

      // Reload: the session resumes from this device, the people code and docs load again.
      await page.reload();
      await householdsShown(page);
      expect(await sawEmpty(page)).toBe(false);
      expect(await page.getByText(EMPTY).count()).toBe(0);
    });
  }
});
