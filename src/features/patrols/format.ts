/** How patrol figures read (the patrol screen and the 考核 card), apart so the 考核 does not load the patrol screen. */
import { formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/patrols.zh.ts';

const MIN = 60_000;

export function durationText(ms: number): string {
  const total = Math.round(ms / MIN);
  if (total < 60) return t('pa.minutes', { n: formatNumber(total) });
  return t('pa.hours', { h: formatNumber(Math.floor(total / 60)), m: formatNumber(total % 60) });
}

export function distanceText(m: number): string {
  return m < 1000 ? t('pa.meters', { n: formatNumber(Math.round(m)) }) : t('pa.km', { n: (m / 1000).toFixed(1) });
}
