/**
 * Printable large-text step cards (issue 14): one card per step of a lesson, in very large letters, with a box to
 * tick, for the learner to take home. `<StepCards lesson paper />` is the cards alone; `LessonCards` is the
 * trainer's screen (#/lessons/<id>/cards): the paper size (A4 or A5: the printed page's size, lessons.css) and 打印.
 * When printed, only the cards are on paper (lessons.css, `@media print`).
 */
import '../../app/locales/lessons.zh.ts';
import { useState } from 'preact/hooks';
import { lang, t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import type { Lesson, LessonText } from '../../domain/lessons.ts';
import { Foreign } from '../../ui/Foreign.tsx';
import { Icon } from '../../ui/icons.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { lessonById } from './lessons.ts';
import './lessons.css';

export type Paper = 'a4' | 'a5';
const PAPERS: Paper[] = ['a4', 'a5'];
const words = (x: LessonText) => (lang.value === 'en' ? x.en : x.zh);

export function StepCards({ lesson, paper = 'a4' }: { lesson: Lesson; paper?: Paper }) {
  return (
    <article class={`lc-sheet lc-print lc-${paper}`} aria-labelledby="lc-title">
      <header class="lc-head">
        <h2 id="lc-title">{words(lesson.title)}</h2>
        <p class="lc-fill">
          <span>{t('cards.learner')}</span>
          <span>{t('cards.date')}</span>
        </p>
      </header>
      <ol class="lc-cards">
        {lesson.steps.map((s, i) => (
          <li key={i} class="lc-card">
            <div class="lc-card-main">
              <span class="lc-n">{t('cards.step', { n: i + 1 })}</span>
              <p class="lc-say">{words(s.say)}</p>
              {s.hint ? <p class="lc-hint">{t('cards.hint', { text: words(s.hint) })}</p> : null}
            </div>
            <span class="lc-box" role="img" aria-label={t('cards.tick')} />
          </li>
        ))}
      </ol>
    </article>
  );
}

export function LessonCards({ session, id }: { session: Session; id: string }) {
  const [paper, setPaper] = useState<Paper>('a4');
  const lesson = lessonById(id);
  const back = (
    <p class="backlink">
      <a href="#/lessons">
        <Icon name="back" />
        {t('cards.back')}
      </a>
    </p>
  );
  if (session.user.role !== 'trainer') {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('cards.title')}</ScreenTitle>
        <p>{t('lessons.trainerOnly')}</p>
      </div>
    );
  }
  if (!lesson) {
    return (
      <div>
        {back}
        <ScreenTitle suffix={t('app.name')}>{t('cards.notFound')}</ScreenTitle>
      </div>
    );
  }
  return (
    <div>
      {back}
      <ScreenTitle suffix={t('app.name')} title={`${t('cards.title')}${t('app.colon')}${words(lesson.title)}`}>
        {t('cards.title')}
      </ScreenTitle>
      <p class="measure">{t('cards.lead')}</p>
      <div class="lc-controls">
        <fieldset>
          <legend>{t('cards.paper')}</legend>
          <div class="lc-paper">
            {PAPERS.map((p) => (
              <label key={p}>
                <input type="radio" name="lc-paper" value={p} checked={paper === p} onChange={() => setPaper(p)} />
                <Foreign text={t(`cards.${p}`)} terms={['A4', 'A5']} />
              </label>
            ))}
          </div>
        </fieldset>
        <button type="button" class="btn btn-primary" onClick={() => window.print()}>
          {t('cards.print')}
        </button>
      </div>
      <StepCards lesson={lesson} paper={paper} />
    </div>
  );
}
