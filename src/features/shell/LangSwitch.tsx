import { lang, t } from '../../app/i18n.ts';
import { chooseLang } from '../../app/settings.ts';

/** Switches between Simplified Chinese and English; the choice is kept on this device and (signed in) with the user's settings. */
export function LangSwitch() {
  const next = lang.value === 'zh' ? 'en' : 'zh';
  return (
    <button type="button" class="btn btn-quiet" lang={next === 'en' ? 'en' : 'zh-CN'} aria-label={t('lang.switchLabel')} onClick={() => void chooseLang(next)}>
      {t('lang.switch')}
    </button>
  );
}
