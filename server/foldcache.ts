/**
 * Folds of stored docs kept between HTTP reads while the docs are unchanged (issue 17: a county center's task
 * screens ask GET /api/tasks/<town>/progress every minute, each a fold of the town's ~90 answers docs, which are
 * unloaded between asks). A fold is kept under the doc's content key (Store.contentKeys: it changes with every
 * write, on either store) and a `salt` naming what else it was folded with (the town's task log for the answers):
 * an unchanged doc is neither loaded nor folded again. Per store, at most MAX_FOLDS folds (the oldest go first).
 */
import type { HttpContext } from './http.ts';
import { storedEvents } from './peoplehttp.ts';
import type { Store } from './store.ts';

const MAX_FOLDS = 4096;
const caches = new WeakMap<Store, Map<string, { key: string; value: unknown }>>();

/**
 * The fold of each doc of `names` (`fold` of its stored events, null when it was never written), from the cache when
 * its content key and `salt` are the ones it was folded at. `kind` keeps folds of different shapes apart.
 */
export async function cachedFolds<T>(ctx: HttpContext, kind: string, names: readonly string[], salt: string, fold: (events: unknown[] | null, name: string) => T): Promise<Map<string, T>> {
  let cache = caches.get(ctx.store);
  if (!cache) caches.set(ctx.store, (cache = new Map()));
  const keys = ctx.store.contentKeys(names);
  const out = new Map<string, T>();
  for (const name of names) {
    const id = `${kind}:${name}`;
    const key = `${keys.get(name)}|${salt}`;
    const hit = cache.get(id);
    if (hit && hit.key === key) {
      out.set(name, hit.value as T);
      continue;
    }
    const value = fold(await storedEvents(ctx, name), name);
    cache.delete(id);
    cache.set(id, { key, value });
    if (cache.size > MAX_FOLDS) cache.delete(cache.keys().next().value!);
    out.set(name, value);
  }
  return out;
}

/** The content key of one doc (what a fold of it depends on, for another fold's `salt`). */
export function contentKey(ctx: HttpContext, name: string): string {
  return ctx.store.contentKeys([name]).get(name)!;
}
