/**
 * The frame around every signed-in screen: header (app name, navigation, user, language, sign-out), the
 * always-visible sync status, and the re-authentication banner.
 */
import type { ComponentChildren } from 'preact';
import { roleName, t } from '../../app/i18n.ts';
import { route } from '../../app/router.ts';
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

export function Shell({ session, onLogout, children }: ShellProps) {
  const r = route.value.name;
  const user = session.user;
  return (
    <>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href="#/cases">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>{t('app.name')}</span>
          </a>
          <nav aria-label={t('shell.nav')} class="nav">
            <a href="#/cases" class="nav-link" aria-current={r === 'cases' || r === 'case' ? 'page' : undefined}>
              {t('shell.cases')}
            </a>
            {mayReport(session) ? (
              <a href="#/report" class="nav-link" aria-current={r === 'report' ? 'page' : undefined}>
                {t('shell.report')}
              </a>
            ) : null}
          </nav>
          <div class="topbar-user">
            <span class="user-name">{t('shell.user', { name: user.name, role: roleName(user.role) })}</span>
            <LangSwitch />
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
