import { lang, setLang, t } from '../../app/i18n.ts';

/** Switches between Simplified Chinese and English; the choice is kept on this device. */
export function LangSwitch() {
  const next = lang.value === 'zh' ? 'en' : 'zh';
  return (
    <button type="button" class="btn btn-quiet" lang={next === 'en' ? 'en' : 'zh-CN'} aria-label={t('lang.switchLabel')} onClick={() => void setLang(next)}>
      {t('lang.switch')}
    </button>
  );
}
