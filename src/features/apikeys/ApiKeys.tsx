/**
 * Open311 API keys for administrators (`#/apikeys`, a lazy chunk): issue a key to a client system (shown once, with
 * a copy button), list the keys issued (name, the key's first characters, who issued it and when, active or
 * revoked), revoke one after a confirmation. The relay's routes: GET/POST /api/open311/keys, DELETE
 * /api/open311/keys/<id> (server/open311.ts). Everything here needs the network and says so when it is not there.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDateTime, t } from '../../app/i18n.ts';
import '../../app/locales/apikeys.zh.ts';
import type { Session } from '../../app/services.ts';
import { Alert, type AlertTone } from '../../ui/Alert.tsx';
import { Foreign } from '../../ui/Foreign.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import './apikeys.css';

/** A key as GET /api/open311/keys lists it (never the key itself). */
export interface KeyEntry {
  id: string;
  name: string;
  prefix: string;
  clientId: string;
  createdMs: number;
  createdBy: string;
  revokedMs?: number;
}

type Msg = { tone: AlertTone; text: string } | null;
/** The standard's name keeps its Latin spelling (marked English for screen readers). */
const TERMS = ['Open311 GeoReport v2', 'Open311'];

export function ApiKeys({ session }: { session: Session }) {
  const [keys, setKeys] = useState<KeyEntry[] | null>(null);
  const [listMsg, setListMsg] = useState<Msg>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState('');
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<{ name: string; key: string } | null>(null);
  const [msg, setMsg] = useState<Msg>(null);
  const [copyMsg, setCopyMsg] = useState<Msg>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const admin = session.user.role === 'admin';

  const failure = (status: number | null): Msg => ({
    tone: 'error',
    text: status === null ? t('apikeys.network') : status === 401 || status === 403 ? t('apikeys.forbidden') : t('apikeys.failed', { status }),
  });

  const call = async (path: string, init?: Parameters<NonNullable<Session['api']>>[1]): Promise<{ status: number | null; body: unknown }> => {
    if (!session.api) return { status: null, body: null };
    try {
      const res = await session.api(path, init);
      return { status: res.status, body: await res.json().catch(() => null) };
    } catch {
      return { status: null, body: null };
    }
  };

  const load = async () => {
    const r = await call('/api/open311/keys');
    if (r.status === 200) {
      setKeys((r.body as { keys: KeyEntry[] }).keys);
      // A fresh list answers an earlier failure; a success message (a revoke) stays.
      setListMsg((m) => (m?.tone === 'error' ? null : m));
    } else setListMsg(failure(r.status));
  };

  useEffect(() => {
    if (admin) void load();
  }, [admin]);

  useEffect(() => {
    if (issued) keyRef.current?.focus();
  }, [issued]);

  if (!admin) {
    return (
      <div class="apikeys">
        <ScreenTitle suffix={t('app.name')}>{t('apikeys.title')}</ScreenTitle>
        <p>{t('apikeys.adminOnly')}</p>
      </div>
    );
  }

  const issue = async (e: Event) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setNameError(t('apikeys.nameMissing'));
    setNameError('');
    setBusy(true);
    setMsg(null);
    setCopyMsg(null);
    const r = await call('/api/open311/keys', { method: 'POST', body: { name: trimmed } });
    setBusy(false);
    if (r.status !== 201) return setMsg(failure(r.status));
    const b = r.body as KeyEntry & { key: string };
    setIssued({ name: b.name, key: b.key });
    setName('');
    void load();
  };

  const copy = async () => {
    if (!issued) return;
    try {
      await navigator.clipboard.writeText(issued.key);
      setCopyMsg({ tone: 'success', text: t('apikeys.copied') });
    } catch {
      keyRef.current?.select();
      setCopyMsg({ tone: 'warning', text: t('apikeys.copyFailed') });
    }
  };

  const revoke = async (k: KeyEntry) => {
    if (!window.confirm(t('apikeys.confirm', { name: k.name }))) return;
    const r = await call(`/api/open311/keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
    if (r.status !== 200) return setListMsg(failure(r.status));
    setListMsg({ tone: 'success', text: t('apikeys.revokedOk', { name: k.name }) });
    void load();
  };

  const endpoint = `${location.origin}/open311/discovery.json`;
  return (
    <div class="apikeys">
      <ScreenTitle suffix={t('app.name')}>{t('apikeys.title')}</ScreenTitle>
      <p class="hint">
        <Foreign text={t('apikeys.intro')} terms={TERMS} />
      </p>
      <p>
        {t('apikeys.endpoint')}
        <code lang="en" class="apikeys-endpoint">
          {endpoint}
        </code>
      </p>

      <section aria-labelledby="apikeys-issue-h" class="card">
        <h2 id="apikeys-issue-h">{t('apikeys.issue')}</h2>
        <form onSubmit={(e) => void issue(e)} noValidate>
          <Field id="apikeys-name" label={t('apikeys.name')} hint={t('apikeys.nameHint')} error={nameError}>
            <input
              id="apikeys-name"
              type="text"
              maxLength={60}
              value={name}
              autoComplete="off"
              aria-invalid={nameError ? 'true' : undefined}
              aria-describedby={describedBy('apikeys-name', true, nameError)}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </Field>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('apikeys.issuing') : t('apikeys.issueButton')}
          </button>
        </form>
        <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
        {issued ? (
          <div class="apikeys-issued">
            <Alert tone="success">{t('apikeys.issued', { name: issued.name })}</Alert>
            <Field id="apikeys-new" label={t('apikeys.keyLabel')}>
              <input id="apikeys-new" ref={keyRef} type="text" readOnly value={issued.key} lang="en" class="apikeys-key" onFocus={(e) => e.currentTarget.select()} />
            </Field>
            <button type="button" class="btn" onClick={() => void copy()}>
              {t('apikeys.copy')}
            </button>
            <Alert tone={copyMsg?.tone ?? 'info'}>{copyMsg?.text}</Alert>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="apikeys-list-h" class="card">
        <h2 id="apikeys-list-h">{t('apikeys.list')}</h2>
        <Alert tone={listMsg?.tone ?? 'info'}>{listMsg?.text}</Alert>
        {keys === null && !listMsg ? <p role="status">{t('apikeys.loading')}</p> : null}
        {keys && keys.length === 0 ? <p>{t('apikeys.none')}</p> : null}
        {keys && keys.length > 0 ? (
          <ul class="apikeys-list">
            {keys.map((k) => (
              <li key={k.id} class={k.revokedMs ? 'apikeys-item revoked' : 'apikeys-item'}>
                <div class="apikeys-what">
                  <strong>{k.name}</strong>
                  <span class="hint">
                    {t('apikeys.prefix')} <code lang="en">{k.prefix}…</code>
                  </span>
                  <span class="hint">{t('apikeys.created', { when: formatDateTime(k.createdMs), by: session.org.value?.user(k.createdBy)?.name ?? k.createdBy })}</span>
                  <span class={k.revokedMs ? 'apikeys-state revoked' : 'apikeys-state'}>
                    {k.revokedMs ? t('apikeys.revoked', { when: formatDateTime(k.revokedMs) }) : t('apikeys.active')}
                  </span>
                </div>
                {k.revokedMs ? null : (
                  <button type="button" class="btn btn-danger" aria-label={t('apikeys.revoke', { name: k.name })} onClick={() => void revoke(k)}>
                    {t('apikeys.revokeShort')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}
