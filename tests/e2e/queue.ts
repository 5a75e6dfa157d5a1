/**
 * The work queues' case rows and their side panel (办理, 派遣, 核查, 协办...), shared by the end-to-end tests that
 * move a case through its lifecycle on the boards.
 */
import type { Locator, Page } from 'playwright-core';

/** The row of a case in a windowed list (scoped to `within`), scrolling the list until the row is rendered. */
export async function rowOf(page: Page, text: string, within = '', timeout = 30_000): Promise<Locator> {
  const row = page.locator(`${within} .case-list > li`.trim(), { hasText: text });
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await row.count()) return row.first();
    const atEnd = await page.evaluate(() => {
      window.scrollBy(0, Math.round(window.innerHeight * 0.8));
      return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
    });
    if (atEnd) await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(100);
  }
  throw new Error(`no row with "${text}" on ${page.url()}`);
}

/** Opens the side panel of a case from its row (the button "<handle> · …") and returns the panel. */
export async function panelOf(page: Page, text: string, handle: string, within = ''): Promise<Locator> {
  const row = await rowOf(page, text, within);
  await row.getByRole('button', { name: new RegExp(`^${handle} · `) }).click();
  const panel = page.locator('.case-panel');
  await panel.locator('.facts').waitFor();
  return panel;
}

/**
 * Waits for the panel to close after its action was saved. When it does not, the failure carries what the panel
 * shows (a refusal, a busy button) and the sync status, which a timeout alone would not say.
 */
export async function closedPanel(page: Page, timeout = 60_000): Promise<void> {
  const panel = page.locator('.case-panel');
  try {
    await panel.waitFor({ state: 'detached', timeout });
  } catch (e) {
    const shown = await panel.innerText({ timeout: 1_000 }).catch(() => '(gone)');
    const sync = await page.getByRole('status', { name: '同步状态' }).innerText({ timeout: 1_000 }).catch(() => '(no sync status)');
    throw new Error(`the case panel stayed open on ${page.url()} (sync: ${sync}):\n${shown}`, { cause: e });
  }
}
