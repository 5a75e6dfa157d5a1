/**
 * The administrator's two screens of people and their traces, as tabs under one header entry (账号): 账号管理
 * (#/accounts) and 审计日志 (#/audit). A town center has only the first: no tabs.
 */
import { t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';

export function AdminTabs({ session, current }: { session: Session; current: 'accounts' | 'audit' }) {
  if (session.user.role !== 'admin') return null;
  return (
    <nav class="acct-tabs" aria-label={t('acct.tabs')}>
      <a href="#/accounts" aria-current={current === 'accounts' ? 'page' : undefined}>
        {t('acct.title')}
      </a>
      <a href="#/audit" aria-current={current === 'audit' ? 'page' : undefined}>
        {t('audit.title')}
      </a>
    </nav>
  );
}
