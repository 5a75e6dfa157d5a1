/**
 * The lesson player (issue 14): runs one lesson (src/domain/lessons.ts) over whatever is on screen — the practice
 * copy of the resident app, or a pretend screen it draws itself (scenes.tsx) — one step at a time.
 *
 * Contract for the host (the practice sandbox, #/lessons):
 *  - Render `<LessonPlayer lesson onFinish onExit />` next to the screens the lesson is about, keyed by the lesson's
 *    id (a new lesson is a new player). It draws itself over the page (fixed position): the lit target, the panel
 *    with the instruction and its buttons, and a step's scene.
 *  - While it runs, every click and every keystroke into a field outside the current target is stopped before the
 *    app sees it (a capture listener on window), except inside `[data-lesson-free]` (the host's own controls,
 *    such as the sandbox's banner): a tap elsewhere is a safe mistake — nothing happens to the app,
 *    the player says 没关系，再试一次 and the step's hint, and counts it. On a route or appear step the target's own
 *    clicks reach the app (拍照 opens the camera: its hidden file input is inside the target). A tap on a wrong choice of a quiz says why
 *    it is wrong, kindly, and counts too. On a read step taps elsewhere only remind the learner of 下一步.
 *  - The target is found by `data-lesson~="<name>"`, followed as it moves or scrolls (each animation frame), and
 *    waited for after a route change (a lazy screen may take a moment).
 *  - `onExit()` when the learner or trainer taps 退出; `onFinish(result)` when they tap 完成 after the last step
 *    (result: steps, mistakes, replays, ms from the first step to the last step done).
 * Each instruction is spoken with speak() (src/app/speech.ts) and can be heard again (🔊 再听一遍, counted; shown
 * when the device can speak at all, as speech.ts asks of its callers).
 */
import '../../app/locales/lessons.zh.ts';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { lang, t } from '../../app/i18n.ts';
import { parseHash } from '../../app/router.ts';
import { speak, speechAvailable, stopSpeaking } from '../../app/speech.ts';
import type { Lesson, LessonResult, LessonStep, LessonText } from '../../domain/lessons.ts';
import { Icon, Svg } from '../../ui/icons.tsx';
import { SceneView } from './scenes.tsx';
import './lessons.css';

export { allLessons, lessonById } from './lessons.ts';

export interface LessonPlayerProps {
  lesson: Lesson;
  onFinish(result: LessonResult): void;
  onExit(): void;
}

const SPEAKER = 'M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 010 6M18.5 6.5a8 8 0 010 11';
/** How far the lit ring is drawn outside its target (px). */
const RING_PAD = 8;
/** How long a missing target is waited for before the panel says it cannot be found (a route change, a slow chunk). */
const LOST_AFTER_MS = 6_000;

const words = (x: LessonText) => (lang.value === 'en' ? x.en : x.zh);
const named = (name: string) => `[data-lesson~="${name}"]`;
/** What the host keeps usable during a lesson (the sandbox's own banner: 重置, 结束练习): never stopped. */
const FREE = '[data-lesson-free]';
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The element named `name` the learner can see: the first one with a box, else the first one not hidden. */
function findNamed(name: string, panel: Element | null): HTMLElement | null {
  let fallback: HTMLElement | null = null;
  for (const el of document.querySelectorAll<HTMLElement>(named(name))) {
    if (panel?.contains(el) || el.closest('[hidden]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) return el;
    fallback ??= el;
  }
  return fallback;
}

function isEditable(el: Element): boolean {
  return el.matches('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
}

interface Box {
  top: number;
  left: number;
  width: number;
  height: number;
}

/** A tap on the target ends a tap step; one on a route step's target lets the app go there. */
const waitsForTap = (s: LessonStep) => s.done === 'tap';

export function LessonPlayer({ lesson, onFinish, onExit }: LessonPlayerProps) {
  const [index, setIndex] = useState(0);
  const [note, setNote] = useState<{ tone: 'mistake' | 'info'; text: string } | null>(null);
  const [result, setResult] = useState<LessonResult | null>(null);
  const [box, setBox] = useState<Box | null>(null);
  const [lost, setLost] = useState(false);
  const [typed, setTyped] = useState(false);
  const [canBack, setCanBack] = useState(false);
  const [panelH, setPanelH] = useState(0);
  const [atTop, setAtTop] = useState(false);
  const panel = useRef<HTMLElement>(null);
  const sayRef = useRef<HTMLParagraphElement>(null);
  const nextRef = useRef<HTMLButtonElement>(null);
  const doneRef = useRef<HTMLButtonElement>(null);
  const indexRef = useRef(0);
  const resultRef = useRef<LessonResult | null>(null);
  const found = useRef<HTMLElement | null>(null);
  const counts = useRef({ mistakes: 0, replays: 0 });
  const startedAt = useRef(Date.now());
  const stepHash = useRef('');
  indexRef.current = index;
  const step = lesson.steps[index]!;

  const finish = () => {
    const r: LessonResult = {
      lessonId: lesson.id,
      skill: lesson.skill,
      steps: lesson.steps.length,
      mistakes: counts.current.mistakes,
      replays: counts.current.replays,
      ms: Date.now() - startedAt.current,
    };
    resultRef.current = r;
    setResult(r);
    speak(`${t('lesson.doneTitle')}${t('lesson.doneText', { title: words(lesson.title) })}`);
  };

  /** The step `from` is done: the next one, or the end. Ignored when the lesson has moved on already (a double tap). */
  const advanceFrom = (from: number) => {
    if (indexRef.current !== from || resultRef.current) return;
    if (from + 1 >= lesson.steps.length) finish();
    else {
      indexRef.current = from + 1;
      setIndex(from + 1);
    }
  };

  const mistake = (text: string, kind: 'retry' | 'plain' = 'retry') => {
    counts.current.mistakes += 1;
    const full = kind === 'retry' ? `${t('lesson.mistake')}${text}` : text;
    setNote({ tone: 'mistake', text: full });
    speak(full);
  };
  const info = (text: string) => {
    setNote({ tone: 'info', text });
    speak(text);
  };

  // A new step: say it, forget the last step's target and note, remember where the app was (for route steps).
  useLayoutEffect(() => {
    setNote(null);
    setLost(false);
    setTyped(false);
    setBox(null);
    found.current = null;
    stepHash.current = location.hash;
    speak(words(step.say));
    const s = step;
    const timer = s.target ? setTimeout(() => !found.current && setLost(true), LOST_AFTER_MS) : undefined;
    // Keyboard and screen-reader users: a step with nothing to use starts on 下一步; the others on what is to be
    // used once it is found (onFound).
    if (!s.target) nextRef.current?.focus();
    return () => clearTimeout(timer);
  }, [index]);

  useEffect(() => () => stopSpeaking(), []);

  // Each frame: find and follow the target, notice a route reached, a field written in, room for the panel.
  useEffect(() => {
    let raf = 0;
    let last = '';
    // Scrolls made to bring the target out from under the panel, per step and panel height: a few at most (the
    // screen may scroll itself once after the target appears; one that cannot be scrolled further stays).
    let scrolled = { for: '', n: 0 };
    const root = document.documentElement;
    const tick = () => {
      const i = indexRef.current;
      const s = lesson.steps[i]!;
      const p = panel.current;
      const name = s.area ?? s.target;
      const el = resultRef.current || !name ? null : findNamed(name, p);
      if (el && el !== found.current) {
        found.current = el;
        setLost(false);
        onFound(el, s);
      } else if (!el) found.current = null;
      const r = el?.getBoundingClientRect();
      const ph = p?.offsetHeight ?? 0;
      const key = r ? `${r.top}|${r.left}|${r.width}|${r.height}|${ph}` : `-|${ph}`;
      if (key !== last) {
        last = key;
        setBox(r ? { top: r.top, left: r.left, width: r.width, height: r.height } : null);
        setPanelH(ph);
        // The panel sits at the bottom; above the target when the target is down there and there is room on top.
        setAtTop(Boolean(r && r.bottom > innerHeight - ph && r.top > ph));
        // The ring is drawn RING_PAD outside the target: it too stays clear of the panel.
        root.style.scrollPaddingBottom = `${ph + RING_PAD + 4}px`;
        // Room under the page as tall as the panel: a target near the bottom can always scroll clear of it (a tall
        // panel: 长辈版 text with a mistake's hint on a phone).
        document.body.style.paddingBottom = `${ph}px`;
        const hidden = r && (r.bottom + RING_PAD > innerHeight - ph || r.top < 0);
        const want = `${i}|${ph}`;
        if (scrolled.for !== want) scrolled = { for: want, n: 0 };
        if (el && hidden && scrolled.n < 3) {
          scrolled.n += 1;
          el.scrollIntoView?.({ block: r.height > innerHeight - ph ? 'start' : 'nearest' });
        }
      }
      if (s.done === 'route' && !resultRef.current && location.hash !== stepHash.current && parseHash(location.hash).name === s.route) advanceFrom(i);
      // An 'appear' step (a photo taken or chosen): done when what it waits for is on the screen.
      if (s.done === 'appear' && s.until && !resultRef.current && findNamed(s.until, p)) advanceFrom(i);
      if (s.done === 'type') {
        const field = s.target ? (findNamed(s.target, p) as HTMLInputElement | null) : null;
        setTyped(Boolean(field?.value?.trim()));
      }
      const prev = lesson.steps[i - 1];
      // Back is offered when the previous step can be shown again here: its scene, or its target on this screen.
      setCanBack(Boolean(prev && !resultRef.current && prev.done !== 'route' && prev.done !== 'appear' && (prev.scene || !prev.target || findNamed(prev.target, p))));
      raf = requestAnimationFrame(tick);
    };
    tick();
    return () => {
      cancelAnimationFrame(raf);
      root.style.scrollPaddingBottom = '';
      document.body.style.paddingBottom = '';
    };
  }, []);

  /**
   * The step's target has appeared: for keyboard users, focus what is to be used (tick scrolls it into view); on a
   * quiz, the first choice (not the right one: the choices are then met in their order).
   */
  function onFound(el: HTMLElement, s: LessonStep) {
    if (s.done === 'read') return;
    const target = s.target && s.area && !s.wrong ? findNamed(s.target, panel.current) : el;
    const f = target?.matches(FOCUSABLE) ? target : target?.querySelector<HTMLElement>(FOCUSABLE);
    f?.focus({ preventScroll: true });
  }

  // Safe mistakes: stop every click and keystroke meant for something other than the target, before the app.
  useEffect(() => {
    const stop = (e: Event) => {
      e.preventDefault();
      e.stopPropagation();
      e.stopImmediatePropagation();
    };
    const onClick = (e: MouseEvent) => {
      const el = e.target as Element | null;
      if (!el || typeof el.closest !== 'function' || panel.current?.contains(el) || el.closest(FREE)) return;
      if (resultRef.current) return stop(e);
      const i = indexRef.current;
      const s = lesson.steps[i]!;
      const inside = (n?: string) => Boolean(n && el.closest(named(n)));
      const wrong = Object.entries(s.wrong ?? {}).find(([n]) => inside(n));
      if (wrong) {
        stop(e);
        return mistake(words(wrong[1]), 'plain');
      }
      if (inside(s.target)) {
        if (waitsForTap(s)) {
          // After the app has had this click (a wizard's own step, a link): the next step's target may be its result.
          setTimeout(() => advanceFrom(i), 0);
          return;
        }
        if (s.done !== 'read') return;
        return stop(e);
      }
      stop(e);
      if (inside(s.area)) return; // between the choices of a quiz: not an answer
      if (s.done === 'read') return info(t('lesson.readNext'));
      if (s.target && !found.current) return info(t('lesson.waiting'));
      mistake(s.hint ? words(s.hint) : '');
    };
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as Element | null;
      if (!el || typeof el.closest !== 'function' || panel.current?.contains(el) || el.closest(FREE) || e.key === 'Tab') return;
      const s = lesson.steps[indexRef.current]!;
      if (isEditable(el) && !(s.done === 'type' && s.target && el.closest(named(s.target)))) stop(e);
    };
    window.addEventListener('click', onClick, true);
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('click', onClick, true);
      window.removeEventListener('keydown', onKey, true);
    };
  }, [lesson]);

  useEffect(() => {
    if (result) doneRef.current?.focus();
  }, [result]);

  const replay = () => {
    counts.current.replays += 1;
    speak(words(step.say));
  };
  const next = () => {
    if (step.done === 'type' && !typed) return mistake(t('lesson.typeFirst'), 'plain');
    advanceFrom(index);
  };
  const back = () => {
    if (index > 0) setIndex(index - 1);
  };
  const exit = () => {
    stopSpeaking();
    onExit();
  };

  const scene = step.scene;
  const pad = RING_PAD;
  return (
    <div class="lp" data-lesson-player={lesson.id}>
      {scene ? (
        <div class="lp-scene" role="region" aria-label={t('lesson.scene')} style={{ paddingBottom: `${panelH}px`, scrollPaddingBottom: `${panelH}px` }}>
          <div class="sc">
            <SceneView scene={scene} />
          </div>
        </div>
      ) : null}
      {box && !result ? (
        <div
          class="lp-ring"
          aria-hidden="true"
          style={{ top: `${box.top - pad}px`, left: `${box.left - pad}px`, width: `${box.width + 2 * pad}px`, height: `${box.height + 2 * pad}px` }}
        />
      ) : null}
      <section ref={panel} class={`lp-panel${atTop ? ' lp-panel-top' : ''}`} aria-label={t('lesson.region')}>
        <div class="lp-inner">
          {result ? (
            <>
              <h2 class="lp-title">{t('lesson.doneTitle')}</h2>
              <p class="lp-say" aria-live="polite">
                {t('lesson.doneText', { title: words(lesson.title) })}
              </p>
              <div class="lp-buttons">
                <button ref={doneRef} type="button" class="btn btn-primary lp-btn" onClick={() => onFinish(result)}>
                  <Icon name="check" />
                  {t('lesson.doneOk')}
                </button>
              </div>
            </>
          ) : (
            <>
              <p class="lp-count">
                <span class="lp-lesson">{words(lesson.title)}</span>
                <span>{t('lesson.stepOf', { n: index + 1, total: lesson.steps.length })}</span>
              </p>
              <p ref={sayRef} class="lp-say" aria-live="polite" tabIndex={-1}>
                {words(step.say)}
              </p>
              <p class={`lp-note${note ? ` lp-note-${note.tone}` : ''}`} role="status">
                {note ? note.text : lost ? t('lesson.lost') : ''}
              </p>
              <div class="lp-buttons">
                {speechAvailable() ? (
                  <button type="button" class="btn lp-btn lp-replay" onClick={replay}>
                    <Svg d={SPEAKER} size="1.5em" />
                    {t('lesson.replay')}
                  </button>
                ) : null}
                {step.done === 'read' || step.done === 'type' ? (
                  <button ref={nextRef} type="button" class="btn btn-primary lp-btn" onClick={next} aria-disabled={step.done === 'type' && !typed ? 'true' : undefined}>
                    {t('lesson.next')}
                  </button>
                ) : null}
                <button type="button" class="btn lp-btn" onClick={back} disabled={!canBack}>
                  {t('lesson.back')}
                </button>
                <button type="button" class="btn btn-quiet lp-btn" onClick={exit}>
                  {t('lesson.exit')}
                </button>
              </div>
            </>
          )}
        </div>
      </section>
    </div>
  );
}
