/**
 * Issue 14, guided lessons end to end in Debian chromium: the trainer opens 教学课程 (#/lessons) and runs the scam
 * lesson (pretend text message and phone call) with one wrong choice on the way: the wrong tap is explained and
 * changes nothing, a tap beside the choices is a mistake too, and the end reports the counts. Then the lesson's
 * step cards print on the paper chosen (A5 here) with only the cards on paper.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launchBrowser, newPage, shellShown, signIn, startApp, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** axe-core violations of impact serious or critical on the page as it is (the player and its scene on top). */
async function axeSerious(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  type Result = { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> };
  const r = await page.evaluate(() => (window as unknown as { axe: { run(o: object): Promise<Result> } }).axe.run({ resultTypes: ['violations'] }));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** The player's and the scene's controls smaller than 60 x 60 CSS px (the player is 长辈版-sized everywhere). */
function smallControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.lp-panel button, .lp-scene button')]
      .filter((b) => b.checkVisibility() && !b.closest('.sc-bubble'))
      .map((b) => ({ b, r: b.getBoundingClientRect() }))
      .filter(({ r }) => Math.round(r.width) < 60 || Math.round(r.height) < 60)
      .map(({ b, r }) => `${Math.round(r.width)}x${Math.round(r.height)} ${b.textContent}`),
  );
}

describe('guided lessons', () => {
  it('a trainer runs the scam lesson with one wrong choice to the end, then prints its step cards on A5', async () => {
    const errors: string[] = [];
    const page = await newPage(browser, contexts, 'trainer01');
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    // What the player says, as the device would speak it.
    await page.addInitScript(() => {
      const w = window as unknown as { spoken: string[] };
      w.spoken = [];
      speechSynthesis.speak = (u: SpeechSynthesisUtterance) => void w.spoken.push(u.text);
    });
    await signIn(page, `${app.url}/#/lessons`, 'trainer01');
    await shellShown(page);
    await page.getByRole('heading', { name: '教学课程' }).waitFor();
    await page.getByRole('button', { name: '开始：识别骗人的电话和短信' }).click();

    const guide = page.getByRole('region', { name: '学习提示' });
    const say = guide.locator('.lp-say');
    const note = guide.locator('.lp-note');
    await say.filter({ hasText: '骗子常常发短信' }).waitFor();
    await guide.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: /1069 0571 2288/ }).click();
    await say.filter({ hasText: '您怎么办' }).waitFor();

    expect(await axeSerious(page)).toEqual([]);
    expect(await smallControls(page)).toEqual([]);

    // A tap beside the choices (the message's header) is stopped and counted; a wrong choice is explained.
    await page.locator('.lp-scene .sc-bar').click();
    await note.filter({ hasText: '没关系，再试一次。天上不会掉馅饼' }).waitFor();
    await page.locator('.sc-choices').getByRole('button', { name: '点链接领奖' }).click();
    await note.filter({ hasText: '说您中奖、要先交钱的，都是骗子' }).waitFor();
    await expect.poll(() => page.evaluate(() => (window as unknown as { spoken: string[] }).spoken.at(-1))).toContain('说您中奖、要先交钱的，都是骗子');
    await expect(say.textContent()).resolves.toContain('您怎么办'); // still the same step

    await page.getByRole('button', { name: '删除短信' }).click();
    await say.filter({ hasText: '不认识的号码打来了' }).waitFor();
    await guide.getByRole('button', { name: '再听一遍' }).click();
    await guide.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '挂断电话' }).click();
    await page.getByRole('button', { name: '告诉儿子' }).click();
    await say.filter({ hasText: '记住四句话' }).waitFor();
    await guide.getByRole('button', { name: '下一步' }).click();
    await guide.getByRole('heading', { name: '学会了！' }).waitFor();
    await guide.getByRole('button', { name: '完成' }).click();
    await page
      .locator('.ls-notice')
      .filter({ hasText: '「识别骗人的电话和短信」学完了：7 步，点错 2 次，重听 1 次' })
      .waitFor();
    await expect(page.locator('.lp-panel').count()).resolves.toBe(0);

    // The step cards: A5 chosen on screen is the printed page's size; only the cards are printed.
    await page.getByRole('link', { name: '打印步骤卡：识别骗人的电话和短信' }).click();
    await page.getByRole('heading', { name: '步骤卡' }).waitFor();
    await expect(page.locator('.lc-card').count()).resolves.toBe(7);
    await page.getByLabel('A5（小张）').check();
    await page.emulateMedia({ media: 'print' });
    const shown = await page.evaluate(() => ({
      header: getComputedStyle(document.querySelector('header.topbar')!).display,
      controls: getComputedStyle(document.querySelector('.lc-controls')!).display,
      cards: getComputedStyle(document.querySelector('.lc-cards')!).display,
      page: getComputedStyle(document.querySelector('.lc-print')!).getPropertyValue('page'),
    }));
    expect(shown).toEqual({ header: 'none', controls: 'none', cards: 'grid', page: 'lc-a5' });
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    // A5 is 148 x 210 mm: 419.5 x 595.3 pt.
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
    expect(boxes.length).toBeGreaterThan(0);
    for (const b of boxes) expect(b).toEqual([420, 595]);
    expect(errors).toEqual([]);
  });

  it('runs by keyboard alone: focus goes to what is to be used, Enter uses it', async () => {
    const page = await newPage(browser, contexts, 'trainer01-keys');
    await signIn(page, `${app.url}/#/lessons`, 'trainer01');
    await page.getByRole('heading', { name: '教学课程' }).waitFor();
    await page.getByRole('button', { name: '开始：给儿女打视频电话' }).focus();
    await page.keyboard.press('Enter');
    const focused = () => page.evaluate(() => (document.activeElement?.getAttribute('data-lesson') ?? document.activeElement?.textContent ?? '').trim());
    const say = page.locator('.lp-say');
    await say.filter({ hasText: '这是微信' }).waitFor();
    await expect.poll(focused).toBe('下一步');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('contact-son');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('chat-plus');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('video-menu');
    await page.keyboard.press('Enter');
    // The quiz: on its first choice; Tab to the next one.
    await say.filter({ hasText: '再点一次' }).waitFor();
    await expect.poll(focused).toBe('video-choice');
    await page.keyboard.press('Tab');
    await expect.poll(focused).toBe('voice-choice');
    await page.keyboard.press('Enter');
    await page.locator('.lp-note').filter({ hasText: '只听得见声音' }).waitFor();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await say.filter({ hasText: '等他接' }).waitFor();
    await expect.poll(focused).toBe('下一步');
    await page.keyboard.press('Enter');
    await say.filter({ hasText: '儿子接了' }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('hang-up');
    await page.keyboard.press('Enter');
    await say.filter({ hasText: '打完了' }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('完成');
    await page.keyboard.press('Enter');
    await page.locator('.ls-notice').filter({ hasText: '「给儿女打视频电话」学完了：9 步，点错 1 次' }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('ls-notice'))).toBe(true);
  });
});
