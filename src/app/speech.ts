/**
 * Issue 14: read-aloud. `speak(text)` says a screen's main instruction or a lesson step in Mandarin (zh-CN) with
 * the device's speech synthesis, or in English when the UI is English. Contract for callers: fire and forget;
 * a new call stops what is being said; `stopSpeaking()` stops it; `speechAvailable()` says whether there is
 * anything to speak with (callers hide their 朗读 button otherwise).
 */
import { lang } from './i18n.ts';

function synth(): SpeechSynthesis | null {
  return typeof speechSynthesis === 'undefined' ? null : speechSynthesis;
}

export function speechAvailable(): boolean {
  return synth() !== null;
}

/** Say `text` now (stops anything being said). Returns false when this device cannot speak. */
export function speak(text: string): boolean {
  const s = synth();
  if (!s || typeof SpeechSynthesisUtterance === 'undefined') return false;
  s.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = lang.peek() === 'en' ? 'en-US' : 'zh-CN';
  u.rate = 0.9;
  s.speak(u);
  return true;
}

export function stopSpeaking(): void {
  synth()?.cancel();
}
