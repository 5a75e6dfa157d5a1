/**
 * A resident reports a problem in three steps (#/report for role resident), then sees it kept and sent:
 *  1. 拍照: photos (PhotoCapture: compressed and kept on the phone, offline too); optional.
 *  2. 在哪里: GPS, a tap on the map (MapPicker), or "就在我村里" (the resident's village); the grid is found by
 *     point-in-polygon over the boundaries, else the nearest grid centre.
 *  3. 什么问题: about 12 big tiles for the commonest place problems (TILES) plus 其他 with a few words; a voice note is
 *     welcome; public cases of the same kind nearby are shown (附近已有人上报…) so the same pothole is not reported
 *     twice.
 * Then 上报好了, with the report's delivery (待发送 / 发送中 / 已送达) following the outbox live.
 * The report goes through session.report (ResidentSync: decided on the phone, outbox, idempotent POST).
 */
import { fetchNearby } from './nearby.ts';
import '../../app/locales/errors.zh.ts';
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, t } from '../../app/i18n.ts';
import '../../app/locales/capture.zh.ts';
import type { OrgView, ReportInput, Session } from '../../app/services.ts';
import { MAX_PHOTOS, MAX_VOICE_SECONDS, type LatLng } from '../../domain/events.ts';
import type { PhotoRef, VoiceRef } from '../../domain/evidence.ts';
import type { PublicCase } from '../../domain/publiccases.ts';
import { Alert } from '../../ui/Alert.tsx';
import { CategoryIcon } from '../../ui/categoryIcons.tsx';
import { Icon, Svg } from '../../ui/icons.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { PhotoCapture } from '../evidence/PhotoCapture.tsx';
import { VoiceRecorder } from '../evidence/VoiceRecorder.tsx';
import { gridAt, loadGeo, type GeoData } from '../map/geodata.ts';
import type { MapPickerProps } from '../map/MapPicker.tsx';
import { DeliveryLine } from './parts.tsx';
import { categoryName, delivery, homePoint, shortDay, stageWord } from './words.ts';
import './resident.css';

/**
 * The tiles: the subcategories about places that residents of a rural county meet most (the demo county's
 * classification, server/demo/catalog.ts: roads, street lights, waste, drains, water, power, fire, straw burning,
 * sewage, irrigation channels, road signs). A county whose classification lacks a code simply shows fewer tiles.
 */
export const TILES = ['0602', '0603', '0701', '0709', '0608', '0604', '1701', '0401', '0702', '0703', '1101', '1205'] as const;
/**
 * Each tile's own picture (24 grid, 2 px round stroke like src/ui/icons.tsx): the major category's icon would give
 * four tiles of 城乡建设 the same house, and a resident looks for the picture before the words.
 */
const TILE_ICONS: Record<(typeof TILES)[number], string> = {
  '0602': 'M8 3L5 21M16 3l3 18M12 4v3M12 16v3M9.5 11.5c1-1 4-1 5 0s-1 2-2.5 2-3.5-1-2.5-2z',
  '0603': 'M9 21h6M12 21V6a3 3 0 013-3h2M15 6h5l-1 3h-3zM17.5 11v1.5',
  '0701': 'M4 7h16M9 7V4h6v3M6 7l1 14h10l1-14M10 11v6M14 11v6',
  '0709': 'M3 21h18M4 21v-6h7v6M13 21V11h7v10M6 15v-4h6v4',
  '0608': 'M12 21a9 9 0 100-18 9 9 0 000 18zM7 9h10M5.5 12h13M7 15h10',
  '0604': 'M3 8h9a4 4 0 014 4v1M3 5v6M8 8V5M6 5h4M16 16v1M16 20v.5',
  '1701': 'M13 2L4 14h7l-1 8 9-12h-7z',
  '0401': 'M12 21c-4 0-6-2.7-6-6 0-4 4-6 4-11 3 2 8 6 8 11 0 3.3-2 6-6 6zM12 21c-1.7 0-2.5-1.2-2.5-2.7 0-1.8 2.5-3.3 2.5-3.3s2.5 1.5 2.5 3.3c0 1.5-.8 2.7-2.5 2.7z',
  '0702': 'M4 21h16M7 21l2-5M12 21v-5M17 21l-2-5M8 11c0-2 2-2 2-4s-2-2-2-4M14 11c0-2 2-2 2-4s-2-2-2-4',
  '0703': 'M12 3s6 7 6 11a6 6 0 01-12 0c0-4 6-11 6-11zM8.5 15c1.2.8 2.3.8 3.5 0s2.3-.8 3.5 0',
  '1101': 'M3 8c2-2 4-2 6 0s4 2 6 0 4-2 6 0M3 14c2-2 4-2 6 0s4 2 6 0 4-2 6 0M3 20h18',
  '1205': 'M9 3h6v14H9zM12 17v4M8 21h8M12 6.5h.01M12 10h.01M12 13.5h.01',
};

/** 其他: the classification's "other matters" (1704 in the demo county), else any subcategory named 其他… */
const OTHER_CODES = ['1704'];

export function otherCategory(org: OrgView): string | undefined {
  for (const c of OTHER_CODES) if (org.subcategory(c)) return c;
  return org.data.subcategories.find((s) => s.name.startsWith('其他'))?.code ?? org.data.subcategories[org.data.subcategories.length - 1]?.code;
}

/** The grid of a point: by boundary when the boundaries are known, else the grid whose centre is nearest. */
export function gridOf(org: OrgView, geo: GeoData | null, p: LatLng): string | undefined {
  const hit = geo ? gridAt(geo, p.lng, p.lat) : null;
  if (hit && org.grid(hit)) return hit;
  let best: { id: string; d: number } | undefined;
  for (const g of org.data.grids) {
    const d = (g.center[0] - p.lng) ** 2 + (g.center[1] - p.lat) ** 2;
    if (!best || d < best.d) best = { id: g.id, d };
  }
  return best?.id;
}

type Step = 1 | 2 | 3 | 'done';
type Place = { at: LatLng; how: 'gps' | 'map' | 'home'; accuracy?: number };
type Gps = 'idle' | 'busy' | 'denied' | 'failed';

export function ReportWizard({ session }: { session: Session }) {
  const org = session.org.value;
  const [step, setStep] = useState<Step>(1);
  const [photos, setPhotos] = useState<PhotoRef[]>([]);
  const [voice, setVoice] = useState<VoiceRef | undefined>(undefined);
  const [capturing, setCapturing] = useState({ photo: false, voice: false });
  const [place, setPlace] = useState<Place | null>(null);
  const [gps, setGps] = useState<Gps>('idle');
  const [geo, setGeo] = useState<GeoData | null>(null);
  const [Picker, setPicker] = useState<ComponentType<MapPickerProps> | null>(null);
  const [picking, setPicking] = useState(false);
  const [mapFailed, setMapFailed] = useState(false);
  const [category, setCategory] = useState<string | null>(null);
  const [other, setOther] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [caseId, setCaseId] = useState<string | null>(null);
  const [near, setNear] = useState<PublicCase[]>([]);
  const mounted = useRef(true);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  useEffect(() => {
    void loadGeo(session).then((g) => mounted.current && setGeo(g));
  }, []);
  // A new step: its heading takes focus (screen readers announce where they are).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
    window.scrollTo(0, 0);
  }, [step]);
  // Public cases near the chosen place (null answers: offline, refused: no hint).
  useEffect(() => {
    if (!place) return;
    let live = true;
    void fetchNearby(session, place.at, 500).then((a) => live && setNear(a?.cases ?? []));
    return () => {
      live = false;
    };
  }, [place?.at.lat, place?.at.lng]);

  const locate = () => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) return setGps('failed');
    setGps('busy');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        if (!mounted.current) return;
        setGps('idle');
        setPlace({ at: { lat: pos.coords.latitude, lng: pos.coords.longitude }, how: 'gps', accuracy: Math.round(pos.coords.accuracy) });
        setError('');
      },
      (err) => mounted.current && setGps(err.code === 1 ? 'denied' : 'failed'),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  };
  // Step 2 locates at once when the resident allowed it before (no surprise permission prompt).
  useEffect(() => {
    if (step !== 2 || place) return;
    navigator.permissions
      ?.query({ name: 'geolocation' })
      .then((p) => p.state === 'granted' && mounted.current && locate())
      .catch(() => undefined);
  }, [step]);

  /** A place from the map or the village: a GPS failure said before no longer applies. */
  const choose = (p: Place) => {
    setPlace(p);
    setGps('idle');
    setError('');
  };

  const openMap = () => {
    if (picking) return setPicking(false);
    setPicking(true);
    if (!Picker) {
      import('../map/MapPicker.tsx').then(
        (m) => mounted.current && setPicker(() => m.MapPicker),
        () => mounted.current && setMapFailed(true),
      );
    }
  };

  if (!org) {
    return (
      <div class="rs">
        <ScreenTitle suffix={t('app.name')}>{t('rs.wiz.title')}</ScreenTitle>
        <p role="status">{session.status.value.connection === 'offline' && session.status.value.ready ? t('rs.wiz.notReady') : t('rs.wiz.loading')}</p>
      </div>
    );
  }

  const tiles = TILES.filter((c) => org.subcategory(c));
  const otherCode = otherCategory(org);
  const home = homePoint(session, org);
  const gridId = place ? gridOf(org, geo, place.at) : undefined;
  const placeName = () => {
    if (!place || !gridId) return '';
    const g = org.grid(gridId);
    const v = g ? org.data.villages.find((x) => x.id === g.villageId) : undefined;
    return v ? v.name : (g?.name ?? '');
  };

  const submit = async () => {
    if (busy || capturing.photo || capturing.voice) return;
    const note = text.trim();
    if (!category) return setError(t('rs.wiz.needWhat'));
    if (other && !note) {
      setError(t('rs.wiz.needText'));
      document.getElementById('rs-text')?.focus();
      return;
    }
    if (!place || !gridId) {
      setError(t('rs.wiz.needPlace'));
      return setStep(2);
    }
    const label = other ? '' : t(`rs.tile.${category as (typeof TILES)[number]}`);
    const description = [label, note].filter(Boolean).join(label && note ? '：' : '');
    const input: ReportInput = {
      category,
      description,
      location: { lat: Math.round(place.at.lat * 1e6) / 1e6, lng: Math.round(place.at.lng * 1e6) / 1e6 },
      gridId,
      ...(photos.length ? { photos } : {}),
      ...(voice ? { voice } : {}),
    };
    setBusy(true);
    setError('');
    try {
      const d = await session.report(input);
      if (!mounted.current) return;
      if (d.ok) {
        setCaseId(d.event.caseId);
        setStep('done');
      } else setError(t('rs.wiz.failed', { error: errorText(d.error) }));
    } catch {
      if (mounted.current) setError(t('rs.wiz.failed', { error: t('error.unexpected') }));
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  if (step === 'done' && caseId) return <Done session={session} caseId={caseId} />;

  const n = step === 'done' ? 3 : step;
  const sameKind = category && !other ? near.filter((c) => c.category === category) : [];
  return (
    <div class="rs rs-wizard">
      <ScreenTitle suffix={t('app.name')} focus={false}>
        {t('rs.wiz.title')}
      </ScreenTitle>
      <ol class="rs-progress" aria-label={t('rs.wiz.step', { n })}>
        {(['rs.wiz.s1', 'rs.wiz.s2', 'rs.wiz.s3'] as const).map((k, i) => (
          <li key={k} class={i + 1 < n ? 'is-done' : i + 1 === n ? 'is-now' : ''} aria-current={i + 1 === n ? 'step' : undefined}>
            <span class="rs-step-dot" aria-hidden="true">
              {i + 1 < n ? <Icon name="check" /> : i + 1}
            </span>
            {t(k)}
          </li>
        ))}
      </ol>

      {step === 1 ? (
        <section class="card rs-section" aria-labelledby="rs-step-h">
          <h2 id="rs-step-h" ref={heading} tabIndex={-1}>
            {t('rs.wiz.photoTitle')}
          </h2>
          <p class="rs-lead">{t('rs.wiz.photoHint')}</p>
          <PhotoCapture
            session={session}
            id="rs-photos"
            label={t('capture.photos')}
            max={MAX_PHOTOS}
            onChange={setPhotos}
            onBusy={(b) => setCapturing((c) => ({ ...c, photo: b }))}
          />
          <div class="rs-nav">
            <button type="button" class="btn btn-primary rs-big" disabled={capturing.photo} onClick={() => setStep(2)} data-lesson="photo-next">
              {photos.length ? t('rs.wiz.next') : t('rs.wiz.skipPhoto')}
            </button>
          </div>
        </section>
      ) : null}

      {step === 2 ? (
        <section class="card rs-section" aria-labelledby="rs-step-h">
          <h2 id="rs-step-h" ref={heading} tabIndex={-1}>
            {t('rs.wiz.whereTitle')}
          </h2>
          <div class="rs-where" data-lesson="where">
            <button type="button" class="btn rs-big" onClick={locate} disabled={gps === 'busy'}>
              <Icon name="pin" />
              {gps === 'busy' ? t('rs.wiz.gpsBusy') : t('rs.wiz.gps')}
            </button>
            <button type="button" class="btn rs-big" aria-expanded={picking} onClick={openMap} data-lesson="where-map">
              <Icon name="map" />
              {picking ? t('rs.wiz.mapHide') : t('rs.wiz.map')}
            </button>
            {home ? (
              <button type="button" class="btn rs-big" onClick={() => choose({ at: home, how: 'home' })} data-lesson="where-home">
                <Icon name="home" />
                {t('rs.wiz.home')}
              </button>
            ) : null}
          </div>
          {picking && geo && Picker ? (
            <Picker session={session} geo={geo} gridId={gridId} point={place ? [place.at.lng, place.at.lat] : null} onPick={([lng, lat]) => choose({ at: { lat, lng }, how: 'map' })} />
          ) : null}
          <p role="status" class="rs-place">
            {gps === 'denied'
              ? t('rs.wiz.gpsDenied')
              : gps === 'failed'
                ? t('rs.wiz.gpsFailed')
                : picking && (mapFailed || geo === null)
                  ? t('rs.wiz.mapFailed')
                  : place
                    ? `${t('rs.wiz.placeIn', { place: placeName() })}${place.how === 'gps' && place.accuracy ? `（${t('rs.wiz.gpsOk', { m: place.accuracy })}）` : ''}`
                    : t('rs.wiz.placeNone')}
          </p>
          {error ? <Alert tone="error">{error}</Alert> : null}
          <div class="rs-nav">
            <button type="button" class="btn rs-big" onClick={() => setStep(1)}>
              {t('rs.wiz.back')}
            </button>
            <button
              type="button"
              class="btn btn-primary rs-big"
              data-lesson="where-next"
              onClick={() => {
                if (!place) return setError(t('rs.wiz.needPlace'));
                setError('');
                setStep(3);
              }}
            >
              {t('rs.wiz.next')}
            </button>
          </div>
        </section>
      ) : null}

      {step === 3 ? (
        <section class="card rs-section" aria-labelledby="rs-step-h">
          <h2 id="rs-step-h" ref={heading} tabIndex={-1}>
            {t('rs.wiz.whatTitle')}
          </h2>
          <div class="rs-tiles" role="radiogroup" aria-labelledby="rs-step-h" data-lesson="what-tiles">
            {tiles.map((c) => (
              <button
                key={c}
                type="button"
                role="radio"
                aria-checked={category === c && !other}
                class={`rs-tile${category === c && !other ? ' is-on' : ''}`}
                onClick={() => {
                  setCategory(c);
                  setOther(false);
                  setError('');
                }}
              >
                <Svg d={TILE_ICONS[c]} size="2rem" />
                <span>{t(`rs.tile.${c}`)}</span>
              </button>
            ))}
            {otherCode ? (
              <button
                type="button"
                role="radio"
                aria-checked={other}
                class={`rs-tile${other ? ' is-on' : ''}`}
                onClick={() => {
                  setCategory(otherCode);
                  setOther(true);
                  setError('');
                }}
              >
                <CategoryIcon code="17" size="2rem" />
                <span>{t('rs.wiz.other')}</span>
              </button>
            ) : null}
          </div>
          {sameKind.length ? (
            <div class="rs-dup" role="status">
              <p class="rs-dup-title">
                <Icon name="alert" />
                {t('rs.dup.title')}
              </p>
              <ul>
                {sameKind.slice(0, 3).map((c, i) => (
                  <li key={i}>
                    {t('rs.dup.item', { what: categoryName(org, c.category), m: c.distanceM, stage: stageWord(stageStatus(c.stage), undefined, org), day: shortDay(c.day) })}
                  </li>
                ))}
              </ul>
              <p class="hint">{t('rs.dup.hint')}</p>
            </div>
          ) : null}
          <label class="rs-label" for="rs-text">
            {other ? t('rs.wiz.otherHint') : t('rs.wiz.note')}
          </label>
          <textarea id="rs-text" data-lesson="report-note" rows={3} maxLength={2000} value={text} aria-invalid={(other && error === t('rs.wiz.needText')) || undefined} onInput={(e) => setText(e.currentTarget.value)} />
          <div data-lesson="report-voice">
            <p class="rs-label">{t('rs.wiz.voice')}</p>
            <VoiceRecorder session={session} id="rs-voice" maxSeconds={MAX_VOICE_SECONDS} onChange={setVoice} onBusy={(b) => setCapturing((c) => ({ ...c, voice: b }))} />
          </div>
          <div role="alert" class={error ? '' : 'alert-empty'}>
            {error ? <Alert tone="error">{error}</Alert> : null}
          </div>
          <div class="rs-nav">
            <button type="button" class="btn rs-big" onClick={() => setStep(2)}>
              {t('rs.wiz.back')}
            </button>
            <button type="button" class="btn btn-primary rs-big" disabled={busy || capturing.voice} onClick={() => void submit()} data-lesson="report-send">
              {busy ? t('rs.wiz.sending') : t('rs.wiz.send')}
            </button>
          </div>
        </section>
      ) : null}
    </div>
  );
}

/** A status with the given resident stage (stageWord takes a status; a public case has no unit name). */
function stageStatus(stage: PublicCase['stage']): string {
  return stage === 'received' ? 'reported' : stage;
}

function Done({ session, caseId }: { session: Session; caseId: string }) {
  const [pending, setPending] = useState(true);
  const [reportedMs, setReportedMs] = useState(session.now());
  const version = session.casesVersion.value;
  useEffect(() => {
    let live = true;
    void session.queryCases({}, 0, 500).then((rows) => {
      const r = rows.find((x) => x.id === caseId);
      if (!live || !r) return;
      setPending(Boolean(r.pending));
      setReportedMs(r.reportedMs);
    });
    return () => {
      live = false;
    };
  }, [version]);
  const d = delivery(pending, session.status.value);
  return (
    <div class="rs rs-done" data-lesson="report-done">
      <ScreenTitle suffix={t('app.name')}>
        <span class="rs-done-icon" aria-hidden="true">
          <Icon name="check" size="1.25em" />
        </span>
        {t('rs.done.title')}
      </ScreenTitle>
      <p class="rs-lead" role="status">
        {d === 'sent' ? t('rs.done.sent') : d === 'sending' ? t('rs.done.sending') : t('rs.done.waiting')}
      </p>
      <p>
        <DeliveryLine session={session} caseId={caseId} state={d} reportedMs={reportedMs} />
      </p>
      <div class="rs-nav rs-nav-column">
        <a class="btn btn-primary rs-big" href={`#/cases/${encodeURIComponent(caseId)}`}>
          {t('rs.done.progress')}
        </a>
        <a class="btn rs-big" href="#/cases">
          {t('rs.done.home')}
        </a>
      </div>
    </div>
  );
}
