/**
 * Issue 14: read-aloud. `speak(text)` says a screen's main instruction or a lesson step in Mandarin (zh-CN) with
 * the device's speech synthesis, or in English when the UI is English. Contract for callers: fire and forget;
 * never throws; a new call stops what is being said; `stopSpeaking()` stops it; `speaking` is true while something
 * is being said; `canSpeak(text)` says whether this device can say `text` at all (callers hide their 朗读 button
 * otherwise); `speechAvailable()` whether it can say anything.
 *
 * Where the device has no Chinese voice (no speechSynthesis, or getVoices() lists voices and none is Mandarin), the
 * screens' instructions are played from short clips recorded at development time (scripts/voice-clips.ts:
 * public/voice/<screen>.opus, precached by the service worker, so this works offline too). A text that is not one
 * of the clips' (a lesson step, say) is then not said, and `speak` returns false. The choice is
 * `chooseVoicePath`, a pure function (tests/unit/voice.test.ts).
 */
import { signal } from '@preact/signals';
import { lang, type Lang } from './i18n.ts';
import { voiceZh } from './locales/voice.zh.ts';

export type VoicePath = 'synth' | 'clip' | 'none';

interface VoiceLike {
  lang: string;
}

/** A voice that speaks Mandarin (zh-CN, zh_CN on Android, cmn-…, zh-TW); not Cantonese (zh-HK, yue). */
export function isMandarinVoice(v: VoiceLike): boolean {
  const l = v.lang.replace(/_/g, '-').toLowerCase();
  if (l.startsWith('cmn')) return true;
  return (l === 'zh' || l.startsWith('zh-')) && !/(^|-)(hk|mo|yue)(-|$)/.test(l);
}

const isEnglishVoice = (v: VoiceLike) => v.lang.replace(/_/g, '-').toLowerCase().startsWith('en');

/**
 * How to say a text:
 *  - the device's speech synthesis when it lists a voice for the language;
 *  - else the recorded clip when there is one for this text (Chinese only);
 *  - else speech synthesis when it lists no voices at all (some engines list none until they are first used, or
 *    never, and still speak);
 *  - else nothing.
 * `voices` is null when there is no speech synthesis.
 */
export function chooseVoicePath(o: { voices: readonly VoiceLike[] | null; lang: Lang; clip: boolean }): VoicePath {
  const match = o.lang === 'en' ? isEnglishVoice : isMandarinVoice;
  if (o.voices?.some(match)) return 'synth';
  if (o.clip && o.lang === 'zh') return 'clip';
  if (o.voices && o.voices.length === 0) return 'synth';
  return 'none';
}

/** The recorded clips: a screen instruction's Chinese text -> its file (the ids of `voice.i.<id>` keys). */
export const CLIP_IDS: readonly string[] = Object.keys(voiceZh)
  .filter((k) => k.startsWith('voice.i.'))
  .map((k) => k.slice('voice.i.'.length));
const clipText = (id: string): string => voiceZh[`voice.i.${id}` as keyof typeof voiceZh];
/** FNV-1a of a text, base 36: a clip's URL changes with its text, so the service worker's cache never serves a stale one. */
function textTag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}
export const clipUrl = (id: string): string => `/voice/${id}.opus?t=${textTag(clipText(id))}`;
const norm = (s: string) => s.replace(/\s+/g, '');
let clipsByText: Map<string, string> | null = null;
/** The clip that says exactly `text` (whitespace aside), or null. */
export function clipFor(text: string): string | null {
  clipsByText ??= new Map(CLIP_IDS.map((id) => [norm(clipText(id)), clipUrl(id)]));
  return clipsByText.get(norm(text)) ?? null;
}

let warmed = false;
/**
 * Fetch every clip once (one after another, in the background), so that the service worker holds them all and
 * they play offline. Called when this device turns out to need them (canSpeak chose a clip), once per page load
 * (fetches the service worker answers from its cache after the first time).
 */
export function warmClips(fetchFn: typeof fetch | undefined = globalThis.fetch): void {
  // Only under a service worker: it is what keeps them (without one, the next load would fetch them all again).
  if (warmed || !fetchFn || typeof navigator === 'undefined' || !navigator.serviceWorker?.controller) return;
  warmed = true;
  void (async () => {
    for (const id of CLIP_IDS) {
      try {
        await (await fetchFn(clipUrl(id))).arrayBuffer();
      } catch {
        // Offline now: the clips played later are cached as they play; the next page load tries again.
      }
    }
  })();
}

function synth(): SpeechSynthesis | null {
  return typeof speechSynthesis === 'undefined' || typeof SpeechSynthesisUtterance === 'undefined' ? null : speechSynthesis;
}

let voices: SpeechSynthesisVoice[] | null = null;
function voiceList(): SpeechSynthesisVoice[] | null {
  const s = synth();
  if (!s) return null;
  if (voices === null) {
    voices = s.getVoices();
    // Chrome lists its voices only after a while: keep the list current.
    s.addEventListener?.('voiceschanged', () => (voices = s.getVoices()));
  }
  return voices.length ? voices : (voices = s.getVoices());
}

/** True while this module is saying something (the 朗读 button turns into 停止). */
export const speaking = signal(false);
let audio: HTMLAudioElement | null = null;
let turn = 0;

export function speechAvailable(): boolean {
  return synth() !== null || typeof Audio !== 'undefined';
}

/** Whether this device can say `text` in the current language (see chooseVoicePath). */
export function canSpeak(text: string): boolean {
  try {
    const clip = typeof Audio !== 'undefined' && clipFor(text) !== null;
    const path = chooseVoicePath({ voices: voiceList(), lang: lang.peek(), clip });
    if (path === 'clip') warmClips();
    return path !== 'none';
  } catch {
    return false;
  }
}

/** Say `text` now (stops anything being said). Returns false when this device cannot say it. Never throws. */
export function speak(text: string): boolean {
  try {
    stopSpeaking();
    const l = lang.peek();
    const url = typeof Audio !== 'undefined' ? clipFor(text) : null;
    const list = voiceList();
    const path = chooseVoicePath({ voices: list, lang: l, clip: url !== null });
    const mine = ++turn;
    const done = () => {
      if (turn === mine) speaking.value = false;
    };
    if (path === 'synth') {
      const u = new SpeechSynthesisUtterance(text);
      u.lang = l === 'en' ? 'en-US' : 'zh-CN';
      const voice = list?.find(l === 'en' ? isEnglishVoice : isMandarinVoice);
      if (voice) u.voice = voice;
      u.rate = 0.9;
      u.onend = done;
      u.onerror = done;
      speaking.value = true;
      synth()!.speak(u);
      return true;
    }
    if (path === 'clip' && url) {
      const a = new Audio(url);
      audio = a;
      a.onended = done;
      a.onerror = done;
      speaking.value = true;
      void a.play()?.catch(done);
      return true;
    }
    return false;
  } catch {
    speaking.value = false;
    return false;
  }
}

export function stopSpeaking(): void {
  turn++;
  speaking.value = false;
  try {
    synth()?.cancel();
    audio?.pause();
  } catch {
    // Nothing to stop.
  }
  audio = null;
}
