/**
 * `npm run screens [-- --out=DIR] [-- --only=w0001,town01] [-- --full]`: every screen of every role
 * (tests/e2e/screens.ts) as PNGs at 360x740 (phone) and 1366x768 (PC), and DIR/index.html showing them in a grid
 * by role, so anyone can see the whole app at once. Default DIR: screens/ at the repository root (git-ignored).
 *
 * It builds the app if its sources changed (as the end-to-end tests do), starts the relay with the demo county in
 * a temporary DATA_DIR on a free port (tests/e2e/harness.ts startApp), drives Debian's chromium, and stops both.
 * `--full` shoots the whole page instead of the first screenful. The command hall (#/hall, issue 15) is also shot at
 * 1920x1080 (`-wall.png`), the wall screen it is made for, once its heat map is drawn.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildIfNeeded } from '../server/build.ts';
import { launchBrowser, startApp } from '../tests/e2e/harness.ts';
import { ROLES, signInAs, VIEWPORTS, waitLoaded, walkRole, type Mode, type Screen } from '../tests/e2e/screens.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const out = resolve(arg('out') ?? 'screens');
const only = arg('only')?.split(',');
const fullPage = process.argv.includes('--full');
const log = (m: string) => process.stderr.write(`${m}\n`);

type ShotMode = Mode | 'wall';
const WALL = { width: 1920, height: 1080 };
interface Shot extends Screen {
  files: Partial<Record<ShotMode, string>>;
}

const started = performance.now();
await buildIfNeeded({ log });
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const [app, browser] = await Promise.all([startApp(), launchBrowser()]);
const results: Array<{ title: string; user: string; shots: Shot[] }> = [];
try {
  for (const role of ROLES) {
    if (only && !only.includes(role.user || 'guest')) continue;
    const dir = role.user || 'guest';
    await mkdir(join(out, dir), { recursive: true });
    const context = await browser.newContext({ locale: 'zh-CN', viewport: VIEWPORTS.phone });
    const page = await context.newPage();
    const shots: Shot[] = [];
    try {
      await signInAs(page, app.url, role.user);
      await walkRole(page, role, async (s) => {
        const shot: Shot = { ...s, files: {} };
        shots.push(shot);
        if (s.missing) {
          log(`${dir}/${s.id}: ${s.missing}`);
          return;
        }
        for (const mode of ['phone', 'pc'] as const) {
          await page.setViewportSize(VIEWPORTS[mode]);
          await waitLoaded(page, 2_000);
          const file = `${dir}/${s.id}-${mode}.png`;
          await page.screenshot({ path: join(out, file), fullPage });
          shot.files[mode] = file;
        }
        if (s.hash.startsWith('#/hall')) {
          await page.setViewportSize(WALL);
          await page.locator('.hall-map[data-state="ready"]').waitFor({ timeout: 10_000 }).catch(() => log(`${dir}/${s.id}: heat map not drawn in 10 s`));
          await waitLoaded(page, 2_000);
          const file = `${dir}/${s.id}-wall.png`;
          await page.screenshot({ path: join(out, file), fullPage });
          shot.files.wall = file;
        }
        await page.setViewportSize(VIEWPORTS.phone);
        log(`${dir}/${s.id} (${s.hash})${s.stillLoading ? ` still loading: ${s.stillLoading}` : ''}`);
      });
    } catch (e) {
      log(`${dir}: walk stopped: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await context.close();
    }
    results.push({ title: role.title, user: dir, shots });
  }
} finally {
  await browser.close();
  await app.stop();
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>网格通 · 每个角色的每个页面</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; background: #f4f5f7; color: #1b1f24; }
h2 { margin: 32px 0 8px; position: sticky; top: 0; background: #f4f5f7; padding: 4px 0; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; background: #fff; border: 1px solid #d0d4da; border-radius: 6px; padding: 8px; }
figcaption { margin-bottom: 6px; } figcaption code { color: #5a6270; }
.pair { display: flex; gap: 8px; align-items: flex-start; }
.pair img { display: block; border: 1px solid #e0e3e8; }
.phone { width: 180px; } .pc { width: 410px; } .wall { width: 576px; }
.warn { color: #a4261d; }
</style></head><body>
<h1>网格通 · 每个角色的每个页面</h1>
<p>手机 360×740 与电脑 1366×768，由 <code>npm run screens</code> 生成于 ${esc(new Date().toISOString().slice(0, 16).replace('T', ' '))} UTC。点击图片看原图。</p>
${results
  .map(
    (r) => `<h2>${esc(r.title)}</h2>
<div class="grid">
${r.shots
  .map(
    (s) => `<figure><figcaption><b>${esc(s.title)}</b> <code>${esc(s.hash)}</code>${s.stillLoading ? ` <span class="warn">仍在载入：${esc(s.stillLoading)}</span>` : ''}${s.missing ? ` <span class="warn">${esc(s.missing)}</span>` : ''}</figcaption>
<div class="pair">${(['phone', 'pc', 'wall'] as const)
      .map((m) => (s.files[m] ? `<a href="${esc(s.files[m])}"><img class="${m}" src="${esc(s.files[m])}" alt="${esc(`${s.title} ${m}`)}" loading="lazy"></a>` : ''))
      .join('')}</div></figure>`,
  )
  .join('\n')}
</div>`,
  )
  .join('\n')}
</body></html>
`;
await writeFile(join(out, 'index.html'), html);
const count = results.reduce((n, r) => n + r.shots.filter((s) => !s.missing).length, 0);
log(`${count} screens of ${results.length} roles, ${count * 2} PNGs in ${((performance.now() - started) / 1000).toFixed(0)} s: ${join(out, 'index.html')}`);
