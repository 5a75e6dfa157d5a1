/**
 * Patrols (巡查, issue 17), from the grid's `patrols.<gridId>` doc (src/domain/patrols.ts, read and written through
 * src/app/records.ts, so everything here works offline and syncs later):
 *
 *  - the grid worker (#/patrol): 开始巡查; while a patrol is open, 在这里打卡 (one GPS fix with its accuracy and time,
 *    an optional note and up to MAX_CHECKIN_PHOTOS photos: 拍照, compressed and queued in the blob outbox as a
 *    case's photos, uploaded when online), 上报巡查中发现的问题 (#/patrol/p/<id>/report: the report form, the new case linked to the
 *    patrol), 结束巡查; the check-ins with their times and accuracy, the gaps, the straight-line distance between
 *    check-ins; earlier patrols and this week's count against the town's expectation;
 *  - the town center: the expected patrols a week per grid of its town (each change an event, counted from then on);
 *  - the readers (village secretary; county and admin open a patrol by link): the patrols of the grids they hold.
 *
 * Honest about what a web app can record: the screen says that nothing is recorded with the screen off, keeps the
 * screen on while a patrol is open where the browser allows (Screen Wake Lock, re-acquired when the page is visible
 * again, released at the end), and shows only recorded fixes: no route is drawn, gaps are named as gaps.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatNumber, formatTime, t } from '../../app/i18n.ts';
import '../../app/locales/patrols.zh.ts';
import type { RecordResult, RecordsApi } from '../../app/records.ts';
import { navigate, routeHref } from '../../app/router.ts';
import type { OrgView, Session } from '../../app/services.ts';
import {
  ACCURATE_M,
  cstWeekStart,
  GAP_MS,
  MAX_ACCURACY_M,
  MAX_CHECKIN_PHOTOS,
  MAX_PER_WEEK,
  patrolFigures,
  patrolsOf,
  perWeekAt,
  STALE_FIX_MS,
  summarizePatrol,
  WEEK_MS,
  type Fix,
  type Patrol,
  type PatrolState,
} from '../../domain/patrols.ts';
import { gridLabel, gridsInScope, userLabel } from '../cases/lookup.ts';
import { ReportForm } from '../report/ReportForm.tsx';
import type { PhotoRef } from '../../domain/evidence.ts';
import { LazyPhotoCapture } from '../evidence/lazyCapture.tsx';
import { PhotoStrip } from '../evidence/PhotoStrip.tsx';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { EmptyState, ListSkeleton } from '../../ui/EmptyState.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { UnsavedRecords } from '../party/Unsaved.tsx';
import { distanceText, durationText } from './format.ts';
import './patrols.css';

const MIN = 60_000;

function failure(r: Extract<RecordResult, { ok: false }>): string {
  return t('pa.failed', { detail: r.detail ?? r.error });
}

export function PatrolScreen({ session, id, view }: { session: Session; id?: string | undefined; view?: 'report' | undefined }) {
  const records = session.records;
  void records?.version.value;
  const org = session.org.value;
  const user = session.user;
  if (!records) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('pa.title')}</ScreenTitle>
        <p>{t('app.loading')}</p>
      </div>
    );
  }
  const grids = records.patrolGrids();
  if (id) {
    const gridId = grids.find((g) => records.patrols(g)?.patrols.has(id));
    const p = gridId ? records.patrols(gridId)!.patrols.get(id)! : undefined;
    if (!gridId || !p) {
      return (
        <div>
          <ScreenTitle suffix={t('app.name')}>{t('pa.title')}</ScreenTitle>
          <Alert tone="info">{t('pa.notFound')}</Alert>
          <p class="backlink">
            <a href={routeHref({ name: 'patrol' })}>{t('pa.history')}</a>
          </p>
        </div>
      );
    }
    const mine = p.workerId === user.id && p.endedAt === undefined;
    if (view === 'report' && mine) return <ReportFromPatrol session={session} records={records} gridId={gridId} patrol={p} />;
    return <PatrolView session={session} records={records} org={org} gridId={gridId} patrol={p} mine={mine} />;
  }
  if (user.role === 'worker' && user.gridId && grids.includes(user.gridId)) {
    return <WorkerPatrol session={session} records={records} org={org} gridId={user.gridId} state={records.patrols(user.gridId)!} />;
  }
  if (user.role === 'town') return <Frequencies session={session} records={records} org={org} grids={grids} />;
  return <ReaderList session={session} records={records} org={org} grids={grids} />;
}

// ------------------------------------------------------------------ the worker

function WorkerPatrol({ session, records, org, gridId, state }: { session: Session; records: RecordsApi; org: OrgView | null; gridId: string; state: PatrolState }) {
  const user = session.user;
  const openId = state.open.get(user.id);
  const open = openId ? state.patrols.get(openId) : undefined;
  const [error, setError] = useState('');
  if (open) return <PatrolView session={session} records={records} org={org} gridId={gridId} patrol={open} mine />;
  const start = () => {
    const r = records.patrolAct(gridId, 'patrol_started', { patrolId: newPatrolId(session) });
    if (!r.ok) setError(failure(r));
  };
  const now = session.now();
  const weekStart = cstWeekStart(now);
  const fig = patrolFigures(gridId, state, weekStart, weekStart + WEEK_MS);
  const perWeek = perWeekAt(state, now);
  const mine = patrolsOf(state, user.id);
  const lost = state.lost.filter((x) => x.actor === user.id).length;
  return (
    <div class="patrol">
      <ScreenTitle suffix={t('app.name')}>
        {t('pa.title')}
        <span class="title-sub">{gridLabel(org, gridId)}</span>
      </ScreenTitle>
      {lost > 0 ? <Alert tone="warning">{t('pa.superseded', { n: lost })}</Alert> : null}
      <section class="card pa-start" aria-labelledby="pa-start-title">
        <h2 id="pa-start-title" class="visually-hidden">
          {t('pa.start')}
        </h2>
        <p class="pa-week" role="status">
          {perWeek === undefined ? t('pa.weekNoPlan', { done: fig.done }) : t('pa.week', { done: fig.done, expected: perWeek })}
        </p>
        <p>{t('pa.startLead')}</p>
        <p class="pa-notice">{t('pa.screenNotice')}</p>
        <Alert tone="error">{error}</Alert>
        <button type="button" class="btn btn-primary pa-big" onClick={start}>
          {t('pa.start')}
        </button>
      </section>
      <UnsavedRecords records={records} />
      <History org={org} patrols={mine} now={now} title={t('pa.history')} showWorker={false} known={records.patrolsKnown(gridId)} />
    </div>
  );
}

/** A patrol id as the domain wants it (the ULID layout of every event id). */
function newPatrolId(session: Session): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = '';
  let ms = Math.floor(session.now());
  for (let i = 0; i < 10; i++) {
    time = alphabet[ms % 32] + time;
    ms = Math.floor(ms / 32);
  }
  let rand = '';
  for (const b of bytes) rand += alphabet[b % 32];
  return time + rand;
}

type WakeState = 'on' | 'unsupported' | 'failed' | 'off';

/** Keep the screen on while `active` and the page is visible (Screen Wake Lock); released otherwise. */
function useWakeLock(active: boolean): WakeState {
  const [state, setState] = useState<WakeState>('off');
  useEffect(() => {
    if (!active) return;
    const wl = (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void>; addEventListener(t: string, f: () => void): void }> } }).wakeLock;
    if (!wl) {
      setState('unsupported');
      return;
    }
    let live = true;
    let lock: { release(): Promise<void> } | null = null;
    const acquire = () => {
      if (!live || document.visibilityState !== 'visible' || lock) return;
      wl.request('screen').then(
        (l) => {
          if (!live) return void l.release().catch(() => {});
          lock = l;
          setState('on');
          // The browser drops the lock when the page is hidden: take it again when it is visible.
          l.addEventListener('release', () => {
            lock = null;
          });
        },
        () => live && setState('failed'),
      );
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') acquire();
    };
    acquire();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      live = false;
      document.removeEventListener('visibilitychange', onVisible);
      void lock?.release().catch(() => {});
      lock = null;
      setState('off');
    };
  }, [active]);
  return state;
}

type Gps = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; m: number } | { kind: 'error'; text: string };

/** One fix, as precise as the device gives it now (never a cached one). */
function currentFix(): Promise<Fix | { error: string }> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) return resolve({ error: t('pa.gps.none') });
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const accuracyM = Math.round(pos.coords.accuracy * 10) / 10;
        if (!(accuracyM <= MAX_ACCURACY_M)) return resolve({ error: t('pa.gps.inaccurate', { m: formatNumber(Math.round(accuracyM)) }) });
        resolve({ lat: pos.coords.latitude, lng: pos.coords.longitude, accuracyM, fixMs: Math.round(pos.timestamp) });
      },
      (err) => resolve({ error: err.code === err.PERMISSION_DENIED ? t('pa.gps.denied') : err.code === err.TIMEOUT ? t('pa.gps.timeout') : t('pa.gps.unavailable') }),
      { enableHighAccuracy: true, timeout: 30_000, maximumAge: 0 },
    );
  });
}

function PatrolView({ session, records, org, gridId, patrol: p, mine }: { session: Session; records: RecordsApi; org: OrgView | null; gridId: string; patrol: Patrol; mine: boolean }) {
  const open = p.endedAt === undefined;
  const wake = useWakeLock(mine && open);
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<PhotoRef[]>([]);
  const [photoBusy, setPhotoBusy] = useState(false);
  // A new capture after each check-in (its photos went with it).
  const [captureKey, setCaptureKey] = useState(0);
  const [gps, setGps] = useState<Gps>({ kind: 'idle' });
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const now = session.now();
  const lost = mine ? (records.patrols(gridId)?.lost.filter((x) => x.actor === session.user.id).length ?? 0) : 0;

  const checkin = async () => {
    setGps({ kind: 'busy' });
    setError('');
    const fix = await currentFix();
    if (!mounted.current) return;
    if ('error' in fix) return setGps({ kind: 'error', text: fix.error });
    const r = records.patrolAct(gridId, 'checkin_recorded', { patrolId: p.id, fix, ...(note.trim() ? { note: note.trim() } : {}), ...(photos.length ? { photos } : {}) });
    if (!r.ok) return setGps({ kind: 'error', text: failure(r) });
    setNote('');
    setPhotos([]);
    setCaptureKey((k) => k + 1);
    setGps({ kind: 'done', m: Math.round(fix.accuracyM) });
  };
  const end = () => {
    const r = records.patrolAct(gridId, 'patrol_ended', { patrolId: p.id });
    setConfirming(false);
    if (!r.ok) setError(failure(r));
    else navigate({ name: 'patrol', id: p.id }, { replace: true });
  };

  return (
    <div class="patrol">
      <ScreenTitle suffix={t('app.name')}>
        {mine && open ? t('pa.active') : t('pa.summary')}
        <span class="title-sub">
          {gridLabel(org, gridId)} · {userLabel(org, p.workerId)}
        </span>
      </ScreenTitle>
      {lost > 0 ? <Alert tone="warning">{t('pa.superseded', { n: lost })}</Alert> : null}
      {mine && open ? (
        <section class="card pa-live" aria-labelledby="pa-live-title">
          <h2 id="pa-live-title" class="visually-hidden">
            {t('pa.active')}
          </h2>
          <p class="pa-notice">{t('pa.screenNotice')}</p>
          {wake !== 'off' ? <p class={wake === 'on' ? 'pa-wake is-on' : 'pa-wake'}>{t(`pa.wake.${wake}`)}</p> : null}
          <Field id="pa-note" label={t('pa.checkinNote')} hint={t('pa.checkinNoteHint')}>
            <input id="pa-note" type="text" maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} aria-describedby="pa-note-hint" />
          </Field>
          <LazyPhotoCapture
            key={captureKey}
            session={session}
            id="pa-photo"
            label={t('pa.checkinPhotos')}
            hint={t('pa.checkinPhotosHint', { max: MAX_CHECKIN_PHOTOS })}
            max={MAX_CHECKIN_PHOTOS}
            onChange={setPhotos}
            onBusy={setPhotoBusy}
          />
          <button type="button" class="btn btn-primary pa-big" onClick={checkin} disabled={gps.kind === 'busy' || photoBusy}>
            {t('pa.checkin')}
          </button>
          <p role="status" class={gps.kind === 'error' ? 'field-error' : 'pa-gps'}>
            {gps.kind === 'busy' ? t('pa.locating') : gps.kind === 'done' ? t('pa.checkedIn', { m: formatNumber(gps.m) }) : gps.kind === 'error' ? gps.text : ''}
          </p>
          <div class="pa-actions">
            <a class="btn" href={routeHref({ name: 'patrol', id: p.id, view: 'report' })}>
              {t('pa.reportCase')}
            </a>
            {confirming ? null : (
              <button type="button" class="btn" onClick={() => setConfirming(true)}>
                {t('pa.end')}
              </button>
            )}
          </div>
          {confirming ? (
            <div class="pa-confirm" role="group" aria-labelledby="pa-confirm-text">
              <p id="pa-confirm-text">{t('pa.endConfirm')}</p>
              <div class="pa-actions">
                <button type="button" class="btn btn-danger" onClick={end}>
                  {t('pa.endYes')}
                </button>
                <button type="button" class="btn btn-quiet" onClick={() => setConfirming(false)}>
                  {t('pa.endNo')}
                </button>
              </div>
            </div>
          ) : null}
          <Alert tone="error">{error}</Alert>
        </section>
      ) : open ? (
        <Alert tone="warning">{t('pa.openLeft')}</Alert>
      ) : null}
      {mine ? <UnsavedRecords records={records} /> : null}
      <Summary patrol={p} now={now} />
      <Timeline session={session} patrol={p} now={now} />
      {!open || !mine ? (
        <p class="backlink">
          <a href={routeHref({ name: 'patrol' })}>{t('pa.history')}</a>
        </p>
      ) : null}
    </div>
  );
}

function Summary({ patrol: p, now }: { patrol: Patrol; now: number }) {
  const s = summarizePatrol(p);
  return (
    <section class="card" aria-labelledby="pa-sum-title">
      <h2 id="pa-sum-title">
        {t('pa.overview')}{' '}
        <Badge tone={s.open ? 'amber' : 'green'}>{s.open ? t('pa.statusOpen') : t('pa.statusEnded')}</Badge>
      </h2>
      <p class="muted">{t('pa.startedAt', { time: formatTime(p.startedMs, now) })}</p>
      <dl class="figures pa-figures">
        <div class="figure">
          <dt>{s.open ? t('pa.durationOpen') : t('pa.duration')}</dt>
          <dd>
            <span class="figure-value">{durationText(s.durationMs)}</span>
          </dd>
        </div>
        <div class="figure">
          <dt>{t('pa.checkins')}</dt>
          <dd>
            <span class="figure-value" data-testid="pa-checkins">
              {formatNumber(s.checkins)}
            </span>
          </dd>
        </div>
        <div class="figure">
          <dt>{t('pa.distance')}</dt>
          <dd>
            <span class="figure-value">{distanceText(s.distanceM)}</span>
          </dd>
        </div>
        <div class="figure">
          <dt>{t('pa.cases')}</dt>
          <dd>
            <span class="figure-value">{formatNumber(p.caseIds.length)}</span>
          </dd>
        </div>
      </dl>
      <p class="hint">{t('pa.distanceHint', { min: GAP_MS / MIN, m: ACCURATE_M })}</p>
    </section>
  );
}

/** Start, check-ins, cases and end in time order, with the gaps named as gaps. */
function Timeline({ session, patrol: p, now }: { session: Session; patrol: Patrol; now: number }) {
  const s = summarizePatrol(p);
  type Row = { ms: number; key: string; node: preact.ComponentChildren; cls?: string };
  const rows: Row[] = [{ ms: p.startedMs, key: 'start', node: <strong>{t('pa.startRow')}</strong> }];
  p.checkins.forEach((c, i) =>
    rows.push({
      ms: c.ms,
      key: c.id,
      cls: 'pa-point',
      node: (
        <>
          <strong>
            {t('pa.checkins')} {i + 1}
          </strong>{' '}
          <span class="pa-acc">{t('pa.accuracy', { m: formatNumber(Math.round(c.fix.accuracyM)) })}</span>
          {c.fix.accuracyM > ACCURATE_M ? (
            <>
              {' '}
              <Badge tone="amber">{t('pa.inaccurate')}</Badge>
            </>
          ) : null}
          {c.ms - c.fix.fixMs > STALE_FIX_MS ? (
            <>
              {' '}
              <Badge tone="amber">{t('pa.staleFix', { min: Math.round((c.ms - c.fix.fixMs) / MIN) })}</Badge>
            </>
          ) : null}
          <span class="pa-coord">
            {c.fix.lat.toFixed(5)}, {c.fix.lng.toFixed(5)}
          </span>
          {c.note ? <span class="pa-cnote">{c.note}</span> : null}
          {c.photos?.length ? <PhotoStrip session={session} photos={c.photos} label={t('pa.checkinPhotosOf', { n: i + 1 })} /> : null}
        </>
      ),
    }),
  );
  for (const g of s.gaps) rows.push({ ms: g.fromMs + 1, key: `gap${g.fromMs}`, cls: 'pa-gap', node: t('pa.gap', { min: Math.round((g.toMs - g.fromMs) / MIN) }) });
  if (p.endedMs !== undefined) rows.push({ ms: p.endedMs, key: 'end', node: <strong>{t('pa.endRow')}</strong> });
  rows.sort((a, b) => a.ms - b.ms);
  return (
    <section class="card" aria-labelledby="pa-points-title">
      <h2 id="pa-points-title">{t('pa.points')}</h2>
      {p.checkins.length === 0 ? <p class="muted">{t('pa.pointsNone')}</p> : null}
      <ol class="pa-timeline">
        {rows.map((r) => (
          <li key={r.key} class={r.cls}>
            {r.cls === 'pa-gap' ? null : <time class="pa-time">{formatTime(r.ms, now)}</time>}
            <div class="pa-body">{r.node}</div>
          </li>
        ))}
      </ol>
      {p.caseIds.length ? (
        <>
          <h3>{t('pa.cases')}</h3>
          <ul class="pa-cases">
            {p.caseIds.map((c) => (
              <li key={c}>
                <a class="cell-link" href={routeHref({ name: 'case', id: c })}>
                  {t('pa.openCase')}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function ReportFromPatrol({ session, records, gridId, patrol }: { session: Session; records: RecordsApi; gridId: string; patrol: Patrol }) {
  const [error, setError] = useState('');
  return (
    <div class="patrol-report">
      <Alert tone="info">{t('pa.reportLead')}</Alert>
      <Alert tone="error">{error}</Alert>
      <p class="backlink">
        <a href={routeHref({ name: 'patrol', id: patrol.id })}>{t('pa.backToPatrol')}</a>
      </p>
      <ReportForm
        session={session}
        onReported={(caseId) => {
          // The report is kept on this device already; the link goes next to it, offline too.
          const r = records.patrolAct(gridId, 'case_linked', { patrolId: patrol.id, caseId });
          if (!r.ok) return setError(failure(r));
          navigate({ name: 'patrol', id: patrol.id }, { replace: true });
        }}
      />
    </div>
  );
}

function History({ org, patrols, now, title, showWorker = true, known = true }: { org: OrgView | null; patrols: Patrol[]; now: number; title: string; showWorker?: boolean; known?: boolean }) {
  const [all, setAll] = useState(false);
  const shown = all ? patrols : patrols.slice(0, 20);
  return (
    <section class="card" aria-labelledby="pa-history-title">
      <h2 id="pa-history-title">{title}</h2>
      {patrols.length === 0 && !known ? (
        <ListSkeleton label={title} rows={2} />
      ) : patrols.length === 0 ? (
        <EmptyState icon="pin" text={t('pa.historyNone')} />
      ) : (
        <ul class="pa-list">
          {shown.map((p) => {
            const s = summarizePatrol(p);
            return (
              <li key={p.id}>
                <a class="row-link" href={routeHref({ name: 'patrol', id: p.id })}>
                  <span>
                    {t('pa.row', { time: formatTime(p.startedMs, now), n: formatNumber(s.checkins), dur: durationText(s.durationMs) })}
                    {showWorker ? <span class="muted"> · {userLabel(org, p.workerId)}</span> : null}
                  </span>
                  <Badge tone={s.open ? 'amber' : 'green'}>{s.open ? t('pa.statusOpen') : t('pa.statusEnded')}</Badge>
                </a>
              </li>
            );
          })}
        </ul>
      )}
      {!all && patrols.length > shown.length ? (
        <button type="button" class="btn btn-quiet" onClick={() => setAll(true)}>
          {formatNumber(patrols.length - shown.length)} +
        </button>
      ) : null}
    </section>
  );
}

// ------------------------------------------------------------------ readers and the town center

function ReaderList({ session, records, org, grids }: { session: Session; records: RecordsApi; org: OrgView | null; grids: string[] }) {
  const now = session.now();
  const patrols = grids.flatMap((g) => {
    const st = records.patrols(g);
    return st ? patrolsOf(st) : [];
  });
  patrols.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  return (
    <div class="patrol">
      <ScreenTitle suffix={t('app.name')}>{t('pa.title')}</ScreenTitle>
      {grids.length === 0 ? <Alert tone="info">{t('pa.none')}</Alert> : <History org={org} patrols={patrols} now={now} title={t('pa.history')} known={grids.every((g) => records.patrolsKnown(g))} />}
    </div>
  );
}

function Frequencies({ session, records, org, grids }: { session: Session; records: RecordsApi; org: OrgView | null; grids: string[] }) {
  const now = session.now();
  const weekStart = cstWeekStart(now);
  const [saved, setSaved] = useState('');
  const [error, setError] = useState('');
  // Grids in the order the town's lists show them.
  const order = org ? gridsInScope(session.user, org).map((g) => g.id).filter((g) => grids.includes(g)) : grids;
  const [bulk, setBulk] = useState('');
  const recent = grids.flatMap((g) => {
    const st = records.patrols(g);
    return st ? patrolsOf(st) : [];
  });
  recent.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  const save = (gridId: string, n: number) => {
    setSaved('');
    const r = records.patrolAct(gridId, 'frequency_set', { perWeek: n });
    if (!r.ok) return setError(failure(r));
    setError('');
    setSaved(t('pa.freqSaved', { grid: gridLabel(org, gridId), n }));
  };
  /** The same number for every grid of the town: one event per grid whose expectation differs (each its own fact). */
  const saveAll = (n: number) => {
    setSaved('');
    let count = 0;
    for (const g of order) {
      const st = records.patrols(g);
      if (!st || perWeekAt(st, now) === n) continue;
      const r = records.patrolAct(g, 'frequency_set', { perWeek: n });
      if (!r.ok) return setError(failure(r));
      count++;
    }
    setError('');
    setSaved(t('pa.freqSavedAll', { count, n }));
  };
  return (
    <div class="patrol">
      <ScreenTitle suffix={t('app.name')}>{t('pa.title')}</ScreenTitle>
      <UnsavedRecords records={records} />
      <History org={org} patrols={recent} now={now} title={t('pa.recent')} known={grids.every((g) => records.patrolsKnown(g))} />
      <h2 id="pa-freq-head">{t('pa.freqTitle')}</h2>
      <p class="measure">{t('pa.freqLead')}</p>
      <p role="status" class={saved ? 'alert alert-success' : 'visually-hidden'}>
        {saved}
      </p>
      <Alert tone="error">{error}</Alert>
      <form
        class="card pa-bulk"
        aria-label={t('pa.freqAll')}
        onSubmit={(e) => {
          e.preventDefault();
          if (bulk !== '') saveAll(Number(bulk));
        }}
      >
        <Field id="pa-bulk" label={t('pa.freqAll')}>
          <select id="pa-bulk" value={bulk} onChange={(e) => setBulk(e.currentTarget.value)}>
            <option value="">—</option>
            {Array.from({ length: MAX_PER_WEEK + 1 }, (_, n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="btn" disabled={bulk === ''}>
          {t('pa.freqSaveAll')}
        </button>
      </form>
      <section class="card" aria-labelledby="pa-freq-head">
        <div class="table-wrap" role="region" aria-labelledby="pa-freq-head" tabIndex={0}>
          <table class="data-table rtable">
            <thead>
              <tr>
                <th scope="col">{t('pa.grid')}</th>
                <th scope="col" class="num">
                  {t('pa.doneCol')}
                </th>
                <th scope="col">{t('pa.freqCol')}</th>
              </tr>
            </thead>
            <tbody>
              {order.map((g) => {
                const st = records.patrols(g);
                if (!st || !records.patrolsKnown(g)) return null;
                const per = perWeekAt(st, now);
                const done = patrolFigures(g, st, weekStart, weekStart + WEEK_MS).done;
                // Keyed by the expectation too: a row shows the synced value when it arrives (or changes elsewhere).
                return <FreqRow key={`${g}:${per ?? ''}`} gridId={g} name={gridLabel(org, g)} done={done} perWeek={per} onSave={(n) => save(g, n)} />;
              })}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function FreqRow({ gridId, name, done, perWeek, onSave }: { gridId: string; name: string; done: number; perWeek: number | undefined; onSave(n: number): void }) {
  const [value, setValue] = useState(perWeek === undefined ? '' : String(perWeek));
  const id = `pa-f-${gridId}`;
  const changed = value !== '' && Number(value) !== perWeek;
  return (
    <tr>
      <th scope="row" class="rt-title">
        {name}
      </th>
      <td class="num" data-label={t('pa.doneCol')}>
        {formatNumber(done)}
      </td>
      <td data-label={t('pa.freqCol')}>
        <div class="pa-freq">
          <select id={id} aria-label={t('pa.freqLabel', { grid: name })} value={value} onChange={(e) => setValue(e.currentTarget.value)}>
            {perWeek === undefined ? <option value="">{t('pa.freqNone')}</option> : null}
            {Array.from({ length: MAX_PER_WEEK + 1 }, (_, n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
          <button type="button" class="btn" disabled={!changed} aria-label={`${t('pa.freqSave')} ${name}`} onClick={() => onSave(Number(value))}>
            {t('pa.freqSave')}
          </button>
        </div>
      </td>
    </tr>
  );
}
