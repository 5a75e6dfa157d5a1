/**
 * Guided lessons (issue 14): the lesson format. A lesson teaches one skill in a few steps; each step says what to
 * do (shown and spoken, in Chinese and English), points at one element (the `data-lesson` name of what the learner
 * must use; an element may carry several space-separated names) and says how the step is done:
 *
 *   tap    the learner taps the target (taps anywhere else are safe mistakes: they never reach the app);
 *   route  the app reaches a route (its name as the hash router calls it: 'report', 'case', 'cases', 'home'),
 *          usually by tapping the target;
 *   type   the learner writes something into the target (an input or textarea), then taps 下一步;
 *   read   nothing to do but read (the target, if any, is only pointed at), then 下一步.
 *   appear the learner uses the target (taps on it reach the app) until the element named `until` is on the screen,
 *          e.g. tap 拍照, take or choose a picture, and the step is done when the kept photo shows in the form; a
 *          camera closed without a picture leaves the step waiting, and the learner can simply try again.
 *
 * A step with a `scene` is not on a Gridlink screen: the lesson player draws that pretend screen itself (SCENES: a
 * WeChat-like video call, a text message, an incoming call). For a quiz, `area` is what is lit (the choices),
 * `target` the right choice, and `wrong` the kind explanation of each wrong choice.
 *
 * Lessons are data (JSON files in src/features/training/lessons/, docs/lessons.md), so a county can add its own;
 * `parseLesson` checks one and says what is wrong with it.
 */
import * as v from 'valibot';

/** The pretend screens the lesson player can draw (src/features/training/scenes.tsx has one view per name). */
export const SCENES = [
  'wechat.chats',
  'wechat.chat',
  'wechat.more',
  'wechat.sheet',
  'wechat.calling',
  'wechat.incall',
  'sms.list',
  'sms.prize',
  'call.incoming',
  'call.talk',
  'call.after',
] as const;
export type Scene = (typeof SCENES)[number];

export const COMPLETIONS = ['tap', 'route', 'type', 'read', 'appear'] as const;
export type Completion = (typeof COMPLETIONS)[number];

const name = (what: string) => v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,39}$/, `${what}: lower-case letters, digits, - and _ (at most 40), starting with a letter`));
const words = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max, `at most ${max} characters`));
/** Text in both languages: Chinese first (the UI's default), English for the English UI. */
const Text = (max: number) => v.strictObject({ zh: words(max), en: words(max) });

const StepSchema = v.pipe(
  v.strictObject({
    /** The instruction: shown in the player's panel, spoken, printed on the step card. */
    say: Text(200),
    /** Said after a mistake (after 没关系，再试一次). */
    hint: v.optional(Text(200)),
    /** The data-lesson name of the element to use (or to look at, on a read step). */
    target: v.optional(name('target')),
    done: v.picklist(COMPLETIONS, `done: one of ${COMPLETIONS.join(', ')}`),
    /** For done 'route': the route's name ('report', 'case', 'cases', 'home'). */
    route: v.optional(name('route')),
    /** For done 'appear': the data-lesson name of what the step waits for (a kept photo: 'photo-added'). */
    until: v.optional(name('until')),
    /** The lit area when it is larger than the target (the choices of a quiz); a data-lesson name. */
    area: v.optional(name('area')),
    /** Wrong choices: data-lesson name -> why it is wrong, said kindly. */
    wrong: v.optional(v.record(name('wrong choice'), Text(300))),
    /** A pretend screen drawn by the player instead of a Gridlink screen. */
    scene: v.optional(v.picklist(SCENES, `scene: one of ${SCENES.join(', ')}`)),
  }),
  v.forward(
    v.check((s) => !((s.done === 'tap' || s.done === 'type' || s.done === 'appear') && !s.target), 'a "tap", "type" or "appear" step needs a target'),
    ['target'],
  ),
  v.forward(
    v.check((s) => (s.done === 'route') === Boolean(s.route), 'a "route" step needs a route, and only a "route" step has one'),
    ['route'],
  ),
  v.forward(
    v.check((s) => (s.done === 'appear') === Boolean(s.until), 'an "appear" step needs `until`, and only an "appear" step has one'),
    ['until'],
  ),
  v.forward(
    v.check((s) => !s.wrong || (Boolean(s.target) && !(s.target! in s.wrong)), 'wrong choices need a target, and the target is not one of them'),
    ['wrong'],
  ),
);

export const LessonSchema = v.strictObject({
  /** Unique among the lessons: names its step cards (#/lessons/<id>/cards) and its records. */
  id: name('id'),
  /** The one skill this lesson teaches (learner records count skills). */
  skill: name('skill'),
  title: Text(40),
  summary: Text(200),
  steps: v.pipe(v.array(StepSchema), v.minLength(1, 'a lesson needs at least one step'), v.maxLength(30, 'at most 30 steps')),
});

export type Lesson = v.InferOutput<typeof LessonSchema>;
export type LessonStep = Lesson['steps'][number];
export type LessonText = Lesson['title'];

/** What a finished lesson reports (the trainer's records keep it with the learner). */
export interface LessonResult {
  lessonId: string;
  skill: string;
  /** Steps done. */
  steps: number;
  /** Taps outside the target, wrong choices, 下一步 before writing anything. */
  mistakes: number;
  /** Times the learner asked to hear a step again. */
  replays: number;
  /** From the first step shown to the last step done. */
  ms: number;
}

/**
 * Checks one lesson (parsed JSON or any value). The error names each problem with where it is:
 * `steps[2].target: a "tap" or "type" step needs a target`.
 */
export function parseLesson(input: unknown): { ok: true; lesson: Lesson } | { ok: false; error: string } {
  const r = v.safeParse(LessonSchema, input);
  if (r.success) return { ok: true, lesson: r.output };
  const lines = r.issues.map((i) => {
    const path = (i.path ?? [])
      .map((p) => p.key)
      .reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
    return `${path || 'lesson'}: ${i.message}`;
  });
  return { ok: false, error: lines.join('; ') };
}

/** Whether a lesson runs on Gridlink screens (in the practice sandbox), i.e. some step has no scene of its own. */
export function lessonNeedsApp(lesson: Lesson): boolean {
  return lesson.steps.some((s) => !s.scene);
}
