/**
 * Messages and formats. Simplified Chinese is the default; English is loaded on demand. The choice is kept per
 * device in localStorage. `t()` reads a signal, so a component that calls it during render re-renders when the
 * language changes.
 *
 * Only the first screens' messages (locales/zh.ts: sign-in, shell, case list, statuses, events, roles, errors)
 * are in the app shell. The other screens' messages are per-feature packs (locales/<pack>.zh.ts and
 * <pack>.en.ts): a module that uses a pack's keys imports its zh file, which registers itself with
 * `addMessages()` when its lazy chunk is evaluated; the English half is fetched when the language is (or becomes)
 * English, and `messagesReady()` resolves once every registered pack has the current language (lazyScreen waits
 * for it, so a screen never renders before its messages). MessageKey is the union of all packs' keys, through
 * type-only imports that cost nothing at runtime.
 */
import { computed, signal } from '@preact/signals';
import type { EventType } from '../domain/events.ts';
import type { Priority, Role } from '../domain/org.ts';
import type { Status } from '../domain/workflow.ts';
import type { LoginError } from './services.ts';
import type { apikeysZh } from './locales/apikeys.zh.ts';
import type { captureZh } from './locales/capture.zh.ts';
import type { detailZh } from './locales/detail.zh.ts';
import type { geoZh } from './locales/geo.zh.ts';
import type { inboxZh } from './locales/inbox.zh.ts';
import type { trainingZh } from './locales/training.zh.ts';
import type { towntasksZh } from './locales/towntasks.zh.ts';
import type { patrolsZh } from './locales/patrols.zh.ts';
import type { mediationZh } from './locales/mediation.zh.ts';
import type { lessonsZh } from './locales/lessons.zh.ts';
import type { mapZh } from './locales/map.zh.ts';
import type { partyZh } from './locales/party.zh.ts';
import type { peopleZh } from './locales/people.zh.ts';
import type { queueZh } from './locales/queue.zh.ts';
import type { recordsZh } from './locales/records.zh.ts';
import type { reportZh } from './locales/report.zh.ts';
import type { residentZh } from './locales/resident.zh.ts';
import type { showZh } from './locales/show.zh.ts';
import type { statsZh } from './locales/stats.zh.ts';
import type { storageZh } from './locales/storage.zh.ts';
import type { wfZh } from './locales/wf.zh.ts';
import type { accountsZh } from './locales/accounts.zh.ts';
import type { loginZh } from './locales/login.zh.ts';
import type { errorsZh } from './locales/errors.zh.ts';
import type { eventsZh } from './locales/events.zh.ts';
import type { casesZh } from './locales/cases.zh.ts';
import type { voiceZh } from './locales/voice.zh.ts';
import type { sharedpcZh } from './locales/sharedpc.zh.ts';
import type { lockbuttonZh } from './locales/lockbutton.zh.ts';
import type { laterZh } from './locales/later.zh.ts';
import type { exportsZh } from './locales/exports.zh.ts';
import type { staffZh } from './locales/staff.zh.ts';
import type { hallZh } from './locales/hall.zh.ts';
import type { refZh } from './locales/ref.zh.ts';
import type { careZh } from './locales/care.zh.ts';
import type { cohandleZh } from './locales/cohandle.zh.ts';
import { zh, type CoreKey } from './locales/zh.ts';

export type Lang = 'zh' | 'en';
/** Every message key of every pack (compile-time only). */
export type MessageKey =
  | CoreKey
  | keyof typeof apikeysZh
  | keyof typeof captureZh
  | keyof typeof detailZh
  | keyof typeof geoZh
  | keyof typeof inboxZh
  | keyof typeof trainingZh
  | keyof typeof towntasksZh
  | keyof typeof patrolsZh
  | keyof typeof mediationZh
  | keyof typeof lessonsZh
  | keyof typeof mapZh
  | keyof typeof partyZh
  | keyof typeof peopleZh
  | keyof typeof queueZh
  | keyof typeof recordsZh
  | keyof typeof reportZh
  | keyof typeof residentZh
  | keyof typeof showZh
  | keyof typeof statsZh
  | keyof typeof storageZh
  | keyof typeof wfZh
  | keyof typeof accountsZh
  | keyof typeof loginZh
  | keyof typeof errorsZh
  | keyof typeof eventsZh
  | keyof typeof casesZh
  | keyof typeof voiceZh
  | keyof typeof sharedpcZh
  | keyof typeof lockbuttonZh
  | keyof typeof laterZh
  | keyof typeof exportsZh
  | keyof typeof staffZh
  | keyof typeof hallZh
  | keyof typeof refZh
  | keyof typeof careZh
  | keyof typeof cohandleZh;
type Table = Partial<Record<MessageKey, string>>;

const STORAGE_KEY = 'gl:lang';

// Compile-time checks that every status, event, role, priority and error code has a message.
type Covered = Record<
  | `status.${Status}`
  | `role.${Role}`
  | `priority.${Priority}`,
  string
>;
const _covered: Covered = zh;
void _covered;

export const lang = signal<Lang>('zh');
/** The current language's messages of every registered pack whose half for that language is loaded. */
const messages = signal<Table>(zh);
/** Every registered pack's Chinese, the fallback while a pack's English is still on its way. */
const zhAll: Table = { ...zh };

/** BCP 47 tag of the current language (for `lang` attributes and Intl). */
export const locale = computed(() => (lang.value === 'zh' ? 'zh-CN' : 'en'));

interface Pack {
  zh: Table;
  en: Table | null;
  loadEn: () => Promise<Table>;
  loadingEn: Promise<void> | null;
}

const packs: Pack[] = [{ zh, en: null, loadEn: () => import('./locales/en.ts').then((m) => m.en), loadingEn: null }];
/** The language asked for last (setLang sets it at once; `lang` follows when its messages are loaded). */
let wanted: Lang = 'zh';
const pending = new Set<Promise<void>>();

function ensure(p: Pack, l: Lang): Promise<void> {
  if (l === 'zh' || p.en) return Promise.resolve();
  return (p.loadingEn ??= p.loadEn().then(
    (m) => {
      p.en = m;
    },
    (e: unknown) => {
      p.loadingEn = null;
      throw e;
    },
  ));
}

function table(l: Lang): Table {
  const out: Table = {};
  for (const p of packs) Object.assign(out, l === 'zh' ? p.zh : p.en);
  return out;
}

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/**
 * Register a feature's message pack: its Chinese now, its English (same keys) when the language is English.
 * Called by the pack's zh module when its chunk is evaluated.
 */
export function addMessages<K extends MessageKey>(zhPack: Record<K, string>, loadEn: () => Promise<Record<K, string>>): void {
  const p: Pack = { zh: zhPack, en: null, loadEn, loadingEn: null };
  packs.push(p);
  Object.assign(zhAll, zhPack);
  if (lang.value === 'zh') messages.value = { ...messages.value, ...zhPack };
  if (wanted === 'en') {
    const done = ensure(p, 'en').then(
      () => {
        if (lang.value === 'en' && wanted === 'en') messages.value = table('en');
      },
      () => undefined, // Offline and not cached: the Chinese stays as the fallback; the next setLang retries.
    );
    pending.add(done);
    void done.finally(() => pending.delete(done));
  }
}

/** Resolves when every registered pack has its messages in the current language (or failed to load them). */
export async function messagesReady(): Promise<void> {
  while (pending.size) await Promise.all(pending);
}

/** Switch the language, remember it on this device and update <html lang>. */
export async function setLang(l: Lang): Promise<void> {
  wanted = l;
  // The shell's own messages must load; a feature pack that cannot (offline, not cached) falls back to Chinese.
  try {
    await Promise.all(packs.map((p, i) => (i === 0 ? ensure(p, l) : ensure(p, l).catch(() => undefined))));
  } catch (e) {
    if (wanted === l) wanted = lang.value;
    throw e;
  }
  if (wanted !== l) return; // Another switch came after this one.
  const m = table(l);
  messages.value = m;
  lang.value = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
  if (typeof document !== 'undefined') {
    document.documentElement.lang = locale.value;
    document.title = m['app.name'] ?? zh['app.name'];
  }
}

/** Load the language stored on this device (call before the first render). */
export function initLang(): Promise<void> {
  return setLang(storedLang());
}

export type Vars = Record<string, string | number>;

export function t(key: MessageKey, vars?: Vars): string {
  const s = messages.value[key] ?? zhAll[key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export const statusName = (s: Status): string => t(`status.${s}`);
export const eventName = (e: EventType): string => t(`event.${e}`);
export const actionName = (e: EventType): string => t(`action.${e}`);
export const roleName = (r: Role): string => t(`role.${r}`);
export const priorityName = (p: Priority): string => t(`priority.${p}`);

/**
 * The words for an error code; unknown codes (from a newer relay) fall back to a generic message with the code.
 * The caller's module imports locales/errors.zh.ts (the words are not in the first bundle).
 */
export function errorText(code: string): string {
  const key = `error.${code}` as MessageKey;
  return key in zhAll ? t(key) : `${t('error.unexpected')} (${code})`;
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

const numberFormats = new Map<string, Intl.NumberFormat>();
/** As `n.toLocaleString(locale)`, with one Intl.NumberFormat per locale (toLocaleString builds one per call: slow). */
export function formatNumber(n: number): string {
  const key = locale.value;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(key)));
  return f.format(n);
}
