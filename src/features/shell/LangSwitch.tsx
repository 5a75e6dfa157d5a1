import { lang, t } from '../../app/i18n.ts';

/** Switches between Simplified Chinese and English; the choice is kept on this device and (signed in) with the user's settings. */
export function LangSwitch() {
  const next = lang.value === 'zh' ? 'en' : 'zh';
  return (
    <button type="button" class="btn btn-quiet" lang={next === 'en' ? 'en' : 'zh-CN'} aria-label={t('lang.switchLabel')} onClick={() => void import('../../app/settings.ts').then((m) => m.chooseLang(next))}>
      {t('lang.switch')}
    </button>
  );
}
