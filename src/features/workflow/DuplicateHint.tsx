/**
 * While a case is being reported: open cases of the same subcategory within 250 m reported in the last 7 days
 * (the domain's findDuplicates, over this device's synced cases), so the reporter can look before adding a
 * duplicate. Announced politely when the list changes; the center merges duplicates from the board.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/wf.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { DuplicateRow, Session } from '../../app/services.ts';
import type { DuplicateMatch } from '../../domain/duplicates.ts';
import { duplicateLabel } from './CaseParts.tsx';

const DEBOUNCE_MS = 300;

export function DuplicateHint({ session, category, lat, lng }: { session: Session; category: string; lat: string; lng: string }) {
  const [matches, setMatches] = useState<DuplicateMatch<DuplicateRow>[]>([]);
  const la = Number(lat.trim().replace(',', '.'));
  const ln = Number(lng.trim().replace(',', '.'));
  const ready = /^\d{4}$/.test(category) && lat.trim() !== '' && lng.trim() !== '' && Number.isFinite(la) && Number.isFinite(ln) && Math.abs(la) <= 90 && Math.abs(ln) <= 180;

  useEffect(() => {
    if (!ready) {
      setMatches([]);
      return;
    }
    let live = true;
    const id = setTimeout(() => {
      session.findDuplicates({ category, location: { lat: la, lng: ln } }).then(
        (m) => live && setMatches(m),
        () => live && setMatches([]),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(id);
    };
  }, [category, la, ln, ready, session.casesVersion.value]);

  return (
    <div role="status" class={matches.length ? 'alert alert-warning dup-hint' : 'alert-empty'}>
      {matches.length ? (
        <>
          <p>{t('dup.hint', { n: matches.length })}</p>
          <ul>
            {matches.map((m) => (
              <li key={m.case.id}>
                <a href={routeHref({ name: 'case', id: m.case.id })} target="_blank" rel="noopener">
                  {duplicateLabel(m.case.description, m.distanceM, m.case.status)}
                  <span class="visually-hidden">{t('dup.newWindow')}</span>
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
