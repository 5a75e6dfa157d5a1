/**
 * A household's care level in the people register (issue 17): by its residents' tags (the default), one of the
 * county's levels, or none (tagged, but on no visit schedule). Saved as the household's record (`household_saved`
 * with `careLevel`), so the level is a fact with its time like every people record.
 */
import { t } from '../../app/i18n.ts';
import '../../app/locales/care.zh.ts';
import type { RecordsApi } from '../../app/records.ts';
import { DEFAULT_CARE, NO_CARE, type CareSettings } from '../../domain/caresettings.ts';
import type { Household } from '../../domain/people.ts';

export function CareLevelField({ records, household, settings, onSaved }: { records: RecordsApi; household: Household & { updatedAt?: string; levelAt?: string }; settings: CareSettings | undefined; onSaved: (ok: boolean) => void }) {
  const levels = (settings ?? DEFAULT_CARE).levels;
  const { updatedAt: _u, levelAt: _l, careLevel, ...plain } = household;
  return (
    <select
      id="hh-care-level"
      aria-label={t('care.levelField')}
      value={careLevel ?? ''}
      onChange={(e) => {
        const v = e.currentTarget.value;
        onSaved(records.saveHousehold({ ...plain, ...(v ? { careLevel: v } : {}) }).ok);
      }}
    >
      <option value="">{t('care.levelByTags')}</option>
      {levels.map((l) => (
        <option key={l.id} value={l.id}>
          {t('care.level', { name: l.name, days: String(l.days) })}
        </option>
      ))}
      <option value={NO_CARE}>{t('care.levelNone')}</option>
    </select>
  );
}
