/**
 * Issue 16 section 5: a first sign-in's head start on the device (src/domain/starter.ts has the contract). Loaded on
 * demand by the engine (engine.ts `start`): only a first sign-in, or a session stopped before its docs synced, needs
 * it, so it stays out of the first screen's JavaScript.
 */
import type { OrgData } from '../domain/org.ts';
import { parseStarter, type Starter } from '../domain/starter.ts';
import type { CaseIndex } from '../protocol/caseindex.ts';
import { deleteMeta, getMeta, isStringArray, setMeta } from '../storage/meta.ts';
import { META, type UserDb } from '../storage/schema.ts';

/** What of an engine's doc the head start reads and marks. */
export interface HeadStartSlot {
  kind: 'org' | 'cases';
  wasSynced: boolean;
  suspended: boolean;
  index: CaseIndex;
  touched: Set<string>;
}

/** The engine as the head start sees it. */
export interface HeadStartHost {
  readonly db: UserDb;
  stopped(): boolean;
  slot(name: string): HeadStartSlot | undefined;
  /** Show this reference subset until the org doc has synced whole (only when no reference data is shown yet). */
  showOrgSubset(data: OrgData): void;
  /** Write the slot's touched cases to the read model now. */
  flush(slot: HeadStartSlot): Promise<void>;
  /** The head start is in the read model: `status.early`, the first usable task list (`taskListUsable`). */
  early(): void;
}

/** A head start kept from a session that stopped before its docs synced: shown again, minus the docs synced since. */
export async function resumeHeadStart(host: HeadStartHost, raw: unknown): Promise<void> {
  const kept = parseStarter(raw);
  if (!kept) return void (await deleteMeta(host.db, META.starter).catch(() => {}));
  const done = new Set((await getMeta(host.db, META.syncedOnce, isStringArray)) ?? []);
  await applyHeadStart(host, { ...kept, docs: kept.docs.filter((d) => !done.has(d.name)) });
}

/** Ask the relay for the head start (`fetchStarter`), keep it in meta until its docs have synced, and show it. */
export async function fetchHeadStart(host: HeadStartHost, fetchStarter: () => Promise<unknown>): Promise<void> {
  let st: Starter | null = null;
  try {
    st = parseStarter(await fetchStarter());
  } catch {
    // No head start (offline again, an older relay): the docs sync as before.
  }
  if (!st || host.stopped()) return;
  // Only for the docs that have not synced meanwhile; kept until they have (a restart offline still shows them).
  st = { ...st, docs: st.docs.filter((d) => host.slot(d.name)?.kind === 'cases' && !host.slot(d.name)!.wasSynced) };
  if (st.docs.length === 0) return;
  await setMeta(host.db, META.starter, st).catch(() => {});
  await applyHeadStart(host, st);
}

/**
 * Fold the head start into the read model: each doc's index folds the starter's events that the doc does not hold
 * yet; the reference subset is shown until the org doc has synced whole.
 */
async function applyHeadStart(host: HeadStartHost, st: Starter): Promise<void> {
  if (st.docs.length === 0) {
    // Nothing left to show first (its docs have synced): the reference subset is not needed either.
    await deleteMeta(host.db, META.starter).catch(() => {});
    return;
  }
  if ((st.org.grids?.length ?? 0) > 0) {
    host.showOrgSubset({ towns: [], villages: [], grids: [], categories: [], subcategories: [], plans: [], units: [], users: [], ...st.org });
  }
  const flushes: Array<Promise<void>> = [];
  for (const d of st.docs) {
    const slot = host.slot(d.name);
    if (slot?.kind !== 'cases' || slot.wasSynced || slot.suspended) continue;
    for (const id of slot.index.setStarter(d.events, d.receipts)) slot.touched.add(id);
    flushes.push(host.flush(slot));
  }
  await Promise.all(flushes);
  if (!host.stopped()) host.early();
}
