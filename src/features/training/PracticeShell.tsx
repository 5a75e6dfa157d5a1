/**
 * 练习模式 (issue 14): what the phone shows while a learner practises. It replaces the trainer's app (App.tsx) with
 * the resident screens on the sandbox's local session (src/app/practice.ts), under a banner that stays on every
 * screen: 练习模式, the learner's name, 选一节课 (the guided lessons, played over the practice screens by
 * LessonPlayer), 重新开始练习 (one tap: back to the seeded practice village) and 结束练习 (back to the trainer's
 * app, on the learner's session form with the lessons' results filled in). 长辈版 is on while the learner practises
 * (offerElderMode: nothing they choose is kept; the trainer's setting comes back when the practice ends).
 */
import { useEffect, useState } from 'preact/hooks';
import { offerElderMode } from '../../app/display.ts';
import { lang, t } from '../../app/i18n.ts';
import '../../app/locales/training.zh.ts';
import { endPractice, practiceMode, recordLessonResult } from '../../app/practicemode.ts';
import { navigate, route, routeHref, routeKey } from '../../app/router.ts';
import type { Lesson } from '../../domain/lessons.ts';
import { Alert } from '../../ui/Alert.tsx';
import { NearbyList } from '../resident/NearbyList.tsx';
import { ReportWizard } from '../resident/ReportWizard.tsx';
import { ResidentCase } from '../resident/ResidentCase.tsx';
import { ResidentHome } from '../resident/ResidentHome.tsx';
import { ElderSwitch } from '../shell/ElderSwitch.tsx';
import { LessonPlayer } from './LessonPlayer.tsx';
import { allLessons } from './lessons.ts';
import './training.css';

const words = (x: { zh: string; en: string }) => (lang.value === 'en' ? x.en : x.zh);

export function PracticeShell() {
  const run = practiceMode.value;
  const [lesson, setLesson] = useState<Lesson | null>(null);
  const [picking, setPicking] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // Learners get 长辈版 by default (they may switch it off); the trainer's own setting comes back at the end.
  useEffect(() => offerElderMode(), []);
  if (!run) return null;
  const session = run.handle.session;
  const r = route.value;
  const screen =
    r.name === 'report' ? (
      <ReportWizard session={session} />
    ) : r.name === 'case' ? (
      <ResidentCase session={session} id={r.id} />
    ) : r.name === 'nearby' ? (
      <NearbyList session={session} />
    ) : (
      <ResidentHome session={session} />
    );
  const begin = (l: Lesson) => {
    setPicking(false);
    setNotice(null);
    navigate('#/');
    setLesson(l);
  };
  const end = async () => {
    setLesson(null);
    const learnerId = await endPractice(session.now());
    navigate(learnerId ? routeHref({ name: 'training', learner: learnerId, view: 'session' }) : '#/training', { replace: true });
  };
  const reset = async () => {
    setLesson(null);
    await run.handle.reset();
    navigate('#/', { replace: true });
    setNotice(t('pr.resetDone'));
  };
  const done = run.results.map((x) => allLessons().find((l) => l.id === x.lessonId)).filter((l): l is Lesson => Boolean(l));
  return (
    <>
      <header class="practice-bar" data-practice="on" data-lesson-free>
        <div class="practice-bar-inner">
          <p class="practice-title">
            <strong>{t('pr.banner')}</strong>
            <span>{t('pr.with', { name: run.learnerName })}</span>
          </p>
          <p class="practice-hint">{t('pr.bannerHint')}</p>
          <div class="practice-buttons">
            <button type="button" class="btn btn-primary" aria-expanded={picking} aria-controls="pr-lessons" onClick={() => setPicking(!picking)}>
              {picking ? t('pr.closeLessons') : t('pr.lesson')}
            </button>
            <ElderSwitch />
            <button type="button" class="btn" onClick={() => void reset()}>
              {t('pr.reset')}
            </button>
            <button type="button" class="btn" onClick={() => void end()}>
              {t('pr.end')}
            </button>
          </div>
        </div>
      </header>
      {picking ? (
        <section id="pr-lessons" class="container practice-lessons" aria-labelledby="pr-lessons-title">
          <h2 id="pr-lessons-title">{t('pr.lessonsTitle')}</h2>
          <p class="hint">{t('pr.lessonsHint')}</p>
          <ul class="tr-cards">
            {allLessons().map((l) => (
              <li key={l.id} class="card tr-card">
                <p>
                  <strong>{words(l.title)}</strong>
                </p>
                <p class="muted">{words(l.summary)}</p>
                <button type="button" class="btn" onClick={() => begin(l)}>
                  {words(l.title)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div class="container" role="status">
        {notice ? <Alert tone="success">{notice}</Alert> : null}
        {done.length > 0 && !lesson ? <p class="muted practice-done">{t('pr.done', { titles: done.map((l) => words(l.title)).join('、') })}</p> : null}
      </div>
      <main id="main" tabIndex={-1} class="container" key={`practice${routeKey.value}`}>
        {screen}
      </main>
      {lesson ? (
        <LessonPlayer
          key={lesson.id}
          lesson={lesson}
          onFinish={(res) => {
            recordLessonResult(res);
            setLesson(null);
          }}
          onExit={() => setLesson(null)}
        />
      ) : null}
    </>
  );
}
