/**
 * #/invites (issue 13): village invitation codes. The village secretary (their village), the town center (its
 * town's villages) and the administrator (any) create codes, see their use, revoke them, and print one as a QR
 * poster (the QR is the link #/signup?invite=<code> of this app; encoded on the device with `uqr`). The relay
 * decides who may do what (server/residenthttp.ts); this screen only offers the villages the user manages.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { encode } from 'uqr';
import '../../app/locales/accounts.zh.ts';
import { formatTime, t, type MessageKey } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import './invites.css';

interface Invite {
  code: string;
  villageId: string;
  townId: string;
  createdMs: number;
  expiresMs: number;
  maxUses: number;
  uses: number;
  state: 'active' | 'expired' | 'used_up' | 'revoked';
}

/** The sign-up link a code's QR carries. */
export function inviteLink(code: string, base = typeof location === 'undefined' ? '' : location.origin + location.pathname): string {
  return `${base}#/signup?invite=${code}`;
}

/** A QR code as one SVG path (a quiet zone of 4 modules around it). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { d, n } = useMemo(() => {
    const qr = encode(text, { ecc: 'M', border: 0 });
    let path = '';
    qr.data.forEach((row, y) =>
      row.forEach((dark, x) => {
        if (dark) path += `M${x + 4} ${y + 4}h1v1h-1z`;
      }),
    );
    return { d: path, n: qr.size + 8 };
  }, [text]);
  return (
    <svg class="invite-qr" viewBox={`0 0 ${n} ${n}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

export function Invites({ session }: { session: Session }) {
  const user = session.user;
  const org = session.org.value;
  const villages = useMemo(
    () =>
      (org?.data.villages ?? []).filter((v) =>
        user.role === 'admin' ? true : user.role === 'town' ? v.townId === user.townId : user.role === 'secretary' ? v.id === user.villageId : false,
      ),
    [org, user],
  );
  const villageName = (id: string) => org?.data.villages.find((v) => v.id === id)?.name ?? id;
  const [list, setList] = useState<Invite[] | null>(null);
  const [villageId, setVillageId] = useState('');
  const [days, setDays] = useState('30');
  const [uses, setUses] = useState('50');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');

  const load = async () => {
    if (!session.api) return;
    try {
      const r = await session.api('/api/invites');
      if (r.ok) setList(((await r.json()) as { invites: Invite[] }).invites);
      else setProblem(t('invites.error', { code: String(r.status) }));
    } catch {
      setProblem(t('invites.offline'));
    }
  };
  useEffect(() => {
    void load();
  }, [session]);

  const chosen = villageId || villages[0]?.id || '';

  const issue = async (e: Event) => {
    e.preventDefault();
    if (!session.api || busy || !chosen) return;
    setBusy(true);
    setProblem('');
    try {
      const r = await session.api('/api/invites', { method: 'POST', body: { villageId: chosen, days: Number(days), maxUses: Number(uses) } });
      if (r.ok) {
        const created = (await r.json()) as Invite;
        setList((l) => [created, ...(l ?? [])]);
      } else setProblem(t('invites.error', { code: ((await r.json().catch(() => ({}))) as { error?: string }).error ?? String(r.status) }));
    } catch {
      setProblem(t('invites.offline'));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (code: string) => {
    if (!session.api) return;
    try {
      const r = await session.api(`/api/invites/${code}`, { method: 'DELETE' });
      if (r.ok) {
        const updated = (await r.json()) as Invite;
        setList((l) => (l ?? []).map((i) => (i.code === code ? updated : i)));
      } else setProblem(t('invites.error', { code: String(r.status) }));
    } catch {
      setProblem(t('invites.offline'));
    }
  };

  const print = (code: string) => {
    const card = document.getElementById(`invite-${code}`);
    card?.classList.add('invite-print');
    document.body.classList.add('printing-invite');
    try {
      window.print();
    } finally {
      document.body.classList.remove('printing-invite');
      card?.classList.remove('invite-print');
    }
  };

  return (
    <div class="invites">
      <ScreenTitle suffix={t('app.name')}>{t('invites.title')}</ScreenTitle>
      <p>{t('invites.intro')}</p>
      {villages.length > 0 ? (
        <form class="card form invite-form" onSubmit={issue}>
          <div class="invite-fields">
            <Field id="invite-village" label={t('invites.village')}>
              <select id="invite-village" value={chosen} onChange={(e) => setVillageId(e.currentTarget.value)}>
                {villages.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="invite-days" label={t('invites.days')}>
              <input id="invite-days" type="number" inputMode="numeric" min={1} max={365} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
            </Field>
            <Field id="invite-uses" label={t('invites.uses')}>
              <input id="invite-uses" type="number" inputMode="numeric" min={1} max={1000} value={uses} onInput={(e) => setUses(e.currentTarget.value)} />
            </Field>
          </div>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('invites.issuing') : t('invites.issue')}
          </button>
        </form>
      ) : null}
      <Alert tone="error">{problem}</Alert>
      <h2>{t('invites.list')}</h2>
      {list === null ? null : list.length === 0 ? (
        <p>{t('invites.none')}</p>
      ) : (
        <ul class="invite-list">
          {list.map((i) => (
            <li key={i.code} id={`invite-${i.code}`} class={`card invite${i.state === 'active' ? '' : ' invite-state-inactive'}`}>
              {i.state === 'active' ? <QrCode text={inviteLink(i.code)} label={t('invites.qrAlt', { village: villageName(i.villageId), code: i.code })} /> : <span />}
              <div>
                <p class="invite-poster">{t('invites.poster')}</p>
                <p class="invite-code">
                  <span class="visually-hidden">{t('invites.code')} </span>
                  {i.code}
                </p>
                <p class="invite-meta">
                  {villageName(i.villageId)} · {t(`invites.state.${i.state}` as MessageKey)}
                </p>
                <p class="invite-meta hint">
                  {t('invites.usage', { uses: i.uses, max: i.maxUses })} · {t('invites.expires', { time: formatTime(i.expiresMs) })}
                </p>
                {i.state === 'active' ? (
                  <div class="button-row">
                    <button type="button" class="btn" onClick={() => print(i.code)} aria-label={t('invites.printLabel', { code: i.code })}>
                      {t('invites.print')}
                    </button>
                    <button type="button" class="btn btn-danger" onClick={() => void revoke(i.code)} aria-label={t('invites.revokeLabel', { code: i.code })}>
                      {t('invites.revoke')}
                    </button>
                  </div>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
