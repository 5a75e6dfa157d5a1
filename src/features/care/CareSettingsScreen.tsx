/**
 * The county's care levels and tags (#/caresettings, issue 17; county accounts and admins): each level's name and
 * days between visits, and the tags the county adds (with the level each gives). Saved whole as one `care.set`
 * reference change (refchanges.ts; the relay accepts it from the county and admins only), which every device folds
 * into its org data; until the first one, the built-in settings apply (caresettings.ts DEFAULT_CARE).
 */
import { useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/care.zh.ts';
import type { Session } from '../../app/services.ts';
import { CARE_ID_PATTERN, careSettingsProblem, CareSettingsSchema, DEFAULT_CARE, type CareSettings } from '../../domain/caresettings.ts';
import * as v from 'valibot';
import { Alert } from '../../ui/Alert.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { refusalText, writeChange } from '../reference/check.ts';
import './care.css';

export function CareSettingsScreen({ session }: { session: Session }) {
  const org = session.org.value;
  const role = session.user.role;
  const saved = org?.data.care ?? DEFAULT_CARE;
  const [draft, setDraft] = useState<CareSettings>(() => structuredClone(saved));
  const [msg, setMsg] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  if (role !== 'county' && role !== 'admin') {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('care.settings')}</ScreenTitle>
        <p>{t('app.notAllowed')}</p>
      </div>
    );
  }
  const setLevel = (i: number, patch: Partial<CareSettings['levels'][number]>) => setDraft({ ...draft, levels: draft.levels.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const setTag = (i: number, patch: Partial<CareSettings['tags'][number]>) => setDraft({ ...draft, tags: draft.tags.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  return (
    <div class="care-visit care-settings">
      <ScreenTitle suffix={t('app.name')}>{t('care.settings')}</ScreenTitle>
      <p class="hint">{t('care.settingsHint')}</p>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = v.safeParse(CareSettingsSchema, draft);
          const problem = parsed.success ? careSettingsProblem(parsed.output) : parsed.issues[0]?.message;
          if (!parsed.success || problem) return setMsg({ tone: 'error', text: `${t('care.settingsBad')} (${problem ?? ''})` });
          void writeChange(session, 'care.set', parsed.output).then((r) => setMsg(r ? { tone: 'error', text: refusalText(r.code) } : { tone: 'success', text: t('care.settingsSaved') }));
        }}
      >
        <h2>{t('care.levels')}</h2>
        {draft.levels.map((l, i) => (
          <fieldset key={l.id} class="choice-row">
            <legend>{saved.levels.find((s) => s.id === l.id)?.name ?? DEFAULT_CARE.levels.find((s) => s.id === l.id)?.name ?? l.name}</legend>
            <label>
              {t('care.levelName')} <input value={l.name} maxLength={20} required onInput={(e) => setLevel(i, { name: e.currentTarget.value })} />
            </label>
            <label>
              {t('care.levelDays')} <input type="number" min={1} max={366} value={l.days} required onInput={(e) => setLevel(i, { days: Number(e.currentTarget.value) })} />
            </label>
          </fieldset>
        ))}
        <h2>{t('care.tags')}</h2>
        {draft.tags.map((x, i) => (
          <fieldset key={i} class="choice-row">
            <legend>{saved.tags.find((s) => s.id === x.id)?.name ?? DEFAULT_CARE.tags.find((s) => s.id === x.id)?.name ?? (x.name || t('care.tagNew'))}</legend>
            {saved.tags.some((s) => s.id === x.id) || DEFAULT_CARE.tags.some((s) => s.id === x.id) ? null : (
              <label>
                {t('care.tagId')} <input value={x.id} pattern={CARE_ID_PATTERN.source} required onInput={(e) => setTag(i, { id: e.currentTarget.value.trim() })} />
              </label>
            )}
            <label>
              {t('care.levelName')} <input value={x.name} maxLength={20} required onInput={(e) => setTag(i, { name: e.currentTarget.value })} />
            </label>
            <label>
              {t('care.tagLevel')}{' '}
              <select value={x.level} onChange={(e) => setTag(i, { level: e.currentTarget.value })}>
                {draft.levels.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </label>
          </fieldset>
        ))}
        <p>
          <button type="button" class="btn" onClick={() => setDraft({ ...draft, tags: [...draft.tags, { id: '', name: '', level: draft.levels[0]!.id }] })}>
            {t('care.tagAdd')}
          </button>{' '}
          <button type="submit" class="btn btn-primary">
            {t('care.settingsSave')}
          </button>
        </p>
        <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
      </form>
    </div>
  );
}
