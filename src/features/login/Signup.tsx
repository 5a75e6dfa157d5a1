/**
 * #/signup (issue 13): a resident creates an account with their mobile number and a password, proven by a village
 * invitation code (#/signup?invite=<code> from the village's QR fills it in) or, when the relay has an SMS sender,
 * a code by SMS. Then they are signed in through the ordinary sign-in (auth.login with the phone), so the profile,
 * the offline unlock and the session are exactly those of a sign-in. Relay routes: server/residenthttp.ts.
 * A lazy chunk: it never weighs on the staff app's first load.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import '../../app/locales/accounts.zh.ts';
import '../../app/locales/voice.zh.ts';
import { parseBirthYearInput } from '../../domain/settings.ts';
import './accounts.css';
import type { AuthService, Session } from '../../app/services.ts';
import { t, type MessageKey } from '../../app/i18n.ts';
import { Alert } from '../../ui/Alert.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';

export interface SignupProps {
  auth: AuthService;
  onLogin(session: Session): void;
  /** An invitation code from the QR link. */
  invite?: string | undefined;
  /** The relay's fetch (tests pass a fake). */
  fetchFn?: typeof fetch;
}

const KNOWN_ERRORS = ['bad_phone', 'weak_password', 'bad_code', 'bad_invite', 'too_many_attempts', 'sms_unavailable', 'sms_failed', 'network'] as const;
type SignupError = (typeof KNOWN_ERRORS)[number] | 'other' | 'required';

function errorText(e: SignupError): string {
  return e === 'required' ? t('signup.required') : t(`signup.error.${e}` as MessageKey);
}

async function post(fetchFn: typeof fetch, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetchFn(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: ((await res.json().catch(() => ({}))) ?? {}) as Record<string, unknown> };
}

function codeOf(body: Record<string, unknown>): SignupError {
  const e = body.error;
  return typeof e === 'string' && (KNOWN_ERRORS as readonly string[]).includes(e) ? (e as SignupError) : 'other';
}

export function Signup({ auth, onLogin, invite: initialInvite, fetchFn = (i, init) => globalThis.fetch(i, init) }: SignupProps) {
  const [smsOffered, setSmsOffered] = useState(false);
  const [passwordMin, setPasswordMin] = useState(8);
  const [way, setWay] = useState<'invite' | 'sms'>('invite');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  // Issue 14: optional 出生年份 (60 or more: 长辈版 is offered on their home).
  const [birthYear, setBirthYear] = useState('');
  const [birthYearBad, setBirthYearBad] = useState(false);
  const [password, setPassword] = useState('');
  const [invite, setInvite] = useState(initialInvite ?? '');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [sending, setSending] = useState(false);
  const [resendAt, setResendAt] = useState(0);
  const [tick, setTick] = useState(0);
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState<SignupError | null>(null);
  const phoneRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    fetchFn('/api/signup/options')
      .then((r) => (r.ok ? (r.json() as Promise<{ sms?: boolean; passwordMin?: number }>) : null))
      .then((o) => {
        if (!live || !o) return;
        setSmsOffered(o.sms === true);
        if (typeof o.passwordMin === 'number') setPasswordMin(o.passwordMin);
        // Without an invitation link, a relay that texts codes starts on the SMS way.
        if (o.sms === true && !initialInvite) setWay('sms');
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  // The resend countdown.
  useEffect(() => {
    if (resendAt <= Date.now()) return;
    const id = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [resendAt]);
  const waitS = Math.max(0, Math.ceil((resendAt - Date.now()) / 1000));
  void tick;

  const sendCode = async () => {
    if (sending || waitS > 0) return;
    if (!phone.trim()) {
      setProblem('bad_phone');
      phoneRef.current?.focus();
      return;
    }
    setSending(true);
    setProblem(null);
    setNotice('');
    try {
      const r = await post(fetchFn, '/api/signup/code', { phone: phone.trim() });
      if (r.status === 202) {
        setNotice(t('signup.codeSent', { phone: phone.trim() }));
        setResendAt(Date.now() + (typeof r.body.resendAfter === 'number' ? r.body.resendAfter : 60) * 1000);
      } else setProblem(codeOf(r.body));
    } catch {
      setProblem('network');
    } finally {
      setSending(false);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const secret = way === 'invite' ? invite.trim() : code.trim();
    if (!phone.trim() || !name.trim() || !password || !secret) {
      setProblem('required');
      return;
    }
    const year = parseBirthYearInput(birthYear, Date.now());
    setBirthYearBad(year === null);
    if (year === null) return;
    setBusy(true);
    setProblem(null);
    try {
      const body = { phone: phone.trim(), name: name.trim(), password, ...(way === 'invite' ? { invite: secret } : { code: secret }), ...(year === undefined ? {} : { birthYear: year }) };
      const r = await post(fetchFn, '/api/signup', body);
      if (r.status !== 201) {
        setProblem(codeOf(r.body));
        return;
      }
      // Signed in the ordinary way: the same profile, offline unlock and session as any sign-in.
      const login = await auth.login(phone.trim(), password);
      if (login.ok) onLogin(login.session);
      else setProblem(login.error === 'network' ? 'network' : 'other');
    } catch {
      setProblem('network');
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (f: 'phone' | 'password' | 'secret'): boolean =>
    (f === 'phone' && problem === 'bad_phone') ||
    (f === 'password' && problem === 'weak_password') ||
    (f === 'secret' && (problem === 'bad_code' || problem === 'bad_invite'));

  return (
    <div class="login signup">
      <ScreenTitle suffix={t('app.name')}>{t('signup.title')}</ScreenTitle>
      <p>{t('signup.intro')}</p>
      <form class="card form" onSubmit={submit} noValidate>
        <Field id="signup-phone" label={t('signup.phone')}>
          <input
            ref={phoneRef}
            id="signup-phone"
            name="tel"
            type="tel"
            inputMode="tel"
            autocomplete="tel"
            required
            value={phone}
            aria-invalid={fieldError('phone') || undefined}
            aria-describedby="signup-problem"
            onInput={(e) => setPhone(e.currentTarget.value)}
          />
        </Field>
        <Field id="signup-name" label={t('signup.name')} hint={t('signup.nameHint')}>
          <input
            id="signup-name"
            name="name"
            autocomplete="nickname"
            maxLength={20}
            required
            value={name}
            aria-describedby={describedBy('signup-name', true)}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field id="signup-birth" label={t('settings.birthYear')} hint={t('settings.birthYearHint')} error={birthYearBad ? t('settings.birthYearBad') : null}>
          <input
            id="signup-birth"
            name="bday-year"
            inputMode="numeric"
            autocomplete="bday-year"
            maxLength={4}
            class="input-year"
            value={birthYear}
            aria-invalid={birthYearBad || undefined}
            aria-describedby={describedBy('signup-birth', true, birthYearBad)}
            onInput={(e) => setBirthYear(e.currentTarget.value)}
          />
        </Field>
        <Field id="signup-password" label={t('signup.password')} hint={t('signup.passwordHint', { n: passwordMin })}>
          <input
            id="signup-password"
            name="new-password"
            type="password"
            autocomplete="new-password"
            minLength={passwordMin}
            required
            value={password}
            aria-invalid={fieldError('password') || undefined}
            aria-describedby={describedBy('signup-password', true)}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        {smsOffered ? (
          <fieldset class="field signup-way">
            <legend>{t('signup.way')}</legend>
            <label class="choice">
              <input type="radio" name="way" value="sms" checked={way === 'sms'} onChange={() => setWay('sms')} /> {t('signup.waySms')}
            </label>
            <label class="choice">
              <input type="radio" name="way" value="invite" checked={way === 'invite'} onChange={() => setWay('invite')} /> {t('signup.wayInvite')}
            </label>
          </fieldset>
        ) : null}
        {way === 'invite' ? (
          <Field id="signup-invite" label={t('signup.invite')} hint={t('signup.inviteHint')}>
            <input
              id="signup-invite"
              name="invite"
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              maxLength={12}
              required
              value={invite}
              aria-invalid={fieldError('secret') || undefined}
              aria-describedby={describedBy('signup-invite', true)}
              onInput={(e) => setInvite(e.currentTarget.value)}
            />
          </Field>
        ) : (
          <Field id="signup-code" label={t('signup.code')}>
            <div class="signup-code-row">
              <input
                id="signup-code"
                name="one-time-code"
                inputMode="numeric"
                autocomplete="one-time-code"
                maxLength={6}
                required
                value={code}
                aria-invalid={fieldError('secret') || undefined}
                aria-describedby="signup-problem"
                onInput={(e) => setCode(e.currentTarget.value)}
              />
              <button type="button" class="btn" onClick={() => void sendCode()} disabled={sending || waitS > 0}>
                {sending ? t('signup.sending') : waitS > 0 ? t('signup.resendIn', { s: waitS }) : t('signup.sendCode')}
              </button>
            </div>
          </Field>
        )}
        <Alert tone="success">{notice}</Alert>
        <Alert tone="error" id="signup-problem">
          {problem ? errorText(problem) : ''}
        </Alert>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} aria-disabled={busy}>
          {busy ? t('signup.busy') : t('signup.submit')}
        </button>
        <a class="btn btn-quiet btn-block" href="#/login">
          {t('signup.haveAccount')}
        </a>
      </form>
    </div>
  );
}
