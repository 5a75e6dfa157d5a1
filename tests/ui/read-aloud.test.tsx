// Issue 14: the read-aloud button next to a screen's title: which screens show it (长辈版, residents, signed out),
// what it says (the screen's instruction), and 朗读 / 停止.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initElderMode, setElderMode } from '../../src/app/display.ts';
import { navigate } from '../../src/app/router.ts';
import { clipUrl, stopSpeaking } from '../../src/app/speech.ts';
import { screenRole, ScreenReadAloud } from '../../src/features/shell/ReadAloud.tsx';
import { ScreenTitle, setScreenTitleTools } from '../../src/ui/ScreenTitle.tsx';
import { byText, click, mount, resetLang, type Mounted } from './helpers.ts';

/** An audio element that records what it plays (happy-dom plays nothing). */
class FakeAudio {
  static played: string[] = [];
  onended: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly src: string) {}
  play() {
    FakeAudio.played.push(this.src);
    return Promise.resolve();
  }
  pause() {}
}

describe('read-aloud next to the title', () => {
  const g = globalThis as Record<string, unknown>;
  const saved = { Audio: g.Audio, fetch: g.fetch };
  let m: Mounted | undefined;
  beforeEach(async () => {
    localStorage.clear();
    await resetLang();
    initElderMode();
    FakeAudio.played = [];
    g.Audio = FakeAudio;
    g.fetch = async () => new Response(new Uint8Array(1));
    setScreenTitleTools(ScreenReadAloud);
  });
  afterEach(() => {
    m?.unmount();
    m = undefined;
    stopSpeaking();
    setScreenTitleTools(null);
    screenRole.value = null;
    Object.assign(g, saved);
    localStorage.clear();
    initElderMode();
  });

  const title = () => mount(<ScreenTitle suffix="网格通">标题</ScreenTitle>);

  it('signed out: says the sign-in instruction, and turns into 停止 while it speaks', async () => {
    navigate({ name: 'login' }, { replace: true });
    m = await title();
    const b = byText(m.root, '.screen-head button', '朗读');
    expect(b?.getAttribute('aria-label')).toBe('朗读本页说明');
    await click(b);
    expect(FakeAudio.played).toEqual([clipUrl('login')]);
    await click(byText(m.root, '.screen-head button', '停止'));
    expect(byText(m.root, '.screen-head button', '朗读')).toBeDefined();
  });

  it("a resident's screens have it, with the resident's instruction for the screen", async () => {
    screenRole.value = 'resident';
    navigate({ name: 'cases' }, { replace: true });
    m = await title();
    await click(byText(m.root, '.screen-head button', '朗读'));
    expect(FakeAudio.played).toEqual([clipUrl('residentHome')]);
  });

  it('staff see it in 长辈版 only; the title stands alone otherwise', async () => {
    screenRole.value = 'worker';
    navigate({ name: 'tasks' }, { replace: true });
    m = await title();
    expect(m.root.querySelector('.screen-head button')).toBeNull();
    setElderMode('on');
    await Promise.resolve();
    m.unmount();
    m = await title();
    await click(byText(m.root, '.screen-head button', '朗读'));
    expect(FakeAudio.played).toEqual([clipUrl('tasks')]);
  });
});
