/**
 * 附近的问题 (#/nearby): public, anonymised cases near the resident (GET /api/public/nearby through
 * fetchNearby: category, rounded place and village, stage, day; src/domain/publiccases.ts), so they can see what
 * is already reported and being handled. Around their village first (no permission needed), or around where they
 * are now (GPS, on a tap). Online only: offline it says so.
 */
import { fetchNearby } from './nearby.ts';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import type { LatLng } from '../../domain/events.ts';
import type { NearbyAnswer } from '../../domain/publiccases.ts';
import { Alert } from '../../ui/Alert.tsx';
import { CategoryIcon } from '../../ui/categoryIcons.tsx';
import { EmptyState, ListSkeleton } from '../../ui/EmptyState.tsx';
import { Icon } from '../../ui/icons.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { categoryName, homePoint, shortDay, stageTone, stageWord } from './words.ts';
import './resident.css';

export const NEARBY_RADIUS_M = 1000;

type Where = { at: LatLng; here: boolean };

export function NearbyList({ session }: { session: Session }) {
  const org = session.org.value;
  const [where, setWhere] = useState<Where | null>(null);
  const [answer, setAnswer] = useState<NearbyAnswer | null | undefined>(undefined);
  const [gps, setGps] = useState<'idle' | 'busy' | 'failed'>('idle');
  const [tries, setTries] = useState(0);

  useEffect(() => {
    if (!where && org) {
      const home = homePoint(session, org);
      if (home) setWhere({ at: home, here: false });
    }
  }, [org]);
  useEffect(() => {
    if (!where) return;
    let live = true;
    setAnswer(undefined);
    void fetchNearby(session, where.at, NEARBY_RADIUS_M).then((a) => live && setAnswer(a));
    return () => {
      live = false;
    };
  }, [where, tries]);

  const locate = () => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) return setGps('failed');
    setGps('busy');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setGps('idle');
        setWhere({ at: { lat: p.coords.latitude, lng: p.coords.longitude }, here: true });
      },
      () => setGps('failed'),
      { enableHighAccuracy: false, timeout: 20_000, maximumAge: 300_000 },
    );
  };

  const homeName = (() => {
    const u = session.user;
    const v = u.villageId ? org?.data.villages.find((x) => x.id === u.villageId) : undefined;
    return v?.name ?? '';
  })();

  return (
    <div class="rs">
      <ScreenTitle suffix={t('app.name')}>{t('rs.near.title')}</ScreenTitle>
      <p class="rs-lead">{t('rs.near.intro')}</p>
      <div class="rs-nav">
        <button type="button" class="btn rs-big" onClick={locate} disabled={gps === 'busy'}>
          <Icon name="pin" />
          {gps === 'busy' ? t('rs.wiz.gpsBusy') : t('rs.near.locate')}
        </button>
      </div>
      <p role="status" class="rs-place">
        {gps === 'failed' ? t('rs.wiz.gpsFailed') : where ? (where.here ? t('rs.near.aroundHere') : t('rs.near.aroundHome', { place: homeName })) : t('rs.near.noPlace')}
      </p>
      {!where ? null : answer === undefined ? (
        <ListSkeleton label={t('rs.near.loading')} />
      ) : answer === null ? (
        <>
          <Alert tone="warning">{session.status.value.connection === 'offline' ? t('rs.near.offline') : t('rs.near.busy')}</Alert>
          <button type="button" class="btn rs-big" onClick={() => setTries((n) => n + 1)}>
            {t('rs.near.retry')}
          </button>
        </>
      ) : !answer.cases.length ? (
        <EmptyState icon="pin" text={t('rs.near.empty')} />
      ) : (
        <ul class="rs-list">
          {answer.cases.map((c, i) => {
            const status = c.stage === 'received' ? 'reported' : c.stage;
            return (
              <li key={i} class="rs-card rs-card-static">
                <span class="rs-card-icon" aria-hidden="true">
                  <CategoryIcon code={c.category} size="1.75rem" />
                </span>
                <span class="rs-card-main">
                  <span class="rs-card-title">{categoryName(org, c.category)}</span>
                  <span class={`rs-stage rs-tone-${stageTone(c.stage)}`}>{stageWord(status, undefined, org)}</span>
                  <span class="rs-card-meta">
                    {[t('rs.near.item', { m: c.distanceM }), c.place.village, shortDay(c.day)].filter(Boolean).join(' · ')}
                  </span>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
