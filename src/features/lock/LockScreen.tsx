/**
 * The lock screen (issue 14): shown instead of every screen while a session is locked, and at the start of a shared
 * device that was closed without signing out. It names nobody and shows nothing of the last user's work: the
 * session's screens are unmounted and its databases closed (sealed on a shared device) before it appears.
 * A PIN unlocks until five wrong ones in a row; then the password. "Another account" leaves for the sign-in screen.
 */
import '../../app/locales/sharedpc.zh.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import type { LockInfo, Session, SharedPcApi } from '../../app/services.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';

export interface LockScreenProps {
  shared: SharedPcApi;
  info: LockInfo;
  onUnlocked(session: Session): void;
  onSwitchUser(): void;
}

export function LockScreen({ shared, info, onUnlocked, onSwitchUser }: LockScreenProps) {
  const [usePin, setUsePin] = useState(info.pin);
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [usePin]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!secret) {
      setProblem(t('lock.required'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setProblem('');
    try {
      const r = await shared.unlock(usePin ? { pin: secret } : { password: secret });
      if (r.ok) {
        setSecret('');
        onUnlocked(r.session);
        return;
      }
      setSecret('');
      if (r.error === 'bad_pin') setProblem(t('lock.badPin', { n: r.left }));
      else if (r.error === 'pin_blocked') {
        setUsePin(false);
        setProblem(t('lock.pinBlocked'));
      } else if (r.error === 'bad_request') setProblem(t('pc.pinInvalid'));
      else if (r.error === 'not_locked') onSwitchUser();
      else setProblem(t('lock.badPassword'));
      input.current?.focus();
    } catch {
      setProblem(t('error.unexpected'));
    } finally {
      setBusy(false);
    }
  };

  const switchUser = async () => {
    await shared.cancelLock();
    onSwitchUser();
  };

  return (
    <div class="login lock">
      <ScreenTitle suffix={t('app.name')}>{t('lock.title')}</ScreenTitle>
      <form class="card form" onSubmit={submit} noValidate aria-describedby="lock-intro">
        <p id="lock-intro">{usePin ? t('lock.intro') : t('lock.introPassword')}</p>
        <Field id="lock-secret" label={usePin ? t('lock.pin') : t('lock.password')}>
          <input
            ref={input}
            id="lock-secret"
            key={usePin ? 'pin' : 'password'}
            type="password"
            inputMode={usePin ? 'numeric' : undefined}
            pattern={usePin ? '[0-9]*' : undefined}
            maxLength={usePin ? 6 : undefined}
            autocomplete={usePin ? 'off' : 'current-password'}
            value={secret}
            aria-invalid={problem ? true : undefined}
            aria-describedby="lock-problem"
            onInput={(e) => setSecret(e.currentTarget.value)}
          />
        </Field>
        <Alert tone="error" id="lock-problem">
          {problem}
        </Alert>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} aria-disabled={busy}>
          {busy ? t('lock.busy') : t('lock.unlock')}
        </button>
      </form>
      <section class="card">
        <button type="button" class="btn btn-block" onClick={() => void switchUser()} aria-describedby="lock-switch-hint">
          {t('lock.switchUser')}
        </button>
        <p class="hint" id="lock-switch-hint">
          {t('lock.switchHint')}
        </p>
      </section>
    </div>
  );
}
