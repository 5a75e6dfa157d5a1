/**
 * Messages and formats. Simplified Chinese is the default and is bundled; English is loaded on demand.
 * The choice is kept per device in localStorage. `t()` reads a signal, so a component that calls it during
 * render re-renders when the language changes.
 */
import { computed, signal } from '@preact/signals';
import type { ErrorCode } from '../domain/errors.ts';
import type { EventType } from '../domain/events.ts';
import type { Priority, Role } from '../domain/org.ts';
import type { Status } from '../domain/workflow.ts';
import type { LoginError } from './services.ts';
import { zh, type MessageKey, type Messages } from './locales/zh.ts';

export type Lang = 'zh' | 'en';
export type { MessageKey };

const STORAGE_KEY = 'gl:lang';

// Compile-time checks that every status, event, role, priority and error code has a message.
type Covered = Record<
  | `status.${Status}`
  | `event.${EventType}`
  | `action.${EventType}`
  | `role.${Role}`
  | `priority.${Priority}`
  | `error.${ErrorCode}`
  | `login.error.${LoginError}`,
  string
>;
const _covered: Covered = zh;
void _covered;

export const lang = signal<Lang>('zh');
const messages = signal<Messages>(zh);

/** BCP 47 tag of the current language (for `lang` attributes and Intl). */
export const locale = computed(() => (lang.value === 'zh' ? 'zh-CN' : 'en'));

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

async function load(l: Lang): Promise<Messages> {
  return l === 'zh' ? zh : (await import('./locales/en.ts')).en;
}

/** Switch the language, remember it on this device and update <html lang>. */
export async function setLang(l: Lang): Promise<void> {
  const m = await load(l);
  messages.value = m;
  lang.value = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
  if (typeof document !== 'undefined') {
    document.documentElement.lang = locale.value;
    document.title = m['app.name'];
  }
}

/** Load the language stored on this device (call before the first render). */
export function initLang(): Promise<void> {
  return setLang(storedLang());
}

export type Vars = Record<string, string | number>;

export function t(key: MessageKey, vars?: Vars): string {
  const s = messages.value[key] ?? zh[key];
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export const statusName = (s: Status): string => t(`status.${s}`);
export const eventName = (e: EventType): string => t(`event.${e}`);
export const actionName = (e: EventType): string => t(`action.${e}`);
export const roleName = (r: Role): string => t(`role.${r}`);
export const priorityName = (p: Priority): string => t(`priority.${p}`);

/** The words for an error code; unknown codes (from a newer relay) fall back to a generic message with the code. */
export function errorText(code: string): string {
  const key = `error.${code}` as MessageKey;
  return key in zh ? t(key) : `${t('error.unexpected')} (${code})`;
}

export function loginErrorText(code: LoginError): string {
  return t(`login.error.${code}`);
}

/** A reference-data name in the current language (org categories, towns...). */
export function localName(x: { name: string; nameEn?: string }): string {
  return lang.value === 'en' && x.nameEn ? x.nameEn : x.name;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function fmt(kind: 'dateTime' | 'time' | 'dateTimeYear'): Intl.DateTimeFormat {
  const key = `${locale.value}|${kind}`;
  let f = formats.get(key);
  if (!f) {
    const base: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false };
    const opts: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? base
        : kind === 'dateTime'
          ? { ...base, month: 'numeric', day: 'numeric' }
          : { ...base, year: 'numeric', month: 'numeric', day: 'numeric' };
    f = new Intl.DateTimeFormat(locale.value, opts);
    formats.set(key, f);
  }
  return f;
}

/** A short date and time; the year only when it is not the current one; the time alone for today. */
export function formatTime(ms: number, nowMs: number = Date.now()): string {
  const d = new Date(ms);
  const now = new Date(nowMs);
  if (d.toDateString() === now.toDateString()) return fmt('time').format(d);
  return fmt(d.getFullYear() === now.getFullYear() ? 'dateTime' : 'dateTimeYear').format(d);
}

/** Full date and time, for timelines and deadlines. */
export function formatDateTime(ms: number): string {
  return fmt('dateTimeYear').format(new Date(ms));
}

export function formatNumber(n: number): string {
  return n.toLocaleString(locale.value);
}
