/**
 * Report a case: category, description, photos and a voice note (issue 12: compressed and kept on the device by
 * the lazily loaded capture components; the input names them by hash), location (GPS, a tap on the map, or typed, prefilled from the grid's
 * centre), grid (automatic for a grid worker; found by point-in-polygon from a GPS fix or a tap), optional address. Saving works offline: the session keeps the
 * event on the device and syncs it later. Errors from decide() are shown by code.
 */
import '../../app/locales/errors.zh.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/report.zh.ts';
import '../../app/locales/wf.zh.ts';
import { navigate } from '../../app/router.ts';
import type { ReportInput, Session } from '../../app/services.ts';
import { Alert } from '../../ui/Alert.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { GridOptions } from '../cases/GridOptions.tsx';
import { gridLabel, gridsInScope } from '../cases/lookup.ts';
import { mayReport } from '../shell/Shell.tsx';
import { DuplicateHint } from '../workflow/DuplicateHint.tsx';
import { CategoryPicker } from './CategoryPicker.tsx';
import { NO_ON_BEHALF, ON_BEHALF_FOCUS, ON_BEHALF_ORDER, OnBehalfBlock, validateOnBehalf, type OnBehalfErrors, type OnBehalfValues } from './OnBehalfBlock.tsx';
import type { ComponentType } from 'preact';
import { gridAt, loadGeo, type GeoData } from '../map/geodata.ts';
import type { MapPickerProps } from '../map/MapPicker.tsx';
// Static, not lazyCapture: this screen is a lazy chunk already, and a capture block that loads after the form has
// painted pushes the location map down under a finger about to tap it.
import { PhotoCapture } from '../evidence/PhotoCapture.tsx';
import { VoiceRecorder } from '../evidence/VoiceRecorder.tsx';
import '../../app/locales/capture.zh.ts';
import { MAX_PHOTOS, MAX_VOICE_SECONDS } from '../../domain/events.ts';
import type { PhotoRef, VoiceRef } from '../../domain/evidence.ts';

type FieldName = 'category' | 'description' | 'lat' | 'lng' | 'grid';
type Errors = Partial<Record<FieldName, MessageKey>>;

const FIELD_IDS: Record<FieldName, string> = {
  category: 'r-category',
  description: 'r-description',
  lat: 'r-lat',
  lng: 'r-lng',
  grid: 'r-grid',
};
/** Visual order of the fields: errors are listed, and the first is focused, in this order. */
const ORDER: FieldName[] = ['category', 'description', 'grid', 'lat', 'lng'];
const MAX_DESCRIPTION = 2000;

type Gps = { kind: 'idle' } | { kind: 'busy' } | { kind: 'ok'; accuracy: number } | { kind: 'denied' } | { kind: 'unavailable' } | { kind: 'none' };

export interface ReportValues {
  category: string;
  description: string;
  lat: string;
  lng: string;
  gridId: string;
  address: string;
}

function parseCoord(s: string): number {
  const trimmed = s.trim().replace(',', '.');
  return trimmed === '' ? NaN : Number(trimmed);
}

/** Check the form; returns the errors by field and, when there are none, the input for session.report(). */
export function validateReport(v: ReportValues, knownCategory: (code: string) => boolean): { errors: Errors; input?: ReportInput } {
  const errors: Errors = {};
  if (!v.category || !knownCategory(v.category)) errors.category = 'report.err.category';
  const description = v.description.trim();
  if (!description) errors.description = 'report.err.description';
  else if (description.length > MAX_DESCRIPTION) errors.description = 'report.err.descriptionLong';
  const lat = parseCoord(v.lat);
  const lng = parseCoord(v.lng);
  // With no grid chosen yet and nothing typed, the location is not wrong, only not prefilled yet.
  const awaitingGrid = !v.gridId && !v.lat.trim() && !v.lng.trim();
  if (!awaitingGrid && (!Number.isFinite(lat) || lat < -90 || lat > 90)) errors.lat = 'report.err.lat';
  if (!awaitingGrid && (!Number.isFinite(lng) || lng < -180 || lng > 180)) errors.lng = 'report.err.lng';
  if (!v.gridId) errors.grid = 'report.err.grid';
  if (Object.keys(errors).length) return { errors };
  const address = v.address.trim();
  return {
    errors,
    input: { category: v.category, description, location: { lat, lng }, gridId: v.gridId, ...(address ? { address } : {}) },
  };
}

const fixed = (n: number) => String(Math.round(n * 1e6) / 1e6);

/**
 * `onReported` (issue 17: a case reported from a patrol): called with the new case's id instead of opening the case,
 * so the caller can link it (offline, on this device) and go back where it was.
 */
export function ReportForm({ session, onReported }: { session: Session; onReported?: (caseId: string) => void }) {
  const org = session.org.value;
  const user = session.user;
  const grids = org ? gridsInScope(user, org) : [];
  const autoGrid = user.role === 'worker' ? (user.gridId ?? '') : grids.length === 1 ? grids[0]!.id : '';

  const [v, setV] = useState<ReportValues>({ category: '', description: '', lat: '', lng: '', gridId: autoGrid, address: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');
  const [gps, setGps] = useState<Gps>({ kind: 'idle' });
  // 就地解决: a grid worker who fixed a simple problem on the spot reports and closes it in one step.
  const maySelfResolve = user.role === 'worker';
  // 代报 is staff's: a resident reports only for themself (the domain refuses it too).
  const mayReportForResident = user.role !== 'resident';
  const [selfResolve, setSelfResolve] = useState(false);
  const [resolveNote, setResolveNote] = useState('');
  const [resolveError, setResolveError] = useState(false);
  // 代报 (issue 13): staff report for a resident who called or told them.
  const [ob, setOb] = useState<OnBehalfValues>(NO_ON_BEHALF);
  const [obErrors, setObErrors] = useState<OnBehalfErrors>({});
  // Evidence (issue 12): refs of what is already kept on this device; the form waits while a capture is under way.
  const [photos, setPhotos] = useState<PhotoRef[]>([]);
  const [voice, setVoice] = useState<VoiceRef | undefined>(undefined);
  const [photoBusy, setPhotoBusy] = useState(false);
  const [voiceBusy, setVoiceBusy] = useState(false);
  const capturing = photoBusy || voiceBusy;
  const locationTouched = useRef(false);
  const mounted = useRef(true);
  // Boundaries (issue 5): the grid of a GPS fix or of a tap on the map, by point-in-polygon; the map picker on demand.
  const geoRef = useRef<GeoData | null>(null);
  const gpsPoint = useRef<[number, number] | null>(null);
  const [geo, setGeo] = useState<GeoData | null | undefined>(undefined);
  const [Picker, setPicker] = useState<ComponentType<MapPickerProps> | null>(null);
  const [picking, setPicking] = useState(false);
  const [placeNote, setPlaceNote] = useState('');
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const set = (patch: Partial<ReportValues>) => setV((old) => ({ ...old, ...patch }));
  // After a first submit, errors follow the input as it is corrected.
  useEffect(() => {
    if (submitted) setErrors(validateReport(v, (c) => Boolean(org?.subcategory(c))).errors);
  }, [v]);
  useEffect(() => {
    if (submitted) setObErrors(validateOnBehalf(ob).errors);
  }, [ob]);

  // Prefill the location with the grid's centre until the user or the GPS gives a better one.
  useEffect(() => {
    if (locationTouched.current || !org || !v.gridId) return;
    const g = org.grid(v.gridId);
    if (g) setV((old) => ({ ...old, lng: fixed(g.center[0]), lat: fixed(g.center[1]) }));
  }, [v.gridId, org]);

  /** The grid of a point: chosen for a user who picks grids, otherwise only checked against their own grid. */
  const placeGrid = (lng: number, lat: number) => {
    const g = geoRef.current;
    if (!g || !org) return;
    const id = gridAt(g, lng, lat);
    if (!id) return setPlaceNote(t('report.gridOutside'));
    const name = gridLabel(org, id);
    if (user.role === 'worker' || grids.length === 1) return setPlaceNote(id === autoGrid ? t('report.gridFound', { name }) : t('report.gridNotYours', { name }));
    if (!grids.some((x) => x.id === id)) return setPlaceNote(t('report.gridOutOfScope', { name }));
    set({ gridId: id });
    setPlaceNote(t('report.gridFound', { name }));
  };

  const pickAt = ([lng, lat]: [number, number]) => {
    locationTouched.current = true;
    set({ lng: fixed(lng), lat: fixed(lat) });
    placeGrid(lng, lat);
  };

  const loadBoundaries = () =>
    loadGeo(session).then((g) => {
      if (!mounted.current) return;
      geoRef.current = g;
      setGeo(g);
      if (g && gpsPoint.current) placeGrid(...gpsPoint.current);
    });
  useEffect(() => void loadBoundaries(), []);

  const togglePicker = () => {
    if (picking) return setPicking(false);
    if (geo === null) {
      setPlaceNote(t('report.pickUnavailable'));
      void loadBoundaries();
      return;
    }
    setPicking(true);
    if (!Picker) {
      import('../map/MapPicker.tsx').then(
        (m) => mounted.current && setPicker(() => m.MapPicker),
        () => mounted.current && setPlaceNote(t('report.pickUnavailable')),
      );
    }
  };

  const locate = () => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) {
      setGps({ kind: 'none' });
      return;
    }
    setGps({ kind: 'busy' });
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        if (!mounted.current) return;
        locationTouched.current = true;
        set({ lat: fixed(pos.coords.latitude), lng: fixed(pos.coords.longitude) });
        gpsPoint.current = [pos.coords.longitude, pos.coords.latitude];
        placeGrid(pos.coords.longitude, pos.coords.latitude);
        setGps({ kind: 'ok', accuracy: Math.round(pos.coords.accuracy) });
      },
      (err) => {
        if (mounted.current) setGps({ kind: err.code === 1 ? 'denied' : 'unavailable' });
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  };

  // Locate at once when the user has already allowed it; otherwise wait for the button (no surprise prompt).
  useEffect(() => {
    const perms = typeof navigator !== 'undefined' ? navigator.permissions : undefined;
    perms
      ?.query({ name: 'geolocation' })
      .then((p) => {
        if (p.state === 'granted' && mounted.current) locate();
      })
      .catch(() => undefined);
  }, []);

  if (!mayReport(session)) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('report.title')}</ScreenTitle>
        <p>{t('app.notAllowed')}</p>
      </div>
    );
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || capturing) return;
    setSubmitted(true);
    setFailure('');
    const r = validateReport(v, (c) => Boolean(org?.subcategory(c)));
    setErrors(r.errors);
    const behalf = validateOnBehalf(ob);
    setObErrors(behalf.errors);
    const note = resolveNote.trim();
    setResolveError(selfResolve && !note);
    const firstOb = ON_BEHALF_ORDER.find((f) => behalf.errors[f]);
    if (firstOb) {
      // The 代报 block comes first on the form.
      document.getElementById(ON_BEHALF_FOCUS[firstOb])?.focus();
      return;
    }
    if (!r.input) {
      const first = ORDER.find((f) => r.errors[f]);
      if (first) document.getElementById(first === 'category' ? `${FIELD_IDS.category}-search` : FIELD_IDS[first])?.focus();
      return;
    }
    if (selfResolve && !note) {
      document.getElementById('r-resolve-note')?.focus();
      return;
    }
    const input: ReportInput = { ...r.input, ...(photos.length ? { photos } : {}), ...(voice ? { voice } : {}), ...(behalf.value ? { onBehalf: behalf.value } : {}) };
    setBusy(true);
    try {
      const d = selfResolve ? await session.reportResolved(input, note) : await session.report(input);
      if (!mounted.current) return;
      if (d.ok) {
        if (onReported) onReported(d.event.caseId);
        else navigate({ name: 'case', id: d.event.caseId }, { replace: true });
        return;
      }
      setFailure(t('report.failed', { error: errorText(d.error) }) + (d.detail ? ` (${d.detail})` : ''));
    } catch {
      if (mounted.current) setFailure(t('report.failed', { error: t('error.unexpected') }));
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  const err = (f: FieldName) => (errors[f] ? t(errors[f]) : undefined);
  const errorList = ORDER.filter((f) => errors[f]);
  const obErrorList = ON_BEHALF_ORDER.filter((f) => obErrors[f]);
  const gpsText: Record<Gps['kind'], string> = {
    idle: '',
    busy: t('report.gpsBusy'),
    ok: gps.kind === 'ok' ? t('report.gpsOk', { m: gps.accuracy }) : '',
    denied: t('report.gpsDenied'),
    unavailable: t('report.gpsUnavailable'),
    none: t('report.gpsNone'),
  };

  return (
    <div class="report">
      <ScreenTitle suffix={t('app.name')}>{t('report.title')}</ScreenTitle>
      {!org ? (
        <p>{t('app.loading')}</p>
      ) : (
        <form class="form card" onSubmit={submit} noValidate>
          <div role="alert" class={errorList.length || obErrorList.length ? 'alert alert-error' : 'alert-empty'}>
            {errorList.length || obErrorList.length ? (
              <>
                <p>{t('report.errors')}</p>
                <ul>
                  {obErrorList.map((f) => (
                    <li key={f}>{t(obErrors[f]!)}</li>
                  ))}
                  {errorList.map((f) => (
                    <li key={f}>{err(f)}</li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>

          {mayReportForResident ? <OnBehalfBlock session={session} gridId={v.gridId} value={ob} errors={obErrors} onChange={setOb} /> : null}

          <CategoryPicker id={FIELD_IDS.category} org={org} value={v.category} onChange={(c) => set({ category: c })} error={err('category')} />

          <Field id={FIELD_IDS.description} label={t('report.description')} hint={t('report.descriptionHint')} error={err('description')}>
            <textarea
              id={FIELD_IDS.description}
              rows={4}
              maxLength={MAX_DESCRIPTION}
              value={v.description}
              aria-invalid={Boolean(errors.description) || undefined}
              aria-describedby={describedBy(FIELD_IDS.description, true, errors.description)}
              onInput={(e) => set({ description: e.currentTarget.value })}
            />
          </Field>

          <PhotoCapture
            session={session}
            id="r-photos"
            label={t('capture.photos')}
            hint={t('capture.photosHint', { max: MAX_PHOTOS })}
            max={MAX_PHOTOS}
            onChange={setPhotos}
            onBusy={setPhotoBusy}
          />
          <VoiceRecorder session={session} id="r-voice" maxSeconds={MAX_VOICE_SECONDS} onChange={setVoice} onBusy={setVoiceBusy} />

          {user.role === 'worker' || grids.length === 1 ? (
            <p class="grid-auto">{t('report.gridAuto', { name: gridLabel(org, v.gridId) })}</p>
          ) : (
            <Field id={FIELD_IDS.grid} label={t('report.grid')} hint={t('report.gridHint')} error={err('grid')}>
              <select
                id={FIELD_IDS.grid}
                value={v.gridId}
                aria-invalid={Boolean(errors.grid) || undefined}
                aria-describedby={describedBy(FIELD_IDS.grid, true, errors.grid)}
                onChange={(e) => set({ gridId: e.currentTarget.value })}
              >
                <option value="">{t('report.gridChoose')}</option>
                <GridOptions grids={grids} org={org} />
              </select>
            </Field>
          )}

          <fieldset class="location">
            <legend>{t('report.location')}</legend>
            <p class="hint" id="r-location-hint">
              {t('report.locationHint')}
            </p>
            <div class="button-row">
              <button type="button" class="btn" onClick={locate} disabled={gps.kind === 'busy'}>
                {t('report.useGps')}
              </button>
              <span role="status" class="gps-status">
                {gpsText[gps.kind]}
              </span>
            </div>
            <div class="button-row">
              <button type="button" class="btn" aria-expanded={picking} onClick={togglePicker}>
                {picking ? t('report.pickHide') : t('report.pickOnMap')}
              </button>
            </div>
            {picking && geo && Picker ? (
              <Picker
                session={session}
                geo={geo}
                gridId={v.gridId || undefined}
                point={Number.isFinite(parseCoord(v.lng)) && Number.isFinite(parseCoord(v.lat)) ? [parseCoord(v.lng), parseCoord(v.lat)] : null}
                onPick={pickAt}
              />
            ) : null}
            <p role="status" class="hint place-note">
              {placeNote}
            </p>
            <div class="two-cols">
              <Field id={FIELD_IDS.lat} label={t('report.lat')} error={err('lat')}>
                <input
                  id={FIELD_IDS.lat}
                  inputMode="decimal"
                  autocomplete="off"
                  value={v.lat}
                  aria-invalid={Boolean(errors.lat) || undefined}
                  aria-describedby={describedBy(FIELD_IDS.lat, false, errors.lat)}
                  onInput={(e) => {
                    locationTouched.current = true;
                    set({ lat: e.currentTarget.value });
                  }}
                />
              </Field>
              <Field id={FIELD_IDS.lng} label={t('report.lng')} error={err('lng')}>
                <input
                  id={FIELD_IDS.lng}
                  inputMode="decimal"
                  autocomplete="off"
                  value={v.lng}
                  aria-invalid={Boolean(errors.lng) || undefined}
                  aria-describedby={describedBy(FIELD_IDS.lng, false, errors.lng)}
                  onInput={(e) => {
                    locationTouched.current = true;
                    set({ lng: e.currentTarget.value });
                  }}
                />
              </Field>
            </div>
          </fieldset>

          <DuplicateHint session={session} category={v.category} lat={v.lat} lng={v.lng} />

          <Field id="r-address" label={t('report.address')}>
            <input id="r-address" autocomplete="street-address" maxLength={200} value={v.address} onInput={(e) => set({ address: e.currentTarget.value })} />
          </Field>

          {maySelfResolve ? (
            <fieldset class="self-resolve">
              <legend>{t('report.selfResolve')}</legend>
              <label class="choice" for="r-self-resolve">
                <input id="r-self-resolve" type="checkbox" checked={selfResolve} onChange={(e) => setSelfResolve(e.currentTarget.checked)} />
                <span>{t('report.selfResolveCheck')}</span>
              </label>
              {selfResolve ? (
                <Field id="r-resolve-note" label={t('wf.selfResolveNote')} error={resolveError ? t('wf.err.selfResolveNote') : undefined}>
                  <textarea
                    id="r-resolve-note"
                    rows={3}
                    maxLength={MAX_DESCRIPTION}
                    value={resolveNote}
                    aria-invalid={resolveError || undefined}
                    aria-describedby={describedBy('r-resolve-note', false, resolveError)}
                    onInput={(e) => {
                      setResolveNote(e.currentTarget.value);
                      if (resolveError && e.currentTarget.value.trim()) setResolveError(false);
                    }}
                  />
                </Field>
              ) : null}
            </fieldset>
          ) : null}

          <Alert tone="error">{failure}</Alert>
          <button type="submit" class="btn btn-primary btn-block" disabled={busy || capturing}>
            {busy ? t('report.busy') : photoBusy ? t('capture.compressing') : selfResolve ? t('report.submitResolved') : t('report.submit')}
          </button>
        </form>
      )}
    </div>
  );
}
