/**
 * Every screen of every role (issue 11), one definition for `npm run screens` (scripts/screens.ts: screenshots)
 * and the screen check in `npm test` (tests/e2e/screens.test.ts: touch targets, reflow, axe, words, errors).
 *
 * A role's screens are:
 *   1. every link of its main navigation (the header's nav on a PC, the 菜单 panel on a phone), found in the page,
 *      so a link added later is walked too;
 *   2. on each of those, every tab of the screen (links in a `nav` inside `main`: the board's queues, the worker's
 *      tabs, the party tabs), also found in the page;
 *   3. the role's `extra` routes reached from a screen rather than the navigation (the admin's boundary page);
 *   4. one detail of each kind the role has (`details`): a case, a household, the board's or workspace's panel.
 * Before signing in, the sign-in screen (the `guest` role).
 *
 * A screen is loaded when no loading state is visible (LOADING_SELECTOR, LOADING_TEXT) and the layout has been
 * still for a moment; one that is not loaded within LOAD_TIMEOUT_MS is shot and checked as it is, and the walk
 * says so (`stillLoading`): a screen that never loads is a defect to show, not a reason to stop.
 */
import type { Page } from 'playwright-core';

export const VIEWPORTS = {
  phone: { width: 360, height: 740 },
  pc: { width: 1366, height: 768 },
} as const;
export type Mode = keyof typeof VIEWPORTS;

export const PASSWORD = 'demo';

/** A detail screen: opened from `from` by `open`, which returns false when the role has nothing to open there. */
export interface Detail {
  id: string;
  title: string;
  from: string;
  open(page: Page): Promise<boolean>;
  /** Errors the screen shows on purpose (an API's 4xx answer it presents), not counted as problems. */
  expectedErrors?: RegExp[];
}

export interface RoleDef {
  /** Demo account (server/demo/generate.ts, server/demo/people.ts); '' for the signed-out guest. */
  user: string;
  /** What the index and the failure messages call the role. */
  title: string;
  /** Routes reached from a screen, not from the navigation. */
  extra?: string[];
  details?: Detail[];
}

/** Clicks the first element matching `selector` inside main once it exists; false if none appears in `ms`. */
async function clickFirst(page: Page, selector: string, ms = 3_000): Promise<boolean> {
  const el = page.locator(`main ${selector}`).first();
  try {
    await el.waitFor({ state: 'visible', timeout: ms });
  } catch {
    return false;
  }
  await el.click();
  return true;
}

const caseDetail = (from: string): Detail => ({
  id: 'case-detail',
  title: '案件详情',
  from,
  open: (page) => clickFirst(page, 'a[href^="#/cases/"]'),
});

const householdDetail: Detail = {
  id: 'household',
  title: '户详情',
  from: '#/people',
  open: (page) => clickFirst(page, 'a[href^="#/people/"]'),
};

/** Issue 14: a learner of the trainer's home (the demo trainer has six), and the form that records a session. */
const learnerDetail: Detail = {
  id: 'learner',
  title: '学员',
  from: '#/training',
  open: (page) => clickFirst(page, 'a[href^="#/training/l/"]'),
};
const sessionForm: Detail = {
  id: 'learner-session',
  title: '记下这次辅导',
  from: '#/training',
  async open(page) {
    if (!(await clickFirst(page, 'a[href^="#/training/l/"]'))) return false;
    await waitLoaded(page);
    return clickFirst(page, 'a[href$="/session"]');
  },
};

/** 练习模式 (last of the trainer's details: the sandbox stays on until it is ended). */
const practice: Detail = {
  id: 'practice',
  title: '练习模式',
  from: '#/training',
  async open(page) {
    if (!(await clickFirst(page, '.tr-actions button'))) return false;
    await page.locator('header.practice-bar').waitFor();
    return true;
  },
};

/**
 * The side panel of a work queue: the row button with the `d` shortcut ("handle in the panel"), in the first
 * queue (tab) of `from` that has a case.
 */
const panel = (from: string): Detail => ({
  id: 'panel',
  title: '处理面板',
  from,
  async open(page) {
    const button = 'button[aria-keyshortcuts="d"]';
    if (await clickFirst(page, button, 1_000)) return true;
    for (const tab of await links(page, 'main nav a')) {
      await goTo(page, tab.hash);
      await waitLoaded(page);
      if (await clickFirst(page, button, 500)) return true;
    }
    return false;
  },
});

/**
 * Issue 14: the sign-out confirmation (from #/me's 退出登录), and last, the lock screen (from #/me's 现在锁屏): the
 * session closes behind it, so nothing of the role can be walked after it.
 */
const signOutConfirm: Detail = {
  id: 'signout',
  title: '退出登录？',
  from: '#/me',
  open: (page) => clickFirst(page, 'button:has-text("退出登录")'),
};
const lockScreen: Detail = {
  id: 'lock',
  title: '已锁定',
  from: '#/me',
  async open(page) {
    await clickFirst(page, 'button:has-text("取消，继续使用")', 500);
    if (!(await clickFirst(page, 'button:has-text("现在锁屏")'))) return false;
    await page.getByRole('heading', { name: '已锁定' }).waitFor();
    return true;
  },
};

/**
 * Issue 15: 账号管理's panels: the form of an account that is not the signed-in user's own, the confirmation of
 * 停用, and a new account's temporary-password box (a grid worker created in the walk's temporary relay; no demo
 * account is changed, so the roles walked after still sign in).
 */
const OTHER_ACCOUNT = 'tr[data-account]:not([data-account="admin"]):not([data-account="town01"])';
const accountEdit: Detail = {
  id: 'account-edit',
  title: '编辑账号',
  from: '#/accounts',
  open: (page) => clickFirst(page, `${OTHER_ACCOUNT} button[aria-label^="编辑"]`),
};
/** Issue 15: the reference data editor's plan form (a plan's version, deadline, units and steps), not saved. */
const referencePlanEdit: Detail = {
  id: 'reference-plan-edit',
  title: '编辑预案',
  from: '#/reference/plans',
  open: (page) => clickFirst(page, 'tr[data-item] button[aria-label^="编辑"]'),
};
const accountDisable: Detail = {
  id: 'account-disable',
  title: '停用账号？',
  from: '#/accounts',
  open: (page) => clickFirst(page, `${OTHER_ACCOUNT} button[aria-label^="停用"]`),
};
const accountCreated: Detail = {
  id: 'account-temp',
  title: '新建账号：临时密码',
  from: '#/accounts',
  async open(page) {
    if (!(await clickFirst(page, 'button:has-text("新建账号")'))) return false;
    await page.fill('#acct-f-username', `new${Date.now() % 100_000}`);
    await page.fill('#acct-f-name', '新同事');
    await page.selectOption('#acct-f-role', 'worker');
    await page.selectOption('#acct-f-townId', { index: 1 });
    await page.selectOption('#acct-f-villageId', { index: 1 });
    await page.selectOption('#acct-f-gridId', { index: 1 });
    await page.click('main button[type="submit"]:has-text("创建账号")');
    await page.locator('#acct-temp').waitFor();
    return true;
  },
};

/**
 * Issue 15: 账号管理's 批量导入 / 导出: the area opened with its 表格说明; a sheet whose dry run finds problems (the
 * table of them); a clean sheet imported (two grid workers with new usernames in the walk's temporary relay: the
 * temporary-password file is downloaded and the warning shown).
 */
const openBulk = async (page: Page): Promise<boolean> => {
  // The walk moves between details without a reload: the area may still be open from the one before.
  if (!(await page.locator('button[aria-expanded="true"]:has-text("批量导入 / 导出")').count())) {
    if (!(await clickFirst(page, 'button:has-text("批量导入 / 导出")'))) return false;
  }
  await page.locator('#imp-file').waitFor();
  return true;
};
const chooseSheet = (page: Page, name: string, csv: string) => page.setInputFiles('#imp-file', { name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
const SHEET_HEADER = '用户名,姓名,角色,手机号,乡镇,村,网格,单位\n';
const accountBulk: Detail = {
  id: 'account-bulk',
  title: '批量导入 / 导出',
  from: '#/accounts',
  async open(page) {
    if (!(await openBulk(page))) return false;
    await page.click('summary:has-text("表格说明")');
    await page.locator('#acct-import').scrollIntoViewIfNeeded();
    return true;
  },
};
const accountImportProblems: Detail = {
  id: 'account-import-problems',
  title: '导入：表格有问题',
  from: '#/accounts',
  // The dry run of a sheet with problems answers 422 with the list the screen shows.
  expectedErrors: [/^HTTP 422 POST \/api\/accounts\/import\?dryRun=1$/, /^console error: Failed to load resource: .* 422/],
  async open(page) {
    if (!(await openBulk(page))) return false;
    await chooseSheet(page, '名单.csv', `${SHEET_HEADER}w0001,重名的人,网格员,,,,g0001,\nnew.a,王五,网格长,123,,,,\nnew.b,,村书记,,,不存在的村,,\n`);
    await page.locator('.imp-problem-table').waitFor();
    await page.locator('.imp-status').scrollIntoViewIfNeeded();
    return true;
  },
};
const accountImported: Detail = {
  id: 'account-imported',
  title: '导入完成：临时密码文件',
  from: '#/accounts',
  async open(page) {
    if (!(await openBulk(page))) return false;
    const n = Date.now() % 100_000;
    await chooseSheet(page, '名单.csv', `${SHEET_HEADER}imp${n}a,新同事甲,网格员,13800000001,,,g0001,\nimp${n}b,新同事乙,网格员,,,,g0002,\n`);
    await page.locator('button:has-text("导入 2 个账号")').waitFor();
    await page.click('button:has-text("导入 2 个账号")');
    await page.locator('.imp-warning').waitFor();
    await page.locator('.imp-status').scrollIntoViewIfNeeded();
    return true;
  },
};

export const ROLES: RoleDef[] = [
  { user: '', title: '未登录', extra: ['#/signup'] },
  { user: 'admin', title: '系统管理员 admin', extra: ['#/geo', '#/apikeys', '#/audit', '#/reference'], details: [panel('#/board/new'), caseDetail('#/cases'), referencePlanEdit, accountEdit, accountDisable, accountCreated, accountBulk, accountImportProblems, accountImported] },
  { user: 'county', title: '县指挥中心 county', details: [panel('#/board/new'), caseDetail('#/cases')] },
  { user: 'town01', title: '镇指导中心 town01', extra: ['#/board/revisit', '#/invites', '#/towntasks/new'], details: [panel('#/board/new'), caseDetail('#/cases'), householdDetail, accountEdit, accountCreated, accountBulk, accountImportProblems, accountImported] },
  // unit008 (县公安局) has cases in hand in the demo; unit001 has none, so its workspace would show no case or panel.
  { user: 'unit008', title: '处置单位 unit008', details: [panel('#/work'), caseDetail('#/work')] },
  { user: 'w0001', title: '网格员 w0001', extra: ['#/towntasks'], details: [caseDetail('#/cases'), householdDetail] },
  { user: 'st01v01', title: '村书记 st01v01', extra: ['#/invites', '#/me'], details: [caseDetail('#/cases'), householdDetail, signOutConfirm, lockScreen] },
  // The demo trainer has no cases in view (an empty list is its true state): no case detail to open.
  // Issue 14: the guided lessons and a lesson's printable step cards (the trainer's home will link to them).
  // Issue 14: the trainer's home leads to the lessons; a new learner, a learner and a session form are walked too.
  { user: 'trainer01', title: '培训员 trainer01', extra: ['#/training/new', '#/lessons', '#/lessons/spot_scam/cards'], details: [learnerDetail, sessionForm, practice] },
  { user: 'resident01', title: '居民 resident01', extra: ['#/report', '#/nearby', '#/me'], details: [caseDetail('#/cases')] },
  { user: 'p0001', title: '党员 p0001', details: [caseDetail('#/cases')] },
];

/** One screen of a role, as the walk found it. */
export interface Screen {
  /** File-name-safe id, unique within the role: `board-new`, `cases`, `case-detail`. */
  id: string;
  /** What it is called: the navigation or tab link's text, or the detail's title. */
  title: string;
  /** The hash it was shown at (a detail's resolved id included). */
  hash: string;
  /** Loading state still visible after LOAD_TIMEOUT_MS (its text), or null when the screen loaded. */
  stillLoading: string | null;
  /** Why a detail could not be opened (nothing to open), or null. */
  missing?: string;
  /** The detail's errors shown on purpose (Detail.expectedErrors). */
  expectedErrors?: RegExp[];
}

/** Loading states: the app's loading line, skeleton rows, busy regions, a map still drawing, queue counts not known. */
export const LOADING_SELECTOR = [
  '.screen-loading',
  '.skeleton',
  '[class*="skeleton"]',
  '[aria-busy="true"]',
  '.case-row-loading',
  '.syncbar-loading',
  '[data-state="loading"]',
].join(', ');
/** Text that says "still loading" (正在载入…, 正在读取本机数据…), or that the connection is not known yet (正在连接…). */
export const LOADING_TEXT = /正在载入|正在读取|载入中|加载中|正在连接/;
/** A safety net, generous for a busy 2-core machine, where the maps draw in software WebGL. */
export const LOAD_TIMEOUT_MS = 40_000;

/** The visible loading state of the page (its text or selector), or null when there is none. */
export function loadingState(page: Page): Promise<string | null> {
  return page.evaluate(
    ({ selector, text }) => {
      const re = new RegExp(text);
      const shown = (el: Element) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
      for (const el of document.querySelectorAll(selector)) if (shown(el)) return `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const v = n.nodeValue ?? '';
        if (re.test(v) && n.parentElement && shown(n.parentElement)) return v.trim();
      }
      // A queue count not known yet is shown as "…" alone.
      for (const el of document.querySelectorAll('.queue-count')) if ((el.firstChild?.nodeValue ?? '').trim() === '…' && shown(el)) return 'queue count "…"';
      if (!document.querySelector('main')) return 'no main element yet';
      return null;
    },
    { selector: LOADING_SELECTOR, text: LOADING_TEXT.source },
  );
}

/** Resolves when the layout of the page has not changed for two checks 150 ms apart. */
async function settled(page: Page): Promise<void> {
  let last = '';
  for (let i = 0; i < 20; i++) {
    const now = await page.evaluate(() => {
      const m = document.querySelector('main');
      return `${document.documentElement.scrollHeight}|${m?.innerHTML.length ?? 0}`;
    });
    if (now === last) return;
    last = now;
    await page.waitForTimeout(150);
  }
}

/**
 * Waits until the screen is loaded: no loading state, then a settled layout, and still no loading state (a part
 * that starts loading late, such as a case map started when it scrolls into view, shows its loading state only
 * after the rest has settled: the wait goes on for it). Returns the loading state still visible after `timeout`,
 * or null.
 */
export async function waitLoaded(page: Page, timeout = LOAD_TIMEOUT_MS): Promise<string | null> {
  const deadline = Date.now() + timeout;
  let state: string | null = 'not checked';
  while (Date.now() < deadline) {
    state = await loadingState(page);
    if (state === null) {
      await settled(page);
      state = await loadingState(page);
      if (state === null) return null;
    }
    await page.waitForTimeout(100);
  }
  return state;
}

/** Opens the app at `url` and signs in as `user` (or shows the sign-in screen for the guest). */
export async function signInAs(page: Page, url: string, user: string): Promise<void> {
  // tsx (esbuild keepNames) wraps functions in code sent to page.evaluate with `__name(...)`: define it there.
  await page.context().addInitScript('globalThis.__name ??= (f) => f;');
  await page.goto(`${url}/#/login`);
  if (!user) return;
  await page.getByLabel('用户名').fill(user);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('header nav a, header .menu-toggle').first().waitFor({ timeout: 30_000 });
}

/**
 * Every destination of the main navigation. On a PC it is the header's nav; on a phone (or at large text) the
 * destinations sit in the menu panel, opened by 菜单 for the reading and closed again.
 */
async function navLinks(page: Page): Promise<Array<{ hash: string; title: string }>> {
  const toggle = page.locator('header .menu-toggle');
  if ((await toggle.count()) === 0) return links(page, 'header nav a .nav-label');
  await toggle.click();
  await page.locator('#app-menu nav a').first().waitFor();
  const found = await links(page, '#app-menu nav a .nav-label');
  await toggle.click();
  return found;
}

/** Goes to `hash` in the running app (no reload: the session and its synced docs stay). */
export async function goTo(page: Page, hash: string): Promise<void> {
  const now = await page.evaluate(() => location.hash);
  if (now === hash) return;
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction((h) => location.hash === h, hash);
}

/** A file-name-safe id for a hash: `#/board/new` → `board-new`, `#/party/needs?town=t01` → `party-needs-t01`. */
export function screenId(hash: string): string {
  const s = hash
    .replace(/^#\/?/, '')
    .replace(/town=/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return s || 'home';
}

/** The in-app links matching `selector`, but not the one to the page shown (aria-current="page"). */
async function links(page: Page, selector: string): Promise<Array<{ hash: string; title: string }>> {
  return page.evaluate(
    (sel) =>
      [...document.querySelectorAll<HTMLElement>(sel)]
        .map((el) => ({ a: el.closest('a')!, text: el }))
        .map(({ a, text }) => ({ hash: a.getAttribute('href') ?? '', title: (text.textContent ?? '').replace(/\s+/g, ' ').trim(), current: a.getAttribute('aria-current') === 'page' }))
        .filter((l) => l.hash.startsWith('#/') && !(l.current && sel.startsWith('main'))),
    selector,
  );
}

/**
 * Walks every screen of `role` on a page already signed in as it (signInAs): goes to each, waits until it is
 * loaded, and calls `visit` while it is shown. Returns the screens in the order visited.
 */
export async function walkRole(page: Page, role: RoleDef, visit: (s: Screen) => Promise<void>): Promise<Screen[]> {
  const done: Screen[] = [];
  const seen = new Set<string>();
  const show = async (hash: string, title: string, id = screenId(hash)): Promise<void> => {
    await goTo(page, hash);
    const stillLoading = await waitLoaded(page);
    const s: Screen = { id, title, hash: await page.evaluate(() => location.hash), stillLoading };
    seen.add(hash);
    done.push(s);
    await visit(s);
  };
  if (!role.user) {
    await show('#/login', '登录');
    for (const hash of role.extra ?? []) await show(hash, screenId(hash));
    return done;
  }
  const nav = await navLinks(page);
  for (const n of nav) {
    if (seen.has(n.hash)) continue;
    await show(n.hash, n.title);
    for (const tab of await links(page, 'main nav a')) {
      if (seen.has(tab.hash) || tab.hash === n.hash) continue;
      // Only tabs of this screen (same first path segment), not links elsewhere that sit in a nav.
      if (tab.hash.split(/[/?]/)[1] !== n.hash.split(/[/?]/)[1]) continue;
      await show(tab.hash, `${n.title} · ${tab.title.replace(/[\d,…]+\s*件?$/, '').trim()}`);
    }
  }
  for (const hash of role.extra ?? []) if (!seen.has(hash)) await show(hash, screenId(hash));
  for (const d of role.details ?? []) {
    await goTo(page, d.from);
    await waitLoaded(page);
    if (!(await d.open(page))) {
      const s: Screen = { id: d.id, title: d.title, hash: d.from, stillLoading: null, missing: `nothing to open on ${d.from}` };
      done.push(s);
      await visit(s);
      continue;
    }
    const stillLoading = await waitLoaded(page);
    const s: Screen = { id: d.id, title: d.title, hash: await page.evaluate(() => location.hash), stillLoading, ...(d.expectedErrors ? { expectedErrors: d.expectedErrors } : {}) };
    done.push(s);
    await visit(s);
  }
  return done;
}
