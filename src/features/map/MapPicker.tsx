/**
 * The report form's "choose on the map": a small map of the boundaries (no case markers) where a tap picks the
 * location. The form finds the grid of the point itself (point-in-polygon, geodata.ts). Loaded on demand, with
 * maplibre (mapview.ts).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { lang, t } from '../../app/i18n.ts';
import '../../app/locales/map.zh.ts';
import '../../app/locales/report.zh.ts';
import type { Session } from '../../app/services.ts';
import { bboxOf, type BBox } from '../../domain/geo.ts';
import { initialBounds, type GeoData } from './geodata.ts';
import type { GridMap } from './mapview.ts';
import './map.css';

export interface MapPickerProps {
  session: Session;
  geo: GeoData;
  /** The grid to open on (the form's current grid), if any. */
  gridId?: string;
  /** The current location, shown as a dot. */
  point: [number, number] | null;
  onPick(lngLat: [number, number]): void;
}

export function MapPicker({ session, geo, gridId, point, onPick }: MapPickerProps) {
  const container = useRef<HTMLDivElement>(null);
  const gm = useRef<GridMap | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    let made: GridMap | null = null;
    const grid = gridId ? geo.index.byKey(gridId) : undefined;
    const bounds: BBox = grid ? bboxOf(grid.geometry) : initialBounds(session.user, geo);
    import('./mapview.ts')
      .then((m) => {
        if (!live || !container.current) return;
        made = new m.GridMap({ container: container.current, geo, session, lang: lang.value, bounds, picker: true, onPick: (p) => pick.current(p) });
        gm.current = made;
        void made.rendered.then(() => {
          if (live && point) made?.setPicked(point);
          if (live && gridId) made?.select(gridId);
        });
      })
      .catch((e: unknown) => {
        console.error('gridlink map picker failed', e);
        if (live) setFailed(true);
      });
    return () => {
      live = false;
      made?.destroy();
      gm.current = null;
    };
  }, [geo]);

  useEffect(() => {
    gm.current?.setPicked(point);
  }, [point?.[0], point?.[1]]);
  useEffect(() => {
    gm.current?.select(gridId ?? null);
  }, [gridId]);

  if (failed) return <p class="alert alert-warning">{t('map.glFailed')}</p>;
  return <div ref={container} class="map-canvas map-picker" role="region" aria-label={t('report.pickHint')} />;
}
