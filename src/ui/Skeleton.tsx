/**
 * Placeholders for content that is not known yet (a count, a list, a line of text): grey bars in the content's
 * shape, so loading never looks like emptiness (a 0, "no cases") and the layout does not jump when it arrives.
 * The bars are hidden from screen readers; a list with `announce` (the screen's "正在载入…", t('app.loading')) adds
 * one polite status with that text: give it once per screen region, so a screen reader hears it once (a count line
 * that is already a status puts the words in itself instead). The shimmer stops under prefers-reduced-motion.
 */
import './skeleton.css';

/** One bar the size of a short text (a count, a word): inline, aria-hidden. `width` in ch. */
export function SkeletonText({ width = 3, class: cls = '' }: { width?: number; class?: string }) {
  return <span class={`skeleton skeleton-text ${cls}`} style={{ width: `${width}ch` }} aria-hidden="true" />;
}

/** `text` ("正在载入…") for screen readers only, as a polite status, beside a group of skeletons. */
export function LoadingStatus({ text }: { text: string }) {
  return (
    <span role="status" class="visually-hidden">
      {text}
    </span>
  );
}

/** A list's rows not known yet: `rows` cards of bars (status, title, two lines of text, meta). */
export function SkeletonList({ rows = 3, announce, class: cls = '' }: { rows?: number; announce?: string; class?: string }) {
  return (
    <div class={`skeleton-list ${cls}`}>
      {announce ? <LoadingStatus text={announce} /> : null}
      <ul class="skeleton-rows" aria-hidden="true">
        {Array.from({ length: rows }, (_, i) => (
          <li key={i}>
            <SkeletonRow />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One row of a case list not loaded yet (the height of a real row). */
export function SkeletonRow() {
  return (
    <span class="skeleton-row" aria-hidden="true">
      <span class="skeleton-line">
        <span class="skeleton skeleton-text" style={{ width: '4em' }} />
        <span class="skeleton skeleton-text" style={{ width: '9em' }} />
      </span>
      <span class="skeleton skeleton-block" style={{ width: '92%' }} />
      <span class="skeleton skeleton-block" style={{ width: '64%' }} />
      <span class="skeleton skeleton-text skeleton-meta" style={{ width: '12em' }} />
    </span>
  );
}
