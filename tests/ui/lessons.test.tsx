// Issue 14: the lesson player over a small fixture screen, a pretend-screen lesson, the list of lessons and the
// step cards. Speech is a stub that records what is said (happy-dom has no speechSynthesis).
import { useState } from 'preact/hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseHash, routeHref } from '../../src/app/router.ts';
import { parseLesson, type Lesson, type LessonResult } from '../../src/domain/lessons.ts';
import { LessonPlayer, lessonById } from '../../src/features/training/LessonPlayer.tsx';
import { LessonsScreen } from '../../src/features/training/LessonsScreen.tsx';
import { LessonCards } from '../../src/features/training/StepCards.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, type, waitFor, type Mounted } from './helpers.ts';

let spoken: string[] = [];
beforeEach(async () => {
  await resetLang();
  spoken = [];
  // A device with a Mandarin voice (speech.ts speaks through speechSynthesis only then, or when none is listed yet).
  vi.stubGlobal('speechSynthesis', { speak: (u: { text: string }) => spoken.push(u.text), cancel: () => undefined, getVoices: () => [{ lang: 'zh-CN', name: 'Mandarin' }] });
  vi.stubGlobal(
    'SpeechSynthesisUtterance',
    class {
      lang = '';
      rate = 1;
      constructor(readonly text: string) {}
    },
  );
  location.hash = '#/';
});
let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
  vi.unstubAllGlobals();
});

const zhEn = (zh: string) => ({ zh, en: zh });
function fixtureLesson(): Lesson {
  const r = parseLesson({
    id: 'fixture',
    skill: 'fixture_skill',
    title: zhEn('练习'),
    summary: zhEn('一个练习'),
    steps: [
      { say: zhEn('点「出发」。'), hint: zhEn('出发在左边。'), target: 'go', done: 'tap' },
      { say: zhEn('写上名字。'), target: 'name', done: 'type' },
      { say: zhEn('看一看。'), done: 'read' },
      { say: zhEn('选一个。'), area: 'choices', target: 'good', wrong: { bad: zhEn('这个不好，因为它不好。') }, done: 'tap' },
      { say: zhEn('去上报。'), target: 'link', done: 'route', route: 'report' },
    ],
  });
  if (!r.ok) throw new Error(r.error);
  return r.lesson;
}

/** The screen the lesson runs over: what the app did is recorded in `did`. */
function Fixture({ did }: { did: string[] }) {
  const [name, setName] = useState('');
  return (
    <div>
      <button type="button" data-lesson="go" onClick={() => did.push('go')}>
        出发
      </button>
      <button type="button" data-lesson="other" onClick={() => did.push('other')}>
        别的
      </button>
      <div data-lesson-free>
        <button type="button" data-lesson="host" onClick={() => did.push('host')}>
          主人的按钮
        </button>
      </div>
      <input data-lesson="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <input data-lesson="elsewhere" onKeyDown={() => did.push('typed elsewhere')} />
      <div data-lesson="choices">
        <button type="button" data-lesson="bad" onClick={() => did.push('bad')}>
          坏的
        </button>
        <button type="button" data-lesson="good" onClick={() => did.push('good')}>
          好的
        </button>
      </div>
      <button type="button" data-lesson="link" onClick={() => (location.hash = '#/report')}>
        上报
      </button>
    </div>
  );
}

const el = (name: string) => mustFind(document.body, `[data-lesson~="${name}"]`);
const panel = () => mustFind(document.body, '.lp-panel');
const button = (text: string) => byText(panel(), 'button', text);
const said = () => mustFind(document.body, '.lp-say').textContent;

describe('the lesson player', () => {
  it('stops a tap outside the target (a counted, safe mistake), lets the right tap through and advances', async () => {
    const did: string[] = [];
    const results: LessonResult[] = [];
    m = await mount(
      <>
        <Fixture did={did} />
        <LessonPlayer lesson={fixtureLesson()} onFinish={(r) => results.push(r)} onExit={() => undefined} />
      </>,
    );
    expect(said()).toBe('点「出发」。');
    expect(spoken).toEqual(['点「出发」。']);
    expect(mustFind(document.body, '.lp-say').getAttribute('aria-live')).toBe('polite');

    await click(el('other'));
    expect(did).toEqual([]); // never reached the app
    expect(mustFind(document.body, '.lp-note').textContent).toBe('没关系，再试一次。出发在左边。');
    expect(spoken.at(-1)).toBe('没关系，再试一次。出发在左边。');
    expect(said()).toBe('点「出发」。');

    // The host's own controls (data-lesson-free) stay usable, and are no mistake.
    await click(el('host'));
    expect(did).toEqual(['host']);
    did.length = 0;

    await click(el('go'));
    expect(did).toEqual(['go']);
    await waitFor(() => said() === '写上名字。', 'step 2');

    // Writing elsewhere is stopped; 下一步 before writing is a mistake; then write and go on.
    el('elsewhere').dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true, cancelable: true }));
    expect(did).toEqual(['go']);
    await click(button('下一步'));
    expect(said()).toBe('写上名字。');
    expect(mustFind(document.body, '.lp-note').textContent).toBe('请先写几个字，再点「下一步」。');
    await type(el('name'), '王大爷');
    await waitFor(() => button('下一步')?.getAttribute('aria-disabled') !== 'true', 'the name noticed');
    await click(button('下一步'));
    await waitFor(() => said() === '看一看。', 'step 3');

    // A read step: a tap on the app is stopped but is no mistake.
    await click(el('other'));
    expect(did).toEqual(['go']);
    expect(mustFind(document.body, '.lp-note').textContent).toBe('看好了，就点「下一步」。');
    await click(button('再听一遍'));
    expect(spoken.at(-1)).toBe('看一看。');
    await click(button('下一步'));
    await waitFor(() => said() === '选一个。', 'step 4');

    // A wrong choice says why, kindly, and does not reach the app.
    await click(el('bad'));
    expect(did).toEqual(['go']);
    expect(mustFind(document.body, '.lp-note').textContent).toBe('这个不好，因为它不好。');
    await click(el('good'));
    await waitFor(() => said() === '去上报。', 'step 5');
    expect(did).toEqual(['go', 'good']);

    // A route step ends when the app gets there; then 完成 reports the counts.
    await click(el('link'));
    await waitFor(() => byText(panel(), 'h2', '学会了'), 'the end');
    expect(results).toEqual([]);
    await click(button('完成'));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ lessonId: 'fixture', skill: 'fixture_skill', steps: 5, mistakes: 3, replays: 1 });
    expect(results[0]!.ms).toBeGreaterThanOrEqual(0);
  });

  it('replays the instruction, goes back a step, and exits', async () => {
    let exits = 0;
    m = await mount(
      <>
        <Fixture did={[]} />
        <LessonPlayer lesson={fixtureLesson()} onFinish={() => undefined} onExit={() => exits++} />
      </>,
    );
    await click(button('再听一遍'));
    await click(button('再听一遍'));
    expect(spoken).toEqual(['点「出发」。', '点「出发」。', '点「出发」。']);
    expect(button('上一步')?.hasAttribute('disabled')).toBe(true);
    await click(el('go'));
    await waitFor(() => said() === '写上名字。', 'step 2');
    await waitFor(() => !button('上一步')?.hasAttribute('disabled'), 'back offered');
    await click(button('上一步'));
    expect(said()).toBe('点「出发」。');
    await click(button('退出'));
    expect(exits).toBe(1);
  });
});

describe('a pretend-screen lesson: spot a scam', () => {
  it('draws its scenes; a wrong choice is explained and the lesson goes on', async () => {
    const lesson = lessonById('spot_scam')!;
    const results: LessonResult[] = [];
    m = await mount(<LessonPlayer lesson={lesson} onFinish={(r) => results.push(r)} onExit={() => undefined} />);
    await click(button('下一步'));
    await click(el('sms-open'));
    await waitFor(() => document.querySelector('[data-lesson~="sms-actions"]'), 'the message');
    await click(byText(document.body, '.sc-choices button', '点链接领奖'));
    expect(mustFind(document.body, '.lp-note').textContent).toContain('说您中奖、要先交钱的，都是骗子');
    await click(el('sms-delete'));
    await waitFor(() => document.querySelector('.sc-call'), 'the call');
    await click(button('下一步'));
    await click(el('call-hangup'));
    await click(el('tell-family'));
    await click(button('下一步'));
    await click(button('完成'));
    expect(results[0]).toMatchObject({ lessonId: 'spot_scam', skill: 'spot_scam', steps: 7, mistakes: 1, replays: 0 });
  });
});

describe('the lessons screen and the step cards', () => {
  it('has its routes: #/lessons and #/lessons/<id>/cards', () => {
    expect(parseHash('#/lessons')).toEqual({ name: 'lessons' });
    expect(parseHash('#/lessons/spot_scam/cards')).toEqual({ name: 'lessonCards', id: 'spot_scam' });
    expect(routeHref({ name: 'lessonCards', id: 'video_call' })).toBe('#/lessons/video_call/cards');
    expect(parseHash('#/lessons/Bad%20id/cards').name).toBe('notFound');
    expect(parseHash('#/lessons/spot_scam').name).toBe('notFound');
  });

  const world = new FakeWorld();
  const trainer = () => new FakeSession(world, world.org.user('trainer01')!);

  it('lists the lessons; a scene lesson runs here, a Gridlink one says it runs in 练习模式', async () => {
    m = await mount(<LessonsScreen session={trainer()} />);
    expect(m.root.querySelectorAll('.ls-card')).toHaveLength(5);
    await click(m.root.querySelector('button[aria-label="开始：随手拍：报一个问题"]'));
    expect(mustFind(m.root, '.ls-notice').textContent).toContain('要在练习模式里上');
    expect(document.querySelector('.lp-panel')).toBeNull();
    await click(m.root.querySelector('button[aria-label="开始：给儿女打视频电话"]'));
    expect(document.querySelector('.lp-scene [data-lesson="contact-son"]')).not.toBeNull();
    await click(button('退出'));
    expect(document.querySelector('.lp-panel')).toBeNull();
    expect(mustFind(m.root, '.ls-notice').textContent).toContain('已退出「给儿女打视频电话」');
    expect(mustFind<HTMLAnchorElement>(m.root, 'a[href="#/lessons/spot_scam/cards"]').textContent).toBe('打印步骤卡');
  });

  it('prints one large card per step with a box to tick, on the paper chosen', async () => {
    m = await mount(<LessonCards session={trainer()} id="spot_scam" />);
    await settle();
    const cards = m.root.querySelectorAll('.lc-card');
    expect(cards).toHaveLength(lessonById('spot_scam')!.steps.length);
    expect(cards[0]!.textContent).toContain('第 1 步');
    expect(cards[0]!.querySelector('.lc-box')?.getAttribute('aria-label')).toBe('学会了就在这里打勾');
    expect(mustFind(m.root, '.lc-print').classList.contains('lc-a4')).toBe(true);
    await click(byText(m.root, 'label', 'A5'));
    expect(mustFind(m.root, '.lc-print').classList.contains('lc-a5')).toBe(true);
  });
});
