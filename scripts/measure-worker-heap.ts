/**
 * Measures the JS heap of the app in Chromium after a grid worker (w0001) has signed in and loaded the demo
 * county's docs, against the same page before sign-in. Run: `node --import tsx scripts/measure-worker-heap.ts`
 * (builds the app if needed; starts its own relay on a free port with a temporary DATA_DIR).
 */
import { buildIfNeeded } from '../server/build.ts';
import { launchBrowser, newContext, startApp } from '../tests/e2e/harness.ts';

const user = process.argv[2] ?? 'w0001';
await buildIfNeeded({ log: (m) => console.error(m) });
const app = await startApp();
const browser = await launchBrowser();
try {
  const page = await (await newContext(browser)).newPage();
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  await page.goto(app.url);
  await page.getByLabel('用户名').waitFor();
  const before = await heap();
  await page.getByLabel('用户名').fill(user);
  await page.getByLabel('密码').fill('demo');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('status', { name: '同步状态' }).filter({ hasText: '所有更改已保存到服务器' }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  const after = await heap();
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(`${user}: JS heap ${mb(after)} MB after sign-in and sync (login page ${mb(before)} MB; docs and read model +${mb(after - before)} MB)`);
} finally {
  await browser.close();
  await app.stop();
}
