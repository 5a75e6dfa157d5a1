/**
 * A case's status in a resident's plain words (their "my reports" list, their notifications, their SMS):
 * 已收到 / 已受理 / 已派给<单位> / 正在处理 / 已解决 / 已办结, or how it ended otherwise (未受理 / 已撤销 / 已合并).
 * A unit's return keeps the case 已受理 (the center dispatches it again); a failed check keeps it 正在处理.
 * A module apart from citizens.ts (which the first bundle holds for the event schemas): only lazy screens and the
 * relay read stages.
 */
export const RESIDENT_STAGES = ['received', 'accepted', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected', 'withdrawn', 'merged'] as const;
export type ResidentStage = (typeof RESIDENT_STAGES)[number];

export function residentStage(status: string): ResidentStage {
  switch (status) {
    case 'reported':
      return 'received';
    case 'accepted':
    case 'returned':
      return 'accepted';
    case 'dispatched':
    case 'acknowledged':
      return 'dispatched';
    case 'in_progress':
    case 'verification_failed':
      return 'in_progress';
    case 'resolved':
    case 'verified':
      return 'resolved';
    case 'rejected':
    case 'withdrawn':
    case 'merged':
    case 'closed':
      return status;
    default:
      return 'received';
  }
}
