/**
 * Counts of several queues, fetched again whenever `refresh` changes (the read model or the minute). Until the
 * session's data is known (`known`: synced, or offline with what the device holds) no count is given: a queue
 * counted while the first sync is still arriving would show 0 for a queue that has cases.
 */
import { useEffect, useState } from 'preact/hooks';
import type { QueueName, QueueOptions, Session } from '../../app/services.ts';

export function useQueueCounts<Q extends QueueName>(session: Session, queues: readonly Q[], opts: QueueOptions, refresh: string, known = true): Partial<Record<Q, number>> {
  const [counts, setCounts] = useState<Partial<Record<Q, number>>>({});
  useEffect(() => {
    if (!known) return;
    let live = true;
    Promise.all(queues.map((q) => session.countQueue(q, opts).catch(() => undefined))).then((ns) => {
      if (!live) return;
      const next: Partial<Record<Q, number>> = {};
      queues.forEach((q, i) => {
        const n = ns[i];
        if (n !== undefined) next[q] = n;
      });
      setCounts(next);
    });
    return () => {
      live = false;
    };
  }, [refresh, known]);
  return known ? counts : {};
}
