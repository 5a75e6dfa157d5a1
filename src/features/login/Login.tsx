/**
 * Sign-in. Lists the people who used this device before (shared PCs, phones passed around): tapping a name
 * fills the username. Works offline for those people (the auth service checks a local verifier).
 */
import '../../app/locales/errors.zh.ts';
import '../../app/locales/login.zh.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AuthService, LoginError, Profile, Session } from '../../app/services.ts';
import { formatTime, loginErrorText, roleName, t } from '../../app/i18n.ts';
import { Alert } from '../../ui/Alert.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { NewPassword } from './NewPassword.tsx';

export interface LoginProps {
  auth: AuthService;
  onLogin(session: Session): void;
}

type Problem = { kind: 'login'; code: LoginError } | { kind: 'required' } | { kind: 'unexpected' };

export function Login({ auth, onLogin }: LoginProps) {
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const passwordRef = useRef<HTMLInputElement>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  // Issue 14: the first sign-in on a device asks whether several people use it (an unticked box answers no).
  const [askShared, setAskShared] = useState(false);
  const [sharedPc, setSharedPc] = useState(false);
  // Issue 15: signed in with a temporary password: set a new one first (the typed temporary one, held in memory).
  const [temporary, setTemporary] = useState<{ username: string; password: string } | null>(null);
  useEffect(() => {
    void auth.shared?.deviceShared().then((v) => setAskShared(v === null), () => undefined);
  }, [auth]);

  const loadProfiles = () =>
    auth.profiles().then(
      (list) => setProfiles([...list].sort((a, b) => b.lastLoginMs - a.lastLoginMs)),
      () => setProfiles([]),
    );
  useEffect(() => {
    void loadProfiles();
  }, [auth]);

  const pick = (p: Profile) => {
    setUsername(p.username);
    setProblem(null);
    passwordRef.current?.focus();
  };

  const forget = async (p: Profile) => {
    setConfirming(null);
    await auth.forget(p.userId);
    if (username === p.username) setUsername('');
    setNotice(t('login.forgotten', { name: p.name }));
    await loadProfiles();
    usernameRef.current?.focus();
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const u = username.trim();
    if (!u || !password) {
      setProblem({ kind: 'required' });
      (u ? passwordRef : usernameRef).current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    setNotice('');
    try {
      const r = await auth.login(u, password);
      if (r.ok) {
        setPassword('');
        if (askShared) await auth.shared?.setDeviceShared(sharedPc, r.session).catch(() => false);
        onLogin(r.session);
        return;
      }
      if (r.error === 'must_change_password' && auth.changeTemporaryPassword) {
        setTemporary({ username: u, password });
        setPassword('');
        return;
      }
      setProblem({ kind: 'login', code: r.error });
      passwordRef.current?.select();
      passwordRef.current?.focus();
    } catch {
      setProblem({ kind: 'unexpected' });
    } finally {
      setBusy(false);
    }
  };

  const problemText =
    problem?.kind === 'login' ? loginErrorText(problem.code) : problem?.kind === 'required' ? t('login.required') : problem ? t('error.unexpected') : '';
  const userError = problem?.kind === 'required' && !username.trim();
  const passError = problem?.kind === 'login' && problem.code === 'bad_credentials';

  if (temporary) {
    return (
      <NewPassword
        auth={auth}
        username={temporary.username}
        temporary={temporary.password}
        onLogin={async (s) => {
          if (askShared) await auth.shared?.setDeviceShared(sharedPc, s).catch(() => false);
          onLogin(s);
        }}
        onBack={() => setTemporary(null)}
      />
    );
  }

  return (
    <div class="login">
      <ScreenTitle suffix={t('app.name')}>{t('login.title')}</ScreenTitle>
      {profiles && profiles.length > 0 ? (
        <section class="card" aria-labelledby="known-title">
          <h2 id="known-title">{t('login.known')}</h2>
          <p class="hint">{t('login.knownHint')}</p>
          <ul class="profiles">
            {profiles.map((p) => (
              <li key={p.userId} class="profile">
                {confirming === p.userId ? (
                  <div class="confirm" role="group" aria-label={t('login.forgetLabel', { name: p.name })}>
                    <p>{t('login.forgetConfirm', { name: p.name })}</p>
                    <div class="button-row">
                      <button type="button" class="btn btn-danger" onClick={() => void forget(p)}>
                        {t('login.forgetYes')}
                      </button>
                      <button type="button" class="btn" onClick={() => setConfirming(null)}>
                        {t('login.forgetNo')}
                      </button>
                    </div>
                  </div>
                ) : (
                  <>
                    <button type="button" class="profile-pick" onClick={() => pick(p)} aria-pressed={username === p.username}>
                      <span class="profile-name">{p.name}</span>
                      <span class="profile-meta">
                        {roleName(p.role)} · {p.username} · {t('login.lastLogin', { time: formatTime(p.lastLoginMs) })}
                      </span>
                    </button>
                    <button type="button" class="btn btn-quiet" onClick={() => setConfirming(p.userId)} aria-label={t('login.forgetLabel', { name: p.name })}>
                      {t('login.forget')}
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Alert tone="success">{notice}</Alert>
      <form class="card form" onSubmit={submit} noValidate aria-describedby="login-offline">
        <Field id="login-username" label={t('login.username')} error={userError ? t('login.required') : undefined}>
          <input
            ref={usernameRef}
            id="login-username"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            value={username}
            aria-invalid={userError || undefined}
            aria-describedby={describedBy('login-username', false, userError)}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </Field>
        <Field id="login-password" label={t('login.password')}>
          <input
            ref={passwordRef}
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            aria-invalid={passError || undefined}
            aria-describedby="login-problem"
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <Alert tone="error" id="login-problem">
          {problemText}
        </Alert>
        {askShared ? (
          <div class="field">
            <label class="choice">
              <input type="checkbox" checked={sharedPc} aria-describedby="login-shared-hint" onChange={(e) => setSharedPc(e.currentTarget.checked)} /> {t('login.sharedPc')}
            </label>
            <p class="hint" id="login-shared-hint">
              {t('login.sharedPcHint')}
            </p>
          </div>
        ) : null}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} aria-disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
        <p class="hint" id="login-offline">
          {t('login.offlineHint')}
        </p>
      </form>
      {/* Issue 13: residents sign in above with their phone, or create an account (#/signup). */}
      <section class="card login-resident">
        <p>{t('login.resident')}</p>
        <a class="btn btn-block" href="#/signup">
          {t('login.signup')}
        </a>
      </section>
    </div>
  );
}
