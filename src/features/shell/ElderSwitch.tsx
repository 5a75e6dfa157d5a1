/**
 * Issue 14: the 长辈版 switch of the headers (sign-in screen, signed-in header and phone menu). A toggle button:
 * pressed while elder mode (either size) is on; pressing it switches between the standard app and 长辈版. The
 * extra-large size is chosen in #/me. `home`: the copy in a home screen's title row (ResidentHome, WorkerTasks,
 * VillageHome), shown in the phone layout only, where the header's switch is inside the menu. Its accessible description names the other words people search for
 * (关怀版, 亲情版), so a screen reader's find and the browser's find-in-page both reach it.
 */
import { elderMode, setElderMode } from '../../app/display.ts';
import { t } from '../../app/i18n.ts';

export function ElderSwitch({ home = false }: { home?: boolean }) {
  const on = elderMode.value !== 'off';
  return (
    <button type="button" class={home ? 'btn elder-switch home-elder' : 'btn btn-quiet elder-switch'} aria-pressed={on} title={t('elder.aka')} aria-description={t('elder.aka')} onClick={() => setElderMode(on ? 'off' : 'on')}>
      {t('elder.switch')}
    </button>
  );
}
