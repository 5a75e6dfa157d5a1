/**
 * Issue 13 "Tests and numbers", end to end in Debian chromium: one relay (port 0, demo county), one browser, one
 * context per person.
 *   1. The village secretary of t01v01 issues an invitation code on #/invites (the screen, not the API).
 *   2. A resident with no account signs up with it in a fresh context (#/signup?invite=<code>, the QR's link).
 *   3. With the app loaded and its service worker active, the resident goes offline and reports through the 3-step
 *      wizard with a camera photo: the report waits on the phone (待发送).
 *   4. Back online it is delivered (已送达), with its photo on the relay.
 *   5. Staff move the case to closed, each in their own context and through the UI (the case screen's action
 *      forms; no HTTP API shortcut was needed within the time budget): the town center accepts and dispatches, the
 *      unit resolves, the case's grid worker verifies and closes (核实并结案).
 *   6. The resident follows the stages in their app (已收到 -> 已受理 -> 已派给<单位> -> 已解决 -> 已办结; the app refreshes
 *      every 30 s or on reload, so the test reloads) and rates it 不满意 in the app.
 *   7. The town center's board shows the case in its 二次回访 queue (#/board/revisit).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpeg } from '../../bench/figures/compress.ts';
import { apiToken, closeAll, launchBrowser, newPage, serviceWorkerActivated, shellShown, signIn, startApp, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

interface CaseBody {
  status: string;
  reporter: string;
  description: string;
  gridId: string;
  townId: string;
  villageId?: string;
  unitId?: string;
  photos: Array<{ full: string; thumb: string }>;
  revisit?: { status: string };
  satisfaction?: string;
}

async function getCase(token: string, id: string): Promise<CaseBody> {
  const res = await fetch(`${app.url}/api/cases/${id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as CaseBody;
}

/** The resident's case screen after a reload, until its big stage line reads `stage`. */
async function residentSees(page: Page, stage: string | RegExp): Promise<void> {
  await page.reload();
  const big = page.locator('.rs-stage-big');
  await expect.poll(async () => ((await big.count()) ? ((await big.first().textContent()) ?? '') : ''), { timeout: 15_000 }).toMatch(stage);
}

/**
 * A staff member signed in, in their own context, on their home screen: started in the background while the test
 * goes on (signing in loads the staff replica, the slowest part of each staff step), awaited when needed.
 */
function staffSignedIn(username: string): Promise<Page> {
  const ready = (async () => {
    const page = await newPage(browser, contexts, username);
    await signIn(page, `${app.url}/`, username);
    await shellShown(page);
    await syncText(page, '在线');
    return page;
  })();
  ready.catch(() => {}); // awaited later; a failure is reported there, not as an unhandled rejection
  return ready;
}

/** Opens a case on a signed-in staff page (a hash change: no reload) and waits for its status in the title. */
async function staffCase(page: Page, id: string, status: string): Promise<void> {
  await page.goto(`${app.url}/#/cases/${id}`);
  await page.locator('.detail h1').filter({ hasText: status }).waitFor({ timeout: 30_000 });
}

/** The count on the board's 二次回访 tab ("二次回访10 件"), -1 until it is shown. */
async function revisitCount(page: Page): Promise<number> {
  const tab = page.locator('main nav').getByRole('link', { name: /^二次回访/ });
  if (!(await tab.count())) return -1;
  const m = /(\d+)\s*件/.exec((await tab.first().textContent()) ?? '');
  return m ? Number(m[1]) : -1;
}

describe('the public side, end to end', () => {
  it('invite -> sign-up -> offline report with a photo -> staff close it -> resident rates 不满意 -> 二次回访', async () => {
    const t0 = Date.now();
    const laps: string[] = [];
    const lap = (what: string) => laps.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)}`);

    // 1. The village secretary issues a code on #/invites.
    const secretary = await newPage(browser, contexts, 'st01v01');
    await signIn(secretary, `${app.url}/#/invites`, 'st01v01');
    await shellShown(secretary);
    await secretary.getByRole('heading', { name: '居民邀请码' }).waitFor();
    const issued = secretary.waitForResponse((r) => r.url().endsWith('/api/invites') && r.request().method() === 'POST');
    await secretary.getByRole('button', { name: '生成邀请码' }).click();
    const issuedRes = await issued;
    expect(issuedRes.status()).toBe(201);
    const invite = (await issuedRes.json()) as { code: string; villageId: string };
    expect(invite.villageId).toBe('t01v01');
    // The list shows the new code as usable, with its QR (the sign-up link) to print.
    const card = secretary.locator(`#invite-${invite.code}`);
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain(invite.code);
    expect(await card.textContent()).toContain('可用');
    expect(await card.textContent()).toContain('已用 0 /');
    await card.getByRole('img', { name: new RegExp(`邀请码 ${invite.code}`) }).waitFor();

    lap('1');
    const centerReady = staffSignedIn('town01');
    // 2. A resident signs up with it in a fresh context, from the QR's link.
    const phone = '13912345678';
    const resident = await newPage(browser, contexts, 'resident');
    await resident.goto(`${app.url}/#/signup?invite=${invite.code}`);
    await resident.getByRole('heading', { name: '注册居民账号' }).waitFor();
    expect(await resident.getByRole('textbox', { name: '邀请码' }).inputValue()).toBe(invite.code);
    await resident.getByLabel('手机号').fill(phone);
    await resident.getByLabel('怎么称呼您').fill('王大妈');
    await resident.getByLabel('设置密码').fill('village-2026');
    await resident.getByRole('button', { name: '注册并登录' }).click();
    await resident.getByRole('heading', { name: '我的上报' }).waitFor({ timeout: 15_000 });
    await resident.getByText('您还没有上报过问题。').waitFor();
    await syncText(resident, '在线');
    // The code counts the use.
    await secretary.reload();
    await expect.poll(() => secretary.locator(`#invite-${invite.code}`).textContent(), { timeout: 10_000 }).toContain('已用 1 /');

    lap('2');
    // 3. Offline, once the app is cached: a report through the wizard with a photo waits on the phone.
    await serviceWorkerActivated(resident);
    const photo = (await makeJpeg(resident, 1600, 1200, null, true))!;
    await resident.context().setOffline(true);
    await syncText(resident, '离线');
    await resident.getByRole('link', { name: '上报', exact: true }).click();
    await resident.getByRole('heading', { name: '拍一张问题的照片' }).waitFor({ timeout: 10_000 });
    await resident.locator('input[data-capture="gallery"]').first().setInputFiles([{ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    // The compressed photo is shown, and the button no longer offers to skip it.
    await expect
      .poll(() => resident.locator('#rs-photos-list img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length), {
        timeout: 30_000,
      })
      .toBe(1);
    await resident.getByRole('button', { name: '下一步', exact: true }).click();
    await resident.getByRole('button', { name: '就在我村里' }).click();
    await resident.getByRole('button', { name: '下一步', exact: true }).click();
    await resident.getByRole('radio', { name: '路面坑洼' }).click();
    const words = `村口路面塌了一个大坑 ${Date.now()}`;
    await resident.getByLabel('补充说明（可不填）').fill(words);
    await resident.getByRole('button', { name: '提交上报' }).click();
    await resident.getByRole('heading', { name: '上报好了' }).waitFor({ timeout: 15_000 });
    await resident.getByRole('link', { name: '查看办理进度' }).click();
    await resident.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
    const caseId = resident.url().split('/').pop()!;
    await resident.locator('.rs-delivery').filter({ hasText: '待发送' }).waitFor({ timeout: 15_000 });
    await resident.getByRole('link', { name: '我的上报', exact: true }).click();
    const row = resident.locator('.rs-card').filter({ hasText: words }).first();
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent()).toContain('待发送');
    // Nothing reached the relay yet.
    const town = await apiToken(app.url, 'town01');
    expect((await fetch(`${app.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${town}` } })).status).toBe(404);

    lap('3');
    // 4. Online: delivered, with its photo.
    await resident.context().setOffline(false);
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('已送达');
    await expect.poll(() => row.textContent()).toContain('已收到');
    await expect.poll(async () => (await resident.getByRole('status', { name: '同步状态' }).textContent()) ?? '', { timeout: 30_000 }).not.toContain('待上传');
    const delivered = await getCase(town, caseId);
    expect(delivered).toMatchObject({ status: 'reported', description: `路面坑洼：${words}`, townId: 't01' });
    expect(delivered.reporter).not.toMatch(/^resident\d/);
    expect(delivered.photos).toHaveLength(1);
    const blob = await fetch(`${app.url}/api/blobs/${delivered.photos[0]!.full}`, { headers: { authorization: `Bearer ${town}` } });
    expect(blob.status).toBe(200);
    await row.click();
    await resident.waitForURL(new RegExp(`#/cases/${caseId}$`));
    await resident.locator('.rs-stage-big').filter({ hasText: '已收到' }).waitFor();
    // The case's grid worker (grid of the village the resident chose) signs in meanwhile.
    const workerReady = staffSignedIn(`w${delivered.gridId.slice(1)}`);

    lap('4');
    // 5a. The town center accepts and dispatches in its own context, through the case screen (UI).
    const center = await centerReady;
    await staffCase(center, caseId, '已上报');
    await center.getByRole('form', { name: '受理', exact: true }).getByRole('button', { name: '受理', exact: true }).click();
    await center.locator('.detail h1').filter({ hasText: '已受理' }).waitFor({ timeout: 15_000 });
    await residentSees(resident, /^已受理$/);

    const unitId = await center.locator('#act-unit').inputValue();
    const unitName = ((await center.locator('#act-unit option:checked').textContent()) ?? '').trim();
    expect(unitName).not.toBe('');
    const unitReady = staffSignedIn(`unit${unitId.slice(1)}`);
    await center.getByRole('form', { name: '派遣', exact: true }).getByRole('button', { name: '派遣', exact: true }).click();
    await center.locator('.detail h1').filter({ hasText: '已派遣' }).waitFor({ timeout: 15_000 });
    await residentSees(resident, /^已派给.+/);
    expect(unitName).toContain((await resident.locator('.rs-stage-big').textContent())!.replace(/^已派给/, ''));

    lap('5a');
    // 5b. The unit resolves in its own context (UI: the case screen's 处置完成 form).
    const dispatched = await getCase(town, caseId);
    expect(dispatched.unitId).toBe(unitId);
    const unit = await unitReady;
    await staffCase(unit, caseId, '已派遣');
    const resolve = unit.getByRole('form', { name: '处置完成', exact: true });
    await resolve.locator('textarea').first().fill('已用沥青补平路面坑洞。');
    await resolve.getByRole('button', { name: '处置完成', exact: true }).click();
    await unit.locator('.detail h1').filter({ hasText: '已处置' }).waitFor({ timeout: 15_000 });
    await residentSees(resident, /^已解决$/);

    lap('5b');
    // 5c. The case's grid worker verifies and closes in one step (UI: 核实并结案).
    const worker = await workerReady;
    await staffCase(worker, caseId, '已处置');
    await worker.getByRole('form', { name: '核实并结案', exact: true }).getByRole('button', { name: '核实并结案', exact: true }).click();
    await worker.locator('.detail h1').filter({ hasText: '已结案' }).waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await getCase(town, caseId)).status, { timeout: 15_000 }).toBe('closed');

    lap('5c');
    // The town center's 二次回访 queue before the rating (the demo county has some already).
    await center.goto(`${app.url}/#/board/revisit`);
    await center.getByRole('heading', { name: '调度台' }).waitFor();
    // Loaded: the demo's own revisit rows are listed and the tab has its count.
    await center.locator('main a.queue-row').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => revisitCount(center), { timeout: 15_000 }).toBeGreaterThan(0);
    const revisitBefore = await revisitCount(center);

    lap('board');
    // 6. The resident sees 已办结 and rates it 不满意 in the app.
    await residentSees(resident, /^已办结$/);
    await resident.getByText('处理单位说已解决').waitFor();
    const rating = resident.locator('form.rs-rating');
    await rating.getByRole('heading', { name: '您对办理结果满意吗？' }).waitFor();
    await rating.getByRole('radio', { name: '不满意' }).check();
    await rating.getByLabel('哪里不满意？镇里会再联系您（可不填）').fill('坑只填了一半，下雨又积水。');
    await rating.getByRole('button', { name: '提交评价' }).click();
    await resident.getByText('谢谢您的评价。镇综治中心会再次回访。').waitFor({ timeout: 15_000 });
    await resident.getByRole('heading', { name: '您的评价：不满意' }).waitFor({ timeout: 15_000 });

    lap('6');
    // 7. The town center's board, open since before the rating: the 二次回访 count grows by one live (synced through
    // the relay, no reload), and the queue lists the case (the list is windowed and oldest first: scroll to it).
    await expect.poll(() => revisitCount(center), { timeout: 15_000 }).toBe(revisitBefore + 1);
    const revisitRow = center.locator(`main a.queue-row[href="#/cases/${caseId}"]`);
    await expect
      .poll(
        async () => {
          await center.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
          return revisitRow.count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    expect(await revisitRow.textContent()).toContain(words);
    expect(await revisitRow.textContent()).toContain('不满意');

    // And the relay's record agrees with both screens.
    const rated = await getCase(town, caseId);
    expect(rated.satisfaction).toBe('dissatisfied');
    expect(rated.revisit?.status).toBe('pending');
    lap('7');
    console.log(`public-side e2e, seconds at the end of each step: ${laps.join(', ')}`);
  }, 120_000);
});
