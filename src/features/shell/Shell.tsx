/**
 * The frame around every signed-in screen: header (app name, navigation, user, language, sign-out), the
 * always-visible sync status, and the re-authentication banner. docs/design-system.md describes the layout:
 *  - PC (the viewport is at least 40rem wide, rem following the user's text size): one header row in the page
 *    column (brand, every destination with its icon, the user and sign-out).
 *  - Phone or large text: the header is the brand and a 菜单 button whose panel lists every destination, the
 *    language and sign-out; when the screen is wide enough for its labels (20rem..40rem), a bottom tab bar shows
 *    the first destinations and 更多 (the same panel), so nothing hides in a sideways scroller.
 * The layout follows the root font size as well as the viewport (useLayoutFlags), so 200% text gets the phone
 * layout even where media queries in em would not see it.
 */
import { assessKinds } from '../../domain/assessscope.ts';
import type { ComponentChildren, ComponentType, RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import '../../app/locales/lockbutton.zh.ts';
import { messagesReady, roleName, t } from '../../app/i18n.ts';
import { homeRoute, route, type Route } from '../../app/router.ts';
import type { Session } from '../../app/services.ts';
import { REPORTERS } from '../../domain/statuses.ts';
import { BrandMark, Icon, type IconName } from '../../ui/icons.tsx';
import { ElderSwitch } from './ElderSwitch.tsx';
import { LangSwitch } from './LangSwitch.tsx';
import { SyncStatusBar } from './SyncStatus.tsx';

export interface ShellProps {
  session: Session;
  onLogout(): void;
  /** Issue 14: lock the screen (quick switch on a shared PC); no button when absent. */
  onLock?: (() => void) | undefined;
  children: ComponentChildren;
  /**
   * Counts shown on navigation links, by route name: `{ tasks: n }`, the grid worker's cases awaiting 核查
   * (App.tsx, from useDueCounts in src/features/home/useDueCounts.ts); 0 or undefined shows no badge.
   */
  badges?: Partial<Record<Route['name'], number>> | undefined;
}

export function mayReport(session: Session): boolean {
  return REPORTERS.includes(session.user.role);
}

/** Roles that see the assessment (考核) screen. */
export function maySeeAssessment(session: Session): boolean {
  return assessKinds(session.user.role).length > 0;
}

interface Dest {
  href: string;
  name: Route['name'];
  /** Further route names under this destination (the case detail under 案件). */
  also?: Array<Route['name']>;
  label: string;
  icon: IconName;
}

/** Issue 13: who manages village invitation codes (#/invites; the relay checks the village). */
const mayInvite = (role: string) => role === 'secretary' || role === 'town' || role === 'admin';

/** Every destination of the user's role, in navigation order: their own work screen first. */
function destinations(session: Session): Dest[] {
  const role = session.user.role;
  // Issue 13: a resident's app has four plain destinations (the account screen, #/me, is the accounts feature's).
  if (role === 'resident') {
    return [
      { href: '#/cases', name: 'cases', also: ['case'], label: t('shell.mine'), icon: 'cases' },
      { href: '#/report', name: 'report', label: t('shell.report'), icon: 'report' },
      { href: '#/nearby', name: 'nearby', label: t('shell.nearby'), icon: 'pin' },
      { href: '#/me', name: 'me', label: t('shell.menu'), icon: 'people' },
      // Their reports' progress (the top bar's bell).
      { href: '#/inbox', name: 'inbox', label: t('shell.inbox'), icon: 'inbox' },
    ];
  }
  const out: Dest[] = [];
  switch (homeRoute(role).name) {
    case 'board':
      out.push({ href: '#/board', name: 'board', label: t('shell.board'), icon: 'board' });
      break;
    case 'work':
      out.push({ href: '#/work', name: 'work', label: t('shell.work'), icon: 'work' });
      break;
    case 'tasks':
      // issue 17: tasks sent down and a patrol are part of 我的任务
      out.push({ href: '#/tasks', name: 'tasks', also: ['towntasks', 'patrol'], label: t('shell.tasks'), icon: 'tasks' });
      break;
    case 'village':
      out.push({ href: '#/village', name: 'village', label: t('shell.village'), icon: 'home' });
      break;
    case 'training':
      out.push({ href: '#/training', name: 'training', also: ['lessons', 'lessonCards'], label: t('shell.training'), icon: 'learn' });
      break;
  }
  // issue 17: tasks sent down, for who sends them and the village secretaries (grid workers: inside 我的任务)
  if (['town', 'county', 'secretary'].includes(role)) out.push({ href: '#/towntasks', name: 'towntasks', label: t('shell.towntasks'), icon: 'tasks' });
  // issue 13: every role's inbox, next to their own work (its badge: the unread count).
  out.push({ href: '#/inbox', name: 'inbox', label: t('shell.inbox'), icon: 'inbox' });
  out.push({ href: '#/cases', name: 'cases', also: ['case'], label: t('shell.cases'), icon: 'cases' });
  if (mayReport(session)) out.push({ href: '#/report', name: 'report', label: t('shell.report'), icon: 'report' });
  if (['worker', 'secretary', 'town'].includes(role)) out.push({ href: '#/people', name: 'people', label: t('shell.people'), icon: 'people' });
  if (['member', 'secretary', 'town', 'county', 'admin'].includes(role)) out.push({ href: '#/party', name: 'party', label: t('shell.party'), icon: 'party' });
  // issue 14: the village's literacy training, for its secretary (the town center and county: in 考核, which links it)
  if (role === 'secretary') out.push({ href: '#/training', name: 'training', label: t('shell.training'), icon: 'learn' });
  // issue 17: 矛盾纠纷调解, for who opens disputes or may mediate them (src/domain/mediation.ts)
  if (['worker', 'secretary', 'town', 'member'].includes(role)) out.push({ href: '#/mediation', name: 'mediation', label: t('shell.mediation'), icon: 'mediate' });
  out.push({ href: '#/map', name: 'map', label: t('shell.map'), icon: 'map' });
  if (maySeeAssessment(session)) out.push({ href: '#/stats', name: 'stats', also: ['statsReport'], label: t('shell.stats'), icon: 'stats' });
  // Issue 15: the command hall (county, town) and staff accounts (admin, town center; the administrator's audit log a
  // tab of it, features/accounts/AdminTabs.tsx). What does not fit the PC header's row goes to 更多 (useNavFit).
  if (role === 'county' || role === 'town') out.push({ href: '#/hall', name: 'hall', label: t('shell.hall'), icon: 'hall' });
  if (role === 'admin' || role === 'town') out.push({ href: '#/accounts', name: 'accounts', also: ['audit'], label: t('shell.accounts'), icon: 'account' });
  // The reference data editor, with the boundary import (#/geo) as one of its tabs.
  if (role === 'admin') out.push({ href: '#/reference', name: 'reference', also: ['geo'], label: t('shell.reference'), icon: 'ref' });
  // Issue 17: the county's care levels and tags (a `care.set` reference change).
  if (role === 'county' || role === 'admin') out.push({ href: '#/caresettings', name: 'caresettings', label: t('shell.care'), icon: 'people' });
  return out;
}

/** The layout the viewport has room for at the current root font size (see useLayoutFlags). */
function layoutFlags(): { narrow: boolean; tabbar: boolean; short: boolean } {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  const w = window.innerWidth / rem;
  const narrow = w < 40;
  return { narrow, tabbar: narrow && w >= 20, short: window.innerHeight / rem < 40 };
}

/**
 * Marks <html> with the layout the viewport has room for at the current text size: `data-narrow` (under 40rem:
 * phone layout, cards instead of tables), `data-tabbar` (20rem..40rem: a bottom tab bar fits), `data-short` (under
 * 40rem tall: nothing sticky). A rem-sized probe notices a change of the root font size.
 */
function useLayoutFlags() {
  const probe = useRef<HTMLSpanElement>(null);
  // Measured before the first paint: a phone never sees the PC header for a frame and then the phone one (a jump
  // of the whole page, and Lighthouse's layout shift).
  const [flags, setFlags] = useState(layoutFlags);
  useLayoutEffect(() => {
    const html = document.documentElement;
    const update = () => {
      const f = layoutFlags();
      html.toggleAttribute('data-narrow', f.narrow);
      html.toggleAttribute('data-tabbar', f.tabbar);
      html.toggleAttribute('data-short', f.short);
      setFlags((old) => (old.narrow === f.narrow && old.tabbar === f.tabbar ? old : f));
    };
    update();
    window.addEventListener('resize', update);
    const ro = typeof ResizeObserver === 'function' && probe.current ? new ResizeObserver(update) : null;
    if (ro && probe.current) ro.observe(probe.current);
    return () => {
      window.removeEventListener('resize', update);
      ro?.disconnect();
      for (const a of ['data-narrow', 'data-tabbar', 'data-short']) html.removeAttribute(a);
    };
  }, []);
  return { ...flags, probe };
}

function NavLink({ d, current, badge, onClick, compact, hidden }: { d: Dest; current: boolean; badge?: number | undefined; onClick?: () => void; compact?: boolean; hidden?: boolean }) {
  // compact (the PC header's inbox, next to the user): the icon and its badge; the name stays for screen readers and as a tooltip.
  return (
    <a href={d.href} class="nav-link" aria-current={current ? 'page' : undefined} onClick={onClick} title={compact ? d.label : undefined} hidden={hidden}>
      <Icon name={d.icon} />
      <span class={compact ? 'nav-label visually-hidden' : 'nav-label'}>{d.label}</span>
      {badge ? (
        <span class="nav-badge">
          {badge}
          <span class="visually-hidden">{t('shell.badge')}</span>
        </span>
      ) : null}
    </a>
  );
}

/**
 * The PC header's destinations that fit its one row (priority+): the links are measured as they render, and those
 * that do not fit (a long language, large text, a role with many destinations) are left to 更多, which lists them.
 * The header therefore never wraps to a second row. Measured after every render (links change with badges and
 * language) and on resize, with every link shown for the measure and the result applied before the paint.
 */
function useNavFit(count: number, active: boolean): { ref: RefObject<HTMLElement | null>; shown: number } {
  const ref = useRef<HTMLElement>(null);
  const [shown, setShown] = useState(count);
  const measure = () => {
    const nav = ref.current;
    if (!nav) return;
    const links = [...nav.querySelectorAll<HTMLElement>(':scope > .nav-link')];
    const more = nav.querySelector<HTMLElement>(':scope > .nav-more');
    const hiddenBefore = links.map((l) => l.hidden);
    const moreHidden = more?.hidden ?? true;
    for (const l of links) l.hidden = false;
    if (more) more.hidden = false;
    const gap = parseFloat(getComputedStyle(nav).columnGap) || 0;
    const widths = links.map((l) => l.getBoundingClientRect().width);
    const moreWidth = more?.getBoundingClientRect().width ?? 0;
    const avail = nav.clientWidth;
    let n = links.length;
    if (widths.reduce((a, w) => a + w, 0) + gap * Math.max(0, links.length - 1) > avail) {
      let used = moreWidth;
      n = 0;
      while (n < links.length && used + gap + widths[n]! <= avail) used += gap + widths[n++]!;
    }
    links.forEach((l, i) => (l.hidden = hiddenBefore[i]!));
    if (more) more.hidden = moreHidden;
    setShown(n);
  };
  useLayoutEffect(measure);
  useEffect(() => {
    const nav = ref.current;
    if (!nav || typeof ResizeObserver !== 'function') return;
    const ro = new ResizeObserver(() => measure());
    ro.observe(nav);
    return () => ro.disconnect();
  }, [active]);
  return { ref, shown: Math.min(shown, count) };
}

export function Shell({ session, onLogout, onLock, children, badges }: ShellProps) {
  const r = route.value.name;
  const user = session.user;
  const dests = destinations(session);
  const layout = useLayoutFlags();
  // The menu panel (phones and large text): open for the route it was opened on; any navigation closes it.
  const [menuAt, setMenuAt] = useState<Route | null>(null);
  const isCurrent = (d: Dest) => r === d.name || (d.also?.includes(r) ?? false);
  // The inbox sits in the top bar (an icon and its badge) on phones and PCs alike, with the user's own things, so the
  // work destinations keep their row and their tabs; the menu lists it with the others.
  const inboxDest = dests.find((d) => d.name === 'inbox');
  const work = dests.filter((d) => d !== inboxDest);
  // PCs: the destinations past the header's one row are listed by 更多 (useNavFit).
  const fit = useNavFit(work.length, !layout.narrow);
  const overflow = layout.narrow ? [] : work.slice(fit.shown);
  const menuOpen = (layout.narrow || overflow.length > 0) && menuAt === route.value;
  const menuRef = useRef<HTMLDivElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const openMenu = (open: boolean) => {
    setMenuAt(open ? route.value : null);
    if (open) {
      window.scrollTo(0, 0);
      requestAnimationFrame(() => menuRef.current?.querySelector<HTMLElement>('a, button')?.focus());
    } else toggleRef.current?.focus();
  };
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') openMenu(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);
  // Bottom tab bar: every work destination when five fit, else the first four and 更多.
  const tabs = work.length <= 5 ? work : work.slice(0, 4);
  const current = dests.find(isCurrent);
  const inboxLink = inboxDest ? (
    <nav aria-label={t('shell.inbox')} class="nav">
      <NavLink d={inboxDest} current={isCurrent(inboxDest)} badge={badges?.inbox} compact />
    </nav>
  ) : null;
  return (
    <>
      <span ref={layout.probe} class="rem-probe" aria-hidden="true" />
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href="#/">
            <BrandMark />
            <span>{t('app.name')}</span>
          </a>
          {layout.narrow ? (
            <>
              {current ? (
                <span class="topbar-where" aria-hidden="true">
                  {current.label}
                </span>
              ) : null}
              {inboxLink}
              <button
                ref={toggleRef}
                type="button"
                class="btn btn-quiet menu-toggle"
                aria-expanded={menuOpen}
                aria-controls="app-menu"
                onClick={() => openMenu(!menuOpen)}
              >
                <Icon name="menu" />
                {t('shell.openMenu')}
                {!menuOpen && work.some((d) => badges?.[d.name] && !tabs.includes(d)) ? <span class="nav-dot" aria-hidden="true" /> : null}
              </button>
            </>
          ) : (
            <>
              <nav aria-label={t('shell.nav')} class="nav nav-main" ref={fit.ref}>
                {work.map((d, i) => (
                  <NavLink key={d.name} d={d} current={isCurrent(d)} badge={badges?.[d.name]} hidden={i >= fit.shown} />
                ))}
                <button
                  ref={toggleRef}
                  type="button"
                  class={`nav-link nav-more${overflow.some(isCurrent) ? ' nav-more-current' : ''}`}
                  aria-expanded={menuOpen}
                  aria-controls="app-menu"
                  hidden={overflow.length === 0}
                  onClick={() => openMenu(!menuOpen)}
                >
                  <Icon name="menu" />
                  <span class="nav-label">{t('shell.more')}</span>
                  {!menuOpen && overflow.some((d) => badges?.[d.name]) ? <span class="nav-dot" aria-hidden="true" /> : null}
                </button>
              </nav>
              <div class="topbar-user">
                {/* Issue 13: the name opens my account (#/me; invitation codes are linked from there). */}
                {inboxLink}
                {/* The name only (its role in the tooltip), so the header stays one row on a 1366 px screen. */}
                <a class="user-name" href="#/me" title={`${roleName(user.role)} · ${t('shell.me')}`} aria-current={r === 'me' ? 'page' : undefined}>
                  {user.name}
                </a>
                {/* 存储空间 is in #/me (the name) and the phone menu: the header stays one row at 1366 px. */}
                <ElderSwitch />
                <LangSwitch />
                {onLock ? <LockButton onLock={onLock} compact /> : null}
                <button type="button" class="btn btn-quiet" onClick={onLogout}>
                  <Icon name="logout" />
                  {t('shell.logout')}
                </button>
              </div>
            </>
          )}
        </div>
        {menuOpen ? (
          <div id="app-menu" class="menu-panel" ref={menuRef}>
            <nav aria-label={t('shell.nav')} class="menu-nav">
              {(layout.narrow ? dests : overflow).map((d) => (
                <NavLink key={d.name} d={d} current={isCurrent(d)} badge={badges?.[d.name]} onClick={() => setMenuAt(null)} />
              ))}
            </nav>
            {layout.narrow ? <div class="menu-user">
              <span class="user-name">{t('shell.user', { name: user.name, role: roleName(user.role) })}</span>
              {session.evidence ? (
                <a class="nav-link" href="#/storage" aria-current={r === 'storage' ? 'page' : undefined} onClick={() => setMenuAt(null)}>
                  {t('shell.storage')}
                </a>
              ) : null}
              {mayInvite(user.role) ? (
                <a class="nav-link" href="#/invites" aria-current={r === 'invites' ? 'page' : undefined} onClick={() => setMenuAt(null)}>
                  {t('shell.invites')}
                </a>
              ) : null}
              <a class="nav-link" href="#/me" aria-current={r === 'me' ? 'page' : undefined} onClick={() => setMenuAt(null)}>
                {t('shell.me')}
              </a>
              <div class="button-row">
                <ElderSwitch />
                <LangSwitch />
                {onLock ? <LockButton onLock={onLock} /> : null}
                <button type="button" class="btn btn-quiet" onClick={onLogout}>
                  <Icon name="logout" />
                  {t('shell.logout')}
                </button>
              </div>
            </div> : null}
          </div>
        ) : null}
      </header>
      <SyncStatusBar status={session.status} />
      {session.status.value.authExpired ? <LazyRenewBanner session={session} /> : null}
      {children}
      {layout.tabbar ? (
        <nav class="tabbar" aria-label={t('shell.tabbar')}>
          {tabs.map((d) => (
            <NavLink key={d.name} d={d} current={isCurrent(d)} badge={badges?.[d.name]} />
          ))}
          {tabs.length < work.length ? (
            <button type="button" class="nav-link tab-more" aria-expanded={menuOpen} aria-controls="app-menu" onClick={() => openMenu(!menuOpen)}>
              <Icon name="menu" />
              <span class="nav-label">{t('shell.more')}</span>
            </button>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

/**
 * Issue 14: the lock button. compact (the PC header, which stays one row at 1366 px): the icon, its word for screen
 * readers and as a tooltip, like the inbox next to it.
 */
function LockButton({ onLock, compact }: { onLock(): void; compact?: boolean }) {
  return (
    <button type="button" class="btn btn-quiet" onClick={onLock} title={compact ? t('lock.lock') : undefined}>
      <Icon name="lock" />
      <span class={compact ? 'visually-hidden' : undefined}>{t('lock.lock')}</span>
    </button>
  );
}

/**
 * The sign-in-again banner loads only when a token was refused (rare, and its form would otherwise cost every first
 * screen its bytes); the service worker precaches its chunk, so it also loads offline.
 */
let RenewBanner: ComponentType<{ session: Session }> | null = null;
function LazyRenewBanner({ session }: { session: Session }) {
  const [C, setC] = useState(() => RenewBanner);
  useEffect(() => {
    // Its words are a pack of their own (later.zh.ts): shown once they are there in the current language.
    if (!C) void import('./RenewBanner.tsx').then((m) => messagesReady().then(() => setC(() => (RenewBanner = m.RenewBanner))));
  }, [C]);
  return C ? <C session={session} /> : null;
}
