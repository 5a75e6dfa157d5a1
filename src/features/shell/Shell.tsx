/**
 * The frame around every signed-in screen: header (app name, navigation, user, language, sign-out), the
 * always-visible sync status, and the re-authentication banner.
 */
import { assessKinds } from '../../domain/assessscope.ts';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { roleName, t } from '../../app/i18n.ts';
import { homeRoute, route, type Route } from '../../app/router.ts';
import type { Session } from '../../app/services.ts';
import { TRANSITIONS } from '../../domain/workflow.ts';
import { LangSwitch } from './LangSwitch.tsx';
import { RenewBanner } from './RenewBanner.tsx';
import { SyncStatusBar } from './SyncStatus.tsx';

export interface ShellProps {
  session: Session;
  onLogout(): void;
  children: ComponentChildren;
}

export function mayReport(session: Session): boolean {
  return TRANSITIONS.reported.roles.includes(session.user.role);
}

/** The role's own work screen, shown first in the navigation (null for roles that only browse cases). */
function workLink(session: Session): { href: string; name: Route['name']; label: string } | null {
  const home = homeRoute(session.user.role);
  switch (home.name) {
    case 'board':
      return { href: '#/board', name: 'board', label: t('shell.board') };
    case 'work':
      return { href: '#/work', name: 'work', label: t('shell.work') };
    case 'tasks':
      return { href: '#/tasks', name: 'tasks', label: t('shell.tasks') };
    default:
      return null;
  }
}

/** Roles that see the assessment (考核) screen. */
export function maySeeAssessment(session: Session): boolean {
  return assessKinds(session.user.role).length > 0;
}

export function Shell({ session, onLogout, children }: ShellProps) {
  const r = route.value.name;
  const user = session.user;
  const work = workLink(session);
  // Narrow screens and large text (styles.css): the navigation becomes one scrolling row and the user's name and
  // sign-out fold behind a button, so the header stays two rows even at 200% text. Any navigation closes it.
  const [menuAt, setMenuAt] = useState<Route | null>(null);
  const menuOpen = menuAt === route.value;
  return (
    <>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href="#/">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>{t('app.name')}</span>
          </a>
          <LangSwitch />
          <button type="button" class="btn btn-quiet menu-toggle" aria-expanded={menuOpen} aria-controls="topbar-user" onClick={() => setMenuAt(menuOpen ? null : route.value)}>
            {t('shell.menu')}
          </button>
          <nav aria-label={t('shell.nav')} class="nav">
            {work ? (
              <a href={work.href} class="nav-link" aria-current={r === work.name ? 'page' : undefined}>
                {work.label}
              </a>
            ) : null}
            <a href="#/cases" class="nav-link" aria-current={r === 'cases' || r === 'case' ? 'page' : undefined}>
              {t('shell.cases')}
            </a>
            {mayReport(session) ? (
              <a href="#/report" class="nav-link" aria-current={r === 'report' ? 'page' : undefined}>
                {t('shell.report')}
              </a>
            ) : null}
            {maySeeAssessment(session) ? (
              <a href="#/stats" class="nav-link" aria-current={r === 'stats' ? 'page' : undefined}>
                {t('shell.stats')}
              </a>
            ) : null}
            <a href="#/map" class="nav-link" aria-current={r === 'map' ? 'page' : undefined}>
              {t('shell.map')}
            </a>
            {['worker', 'secretary', 'town'].includes(session.user.role) ? (
              <a href="#/people" class="nav-link" aria-current={r === 'people' ? 'page' : undefined}>
                {t('shell.people')}
              </a>
            ) : null}
            {['member', 'secretary', 'town', 'county', 'admin'].includes(session.user.role) ? (
              <a href="#/party" class="nav-link" aria-current={r === 'party' ? 'page' : undefined}>
                {t('shell.party')}
              </a>
            ) : null}
          </nav>
          <div id="topbar-user" class={menuOpen ? 'topbar-user open' : 'topbar-user'}>
            <span class="user-name">{t('shell.user', { name: user.name, role: roleName(user.role) })}</span>
            <button type="button" class="btn btn-quiet" onClick={onLogout}>
              {t('shell.logout')}
            </button>
          </div>
        </div>
      </header>
      <SyncStatusBar status={session.status} />
      <RenewBanner session={session} />
      {children}
    </>
  );
}
