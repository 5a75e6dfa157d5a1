/**
 * The trainer's list of guided lessons (#/lessons, issue 14): each lesson with 开始 and 打印步骤卡. The lessons
 * drawn on pretend screens (video call, scams) run here at once; the ones on Gridlink's own screens run in the
 * practice sandbox (the trainer's home starts them there), and 开始 says so. A finished lesson's counts are shown.
 */
import '../../app/locales/lessons.zh.ts';
import { useRef, useState } from 'preact/hooks';
import { lang, t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import { lessonNeedsApp, type Lesson, type LessonResult, type LessonText } from '../../domain/lessons.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { LessonPlayer } from './LessonPlayer.tsx';
import { allLessons } from './lessons.ts';
import './lessons.css';

const words = (x: LessonText) => (lang.value === 'en' ? x.en : x.zh);

export function LessonsScreen({ session }: { session: Session }) {
  const [running, setRunning] = useState<Lesson | null>(null);
  const [notice, setNotice] = useState<{ tone: 'info' | 'success'; text: string } | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  if (session.user.role !== 'trainer') {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('lessons.title')}</ScreenTitle>
        <p>{t('lessons.trainerOnly')}</p>
      </div>
    );
  }
  const lessons = allLessons();
  const tell = (tone: 'info' | 'success', text: string) => {
    setNotice({ tone, text });
    // After the player closes, focus comes back to the screen at what happened.
    setTimeout(() => noticeRef.current?.focus(), 0);
  };
  const start = (l: Lesson) => {
    if (lessonNeedsApp(l)) return tell('info', t('lessons.sandboxOnly', { title: words(l.title) }));
    setNotice(null);
    setRunning(l);
  };
  const finished = (r: LessonResult) => {
    const l = running;
    setRunning(null);
    if (!l) return;
    tell('success', t('lessons.result', { title: words(l.title), steps: r.steps, mistakes: r.mistakes, replays: r.replays, minutes: Math.max(1, Math.round(r.ms / 60_000)) }));
  };
  const exited = () => {
    const l = running;
    setRunning(null);
    if (l) tell('info', t('lessons.exited', { title: words(l.title) }));
  };
  return (
    <div>
      <ScreenTitle suffix={t('app.name')}>{t('lessons.title')}</ScreenTitle>
      <p class="measure">{t('lessons.lead')}</p>
      <div ref={noticeRef} tabIndex={-1} class="ls-notice" role="status">
        {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      </div>
      <ul class="ls-list">
        {lessons.map((l) => {
          const title = words(l.title);
          return (
            <li key={l.id} class="card ls-card">
              <h2>{title}</h2>
              <p class="ls-meta">
                {t('lessons.steps', { n: l.steps.length })} · {lessonNeedsApp(l) ? t('lessons.inSandbox') : t('lessons.simulated')}
              </p>
              <p class="ls-summary">{words(l.summary)}</p>
              <div class="ls-actions">
                <button type="button" class="btn btn-primary" onClick={() => start(l)} aria-label={t('lessons.startNamed', { title })}>
                  {t('lessons.start')}
                </button>
                <a class="btn" href={`#/lessons/${l.id}/cards`} aria-label={t('lessons.cardsNamed', { title })}>
                  {t('lessons.cards')}
                </a>
              </div>
            </li>
          );
        })}
      </ul>
      {running ? <LessonPlayer key={running.id} lesson={running} onFinish={finished} onExit={exited} /> : null}
    </div>
  );
}
