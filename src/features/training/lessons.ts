/**
 * The shipped lessons: every JSON file in ./lessons (a county adds its own by adding a file; the file name's
 * leading number orders the list). Each is checked with the lesson format (src/domain/lessons.ts) when first asked
 * for; one that does not pass is left out with its error in the console (tests/unit/lessons.test.ts fails on it
 * first).
 */
import { parseLesson, type Lesson } from '../../domain/lessons.ts';

const files = import.meta.glob<unknown>('./lessons/*.json', { eager: true, import: 'default' });

let cache: Lesson[] | null = null;

/** Every valid lesson, in file-name order. */
export function allLessons(): Lesson[] {
  if (cache) return cache;
  const out: Lesson[] = [];
  const seen = new Set<string>();
  for (const path of Object.keys(files).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    const r = parseLesson(files[path]);
    if (!r.ok) console.error(`lesson ${path}: ${r.error}`);
    else if (seen.has(r.lesson.id)) console.error(`lesson ${path}: id ${r.lesson.id} is used twice`);
    else {
      seen.add(r.lesson.id);
      out.push(r.lesson);
    }
  }
  return (cache = out);
}

export function lessonById(id: string): Lesson | undefined {
  return allLessons().find((l) => l.id === id);
}
