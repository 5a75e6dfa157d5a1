/**
 * The inbox's unread count for the shell's nav badge (issue 13). Part of the first screen's bundle, so it is tiny:
 * the inbox's code and its first computation load a moment after the first screen (Session.inbox), and the count
 * follows the inbox's signal from then on. Undefined until known, or when the session has no inbox.
 */
import { useEffect, useState } from 'preact/hooks';
import { afterFirstScreen } from '../../app/later.ts';
import type { InboxApi, Session } from '../../app/services.ts';

/** The latest the inbox starts after the shell first renders (it waits for the first idle moment before that). */
export const INBOX_START_DELAY_MS = 2500;

export function useInboxUnread(session: Session): number | undefined {
  const [api, setApi] = useState<InboxApi | null>(null);
  useEffect(() => {
    const start = session.inbox;
    if (!start) return;
    let live = true;
    const cancel = afterFirstScreen(() => {
      start().then(
        (a) => live && setApi(a),
        () => {},
      );
    }, INBOX_START_DELAY_MS);
    return () => {
      live = false;
      cancel();
    };
  }, [session]);
  return api?.unread.value;
}
