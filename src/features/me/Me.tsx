/**
 * #/me (issue 13): my account. Name, phone (and whether an SMS code proved it), village, role; for a resident the
 * SMS-progress opt-in (GET/PUT /api/me/prefs, server/residenthttp.ts: one text per case and stage); sign out.
 * Works offline for what the device knows; the opt-in needs the network (said so, never a silent failure).
 * Issue 14: the text size (长辈版: standard, large, extra large), the guidance level and (residents) the birth year:
 * the user's settings, which follow them to any device (src/app/settings.ts; offline, sent when online).
 */
import { useEffect, useState } from 'preact/hooks';
import '../../app/locales/accounts.zh.ts';
import '../../app/locales/voice.zh.ts';
import { changeSettings, guidanceLevel, userSettings } from '../../app/settings.ts';
import { GUIDANCE_LEVELS, parseBirthYearInput, type Guidance } from '../../domain/settings.ts';
import { describedBy, Field } from '../../ui/Field.tsx';
import '../login/accounts.css';
import { ELDER_MODES, elderMode, setElderMode, type ElderMode } from '../../app/display.ts';
import { roleName, t } from '../../app/i18n.ts';
import type { AuthService, Session, SharedPcApi } from '../../app/services.ts';
import { MeSecurity } from '../lock/MeSecurity.tsx';
import { MeRoles } from './MeRoles.tsx';
import { Alert } from '../../ui/Alert.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';

const ELDER_LABEL = { off: 'me.elderOff', on: 'me.elderOn', larger: 'me.elderLarger' } as const satisfies Record<ElderMode, string>;
const GUIDANCE_LABEL = { full: 'settings.guidanceFull', brief: 'settings.guidanceBrief' } as const satisfies Record<Guidance, string>;

/** A resident's 出生年份 (optional; 60 or more: 长辈版 is offered on their home). */
function BirthYear({ now }: { now: () => number }) {
  const stored = userSettings.value.birthYear;
  const [text, setText] = useState(stored === undefined ? '' : String(stored));
  const [bad, setBad] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => setText(stored === undefined ? '' : String(stored)), [stored]);
  const save = (e: Event) => {
    e.preventDefault();
    const y = parseBirthYearInput(text, now());
    setBad(y === null);
    setSaved(false);
    if (y === null) return;
    void changeSettings({ birthYear: y ?? null });
    setSaved(true);
  };
  return (
    <form class="me-birth" onSubmit={save} noValidate>
      <Field id="me-birth" label={t('settings.birthYear')} hint={t('settings.birthYearHint')} error={bad ? t('settings.birthYearBad') : null}>
        <input
          id="me-birth"
          inputMode="numeric"
          autocomplete="bday-year"
          maxLength={4}
          class="input-year"
          value={text}
          aria-invalid={bad || undefined}
          aria-describedby={describedBy('me-birth', true, bad)}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setSaved(false);
          }}
        />
      </Field>
      <button type="submit" class="btn">
        {t('settings.birthYearSave')}
      </button>
      <Alert tone="success">{saved ? t('settings.saved') : ''}</Alert>
    </form>
  );
}

interface Prefs {
  smsProgress: boolean;
  phone: string;
  phoneVerified: boolean;
  mobile: boolean;
}

export interface MeProps {
  session: Session;
  onLogout(): void;
  /** Issue 14: shared PCs (PIN, auto-lock, shared device, remove my data); absent in fakes without it. */
  shared?: SharedPcApi | undefined;
  onLock?: (() => void) | undefined;
  onRemoved?: () => void;
  /** Issue 15: act in another role of the same person (absent in fakes without it). */
  switchRole?: AuthService['switchRole'];
  onSwitched?: (session: Session) => void;
}

export function Me({ session, onLogout, shared, onLock, onRemoved, switchRole, onSwitched }: MeProps) {
  const user = session.user;
  const resident = user.role === 'resident';
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  const [offline, setOffline] = useState(false);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState('');
  const village = session.org.value?.data.villages.find((v) => v.id === user.villageId)?.name;

  useEffect(() => {
    if (!resident || !session.api) return;
    let live = true;
    session
      .api('/api/me/prefs')
      .then(async (r) => {
        if (!live) return;
        if (r.ok) setPrefs((await r.json()) as Prefs);
        else setOffline(true);
      })
      .catch(() => live && setOffline(true));
    return () => {
      live = false;
    };
  }, [session]);

  const toggle = async (on: boolean) => {
    if (!session.api || saving) return;
    setSaving(true);
    setNotice('');
    try {
      const r = await session.api('/api/me/prefs', { method: 'PUT', body: { smsProgress: on } });
      if (r.ok) {
        setPrefs((await r.json()) as Prefs);
        setNotice(t('me.saved'));
      } else setOffline(true);
    } catch {
      setOffline(true);
    } finally {
      setSaving(false);
    }
  };

  const phone = prefs?.phone || user.phone;
  const verified = prefs ? prefs.phoneVerified : user.phoneVerified === true;

  return (
    <div class="me">
      <ScreenTitle suffix={t('app.name')}>{t('me.title')}</ScreenTitle>
      <section class="card">
        <dl class="me-facts">
          <dt>{t('me.name')}</dt>
          <dd>{user.name}</dd>
          {phone ? (
            <>
              <dt>{t('me.phone')}</dt>
              <dd>
                {phone} · {verified ? t('me.verified') : t('me.notVerified')}
              </dd>
            </>
          ) : null}
          {village ? (
            <>
              <dt>{t('me.village')}</dt>
              <dd>{village}</dd>
            </>
          ) : null}
          <dt>{t('me.role')}</dt>
          <dd>{roleName(user.role)}</dd>
        </dl>
        {session.evidence ? (
          <p>
            {/* The PC header has no room for it next to 长辈版, the language and 锁定 (the phone menu keeps it). */}
            <a class="cell-link" href="#/storage">
              {t('shell.storage')}
            </a>
          </p>
        ) : null}
      </section>
      {switchRole && onSwitched ? <MeRoles session={session} switchRole={switchRole} onSwitched={onSwitched} /> : null}
      {resident ? (
        <section class="card" aria-labelledby="me-sms-title">
          <h2 id="me-sms-title">{t('me.sms')}</h2>
          <p class="hint" id="me-sms-hint">
            {t('me.smsHint')}
          </p>
          {prefs && !prefs.mobile ? <p>{t('me.smsNeedsMobile')}</p> : null}
          <label class="choice me-toggle">
            <input
              type="checkbox"
              checked={prefs?.smsProgress ?? false}
              disabled={!prefs || !prefs.mobile || saving}
              aria-describedby="me-sms-hint"
              onChange={(e) => void toggle(e.currentTarget.checked)}
            />{' '}
            {t('me.sms')}
          </label>
          <Alert tone="success">{notice}</Alert>
          {offline ? <Alert tone="info">{t('me.smsOffline')}</Alert> : null}
        </section>
      ) : null}
      {user.role === 'secretary' || user.role === 'town' || user.role === 'admin' ? (
        <p>
          <a class="btn" href="#/invites">
            {t('invites.title')}
          </a>
          {/* Issue 15: a town center's staff accounts (the administrator has them in the header). */}
          {user.role === 'town' ? (
            <>
              {' '}
              <a class="btn" href="#/accounts">
                {t('shell.accounts')}
              </a>
            </>
          ) : null}
        </p>
      ) : null}
      <section class="card" aria-labelledby="me-display-title">
        <h2 id="me-display-title">{t('me.display')}</h2>
        <p class="hint" id="me-display-hint">
          {t('me.displayHint')}
        </p>
        <fieldset class="me-display" aria-describedby="me-display-hint">
          <legend class="visually-hidden">{t('me.display')}</legend>
          {ELDER_MODES.map((m) => (
            <label key={m} class="choice">
              <input type="radio" name="me-elder" value={m} checked={elderMode.value === m} onChange={() => setElderMode(m)} /> {t(ELDER_LABEL[m])}
            </label>
          ))}
        </fieldset>
        <fieldset class="me-display" aria-describedby="me-guidance-hint">
          <legend>{t('settings.guidance')}</legend>
          <p class="hint" id="me-guidance-hint">
            {t('settings.guidanceHint')}
          </p>
          {GUIDANCE_LEVELS.map((g) => (
            <label key={g} class="choice">
              <input type="radio" name="me-guidance" value={g} checked={guidanceLevel.value === g} onChange={() => void changeSettings({ guidance: g })} /> {t(GUIDANCE_LABEL[g])}
            </label>
          ))}
        </fieldset>
        {resident ? <BirthYear now={() => session.now()} /> : null}
        <p class="hint">{t('settings.travel')}</p>
      </section>
      {shared && onLock ? <MeSecurity session={session} shared={shared} onLock={onLock} onRemoved={onRemoved ?? onLogout} /> : null}
      <section class="card">
        <button type="button" class="btn btn-block" onClick={onLogout}>
          {t('me.logout')}
        </button>
        <p class="hint">{t('me.logoutHint')}</p>
      </section>
    </div>
  );
}
