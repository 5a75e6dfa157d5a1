/**
 * Gridlink's icons: a small inline-SVG set (24x24 grid, 2 px round strokes, `currentColor`), no icon font and no
 * network. Icons are decoration next to a word (aria-hidden); a control that shows only an icon carries a label.
 * Category icons are in categoryIcons.tsx (loaded with the screens that show categories, not with the shell);
 * see docs/design-system.md.
 */
import type { JSX } from 'preact';

const PATHS = {
  // navigation and actions
  home: 'M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10',
  board: 'M4 4h7v7H4zM13 4h7v4h-7zM13 10h7v10h-7zM4 13h7v7H4z',
  // issue 15: staff accounts (a person with a check)
  account: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a7 7 0 0 1 12.5-4.3M15 18l2 2 4-4',
  // issue 15: reference data (a stack of records)
  ref: 'M4 6a8 3 0 1016 0A8 3 0 104 6v12a8 3 0 0016 0V6M4 12a8 3 0 0016 0',
  tasks: 'M9 6h11M9 12h11M9 18h11M4 6l1 1 2-2M4 12l1 1 2-2M4 18l1 1 2-2',
  work: 'M4 8h16v11H4zM9 8V5h6v3M4 13h16',
  cases: 'M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 16h7',
  report: 'M12 5v14M5 12h14',
  stats: 'M4 20h16M7 16v-5M12 16V7M17 16v-8',
  map: 'M9 4L3 6v14l6-2 6 2 6-2V4l-6 2zM9 4v14M15 6v14',
  hall: 'M3 5h18v11H3zM8 20h8M12 16v4M7 13v-3M11 13V8M15 13v-2',
  people: 'M9 11a3 3 0 100-6 3 3 0 000 6zM3 20c0-3.3 2.7-6 6-6s6 2.7 6 6M16 5.5a3 3 0 010 5.5M18 14.5c1.8.8 3 2.6 3 4.5',
  party: 'M5 21V4M5 4h12l-2 4 2 4H5',
  // issue 14: training (an open book)
  learn: 'M12 6c-2-1.5-5-2-8-2v14c3 0 6 .5 8 2 2-1.5 5-2 8-2V4c-3 0-6 .5-8 2zM12 6v14',
  // issue 17: mediation (two speech bubbles facing each other)
  mediate: 'M3 5h10v7H7l-4 3zM21 10h-5v6h3l2 2zM13 8.5h3',
  menu: 'M4 7h16M4 12h16M4 17h16',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  lock: 'M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 017 0v3M12 15v2',
  back: 'M15 5l-7 7 7 7',
  phone: 'M5 4h4l2 5-2.5 1.5a11 11 0 005 5L15 13l5 2v4a1 1 0 01-1 1A16 16 0 014 5a1 1 0 011-1z',
  search: 'M11 18a7 7 0 100-14 7 7 0 000 14zM16 16l4 4',
  clock: 'M12 21a9 9 0 100-18 9 9 0 000 18zM12 7v5l3 2',
  alert: 'M12 3l10 18H2zM12 10v4M12 17.5v.5',
  check: 'M5 12l5 5 9-10',
  inbox: 'M3 13l3-8h12l3 8v6H3zM3 13h5l1 3h6l1-3h5',
  pin: 'M12 21s-7-6.2-7-12a7 7 0 0114 0c0 5.8-7 12-7 12zM12 11.5a2.5 2.5 0 100-5 2.5 2.5 0 000 5z',
  // Issue 14: read-aloud (a speaker) and its stop.
  speaker: 'M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 010 6M18.5 6.5a8 8 0 010 11',
  stop: 'M7 7h10v10H7z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = '1.25em', class: cls }: { name: IconName; size?: string; class?: string }): JSX.Element {
  return <Svg d={PATHS[name]} size={size} {...(cls ? { class: cls } : {})} />;
}

/** An icon from its path (other icon sets, e.g. categoryIcons.tsx, reuse the same frame). */
export function Svg({ d, size = '1.25em', class: cls }: { d: string; size?: string; class?: string }): JSX.Element {
  return (
    <svg
      class={cls ? `icon ${cls}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={d} />
    </svg>
  );
}


/**
 * Gridlink's mark (the same drawing as public/favicon.svg), inline: an `<img>` of the SVG file would make the
 * browser build a separate SVG document on the main thread during start-up, for a 28 px picture.
 */
export function BrandMark(): JSX.Element {
  return (
    <svg class="brand-mark" viewBox="0 0 64 64" width="28" height="28" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="11.5" fill="#0b5e4a" />
      <path fill="#ffd166" d="M26.3 26.3h11.4v11.4H26.3z" />
      <path fill="none" stroke="#fff" stroke-width="3.2" d="M15 15h34v34H15zM26.3 15v34M37.7 15v34M15 26.3h34M15 37.7h34" />
    </svg>
  );
}
