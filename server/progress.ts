/**
 * Progress texts to residents (issue 13): when case events are accepted (relay event `accepted`), each case they
 * touch is folded and its resident stage (src/domain/stages.ts residentStage) is told by SMS to
 *  - its reporter, when a resident (not for `received`: they just sent it themselves), and
 *  - the residents who follow it on their behalf (followsOnBehalf: a verified phone the case was reported for),
 * each only when they opted in (resident_prefs, PUT /api/me/prefs), their phone is a mobile and the sender reaches
 * phones (server/sms.ts). At most one text per case, resident and stage, ever: the sms_log row is claimed (UNIQUE)
 * before sending, and a failed send is logged as `failed`, not retried. Nothing is sent for events stored before
 * the relay started (only newly accepted ones are seen).
 */
import { followsOnBehalf, isMobile } from '../src/domain/citizens.ts';
import { residentStage, type ResidentStage } from '../src/domain/stages.ts';
import { parseDocName } from '../src/domain/docs.ts';
import type { CaseEvent } from '../src/domain/events.ts';
import { foldCase } from '../src/domain/fold.ts';
import type { OrgIndex } from '../src/domain/org.ts';
import type { CaseState } from '../src/domain/workflow.ts';
import { CaseIndex } from '../src/protocol/caseindex.ts';
import type { Logger } from './log.ts';
import type { Relay } from './relay.ts';
import { MAX_ACCOUNTS_PER_PHONE, type Residents } from './residents.ts';
import { signed, type SmsSender } from './sms.ts';
import type { Store } from './store.ts';

const WORDS: Record<ResidentStage, string> = {
  received: '已收到',
  accepted: '已受理',
  dispatched: '已派给',
  in_progress: '正在处理',
  resolved: '已解决',
  closed: '已办结',
  rejected: '未受理',
  withdrawn: '已撤销',
  merged: '已合并到另一件',
};

/** The text for one case's stage. */
export function progressText(state: CaseState, stage: ResidentStage, org: OrgIndex): string {
  const what = org.subcategory(state.category)?.name ?? '问题';
  const unit = stage === 'dispatched' && state.unitId ? (org.unit(state.unitId)?.name ?? '办理单位') : '';
  return `您反映的“${what}”（编号尾号 ${state.id.slice(-6)}）${WORDS[stage]}${unit}。详情请打开网格通查看。`;
}

export interface ProgressOptions {
  relay: Relay;
  store: Store;
  residents: Residents;
  sms: SmsSender;
  sign: string;
  org: () => OrgIndex;
  now: () => number;
  log: Logger;
}

/** Start listening; returns a function that waits for the texts under way (tests, close). */
export function startProgressTexts(o: ProgressOptions): { idle(): Promise<void> } {
  let pending: Promise<void> = Promise.resolve();
  o.relay.events.on('accepted', (name, events) => {
    if (!o.sms.reachesPhones || parseDocName(name)?.kind !== 'cases') return;
    const caseIds = [...new Set(events.map((e: CaseEvent) => e.caseId))];
    pending = pending.then(() => textCases(o, name, caseIds)).catch((err: unknown) => o.log.error('progress texts failed', err));
  });
  return { idle: () => pending };
}

async function textCases(o: ProgressOptions, name: string, caseIds: string[]): Promise<void> {
  const org = o.org();
  const states = await o.relay.withDoc(name, (ydoc) =>
    caseIds.map((id) => {
      const index = CaseIndex.of(ydoc, id);
      return foldCase(index.byCase.get(id) ?? [], index.contextOf(org));
    }),
  );
  for (const state of states) {
    if (!state) continue;
    const stage = residentStage(state.status);
    const to: Array<{ id: string; phone: string }> = [];
    const reporter = o.store.userById(state.reporter);
    if (reporter?.role === 'resident' && stage !== 'received' && reporter.phone) to.push({ id: reporter.id, phone: reporter.phone });
    if (state.onBehalf?.phone) {
      for (const u of o.store.residentsByPhone(state.onBehalf.phone, MAX_ACCOUNTS_PER_PHONE)) {
        if (followsOnBehalf(u, state) && u.id !== reporter?.id) to.push({ id: u.id, phone: u.phone! });
      }
    }
    for (const r of to) {
      if (!isMobile(r.phone) || !o.residents.smsProgress(r.id)) continue;
      const text = signed(o.sign, progressText(state, stage, org));
      const row = o.residents.claimText({ caseId: state.id, userId: r.id, phone: r.phone, stage, text, sentMs: o.now(), transport: o.sms.transport });
      if (row === null) continue; // told already
      try {
        await o.sms.send(r.phone, text);
      } catch (err) {
        o.residents.markFailed(row);
        o.log.error(`progress text for case ${state.id} to ${r.id} not sent`, err);
      }
    }
  }
}
