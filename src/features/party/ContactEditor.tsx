/**
 * Assigning and removing a party member's contact households (党员联系户), for whoever keeps the member's record:
 * the member's village secretary, the town center, county, admin (src/domain/party.ts `mayEditContacts`).
 * A household is chosen from the people docs this device holds (search by name or address, on the device) or,
 * when the user holds none for it (county, admin, another village's grid), entered by its household id with the
 * address and head a visit needs. Every change is one party event appended locally (works offline, synced later);
 * a removal asks for confirmation first.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/party.zh.ts';
import type { PeopleHit, RecordResult, RecordsApi } from '../../app/records.ts';
import type { OrgView, Session } from '../../app/services.ts';
import { MAX_CONTACTS, mayEditContacts, type ContactHousehold, type Member, type PartyState } from '../../domain/party.ts';
import { Alert } from '../../ui/Alert.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { gridLabel } from '../cases/lookup.ts';
import { outcome, villageName, type Msg } from './messages.ts';

const HOUSEHOLD_ID = /^[A-Za-z0-9_.-]{1,40}$/;

/** The households among search hits (one per household), with what a contact needs, from the held people docs. */
export function householdsOf(records: RecordsApi, hits: readonly PeopleHit[]): ContactHousehold[] {
  const out = new Map<string, ContactHousehold>();
  for (const h of hits) {
    const key = `${h.gridId}/${h.resident.householdId}`;
    if (out.has(key)) continue;
    const hh = records.people(h.gridId)?.households.get(h.resident.householdId);
    const address = hh?.address ?? h.address;
    const head = hh?.head ?? h.resident.name;
    if (!address || !head) continue;
    out.set(key, { householdId: h.resident.householdId, gridId: h.gridId, address, head, ...(hh?.phone ? { phone: hh.phone } : {}), ...(hh?.location ? { location: hh.location } : {}) });
  }
  return [...out.values()];
}

/** `townId`: the town whose party doc `state` is, where the changes go (county and admin hold several). */
export function ContactEditor({ session, state, org, townId }: { session: Session; state: PartyState; org: OrgView; townId: string }) {
  const records = session.records!;
  const members = [...state.members.values()].filter((m) => mayEditContacts(session.user, m.villageId)).sort((a, b) => a.villageId.localeCompare(b.villageId) || a.name.localeCompare(b.name, 'zh'));
  const [memberId, setMemberId] = useState(members[0]?.userId ?? '');
  const [msg, setMsg] = useState<Msg>(null);
  const member = members.find((m) => m.userId === memberId) ?? members[0];
  if (!member) return <Alert tone="info">{t('party.edit.noMembers')}</Alert>;
  const act = (r: RecordResult, okText: string) => setMsg(outcome(r, okText));
  return (
    <section aria-labelledby="ce-h" class="contact-editor">
      <h2 id="ce-h">{t('party.edit.title')}</h2>
      <p class="hint">{t('party.edit.offlineHint')}</p>
      <Field id="ce-member" label={t('party.edit.member')}>
        <select
          id="ce-member"
          value={member.userId}
          onChange={(e) => {
            setMemberId(e.currentTarget.value);
            setMsg(null);
          }}
        >
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name} · {villageName(org, m.villageId)}
            </option>
          ))}
        </select>
      </Field>
      <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
      <CurrentContacts
        key={member.userId}
        member={member}
        org={org}
        onRemove={(c) => act(records.partyActIn(townId, 'contact_removed', { memberId: member.userId, householdId: c.householdId }), t('party.edit.removed', { name: c.head }))}
      />
      <AddContact key={`add-${member.userId}`} records={records} member={member} org={org} onAdd={(c) => act(records.partyActIn(townId, 'contact_added', { memberId: member.userId, contact: c }), t('party.edit.added', { name: c.head }))} />
    </section>
  );
}

function CurrentContacts({ member, org, onRemove }: { member: Member; org: OrgView; onRemove: (c: ContactHousehold) => void }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  /** After a cancelled removal, focus goes back to that row's remove button. */
  const [cancelled, setCancelled] = useState<string | null>(null);
  const yes = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (confirming) yes.current?.focus();
    else if (cancelled) document.getElementById(`ce-rm-${cancelled}`)?.focus();
  }, [confirming, cancelled]);
  return (
    <>
      <h3 id="ce-list-h" tabIndex={-1} ref={heading}>
        {t('party.edit.current', { name: member.name, n: member.contacts.length, max: MAX_CONTACTS })}
      </h3>
      {member.contacts.length === 0 ? <p>{t('party.edit.noContacts')}</p> : null}
      <ul class="plain-list" aria-labelledby="ce-list-h">
        {member.contacts.map((c) => (
          <li key={c.householdId} class="contact-row">
            <span>
              {c.address} · {c.head} <span class="hint">{gridLabel(org, c.gridId)}{c.phone ? ` · ${c.phone}` : ''}</span>
            </span>
            {confirming === c.householdId ? (
              <div class="confirm" role="group" aria-label={t('party.edit.removeLabel', { name: c.head, address: c.address })}>
                <p>{t('party.edit.removeConfirm', { name: c.head, address: c.address, member: member.name })}</p>
                <div class="button-row">
                  <button
                    type="button"
                    class="btn btn-danger"
                    ref={yes}
                    onClick={() => {
                      setConfirming(null);
                      onRemove(c);
                      heading.current?.focus();
                    }}
                  >
                    {t('party.edit.removeYes')}
                  </button>
                  <button
                    type="button"
                    class="btn"
                    onClick={() => {
                      setCancelled(c.householdId);
                      setConfirming(null);
                    }}
                  >
                    {t('party.edit.removeNo')}
                  </button>
                </div>
              </div>
            ) : (
              <button
                type="button"
                id={`ce-rm-${c.householdId}`}
                class="btn btn-quiet"
                aria-label={t('party.edit.removeLabel', { name: c.head, address: c.address })}
                onClick={() => {
                  setCancelled(null);
                  setConfirming(c.householdId);
                }}
              >
                {t('party.edit.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function AddContact({ records, member, org, onAdd }: { records: RecordsApi; member: Member; org: OrgView; onAdd: (c: ContactHousehold) => void }) {
  const held = records.peopleGrids().length > 0;
  const full = member.contacts.length >= MAX_CONTACTS;
  const has = (id: string) => member.contacts.some((c) => c.householdId === id);
  const [q, setQ] = useState('');
  const [found, setFound] = useState<ContactHousehold[] | null>(null);
  useEffect(() => {
    const query = q.trim();
    if (!query) return setFound(null);
    let live = true;
    void records.searchPeople(query, 100).then((hits) => {
      if (live) setFound(householdsOf(records, hits));
    });
    return () => {
      live = false;
    };
  }, [q, records]);
  return (
    <section aria-labelledby="ce-add-h">
      <h3 id="ce-add-h">{t('party.edit.add')}</h3>
      {full ? <Alert tone="warning">{t('party.edit.full', { max: MAX_CONTACTS })}</Alert> : null}
      {held ? (
        <>
          <Field id="ce-q" label={t('party.edit.search')} hint={t('party.edit.searchHint')}>
            <input id="ce-q" type="search" autoComplete="off" aria-describedby="ce-q-hint" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
          </Field>
          <div role="status" aria-live="polite">
            {found ? t('party.edit.foundN', { n: found.length }) : ''}
          </div>
          {found && found.length ? (
            <ul class="plain-list" aria-label={t('party.edit.results')}>
              {found.map((c) => (
                <li key={`${c.gridId}/${c.householdId}`} class="contact-row">
                  <span>
                    {c.address} · {c.head} <span class="hint">{gridLabel(org, c.gridId)}</span>
                  </span>
                  {has(c.householdId) ? (
                    <span class="badge">{t('party.edit.already')}</span>
                  ) : (
                    <button
                      type="button"
                      class="btn"
                      disabled={full}
                      aria-label={t('party.edit.addLabel', { name: c.head, address: c.address })}
                      onClick={() => {
                        onAdd(c);
                        document.getElementById('ce-q')?.focus();
                      }}
                    >
                      {t('party.edit.addOne')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : (
        <p class="hint">{t('party.edit.noPeople')}</p>
      )}
      <ById member={member} org={org} open={!held} disabled={full} has={has} onAdd={onAdd} />
    </section>
  );
}

function ById({ member, org, open, disabled, has, onAdd }: { member: Member; org: OrgView; open: boolean; disabled: boolean; has: (id: string) => boolean; onAdd: (c: ContactHousehold) => void }) {
  const grids = org.data.grids.filter((g) => g.villageId === member.villageId);
  const [gridId, setGridId] = useState(grids.some((g) => g.id === member.gridId) ? member.gridId : (grids[0]?.id ?? member.gridId));
  const [householdId, setHouseholdId] = useState('');
  const [address, setAddress] = useState('');
  const [head, setHead] = useState('');
  const [error, setError] = useState<string | null>(null);
  const idError = error === 'id' ? t('party.edit.badId') : error === 'dup' ? t('party.edit.already') : null;
  return (
    <details class="panel" open={open}>
      <summary class="btn btn-quiet">{t('party.edit.byId')}</summary>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const id = householdId.trim();
          const bad = !HOUSEHOLD_ID.test(id) ? 'id' : has(id) ? 'dup' : !address.trim() ? 'text' : !head.trim() ? 'text' : null;
          setError(bad);
          // Focus the first field to correct (its error is in its description), or the id field for the next one.
          document.getElementById(bad === 'text' ? (address.trim() ? 'ce-head' : 'ce-address') : 'ce-hid')?.focus();
          if (bad) return;
          onAdd({ householdId: id, gridId, address: address.trim(), head: head.trim() });
          setHouseholdId('');
          setAddress('');
          setHead('');
        }}
      >
        <Field id="ce-grid" label={t('party.edit.grid')}>
          <select id="ce-grid" value={gridId} onChange={(e) => setGridId(e.currentTarget.value)}>
            {grids.map((g) => (
              <option key={g.id} value={g.id}>
                {gridLabel(org, g.id)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="ce-hid" label={t('party.edit.householdId')} hint={t('party.edit.householdIdHint')} error={idError}>
          <input
            id="ce-hid"
            required
            autoComplete="off"
            spellcheck={false}
            aria-invalid={idError ? true : undefined}
            aria-describedby={describedBy('ce-hid', true, idError)}
            value={householdId}
            onInput={(e) => setHouseholdId(e.currentTarget.value)}
          />
        </Field>
        <Field id="ce-address" label={t('party.edit.address')} error={error === 'text' && !address.trim() ? t('party.edit.required') : null}>
          <input
            id="ce-address"
            required
            maxLength={200}
            aria-invalid={error === 'text' && !address.trim() ? true : undefined}
            aria-describedby={describedBy('ce-address', false, error === 'text' && !address.trim())}
            value={address}
            onInput={(e) => setAddress(e.currentTarget.value)}
          />
        </Field>
        <Field id="ce-head" label={t('party.edit.head')} error={error === 'text' && !head.trim() ? t('party.edit.required') : null}>
          <input
            id="ce-head"
            required
            maxLength={40}
            aria-invalid={error === 'text' && !head.trim() ? true : undefined}
            aria-describedby={describedBy('ce-head', false, error === 'text' && !head.trim())}
            value={head}
            onInput={(e) => setHead(e.currentTarget.value)}
          />
        </Field>
        <div role="alert">{error ? <p class="field-error">{t('party.edit.fixErrors')}</p> : null}</div>
        <button type="submit" class="btn btn-primary" disabled={disabled}>
          {t('party.edit.addById')}
        </button>
      </form>
    </details>
  );
}
