/**
 * Whether the app is in 练习模式 (issue 14), and with whom. While `practiceMode` is set, App.tsx shows the practice
 * sandbox (features/training/PracticeShell.tsx) in place of the trainer's own app: the resident screens on the
 * sandbox's session, the 练习模式 banner on every screen, the guided lessons. Ending the practice hands its lesson
 * results to the session form (`takePracticeResults`), which the trainer completes and saves to the training doc.
 */
import { signal } from '@preact/signals';
import type { LessonResult } from '../domain/lessons.ts';
import type { PracticeHandle } from './practice.ts';
import type { Session } from './services.ts';

export interface PracticeRun {
  handle: PracticeHandle;
  /** The learner practising (a recorded learner's id), or null for a try-out without a record. */
  learnerId: string | null;
  learnerName: string;
  startedMs: number;
  /** Lessons finished in this run, in order. */
  results: LessonResult[];
}

export const practiceMode = signal<PracticeRun | null>(null);

/** What the last practice of a learner gave, for their session form (taken once). */
const finished = new Map<string, { results: LessonResult[]; startedMs: number; endedMs: number }>();

export async function startPractice(session: Session, learner: { id: string | null; name: string }): Promise<void> {
  if (!session.practice) throw new Error('no practice sandbox on this session');
  const handle = await session.practice(learner.name);
  practiceMode.value = { handle, learnerId: learner.id, learnerName: learner.name, startedMs: session.now(), results: [] };
}

export function recordLessonResult(r: LessonResult): void {
  const run = practiceMode.peek();
  if (run) practiceMode.value = { ...run, results: [...run.results, r] };
}

/** End the practice (its data stays for the next time, until reset); returns the learner's id, if any. */
export async function endPractice(nowMs: number): Promise<string | null> {
  const run = practiceMode.peek();
  if (!run) return null;
  practiceMode.value = null;
  if (run.learnerId) finished.set(run.learnerId, { results: run.results, startedMs: run.startedMs, endedMs: nowMs });
  await run.handle.stop();
  return run.learnerId;
}

export function takePracticeResults(learnerId: string): { results: LessonResult[]; startedMs: number; endedMs: number } | null {
  const r = finished.get(learnerId) ?? null;
  finished.delete(learnerId);
  return r;
}
