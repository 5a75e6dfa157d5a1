/**
 * The county's care levels and tags (issue 17, care.ts): the data of the `care.set` reference change (refchanges.ts)
 * and the built-in defaults. A module of its own so that the org doc's fold, in the first screen's code, does not
 * pull in the care log's code.
 */
import * as v from 'valibot';

/** Ids of care levels and care tags (the built-in ones and those a county adds). */
export const CARE_ID_PATTERN = /^[a-z][a-z0-9_]{1,23}$/;
/** A household's level saying "tagged, but on no visit schedule" (family nearby, moved away for the winter...). */
export const NO_CARE = 'none';
export const MAX_CARE_DAYS = 366;

export const CareLevelSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(CARE_ID_PATTERN), v.notValue(NO_CARE)),
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20)),
  /** Days between visits (7: weekly). */
  days: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_CARE_DAYS)),
});
export const CareTagSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(CARE_ID_PATTERN)),
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20)),
  /** The level a resident with this tag gives their household (unless the household has its own). */
  level: v.pipe(v.string(), v.regex(CARE_ID_PATTERN)),
});
/** The `care.set` reference change's data: the county's whole care settings (refchanges.ts checks the references). */
export const CareSettingsSchema = v.strictObject({
  levels: v.pipe(v.array(CareLevelSchema), v.minLength(1), v.maxLength(8)),
  tags: v.pipe(v.array(CareTagSchema), v.maxLength(24)),
});
export type CareLevel = v.InferOutput<typeof CareLevelSchema>;
export type CareTag = v.InferOutput<typeof CareTagSchema>;
export type CareSettings = v.InferOutput<typeof CareSettingsSchema>;

/** The built-in settings, used until the county saves its own (the names are data, in Chinese, as the county's). */
export const DEFAULT_CARE: CareSettings = {
  levels: [
    { id: 'high', name: '高', days: 7 },
    { id: 'key', name: '重点', days: 30 },
    { id: 'general', name: '一般', days: 90 },
  ],
  tags: [
    { id: 'elderly_alone', name: '独居老人', level: 'key' },
    { id: 'disabled', name: '残疾人', level: 'key' },
    { id: 'left_behind_child', name: '留守儿童', level: 'key' },
    { id: 'low_income', name: '低保户', level: 'general' },
  ],
};

/** Why settings cannot apply (ids twice, a tag naming no level), or null. The one rule for relay and editor. */
export function careSettingsProblem(s: CareSettings): string | null {
  const levels = new Set<string>();
  for (const l of s.levels) {
    if (levels.has(l.id)) return `level ${l.id} is named twice`;
    levels.add(l.id);
  }
  const tags = new Set<string>();
  for (const tg of s.tags) {
    if (tags.has(tg.id)) return `tag ${tg.id} is named twice`;
    tags.add(tg.id);
    if (!levels.has(tg.level)) return `tag ${tg.id} names level ${tg.level}, which is not among the levels`;
  }
  return null;
}

