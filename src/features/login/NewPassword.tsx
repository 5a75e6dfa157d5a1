/**
 * Issue 15: the first sign-in with a temporary password (a new account, or a reset by the town center or an
 * administrator) sets the user's own password before anything opens. The relay refuses the temporary sign-in's
 * token everywhere else (server/accountshttp.ts); the rule is src/domain/accounts.ts staffPasswordProblem, checked
 * here first so a weak password is named before anything is sent.
 */
import { useRef, useState } from 'preact/hooks';
import { staffPasswordProblem } from '../../domain/accounts.ts';
import type { AuthService, ChangePasswordError, LoginError, PasswordProblem, Session } from '../../app/services.ts';
import { loginErrorText, t } from '../../app/i18n.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';

export interface NewPasswordProps {
  auth: AuthService;
  username: string;
  temporary: string;
  onLogin(session: Session): void;
  onBack(): void;
}

type Problem = { kind: 'problem'; code: PasswordProblem } | { kind: 'mismatch' } | { kind: 'error'; code: ChangePasswordError | LoginError };

export function NewPassword({ auth, username, temporary, onLogin, onBack }: NewPasswordProps) {
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const nextRef = useRef<HTMLInputElement>(null);
  const againRef = useRef<HTMLInputElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || !auth.changeTemporaryPassword) return;
    const local = next === temporary ? 'same_as_before' : staffPasswordProblem(next, username);
    if (local) {
      setProblem({ kind: 'problem', code: local });
      nextRef.current?.focus();
      return;
    }
    if (next !== again) {
      setProblem({ kind: 'mismatch' });
      againRef.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const r = await auth.changeTemporaryPassword(username, temporary, next);
      if (r.ok) return onLogin(r.session);
      setProblem(r.error === 'weak_password' && r.problem ? { kind: 'problem', code: r.problem } : { kind: 'error', code: r.error });
    } catch {
      setProblem({ kind: 'error', code: 'network' });
    } finally {
      setBusy(false);
    }
  };

  const text = !problem
    ? ''
    : problem.kind === 'problem'
      ? t(`login.newProblem.${problem.code}`)
      : problem.kind === 'mismatch'
        ? t('login.newMismatch')
        : problem.code === 'bad_password' || problem.code === 'expired' || problem.code === 'network'
          ? t(`login.newError.${problem.code}`)
          : loginErrorText(problem.code as LoginError);
  const nextInvalid = problem?.kind === 'problem';

  return (
    <div class="login">
      <ScreenTitle suffix={t('app.name')}>{t('login.newTitle')}</ScreenTitle>
      <form class="card form" onSubmit={submit} noValidate>
        <p>{t('login.newIntro', { name: username })}</p>
        {/* Password managers save the new password under this username. */}
        <input type="text" name="username" autocomplete="username" value={username} readOnly hidden />
        <Field id="new-password" label={t('login.newPassword')} hint={t('login.newHint')}>
          <input
            ref={nextRef}
            id="new-password"
            type="password"
            autocomplete="new-password"
            required
            value={next}
            aria-invalid={nextInvalid || undefined}
            aria-describedby="new-password-hint new-password-problem"
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </Field>
        <Field id="new-password-again" label={t('login.newAgain')}>
          <input
            ref={againRef}
            id="new-password-again"
            type="password"
            autocomplete="new-password"
            required
            value={again}
            aria-invalid={problem?.kind === 'mismatch' || undefined}
            aria-describedby="new-password-problem"
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </Field>
        <Alert tone="error" id="new-password-problem">
          {text}
        </Alert>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} aria-disabled={busy}>
          {busy ? t('login.newBusy') : t('login.newSubmit')}
        </button>
        <button type="button" class="btn btn-block" onClick={onBack}>
          {t('login.newBack')}
        </button>
      </form>
    </div>
  );
}
