/** How many of this session's people and party records the relay has not saved yet (announced politely). */
import { t } from '../../app/i18n.ts';
import '../../app/locales/records.zh.ts';
import type { RecordsApi } from '../../app/records.ts';

export function UnsavedRecords({ records }: { records: RecordsApi }) {
  void records.version.value;
  const n = records.unsaved();
  return (
    <p role="status" class={n > 0 ? 'alert alert-warning' : 'visually-hidden'}>
      {n > 0 ? t('records.unsaved', { n }) : t('records.allSaved')}
    </p>
  );
}
