/**
 * Proof of a fix: the report's photos (整改前) beside the fix's after-photos (整改后), and how far from the case's
 * location the fix was sent ("整改位置距案件位置 35 米", fixDistanceM in src/domain/distance.ts). Shown to whoever
 * verifies (above the verify buttons) and on resolved, verified and closed cases.
 * Contract: a distance above FIX_FAR_M is a warning (colour, icon and a sentence: never colour alone); a fix
 * without photos says "未附整改照片", one without a position says so; thumbnails only, full photos in the viewer.
 */
import { useContext } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/show.zh.ts';
import type { Session } from '../../app/services.ts';
import { fixDistanceM } from '../../domain/distance.ts';
import type { CaseState } from '../../domain/workflow.ts';
import { PhotoStrip } from './PhotoStrip.tsx';
import { ShowIcon } from './Thumb.tsx';
import { EvidenceSession } from './useBlob.ts';
import { VoicePlayer } from './VoicePlayer.tsx';
import './show.css';

/** Metres beyond which the fix's position is worth checking (GPS on a cheap phone is good to some tens of metres). */
export const FIX_FAR_M = 200;

type Evidence = Pick<CaseState, 'photos' | 'afterPhotos' | 'location' | 'fixLocation' | 'voice'>;

/** `titled`: says "整改前后对比" itself (in a form); else its host's heading names it (`labelledBy`). */
export function BeforeAfter({ session, state, id = 'ba', titled, labelledBy }: { session: Session; state: Evidence; id?: string; titled?: boolean; labelledBy?: string }) {
  const before = state.photos ?? [];
  const after = state.afterPhotos ?? [];
  const m = fixDistanceM(state.location, state.fixLocation);
  const far = m !== undefined && m > FIX_FAR_M;
  return (
    <div class="before-after" role="group" aria-labelledby={titled ? `${id}-title` : labelledBy}>
      {titled ? (
        <p class="ba-title" id={`${id}-title`}>
          {t('show.beforeAfter')}
        </p>
      ) : null}
      <div class="ba-cols">
        <div class="ba-col">
          <p class="ba-label">{t('show.before')}</p>
          {before.length ? <PhotoStrip session={session} photos={before} label={t('show.before')} small /> : <p class="ba-none">{t('show.noBefore')}</p>}
        </div>
        <div class="ba-col">
          <p class="ba-label">{t('show.after')}</p>
          {after.length ? <PhotoStrip session={session} photos={after} label={t('show.after')} after small /> : <p class="ba-none ba-missing">{t('show.noAfter')}</p>}
        </div>
      </div>
      <p class={far ? 'ba-distance is-far' : 'ba-distance'}>
        <ShowIcon name={far ? 'alert' : 'pin'} />
        <span>
          {m === undefined ? t('show.noFixLocation') : t('show.distance', { m })}
          {far ? <strong class="ba-far">{t('show.distanceFar')}</strong> : null}
        </span>
      </p>
    </div>
  );
}

/** Statuses whose case has a fix to show (before/after instead of the report's photos alone). */
export const FIXED_STATUSES: ReadonlySet<string> = new Set(['resolved', 'verified', 'closed']);

/**
 * A case's evidence block for the case detail (a card with its heading) and the queue panel (`inPanel`): the
 * report's photos and voice note, or, once fixed, before/after. With `verifyBelow` the before/after is left to the
 * verify form further down (shown once, next to the buttons it decides).
 */
export function CaseEvidence({ session, state, inPanel, verifyBelow }: { session: Session; state: Evidence & { id: string; status: string }; inPanel?: boolean; verifyBelow?: boolean }) {
  const fixed = FIXED_STATUSES.has(state.status) && !verifyBelow;
  const photos = verifyBelow && FIXED_STATUSES.has(state.status) ? [] : state.photos;
  if (!fixed && !photos.length && !state.voice) return null;
  const id = inPanel ? 'panel-evidence' : 'evidence';
  const title = fixed ? t('show.beforeAfter') : photos.length ? t('show.photos') : t('show.voice');
  const Tag = inPanel ? 'div' : 'section';
  return (
    <Tag class={inPanel ? 'evidence' : 'card evidence'} aria-labelledby={`${id}-title`}>
      {inPanel ? <h3 id={`${id}-title`}>{title}</h3> : <h2 id={`${id}-title`}>{title}</h2>}
      {fixed ? <BeforeAfter session={session} state={state} id={id} labelledBy={`${id}-title`} /> : <PhotoStrip session={session} photos={photos} label={t('show.photos')} />}
      {state.voice ? <VoicePlayer session={session} voice={state.voice} /> : null}
      <CaseUploads session={session} caseId={state.id} />
    </Tag>
  );
}

/**
 * This case's photos and clips still in this device's outbox, with how much is sent (the sync bar counts all
 * cases; this says which). Nothing once they are all on the relay, or on a device that made none of them.
 */
function CaseUploads({ session, caseId }: { session: Session; caseId: string }) {
  const left = session.evidence?.uploads.value.byCase[caseId];
  if (!left) return null;
  const pct = left.bytes > 0 ? Math.floor(((left.bytes - left.bytesLeft) / left.bytes) * 100) : 0;
  return (
    <p class="hint case-uploads" role="status">
      {t('show.caseUploads', {
        what: [left.photos ? t('show.caseUploads.photos', { n: left.photos }) : '', left.clips ? t('show.caseUploads.clips', { n: left.clips }) : '']
          .filter(Boolean)
          .join(t('show.caseUploads.and')),
        pct,
      })}
    </p>
  );
}

/** The verify form's before/after (its session from EvidenceSession); nothing outside a provider. */
export function VerifyEvidence({ state }: { state: Evidence }) {
  const session = useContext(EvidenceSession);
  return session ? <BeforeAfter session={session} state={state} id="verify-ba" titled /> : null;
}
