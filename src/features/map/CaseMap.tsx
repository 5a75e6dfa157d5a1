/**
 * One case's position (issue 11): a small still map (the case's grid outlined, a dot at the case's point), the same
 * facts in words for people who cannot see the map, and a `geo:` link that opens the phone's own map app for
 * directions. Used by the case detail and by a work queue's case panel.
 *
 * Light on purpose: this module holds no map code. maplibre (mapview.ts, a chunk of its own) is loaded only once
 * the map scrolls into view, and only when the boundaries are at hand (geodata.ts: the service worker's copy
 * offline). Without the boundaries the text and the link remain; without coordinates, only the grid's name.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { lang, t } from '../../app/i18n.ts';
import '../../app/locales/map.zh.ts';
import type { Session } from '../../app/services.ts';
import { bboxOf, type BBox } from '../../domain/geo.ts';
import { gridLabel } from '../cases/lookup.ts';
import { loadGeo, type GeoData } from './geodata.ts';
import type { GridMap } from './mapview.ts';
import './map.css';

export interface CaseMapProps {
  session: Session;
  gridId: string;
  /** The case's point; absent or not a real coordinate: only the grid's name is shown. */
  location?: { lat: number; lng: number } | null | undefined;
  address?: string | null | undefined;
  /** The words are already on screen next to the map (the case detail's facts): say them to screen readers only. */
  quiet?: boolean;
}

/** A real coordinate (0,0 is what a form without a fix would send, not a place in the county). */
export function hasPoint(l: CaseMapProps['location']): l is { lat: number; lng: number } {
  return Boolean(l && Number.isFinite(l.lat) && Number.isFinite(l.lng) && Math.abs(l.lat) <= 90 && Math.abs(l.lng) <= 180 && !(l.lat === 0 && l.lng === 0));
}

/** The `geo:` URI (RFC 5870) of a point, with a `q` so Android's map apps drop a pin there. */
export function geoUri(lat: number, lng: number): string {
  const la = lat.toFixed(6);
  const ln = lng.toFixed(6);
  return `geo:${la},${ln}?q=${la},${ln}`;
}

/** The view: the grid's box with the point inside it, or a few hundred metres around the point. */
function viewOf(geo: GeoData, gridId: string, lng: number, lat: number): BBox {
  const f = geo.index.byKey(gridId);
  const d = 0.004;
  if (!f) return [lng - d, lat - d, lng + d, lat + d];
  const b = bboxOf(f.geometry);
  return [Math.min(b[0], lng), Math.min(b[1], lat), Math.max(b[2], lng), Math.max(b[3], lat)];
}

export function CaseMap({ session, gridId, location, address, quiet }: CaseMapProps) {
  const org = session.org.value;
  const grid = gridLabel(org, gridId);
  const point = hasPoint(location) ? location : null;
  const box = useRef<HTMLDivElement>(null);
  const [geo, setGeo] = useState<GeoData | null | undefined>(undefined);
  const [state, setState] = useState<'waiting' | 'loading' | 'ready' | 'failed'>('waiting');
  const lng = point?.lng;
  const lat = point?.lat;

  useEffect(() => {
    if (lng === undefined || lat === undefined) return;
    let live = true;
    let made: GridMap | null = null;
    let seen: IntersectionObserver | null = null;
    const start = () => {
      setState('loading');
      void loadGeo(session).then((g) => {
        if (!live) return;
        setGeo(g);
        if (!g || !box.current) return;
        import('./mapview.ts')
          .then((m) => {
            if (!live || !box.current) return;
            made = new m.GridMap({ container: box.current, geo: g, session, lang: lang.value, bounds: viewOf(g, gridId, lng, lat), still: true });
            void made.rendered.then(() => {
              if (!live) return;
              made?.select(g.index.byKey(gridId) ? gridId : null);
              made?.setPicked([lng, lat]);
              setState('ready');
            });
          })
          .catch((e: unknown) => {
            console.warn('gridlink case map unavailable', e);
            if (live) setState('failed');
          });
      });
    };
    // Loaded when the map comes into view (a case's facts come first; many screens never scroll to it).
    if (typeof IntersectionObserver === 'function' && box.current) {
      seen = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          seen?.disconnect();
          seen = null;
          start();
        }
      });
      seen.observe(box.current);
    } else {
      start();
    }
    return () => {
      live = false;
      seen?.disconnect();
      made?.destroy();
    };
  }, [session, gridId, lng, lat]);

  if (!point) return <p class="case-map-grid">{grid}</p>;
  const coords = t('map.caseCoords', { lat: point.lat.toFixed(5), lng: point.lng.toFixed(5) });
  const described = address ? t('map.caseAt', { grid, address, coords }) : t('map.caseAtNoAddress', { grid, coords });
  const showMap = geo !== null && state !== 'failed';
  return (
    <figure class="case-map">
      {showMap ? <div ref={box} class="map-canvas case-map-canvas" aria-hidden="true" data-state={state} /> : null}
      <figcaption class={quiet ? 'visually-hidden' : 'case-map-text'}>{described}</figcaption>
      <a class="btn case-map-go" href={geoUri(point.lat, point.lng)}>
        {t('map.directions')}
      </a>
    </figure>
  );
}
