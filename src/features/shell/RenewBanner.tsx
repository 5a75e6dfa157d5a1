/** Shown while the relay refuses this user's token: ask for the password again; local work is kept meanwhile. */
import '../../app/locales/later.zh.ts';
import '../../app/locales/login.zh.ts';
import { useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import { Alert } from '../../ui/Alert.tsx';

export function RenewBanner({ session }: { session: Session }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  if (!session.status.value.authExpired) return null;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!password || busy) return;
    setBusy(true);
    setFailed(false);
    try {
      const ok = await session.renew(password);
      setFailed(!ok);
      if (ok) setPassword('');
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="banner banner-warning" aria-labelledby="renew-text">
      <form class="renew" onSubmit={submit}>
        <p id="renew-text">{t('sync.expired')}</p>
        <div class="renew-row">
          <label for="renew-password" class="visually-hidden">
            {t('login.password')}
          </label>
          <input
            id="renew-password"
            type="password"
            autocomplete="current-password"
            placeholder={t('login.password')}
            value={password}
            aria-invalid={failed || undefined}
            aria-describedby="renew-error"
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('sync.renewBusy') : t('sync.renew')}
          </button>
        </div>
        <Alert tone="error" id="renew-error">
          {failed ? t('sync.renewFailed') : ''}
        </Alert>
      </form>
    </section>
  );
}
