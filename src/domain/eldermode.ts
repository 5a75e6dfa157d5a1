/**
 * 长辈版 settings (issue 14): the standard app, 长辈版 (18 px text, 60 px targets) or 特大字 (30 px). Apart from
 * settings.ts so that the first screen (src/app/display.ts applies it before the first paint) loads no more than this.
 */
export type ElderMode = 'off' | 'on' | 'larger';
export const ELDER_MODES: readonly ElderMode[] = ['off', 'on', 'larger'];

export function isElderMode(v: unknown): v is ElderMode {
  return typeof v === 'string' && (ELDER_MODES as readonly string[]).includes(v);
}
