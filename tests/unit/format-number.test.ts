/** formatNumber keeps one Intl.NumberFormat per locale (issue 17: toLocaleString built one per call, per row). */
import { afterEach, describe, expect, it } from 'vitest';
import { formatNumber, setLang } from '../../src/app/i18n.ts';

describe('formatNumber', () => {
  afterEach(() => setLang('zh'));
  it('formats as toLocaleString does, and follows the language', async () => {
    await setLang('zh');
    for (const n of [0, 7, 1234, 1234567.5, -42]) expect(formatNumber(n)).toBe(n.toLocaleString('zh-CN'));
    await setLang('en');
    expect(formatNumber(1234567)).toBe((1234567).toLocaleString('en'));
  });
});
