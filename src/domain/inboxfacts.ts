/**
 * The facts of a case the inbox (src/domain/inbox.ts, issue 13) reads beyond a list row's. A module of its own
 * because the read model (first screen's bundle) writes them into every row, while the inbox's computation is
 * loaded on demand: sharing one module would pull the whole inbox into the first bundle.
 */
import { reportChannel, type ReportChannel } from './channels.ts';
import type { Role } from './org.ts';
import type { CaseState } from './workflow.ts';

/**
 * The facts of a case the inbox needs beyond a list row's (src/storage/rows.ts CaseRow): written into every row by
 * the read model (`inboxFacts`), so the inbox reads rows, never folds docs.
 */
export interface InboxFacts {
  reporterRole?: Role;
  reportChannel?: ReportChannel;
  /** The latest 督办's time. */
  supervisedMs?: number;
  /** The latest extension request's decision since the latest dispatch. */
  extensionDecision?: 'approved' | 'refused';
  extensionDecidedMs?: number;
  /** 二次回访 (issue 13, CaseState.revisit): its status and since when. */
  revisitStatus?: string;
  revisitMs?: number;
}

/** The inbox facts of a case state (the read model writes them into the case's row). */
export function inboxFacts(s: CaseState): InboxFacts {
  const f: InboxFacts = {};
  if (s.reporterRole) f.reporterRole = s.reporterRole;
  f.reportChannel = reportChannel(s);
  const last = s.supervisions[s.supervisions.length - 1];
  if (last) f.supervisedMs = last.ms;
  const x = s.extension;
  if (x && x.status !== 'pending' && x.decidedMs !== undefined) {
    f.extensionDecision = x.status;
    f.extensionDecidedMs = x.decidedMs;
  }
  if (s.revisit) {
    f.revisitStatus = s.revisit.status;
    f.revisitMs = s.revisit.sinceMs;
  }
  return f;
}

