/**
 * First sign-in of a user in Chromium against the demo relay: time from pressing 登录 until the sync bar says
 * online and everything saved (every doc of the user synced), the docs held, and the websockets the page opened.
 * Run: `node --import tsx scripts/measure-sign-in.ts [username]` (default town01, the user with the most docs:
 * about 90). Builds the app if needed; starts its own relay on a free port with a temporary DATA_DIR.
 */
import { buildIfNeeded } from '../server/build.ts';
import { apiToken, launchBrowser, newContext, startApp } from '../tests/e2e/harness.ts';

const user = process.argv[2] ?? 'town01';
await buildIfNeeded({ log: (m) => console.error(m) });
const app = await startApp();
const browser = await launchBrowser();
try {
  const page = await (await newContext(browser)).newPage();
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
  await page.goto(app.url);
  await page.getByLabel('用户名').fill(user);
  await page.getByLabel('密码').fill('demo');
  const t0 = Date.now();
  await page.getByRole('button', { name: '登录', exact: true }).click();
  const bar = page.getByRole('status', { name: '同步状态' });
  await bar.filter({ hasText: '在线' }).filter({ hasText: '所有更改已保存到服务器' }).waitFor({ timeout: 120_000 });
  const ms = Date.now() - t0;
  const me = await (await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${await apiToken(app.url, user)}` } })).json();
  const docs = (me as { docs: unknown[] }).docs.length;
  console.log(`${user}: first sign-in to online and all saved in ${ms} ms; ${docs} docs; websockets opened: ${sockets.length} (${[...new Set(sockets)].join(', ')})`);
  console.log(`relay: ${app.server.relay.socketCount()} sockets, ${app.server.relay.connectionCount()} doc connections`);
} finally {
  await browser.close();
  await app.stop();
}
