/**
 * #/me, issue 14: the quick-lock PIN, the auto-lock delay, whether this device is shared (a town-center user changes
 * it), lock now, and "remove my data from this device" (only when everything is saved; else what is unsaved).
 */
import '../../app/locales/sharedpc.zh.ts';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import type { Session, SharedPcApi, UnsavedKinds } from '../../app/services.ts';
import { isPin } from '../../domain/pin.ts';
import { Alert } from '../../ui/Alert.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { AUTOLOCK_CHOICES, autoLockMinutes, setAutoLockMinutes } from './autolock.ts';

export interface MeSecurityProps {
  session: Session;
  shared: SharedPcApi;
  onLock(): void;
  /** After "remove my data": the session is gone, show the sign-in screen. */
  onRemoved(): void;
}

export function MeSecurity({ session, shared, onLock, onRemoved }: MeSecurityProps) {
  const userId = session.user.id;
  const [hasPin, setHasPin] = useState<boolean | null>(null);
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [password, setPassword] = useState('');
  const [needPassword, setNeedPassword] = useState(false);
  const [pinError, setPinError] = useState('');
  const [pinNotice, setPinNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [minutes, setMinutes] = useState(() => autoLockMinutes(userId));
  const [device, setDevice] = useState<boolean | null | undefined>(undefined);
  const [blocked, setBlocked] = useState<UnsavedKinds | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const town = session.user.role === 'town';

  useEffect(() => {
    void shared.hasPin(userId).then(setHasPin);
    void shared.deviceShared().then(setDevice);
  }, [shared, userId]);

  const savePin = async (e: Event) => {
    e.preventDefault();
    setPinNotice('');
    if (!isPin(pin)) return setPinError(t('pc.pinInvalid'));
    if (pin !== again) return setPinError(t('pc.pinMismatch'));
    await applyPin(pin);
  };
  const applyPin = async (value: string | null) => {
    setBusy(true);
    setPinError('');
    try {
      const r = await shared.setPin(session, value, needPassword ? password : undefined);
      if (r === 'need_password') setNeedPassword(true);
      else if (r === 'bad_password') setPinError(t('pc.pinBadPassword'));
      else if (r === 'bad_pin') setPinError(t('pc.pinInvalid'));
      else {
        setPin('');
        setAgain('');
        setPassword('');
        setNeedPassword(false);
        setHasPin(value !== null);
        setPinNotice(value === null ? t('pc.pinRemoved') : t('pc.pinSaved'));
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setConfirmRemove(false);
    const u = shared.unsaved(session);
    if (!u.ready || u.total > 0) return setBlocked(u);
    const r = await shared.removeMyData(session);
    if (r.ok) onRemoved();
    else setBlocked(r.unsaved);
  };
  const askRemove = () => {
    const u = shared.unsaved(session);
    if (!u.ready || u.total > 0) setBlocked(u);
    else {
      setBlocked(null);
      setConfirmRemove(true);
    }
  };

  const pinErr = pinError || undefined;
  return (
    <section class="card me-security" aria-labelledby="me-security-title">
      <h2 id="me-security-title">{t('pc.security')}</h2>
      <h3>{t('pc.pin')}</h3>
      <p class="hint" id="me-pin-hint">
        {t('pc.pinHint')}
      </p>
      {hasPin !== null ? <p>{hasPin ? t('pc.pinSet') : t('pc.pinNone')}</p> : null}
      <form class="form" onSubmit={savePin} noValidate aria-describedby="me-pin-hint">
        <Field id="me-pin" label={t('pc.pinNew')}>
          <input
            id="me-pin"
            type="password"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={6}
            autocomplete="off"
            value={pin}
            aria-invalid={pinErr ? true : undefined}
            aria-describedby="me-pin-problem"
            onInput={(e) => setPin(e.currentTarget.value)}
          />
        </Field>
        <Field id="me-pin-again" label={t('pc.pinAgain')}>
          <input
            id="me-pin-again"
            type="password"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={6}
            autocomplete="off"
            value={again}
            aria-describedby="me-pin-problem"
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </Field>
        {needPassword ? (
          <Field id="me-pin-password" label={t('pc.pinPassword')}>
            <input
              id="me-pin-password"
              type="password"
              autocomplete="current-password"
              value={password}
              aria-describedby={describedBy('me-pin-password', false, pinErr)}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </Field>
        ) : null}
        <Alert tone="error" id="me-pin-problem">
          {pinError}
        </Alert>
        <Alert tone="success">{pinNotice}</Alert>
        <div class="button-row">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('pc.pinSave')}
          </button>
          {hasPin ? (
            <button type="button" class="btn" disabled={busy} onClick={() => void applyPin(null)}>
              {t('pc.pinRemove')}
            </button>
          ) : null}
        </div>
      </form>

      <div class="field">
        <label for="me-autolock">{t('pc.autolock')}</label>
        <select
          id="me-autolock"
          value={String(minutes)}
          onChange={(e) => {
            const m = Number(e.currentTarget.value);
            setAutoLockMinutes(userId, m);
            setMinutes(m);
          }}
        >
          {AUTOLOCK_CHOICES.map((m) => (
            <option key={m} value={String(m)}>
              {m ? t('pc.autolockMinutes', { n: m }) : t('pc.autolockNever')}
            </option>
          ))}
        </select>
      </div>
      <p>
        <button type="button" class="btn" onClick={onLock}>
          {t('pc.lockNow')}
        </button>
      </p>

      <h3>{t('pc.device')}</h3>
      {device !== undefined ? <p id="me-device-state">{device === null ? t('pc.deviceUnknown') : device ? t('pc.deviceShared') : t('pc.deviceSingle')}</p> : null}
      {town ? (
        <label class="choice me-toggle">
          <input
            type="checkbox"
            checked={device === true}
            disabled={device === undefined}
            aria-describedby="me-device-state"
            onChange={(e) => {
              const on = e.currentTarget.checked;
              void shared.setDeviceShared(on, session).then((ok) => ok && setDevice(on));
            }}
          />{' '}
          {t('pc.deviceChange')}
        </label>
      ) : (
        <p class="hint">{t('pc.deviceTownOnly')}</p>
      )}

      <h3>{t('pc.remove')}</h3>
      <p class="hint" id="me-remove-hint">
        {t('pc.removeHint')}
      </p>
      {blocked ? (
        <div class="alert alert-warning" role="status">
          {!blocked.ready ? (
            <p>{t('pc.removeNotReady')}</p>
          ) : (
            <>
              <p>{t('pc.removeBlocked')}</p>
              <ul>
                {blocked.cases ? <li>{t('pc.removeCases', { n: blocked.cases })}</li> : null}
                {blocked.records ? <li>{t('pc.removeRecords', { n: blocked.records })}</li> : null}
                {blocked.photos ? <li>{t('pc.removePhotos', { n: blocked.photos })}</li> : null}
                {blocked.clips ? <li>{t('pc.removeClips', { n: blocked.clips })}</li> : null}
              </ul>
              <p>{t('pc.removeWait')}</p>
            </>
          )}
        </div>
      ) : null}
      {confirmRemove ? (
        <div class="confirm" role="group" aria-labelledby="me-remove-confirm">
          <p id="me-remove-confirm">{t('pc.removeConfirm')}</p>
          <div class="button-row">
            <button type="button" class="btn btn-danger" onClick={() => void remove()}>
              {t('pc.removeYes')}
            </button>
            <button type="button" class="btn" onClick={() => setConfirmRemove(false)}>
              {t('pc.removeNo')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" class="btn btn-danger" aria-describedby="me-remove-hint" onClick={askRemove}>
          {t('pc.remove')}
        </button>
      )}
    </section>
  );
}
