/**
 * The resident app's plain words for a case: its stage (residentStage in src/domain/stages.ts, with the unit's
 * name for 已派给<单位>), the stage's badge tone, whether a report made on this device has reached the relay
 * (待发送 / 发送中 / 已送达), and a CST day in a short local form.
 */
import { locale, localName, t } from '../../app/i18n.ts';
import '../../app/locales/resident.zh.ts';
import type { OrgView, Session, SyncStatus } from '../../app/services.ts';
import type { LatLng } from '../../domain/events.ts';
import { residentStage, type ResidentStage } from '../../domain/stages.ts';

/** The six stages of a case that runs its course, in order (the progress view's steps). */
export const MAIN_STAGES = ['received', 'accepted', 'dispatched', 'in_progress', 'resolved', 'closed'] as const satisfies readonly ResidentStage[];

export function stageWord(status: string, unitId: string | undefined, org: OrgView | null): string {
  const s = residentStage(status);
  if (s !== 'dispatched') return t(`rs.stage.${s}`);
  const unit = unitId ? org?.unit(unitId) : undefined;
  return unit ? t('rs.stage.dispatched', { unit: localName(unit) }) : t('rs.stage.dispatchedNoUnit');
}

export function stageTone(s: ResidentStage): string {
  switch (s) {
    case 'received':
    case 'accepted':
      return 'blue';
    case 'dispatched':
    case 'in_progress':
      return 'amber';
    case 'resolved':
    case 'closed':
      return 'green';
    default:
      return 'grey';
  }
}

export type Delivery = 'waiting' | 'sending' | 'sent';

/**
 * A report still in the outbox (`pending`) is being sent while the relay answers (ResidentSync flushes the outbox
 * on every contact), and waits otherwise; a report the relay returned is delivered.
 */
export function delivery(pending: boolean | undefined, status: SyncStatus): Delivery {
  if (!pending) return 'sent';
  return status.connection === 'offline' ? 'waiting' : 'sending';
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** "2026-12-03" (a CST day) as "12月3日" / "Dec 3". */
export function shortDay(day: string): string {
  const key = locale.value;
  let f = dayFormats.get(key);
  if (!f) dayFormats.set(key, (f = new Intl.DateTimeFormat(key, { month: 'short', day: 'numeric', timeZone: 'Asia/Shanghai' })));
  const ms = Date.parse(`${day}T12:00:00+08:00`);
  return Number.isFinite(ms) ? f.format(ms) : day;
}

/** A subcategory's name in the current language (its code when the reference data does not know it). */
export function categoryName(org: OrgView | null, code: string): string {
  const s = org?.subcategory(code);
  return s ? localName(s) : code;
}

/** The resident's village (or grid) centre: where "就在我村里" puts the report. */
export function homePoint(session: Session, org: OrgView): LatLng | null {
  const u = session.user;
  const g = (u.gridId ? org.grid(u.gridId) : undefined) ?? org.data.grids.find((x) => x.villageId === u.villageId);
  return g ? { lng: g.center[0], lat: g.center[1] } : null;
}

