/**
 * Issue 14: a user's own settings, which travel with their account (stored by the relay, applied at sign-in on any
 * device), and the resident's optional birth year (出生年份) with the age rule that offers 长辈版.
 *
 * Contracts (the app and the relay both decide with these):
 *  - UserSettings is a small flat object; every field is optional (absent: the device's own value applies).
 *      lang        'zh' | 'en'
 *      elder       'off' | 'on' | 'larger'   长辈版 and its text size (larger: 特大字, main text >= 30 px)
 *      guidance    'full' | 'brief'           how much a hint or lesson says (the guided lessons read it)
 *      elderOffer  'accepted' | 'declined'    the answer to the 长辈版 offer on a 60+ resident's home (asked once)
 *      birthYear   a four-digit year, 1900 .. this year (China Standard Time)
 *  - A change is a patch: the fields it names replace the stored ones, `null` removes one, others stay. Unknown
 *    fields, wrong types and out-of-range values refuse the whole patch (`parseSettingsPatch` returns null).
 *  - Stored settings are at most SETTINGS_MAX_BYTES of JSON (the relay refuses a bigger body before parsing).
 *  - A resident is offered 长辈版 once when their birth year says 60 or older this year, 长辈版 is off and they
 *    have not answered yet (`shouldOfferElder`).
 */
import { CST_OFFSET_MS } from './cst.ts';

import { ELDER_MODES, type ElderMode } from './eldermode.ts';

export { ELDER_MODES, isElderMode, type ElderMode } from './eldermode.ts';
export type Guidance = 'full' | 'brief';
export const GUIDANCE_LEVELS: readonly Guidance[] = ['full', 'brief'];
export type ElderOffer = 'accepted' | 'declined';

export interface UserSettings {
  lang?: 'zh' | 'en';
  elder?: ElderMode;
  guidance?: Guidance;
  elderOffer?: ElderOffer;
  birthYear?: number;
}
export type SettingsPatch = { [K in keyof UserSettings]?: UserSettings[K] | null };

/** Stored settings and a request's body are at most this many bytes of JSON. */
export const SETTINGS_MAX_BYTES = 1024;
/** The age from which a resident is offered 长辈版. */
export const SENIOR_AGE = 60;
export const MIN_BIRTH_YEAR = 1900;

const ENUMS: { [K in Exclude<keyof UserSettings, 'birthYear'>]: readonly string[] } = {
  lang: ['zh', 'en'],
  elder: ELDER_MODES,
  guidance: GUIDANCE_LEVELS,
  elderOffer: ['accepted', 'declined'],
};
export const SETTING_KEYS = [...(Object.keys(ENUMS) as Array<keyof UserSettings>), 'birthYear'] as const;


/** The calendar year in China at `nowMs`. */
export function cstYear(nowMs: number): number {
  return new Date(nowMs + CST_OFFSET_MS).getUTCFullYear();
}

/** Whether `y` is a birth year the account may hold at `nowMs`. */
export function isBirthYear(y: unknown, nowMs: number): y is number {
  return typeof y === 'number' && Number.isInteger(y) && y >= MIN_BIRTH_YEAR && y <= cstYear(nowMs);
}

/** A birth year as typed (full-width digits allowed); undefined for an empty field, null for a wrong one. */
export function parseBirthYearInput(text: string, nowMs: number): number | undefined | null {
  const s = text.normalize('NFKC').trim();
  if (s === '') return undefined;
  if (!/^\d{4}$/.test(s)) return null;
  const y = Number(s);
  return isBirthYear(y, nowMs) ? y : null;
}

/** The age reached this year (the birthday itself is not known: the year is enough for the 60+ offer). */
export function ageThisYear(birthYear: number, nowMs: number): number {
  return cstYear(nowMs) - birthYear;
}

function validField(k: keyof UserSettings, v: unknown, nowMs: number): boolean {
  if (k === 'birthYear') return isBirthYear(v, nowMs);
  return typeof v === 'string' && ENUMS[k].includes(v);
}

/** A change as sent by a client, or null when any part of it is wrong (see the header). */
export function parseSettingsPatch(x: unknown, nowMs: number): SettingsPatch | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
    if (!(SETTING_KEYS as readonly string[]).includes(k)) return null;
    if (v !== null && !validField(k as keyof UserSettings, v, nowMs)) return null;
    out[k] = v;
  }
  return out as SettingsPatch;
}

/** Stored (or cached) settings, keeping only the valid fields: a stale or tampered copy never breaks sign-in. */
export function cleanSettings(x: unknown, nowMs: number): UserSettings {
  const out: Record<string, unknown> = {};
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return {};
  for (const k of SETTING_KEYS) {
    const v = (x as Record<string, unknown>)[k];
    if (v !== undefined && validField(k, v, nowMs)) out[k] = v;
  }
  return out as UserSettings;
}

export function applySettingsPatch(s: UserSettings, patch: SettingsPatch): UserSettings {
  const out: Record<string, unknown> = { ...s };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined) delete out[k];
    else out[k] = v;
  }
  return out as UserSettings;
}

/** Whether a resident's home offers 长辈版 (once: see the header). */
export function shouldOfferElder(s: UserSettings, elder: ElderMode, nowMs: number): boolean {
  return s.birthYear !== undefined && ageThisYear(s.birthYear, nowMs) >= SENIOR_AGE && elder === 'off' && s.elderOffer === undefined;
}
