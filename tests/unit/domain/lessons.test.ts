// Issue 14: the lesson format (src/domain/lessons.ts) and the shipped lessons (src/features/training/lessons/*.json).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lessonNeedsApp, parseLesson, type Lesson } from '../../../src/domain/lessons.ts';

const DIR = join(import.meta.dirname, '../../../src/features/training/lessons');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const shipped = files.map((f) => ({ file: f, json: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as unknown }));

/** Every data-lesson name written in the given sources (a value may hold several names, space-separated). */
function namesIn(paths: string[]): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    const src = readFileSync(join(import.meta.dirname, '../../..', p), 'utf8');
    for (const m of src.matchAll(/data-lesson=(?:"([^"]+)"|\{([^}]+)\})/g)) {
      const raw = m[1] ?? m[2] ?? '';
      for (const q of raw.matchAll(/'([^']+)'|"([^"]+)"|^([a-z][a-z0-9 _-]*)$/g)) for (const n of (q[1] ?? q[2] ?? q[3] ?? '').split(/\s+/)) if (n) out.add(n);
    }
    // Names given in a table of rows (`{ lesson: 'contact-son', ... }` rendered as data-lesson={r.lesson}).
    for (const m of src.matchAll(/\blesson: '([a-z][a-z0-9_-]*)'/g)) out.add(m[1]!);
  }
  return out;
}

const good = (): Record<string, unknown> => ({
  id: 'demo',
  skill: 'demo_skill',
  title: { zh: '示例', en: 'Example' },
  summary: { zh: '一课', en: 'A lesson' },
  steps: [{ say: { zh: '点这里', en: 'Tap here' }, target: 'here', done: 'tap' }],
});

describe('the lesson format', () => {
  it('accepts a small lesson and trims its words', () => {
    const l = good();
    (l.title as { zh: string }).zh = '  示例 ';
    const r = parseLesson(l);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.lesson.title.zh).toBe('示例');
  });

  it('names what is wrong and where', () => {
    const cases: Array<[(l: Record<string, unknown>) => void, RegExp]> = [
      [(l) => delete l.skill, /^skill: /],
      [(l) => (l.id = 'Bad Id'), /^id: id: lower-case letters/],
      [(l) => (l.steps = []), /^steps: a lesson needs at least one step/],
      [(l) => ((l.steps as Array<Record<string, unknown>>)[0]!.target = undefined), /^steps\[0\]\.target: a "tap", "type" or "appear" step needs a target/],
      [(l) => ((l.steps as Array<Record<string, unknown>>)[0]!.done = 'swipe'), /^steps\[0\]\.done: done: one of tap, route, type, read, appear/],
      [(l) => ((l.steps as Array<Record<string, unknown>>)[0]!.done = 'appear'), /^steps\[0\]\.until: an "appear" step needs `until`/],
      [(l) => ((l.steps as Array<Record<string, unknown>>)[0]!.until = 'photo-added'), /^steps\[0\]\.until: an "appear" step needs `until`, and only an "appear" step has one/],
      [(l) => ((l.steps as Array<Record<string, unknown>>)[0]!.done = 'route'), /^steps\[0\]\.route: a "route" step needs a route/],
      [(l) => ((l.steps as Array<Record<string, unknown>>)[0]!.scene = 'tiktok'), /^steps\[0\]\.scene: scene: one of wechat\.chats/],
      [(l) => ((l.steps as Array<Record<string, unknown>>)[0]!.say = { zh: ' ', en: 'x' }), /^steps\[0\]\.say\.zh: must not be empty/],
      [(l) => ((l.steps as Array<Record<string, unknown>>)[0]!.wrong = { here: { zh: '不对', en: 'No' } }), /^steps\[0\]\.wrong: wrong choices need a target, and the target is not one of them/],
      [(l) => (l.colour = 'red'), /^colour: /],
    ];
    for (const [spoil, error] of cases) {
      const l = good();
      spoil(l);
      const r = parseLesson(l);
      expect(r.ok, error.source).toBe(false);
      if (!r.ok) expect(r.error).toMatch(error);
    }
    expect(parseLesson('not a lesson')).toMatchObject({ ok: false, error: expect.stringMatching(/^lesson: /) });
  });
});

describe('the shipped lessons', () => {
  const lessons: Lesson[] = [];
  it('all parse, with unique ids, one skill each, and the five skills of issue 14', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const { file, json } of shipped) {
      const r = parseLesson(json);
      expect(r.ok ? '' : `${file}: ${r.error}`).toBe('');
      if (r.ok) lessons.push(r.lesson);
    }
    expect(new Set(lessons.map((l) => l.id)).size).toBe(lessons.length);
    expect(lessons.map((l) => l.skill)).toEqual(expect.arrayContaining(['report_photo', 'follow_report', 'rate_fix', 'video_call', 'spot_scam']));
  });

  it('point only at elements that exist: data-lesson names in the resident screens, or in the scenes', () => {
    const app = namesIn(['src/features/resident/ResidentHome.tsx', 'src/features/resident/ReportWizard.tsx', 'src/features/resident/ResidentCase.tsx', 'src/features/evidence/PhotoCapture.tsx']);
    const scenes = namesIn(['src/features/training/scenes.tsx']);
    for (const l of lessons.length ? lessons : shipped.flatMap(({ json }) => { const r = parseLesson(json); return r.ok ? [r.lesson] : []; })) {
      for (const [i, s] of l.steps.entries()) {
        const known = s.scene ? scenes : app;
        for (const n of [s.target, s.area, s.until, ...Object.keys(s.wrong ?? {})]) if (n) expect(known.has(n), `${l.id} step ${i + 1}: ${n}`).toBe(true);
      }
    }
  });

  it('the scene lessons run without the app; the others need the practice sandbox', () => {
    const byId = new Map(shipped.map(({ json }) => { const r = parseLesson(json); if (!r.ok) throw new Error(r.error); return [r.lesson.id, r.lesson]; }));
    expect(lessonNeedsApp(byId.get('video_call')!)).toBe(false);
    expect(lessonNeedsApp(byId.get('spot_scam')!)).toBe(false);
    expect(lessonNeedsApp(byId.get('report_photo')!)).toBe(true);
  });
});
