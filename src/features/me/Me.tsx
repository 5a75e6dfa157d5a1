/**
 * #/me (issue 13): my account. Name, phone (and whether an SMS code proved it), village, role; for a resident the
 * SMS-progress opt-in (GET/PUT /api/me/prefs, server/residenthttp.ts: one text per case and stage); sign out.
 * Works offline for what the device knows; the opt-in needs the network (said so, never a silent failure).
 * Issue 14: the text size (长辈版: standard, large, extra large), for this user on this device.
 */
import { useEffect, useState } from 'preact/hooks';
import '../../app/locales/accounts.zh.ts';
import '../login/accounts.css';
import { ELDER_MODES, elderMode, setElderMode, type ElderMode } from '../../app/display.ts';
import { roleName, t } from '../../app/i18n.ts';
import type { Session, SharedPcApi } from '../../app/services.ts';
import { MeSecurity } from '../lock/MeSecurity.tsx';
import { Alert } from '../../ui/Alert.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';

const ELDER_LABEL = { off: 'me.elderOff', on: 'me.elderOn', larger: 'me.elderLarger' } as const satisfies Record<ElderMode, string>;

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
}

export function Me({ session, onLogout, shared, onLock, onRemoved }: MeProps) {
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
      </section>
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
