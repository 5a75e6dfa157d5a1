/**
 * People of the user's grids (人员信息): search by name or address (offline, over the synced people docs),
 * households of a grid, a household's members and visit records; record a visit, add a household or a resident.
 * ID numbers are masked for every reader but the grid's worker and town center (src/domain/people.ts): only they
 * hold the grid's `idnumbers` doc, joined in by the records API; only they are asked for a new resident's number.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../../app/i18n.ts';
import '../../app/locales/people.zh.ts';
import type { PeopleHit, RecordResult } from '../../app/records.ts';
import type { Session } from '../../app/services.ts';
import { hlcMs } from '../../domain/hlc.ts';
import { RESIDENT_TAGS, type ResidentTag } from '../../domain/people.ts';
import type { CareSettings } from '../../domain/caresettings.ts';
import { CareLevelField } from '../care/CareLevelField.tsx';
import { Alert } from '../../ui/Alert.tsx';
import { EmptyState, ListSkeleton } from '../../ui/EmptyState.tsx';
import { Icon } from '../../ui/icons.tsx';
import { Tel } from '../../ui/Tel.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { gridLabel } from '../cases/lookup.ts';
import '../party/party.css';
import { UnsavedRecords } from '../party/Unsaved.tsx';

/** A built-in tag's message; a tag the county added (issue 17) shows under the name its care settings give. */
export const tagName = (tag: string, care?: CareSettings): string =>
  (RESIDENT_TAGS as readonly string[]).includes(tag) ? t(`people.tag.${tag as ResidentTag}`) : (care?.tags.find((x) => x.id === tag)?.name ?? tag);

export function PeopleScreen({ session, gridId, householdId }: { session: Session; gridId?: string | undefined; householdId?: string | undefined }) {
  const records = session.records;
  // Subscribe to every change of the docs before deciding anything: the docs open one by one after the people
  // code has loaded, and a screen that read no signal on its way to "none" would stay there (issue 11, defect 2).
  void records?.version.value;
  // Until the local docs are open (status.ready) an empty list is not known to be empty: show the loading skeleton.
  const ready = records !== undefined && session.status.value.ready;
  if (!records || records.peopleGrids().length === 0) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('people.title')}</ScreenTitle>
        {ready ? <EmptyState icon="people" text={t('people.none')} /> : <ListSkeleton label={t('app.loading')} />}
      </div>
    );
  }
  if (gridId && householdId) return <HouseholdView session={session} gridId={gridId} householdId={householdId} />;
  return <PeopleList session={session} />;
}

function PeopleList({ session }: { session: Session }) {
  const records = session.records!;
  const org = session.org.value;
  const grids = records.peopleGrids();
  const [grid, setGrid] = useState(session.user.gridId && grids.includes(session.user.gridId) ? session.user.gridId : grids[0]!);
  const [q, setQ] = useState('');
  const [msg, setMsg] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const state = records.people(grid);
  const [hits, setHits] = useState<PeopleHit[]>([]);
  const version = records.version.value;
  useEffect(() => {
    let live = true;
    if (!q.trim()) setHits([]);
    else
      void records.searchPeople(q).then((h) => {
        if (live) setHits(h);
      });
    return () => {
      live = false;
    };
  }, [q, version, records]);
  const households = state ? [...state.households.values()].sort((a, b) => a.id.localeCompare(b.id)) : [];
  const membersOf = (hid: string) => (state ? [...state.residents.values()].filter((r) => r.householdId === hid) : []);

  return (
    <div class="people">
      <ScreenTitle suffix={t('app.name')}>{t('people.title')}</ScreenTitle>
      <UnsavedRecords records={records} />
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <Field id="people-q" label={t('people.search')} hint={t('people.searchHint')}>
          <input id="people-q" type="search" value={q} aria-describedby="people-q-hint" onInput={(e) => setQ(e.currentTarget.value)} />
        </Field>
      </form>
      <div aria-live="polite">
        {q.trim() ? (
          <section aria-labelledby="people-hits-h">
            <h2 id="people-hits-h">{t('people.results', { n: hits.length })}</h2>
            <ul class="plain-list">
              {hits.map((h) => (
                <li key={h.resident.id}>
                  <a href={`#/people/${h.gridId}/${h.resident.householdId}`} class="row-link">
                    <strong>{h.resident.name}</strong> · {h.address} · <span class="mono">{h.resident.idNumber}</span>
                    {h.resident.tags.length ? ` · ${h.resident.tags.map((x) => tagName(x, org?.data.care)).join('、')}` : ''}
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
      {grids.length > 1 ? (
        <Field id="people-grid" label={t('people.grid')}>
          <select id="people-grid" value={grid} onChange={(e) => setGrid(e.currentTarget.value)}>
            {grids.map((g) => (
              <option key={g} value={g}>
                {gridLabel(org, g)}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <section aria-labelledby="people-hh-h">
        <h2 id="people-hh-h">{t('people.households', { n: households.length, grid: gridLabel(org, grid) })}</h2>
        <div class="table-wrap" role="region" aria-labelledby="people-hh-h" tabIndex={0}>
        <table class="data-table rtable rt-compact">
          <thead>
            <tr>
              <th scope="col">{t('people.address')}</th>
              <th scope="col">{t('people.head')}</th>
              <th scope="col">{t('people.members')}</th>
              <th scope="col">{t('people.tags')}</th>
            </tr>
          </thead>
          <tbody>
            {households.map((h) => {
              const members = membersOf(h.id);
              const tags = [...new Set(members.flatMap((m) => m.tags))];
              return (
                <tr key={h.id}>
                  <td class="rt-title">
                    <a href={`#/people/${grid}/${h.id}`} class="cell-link">
                      {h.address}
                    </a>
                  </td>
                  <td data-label={t('people.head')}>{h.head}</td>
                  <td data-label={t('people.members')} class="num-cell">
                    {members.length}
                  </td>
                  <td data-label={t('people.tags')} class={tags.length ? 'rt-tags' : 'rt-tags rt-empty'}>
                    {tags.map((tag) => (
                      <span key={tag} class="badge badge-amber">
                        {tagName(tag, org?.data.care)}
                      </span>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      </section>
      <AddHousehold
        onSave={(address, head, phone) => {
          const id = `${grid}h${Date.now().toString(36)}`;
          const r = records.saveHousehold({ id, gridId: grid, address, head, ...(phone ? { phone } : {}) });
          setMsg(result(r, t('people.saved')));
          return r.ok;
        }}
      />
      <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
    </div>
  );
}

function result(r: RecordResult, okText: string): { tone: 'success' | 'error'; text: string } {
  return r.ok ? { tone: 'success', text: okText } : { tone: 'error', text: `${t('people.saveFailed')} (${r.error})` };
}

function AddHousehold({ onSave }: { onSave: (address: string, head: string, phone: string) => boolean }) {
  const [address, setAddress] = useState('');
  const [head, setHead] = useState('');
  const [phone, setPhone] = useState('');
  return (
    <details class="panel">
      <summary class="btn btn-quiet">{t('people.addHousehold')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (onSave(address, head, phone)) {
            setAddress('');
            setHead('');
            setPhone('');
          }
        }}
      >
        <Field id="hh-address" label={t('people.address')}>
          <input id="hh-address" required value={address} onInput={(e) => setAddress(e.currentTarget.value)} />
        </Field>
        <Field id="hh-head" label={t('people.head')}>
          <input id="hh-head" required value={head} onInput={(e) => setHead(e.currentTarget.value)} />
        </Field>
        <Field id="hh-phone" label={t('people.phone')}>
          <input id="hh-phone" type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="btn btn-primary">
          {t('people.save')}
        </button>
      </form>
    </details>
  );
}

function HouseholdView({ session, gridId, householdId }: { session: Session; gridId: string; householdId: string }) {
  const records = session.records!;
  const org = session.org.value;
  const state = records.people(gridId);
  const h = state?.households.get(householdId);
  const [note, setNote] = useState('');
  const [msg, setMsg] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const back = (
    <p class="backlink">
      <a href="#/people">
        <Icon name="back" />
        {t('people.back')}
      </a>
    </p>
  );
  if (!state || !h) {
    return (
      <div>
        {back}
        <ScreenTitle suffix={t('app.name')}>{t('people.title')}</ScreenTitle>
        <Alert tone="error">{t('people.notFound')}</Alert>
      </div>
    );
  }
  const members = records.residents(gridId, householdId);
  const askIdNumber = records.holdsIdNumbers(gridId);
  const visits = state.visits.filter((v) => v.householdId === householdId).reverse();
  return (
    <div class="people">
      {back}
      <ScreenTitle suffix={t('app.name')}>{h.address}</ScreenTitle>
      <UnsavedRecords records={records} />
      <dl class="facts card">
        <dt>{t('people.head')}</dt>
        <dd>{h.head}</dd>
        {h.phone ? (
          <>
            <dt>{t('people.phone')}</dt>
            <dd>
              <Tel number={h.phone} />
            </dd>
          </>
        ) : null}
        <dt>{t('people.grid')}</dt>
        <dd>{gridLabel(org, gridId)}</dd>
        <dt>
          <label for="hh-care-level">{t('care.levelField')}</label>
        </dt>
        <dd>
          <CareLevelField records={records} household={h} settings={org?.data.care} onSaved={(ok) => setMsg(ok ? { tone: 'success', text: t('care.levelSaved') } : { tone: 'error', text: t('people.saveFailed') })} />
        </dd>
      </dl>
      <section aria-labelledby="hh-members-h">
        <h2 id="hh-members-h">{t('people.membersOf', { n: members.length })}</h2>
        <div class="table-wrap" role="region" aria-labelledby="hh-members-h" tabIndex={0}>
        <table class="data-table rtable">
          <thead>
            <tr>
              <th scope="col">{t('people.name')}</th>
              <th scope="col">{t('people.relation')}</th>
              <th scope="col">{t('people.idNumber')}</th>
              <th scope="col">{t('people.phone')}</th>
              <th scope="col">{t('people.tags')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id}>
                <td class="rt-title">{m.name}</td>
                <td data-label={t('people.relation')} class={m.relation ? undefined : 'rt-empty'}>
                  {m.relation ?? ''}
                </td>
                <td data-label={t('people.idNumber')} class="mono nowrap" data-masked={m.idMasked ? 'true' : 'false'}>
                  {m.idNumber || '—'}
                  {m.idMasked && m.idNumber ? <span class="visually-hidden"> {t('people.masked')}</span> : null}
                </td>
                <td data-label={t('people.phone')} class={m.phone ? 'nowrap' : 'rt-empty'}>
                  {m.phone ? <Tel number={m.phone} /> : null}
                </td>
                <td data-label={t('people.tags')} class={m.tags.length ? 'rt-tags' : 'rt-tags rt-empty'}>
                  {m.tags.map((tag) => (
                    <span key={tag} class="badge badge-amber">
                      {tagName(tag, org?.data.care)}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </section>
      <AddResident
        askIdNumber={askIdNumber}
        care={org?.data.care}
        onSave={(name, idNumber, phone, tags) => {
          const r = records.saveResident(gridId, { id: `${householdId}r${Date.now().toString(36)}`, householdId, name, tags, ...(idNumber ? { idNumber } : {}), ...(phone ? { phone } : {}) });
          setMsg(result(r, t('people.saved')));
          return r.ok;
        }}
      />
      <section aria-labelledby="hh-visits-h">
        <h2 id="hh-visits-h">{t('people.visits')}</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const r = records.recordVisit(gridId, householdId, note);
            setMsg(result(r, t('people.visitSaved')));
            if (r.ok) setNote('');
          }}
        >
          <Field id="visit-note" label={t('people.visitNote')}>
            <textarea id="visit-note" required rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </Field>
          <button type="submit" class="btn btn-primary">
            {t('people.recordVisit')}
          </button>
        </form>
        <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
        <ul class="plain-list">
          {visits.map((v) => (
            <li key={v.id}>
              <time dateTime={new Date(hlcMs(v.at)).toISOString()}>{formatTime(hlcMs(v.at))}</time> · {org?.user(v.actor)?.name ?? t('people.someone')}
              {t('app.colon')}
              {v.note}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/** `askIdNumber`: the user records full ID numbers of this grid; others add residents without one (noted). */
function AddResident({ askIdNumber, care, onSave }: { askIdNumber: boolean; care: CareSettings | undefined; onSave: (name: string, idNumber: string, phone: string, tags: string[]) => boolean }) {
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  // The built-in tags, then those the county added (issue 17, its care settings), each under its name.
  const offered: string[] = [...RESIDENT_TAGS, ...(care?.tags ?? []).map((x) => x.id).filter((id) => !(RESIDENT_TAGS as readonly string[]).includes(id))];
  return (
    <details class="panel">
      <summary class="btn btn-quiet">{t('people.addResident')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (onSave(name, idNumber.toUpperCase(), phone, tags)) {
            setName('');
            setIdNumber('');
            setPhone('');
            setTags([]);
          }
        }}
      >
        <Field id="res-name" label={t('people.name')}>
          <input id="res-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        {askIdNumber ? (
          <Field id="res-id" label={t('people.idNumber')} hint={t('people.idHint')}>
            <input id="res-id" required pattern="\d{17}[\dXx]" aria-describedby="res-id-hint" value={idNumber} onInput={(e) => setIdNumber(e.currentTarget.value)} />
          </Field>
        ) : (
          <p class="hint" id="res-id-note">
            {t('people.idByWorker')}
          </p>
        )}
        <Field id="res-phone" label={t('people.phone')}>
          <input id="res-phone" type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </Field>
        <fieldset>
          <legend>{t('people.tags')}</legend>
          {offered.map((tag) => (
            <label key={tag} class="check">
              <input
                type="checkbox"
                checked={tags.includes(tag)}
                onChange={(e) => setTags(e.currentTarget.checked ? [...tags, tag] : tags.filter((x) => x !== tag))}
              />{' '}
              {tagName(tag, care)}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="btn btn-primary">
          {t('people.save')}
        </button>
      </form>
    </details>
  );
}
