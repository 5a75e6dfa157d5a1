/**
 * "您的派遣操作未生效（另一人已先派遣）": a banner on the work screens for the user's own actions that had no effect
 * (two people acted on one case while offline and the other one came first). Found among the newest cases of the
 * read model that have superseded events (the row's `superseded` count), then read from the case's fold. Dismissed
 * notices are remembered on this device, per user.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/wf.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { Session } from '../../app/services.ts';
import { supersededFor, type SupersededEntry } from '../../domain/workflow.ts';
import { categoryLabel } from '../cases/lookup.ts';
import { yourSupersededText } from './CaseParts.tsx';

/** How many of the newest cases are looked at (races happen on cases being worked on, which are recent). */
export const NOTICE_SCAN = 300;

interface Notice {
  caseId: string;
  category: string;
  entry: SupersededEntry;
}

const seenKey = (userId: string) => `gl:seen-superseded:${userId}`;

function loadSeen(userId: string): Set<string> {
  try {
    const raw = localStorage.getItem(seenKey(userId));
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

function saveSeen(userId: string, seen: Set<string>): void {
  try {
    // Keep the newest few hundred: enough to never show a dismissed notice again, bounded in size.
    localStorage.setItem(seenKey(userId), JSON.stringify([...seen].slice(-500)));
  } catch {
    // storage full or private mode: the notices come back next time, nothing is lost
  }
}

export function SupersededBanner({ session }: { session: Session }) {
  const version = session.casesVersion.value;
  const org = session.org.value;
  const user = session.user;
  const [notices, setNotices] = useState<Notice[]>([]);
  const [seen, setSeen] = useState(() => loadSeen(user.id));

  useEffect(() => {
    let live = true;
    (async () => {
      const rows = await session.queryCases({}, 0, NOTICE_SCAN);
      const out: Notice[] = [];
      for (const r of rows) {
        if (!r.superseded) continue;
        const s = await session.getCase(r.id);
        if (!s) continue;
        for (const entry of supersededFor(s, user.id)) out.push({ caseId: s.id, category: s.category, entry });
      }
      out.sort((a, b) => b.entry.ms - a.entry.ms);
      if (live) setNotices(out);
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [version]);

  const visible = notices.filter((n) => !seen.has(n.entry.eventId));
  if (!visible.length) return null;
  const dismiss = () => {
    const next = new Set(seen);
    for (const n of visible) next.add(n.entry.eventId);
    saveSeen(user.id, next);
    setSeen(next);
  };
  return (
    <section class="card notice-card" aria-labelledby="notices-title">
      <h2 id="notices-title">
        <span role="status">{t('notice.title', { n: visible.length })}</span>
      </h2>
      <ul class="notice-list">
        {visible.map((n) => (
          <li key={n.entry.eventId}>
            <a href={routeHref({ name: 'case', id: n.caseId })}>{categoryLabel(org, n.category)}</a>
            {'：'}
            {yourSupersededText(n.entry, org)}
          </li>
        ))}
      </ul>
      <button type="button" class="btn" onClick={dismiss}>
        {t('notice.dismiss')}
      </button>
    </section>
  );
}
