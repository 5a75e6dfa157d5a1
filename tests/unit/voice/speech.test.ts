// Issue 14: how read-aloud says a text (src/app/speech.ts): the device's Mandarin voice when it has one, else the
// recorded clip of a known instruction, else nothing, never an exception; and which instruction each screen has.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLang } from '../../../src/app/i18n.ts';
import { voiceZh } from '../../../src/app/locales/voice.zh.ts';
import { canSpeak, chooseVoicePath, clipFor, clipUrl, CLIP_IDS, isMandarinVoice, speak, speaking, stopSpeaking } from '../../../src/app/speech.ts';
import { instructionId } from '../../../src/features/shell/ReadAloud.tsx';
import type { Route } from '../../../src/app/router.ts';
import { ROLES } from '../../../src/domain/org.ts';

const v = (...langs: string[]) => langs.map((lang) => ({ lang }));

describe('chooseVoicePath', () => {
  it('uses a Mandarin voice when the device lists one, in any of the forms platforms spell it', () => {
    for (const lang of ['zh-CN', 'zh_CN', 'cmn-Hans-CN', 'zh-TW', 'zh', 'ZH-cn']) {
      expect(chooseVoicePath({ voices: v('en-US', lang), lang: 'zh', clip: true }), lang).toBe('synth');
    }
  });

  it('plays the clip when the device has no Mandarin voice (none at all, only other languages, only Cantonese)', () => {
    expect(chooseVoicePath({ voices: null, lang: 'zh', clip: true })).toBe('clip');
    expect(chooseVoicePath({ voices: v('en-US', 'de-DE'), lang: 'zh', clip: true })).toBe('clip');
    expect(chooseVoicePath({ voices: v('zh-HK', 'yue-HK', 'zh_HK'), lang: 'zh', clip: true })).toBe('clip');
    expect(isMandarinVoice({ lang: 'zh-HK' })).toBe(false);
  });

  it('says nothing of a text without a clip where there is no Mandarin voice, but tries an engine that lists no voices yet', () => {
    expect(chooseVoicePath({ voices: null, lang: 'zh', clip: false })).toBe('none');
    expect(chooseVoicePath({ voices: v('en-US'), lang: 'zh', clip: false })).toBe('none');
    expect(chooseVoicePath({ voices: [], lang: 'zh', clip: false })).toBe('synth');
    // A known instruction plays its clip rather than trust an engine that lists nothing.
    expect(chooseVoicePath({ voices: [], lang: 'zh', clip: true })).toBe('clip');
  });

  it('in English uses an English voice, and never a Chinese clip', () => {
    expect(chooseVoicePath({ voices: v('en-GB'), lang: 'en', clip: false })).toBe('synth');
    expect(chooseVoicePath({ voices: v('zh-CN'), lang: 'en', clip: true })).toBe('none');
    expect(chooseVoicePath({ voices: null, lang: 'en', clip: true })).toBe('none');
  });
});

describe('every screen has an instruction with a clip', () => {
  const NAMES: Array<Route['name']> = ['login', 'signup', 'home', 'cases', 'case', 'report', 'board', 'work', 'tasks', 'village', 'stats', 'map', 'people', 'party', 'geo', 'storage', 'me', 'invites', 'inbox', 'apikeys', 'nearby', 'notFound'];
  it('for every role and signed out', () => {
    for (const role of [null, ...ROLES]) {
      for (const name of NAMES) {
        const id = instructionId(name, role);
        expect(CLIP_IDS, `${role} ${name}`).toContain(id);
        expect(clipFor(voiceZh[`voice.i.${id}` as keyof typeof voiceZh])).toBe(clipUrl(id));
      }
    }
    expect(instructionId('cases', 'resident')).toBe('residentHome');
    expect(instructionId('cases', 'worker')).toBe('cases');
    expect(instructionId('home', null)).toBe('login');
  });
});

/** A stand-in for HTMLAudioElement: records what it was asked to play. */
class FakeAudio {
  static played: string[] = [];
  static fail = false;
  onended: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly src: string) {}
  play(): Promise<void> {
    if (FakeAudio.fail) return Promise.reject(new Error('NotAllowedError'));
    FakeAudio.played.push(this.src);
    return Promise.resolve();
  }
  pause(): void {}
}

describe('speak() on a device without a Chinese voice', () => {
  const g = globalThis as Record<string, unknown>;
  beforeEach(async () => {
    await setLang('zh');
    FakeAudio.played = [];
    FakeAudio.fail = false;
    g.Audio = FakeAudio;
    g.fetch = async () => new Response(new Uint8Array(1)); // warmClips
  });
  afterEach(() => {
    stopSpeaking();
    delete g.Audio;
    delete g.speechSynthesis;
    delete g.SpeechSynthesisUtterance;
  });

  it("plays a known instruction's clip, also for the same text spoken by a lesson (whitespace aside)", () => {
    expect(speak(voiceZh['voice.i.login'])).toBe(true);
    expect(FakeAudio.played).toEqual([clipUrl('login')]);
    expect(speaking.value).toBe(true);
    expect(speak(` ${voiceZh['voice.i.residentReport']}\n`)).toBe(true);
    expect(FakeAudio.played.at(-1)).toBe(clipUrl('residentReport'));
    expect(canSpeak(voiceZh['voice.i.me'])).toBe(true);
  });

  it('does nothing visible and never throws for a text without a clip, or when playing is refused', async () => {
    expect(speak('第三步：点一下红色的按钮。')).toBe(false);
    expect(FakeAudio.played).toEqual([]);
    expect(canSpeak('第三步：点一下红色的按钮。')).toBe(false);
    FakeAudio.fail = true;
    expect(() => speak(voiceZh['voice.i.login'])).not.toThrow();
    await Promise.resolve();
    await Promise.resolve();
    expect(speaking.value).toBe(false);
    delete g.Audio; // no audio element either: nothing at all to say with
    expect(speak(voiceZh['voice.i.login'])).toBe(false);
  });

  it("uses the device's Mandarin voice when it has one", () => {
    const said: Array<{ text: string; lang: string; voice: unknown }> = [];
    const zh = { lang: 'zh-CN', name: 'Tingting' };
    g.SpeechSynthesisUtterance = class {
      lang = '';
      voice: unknown = null;
      rate = 1;
      constructor(readonly text: string) {}
    };
    g.speechSynthesis = {
      getVoices: () => [{ lang: 'en-US', name: 'Alex' }, zh],
      addEventListener: () => undefined,
      cancel: () => undefined,
      speak: (u: { text: string; lang: string; voice: unknown }) => said.push({ text: u.text, lang: u.lang, voice: u.voice }),
    };
    expect(speak('第三步：点一下红色的按钮。')).toBe(true);
    expect(said).toEqual([{ text: '第三步：点一下红色的按钮。', lang: 'zh-CN', voice: zh }]);
    expect(FakeAudio.played).toEqual([]);
  });
});
