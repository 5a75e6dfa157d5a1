/**
 * Searchable category picker: 17 major categories, each opening to its subcategories (120 in all).
 * Search matches Chinese or English names and codes ("01" lists a major's subcategories, "0103" one of them).
 * Built from native radio buttons and <details>, so it works with keyboards, screen readers and at any text size.
 */
import { useState } from 'preact/hooks';
import { localName, t } from '../../app/i18n.ts';
import '../../app/locales/report.zh.ts';
import type { OrgView } from '../../app/services.ts';
import type { MajorCategory, Subcategory } from '../../domain/org.ts';
import { categoryLabel, lookup } from '../cases/lookup.ts';

export interface CategoryPickerProps {
  org: OrgView;
  value: string;
  onChange(code: string): void;
  error?: string;
  id: string;
}

export function matchCategories(org: OrgView, query: string): { major: MajorCategory; subs: Subcategory[] }[] {
  const l = lookup(org);
  const q = query.trim().toLowerCase();
  const out: { major: MajorCategory; subs: Subcategory[] }[] = [];
  for (const major of l.majors.values()) {
    const subs = l.subsByMajor.get(major.code) ?? [];
    if (!q) {
      out.push({ major, subs });
      continue;
    }
    const majorHit = major.code === q || major.name.includes(q) || major.nameEn.toLowerCase().includes(q);
    const hits = majorHit ? subs : subs.filter((s) => s.code.startsWith(q) || s.name.includes(q) || s.nameEn.toLowerCase().includes(q));
    if (hits.length) out.push({ major, subs: hits });
  }
  return out;
}

export function CategoryPicker({ org, value, onChange, error, id }: CategoryPickerProps) {
  const [query, setQuery] = useState('');
  const groups = matchCategories(org, query);
  const searching = query.trim().length > 0;
  const chosenMajor = value.slice(0, 2);
  const describedBy = [`${id}-chosen`, error ? `${id}-error` : ''].filter(Boolean).join(' ');

  return (
    <fieldset class={error ? 'catpicker field has-error' : 'catpicker field'} id={id} tabIndex={-1} aria-describedby={describedBy}>
      <legend>{t('report.category')}</legend>
      <label for={`${id}-search`} class="catpicker-search-label">
        {t('report.categorySearch')}
      </label>
      <input id={`${id}-search`} type="search" autocomplete="off" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      <p id={`${id}-chosen`} class="catpicker-chosen" aria-live="polite">
        {value ? t('report.categoryChosen', { name: `${value} ${categoryLabel(org, value)}` }) : ''}
      </p>
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {groups.length === 0 ? <p class="hint">{t('report.categoryNone')}</p> : null}
      <div class="catpicker-groups">
        {groups.map(({ major, subs }) => (
          <details key={major.code} class="catpicker-major" open={searching || chosenMajor === major.code}>
            <summary>
              <span class="code">{major.code}</span> {localName(major)}
            </summary>
            <div class="catpicker-subs" role="radiogroup" aria-label={localName(major)}>
              {subs.map((s) => (
                <label key={s.code} class={s.code === value ? 'catpicker-option is-chosen' : 'catpicker-option'}>
                  <input type="radio" name={`${id}-radio`} value={s.code} checked={s.code === value} onChange={() => onChange(s.code)} />
                  <span class="code">{s.code}</span>
                  <span>{localName(s)}</span>
                </label>
              ))}
            </div>
          </details>
        ))}
      </div>
    </fieldset>
  );
}
