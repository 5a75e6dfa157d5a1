/**
 * Gridlink's icons: a small inline-SVG set (24x24 grid, 2 px round strokes, `currentColor`), no icon font and no
 * network. Icons are decoration next to a word (aria-hidden); a control that shows only an icon carries a label.
 * Categories map to an icon by their major code (categoryIcon); see docs/design-system.md.
 */
import type { JSX } from 'preact';

const PATHS = {
  // navigation and actions
  home: 'M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10',
  board: 'M4 4h7v7H4zM13 4h7v4h-7zM13 10h7v10h-7zM4 13h7v7H4z',
  tasks: 'M9 6h11M9 12h11M9 18h11M4 6l1 1 2-2M4 12l1 1 2-2M4 18l1 1 2-2',
  work: 'M4 8h16v11H4zM9 8V5h6v3M4 13h16',
  cases: 'M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 16h7',
  report: 'M12 5v14M5 12h14',
  stats: 'M4 20h16M7 16v-5M12 16V7M17 16v-8',
  map: 'M9 4L3 6v14l6-2 6 2 6-2V4l-6 2zM9 4v14M15 6v14',
  people: 'M9 11a3 3 0 100-6 3 3 0 000 6zM3 20c0-3.3 2.7-6 6-6s6 2.7 6 6M16 5.5a3 3 0 010 5.5M18 14.5c1.8.8 3 2.6 3 4.5',
  party: 'M5 21V4M5 4h12l-2 4 2 4H5',
  menu: 'M4 7h16M4 12h16M4 17h16',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  back: 'M15 5l-7 7 7 7',
  phone: 'M5 4h4l2 5-2.5 1.5a11 11 0 005 5L15 13l5 2v4a1 1 0 01-1 1A16 16 0 014 5a1 1 0 011-1z',
  search: 'M11 18a7 7 0 100-14 7 7 0 000 14zM16 16l4 4',
  clock: 'M12 21a9 9 0 100-18 9 9 0 000 18zM12 7v5l3 2',
  alert: 'M12 3l10 18H2zM12 10v4M12 17.5v.5',
  check: 'M5 12l5 5 9-10',
  inbox: 'M3 13l3-8h12l3 8v6H3zM3 13h5l1 3h6l1-3h5',
  pin: 'M12 21s-7-6.2-7-12a7 7 0 0114 0c0 5.8-7 12-7 12zM12 11.5a2.5 2.5 0 100-5 2.5 2.5 0 000 5z',
  // category majors (see categoryIcon)
  shield: 'M12 3l8 3v6c0 4.5-3.4 8.2-8 9-4.6-.8-8-4.5-8-9V6z',
  heart: 'M12 20s-8-4.8-8-10.5A4.5 4.5 0 0112 7a4.5 4.5 0 018 2.5C20 15.2 12 20 12 20z',
  fire: 'M12 21c-4 0-6-2.7-6-6 0-4 4-6 4-11 3 2 8 6 8 11 0 3.3-2 6-6 6zM12 21c-1.7 0-2.5-1.2-2.5-2.7 0-1.8 2.5-3.3 2.5-3.3s2.5 1.5 2.5 3.3c0 1.5-.8 2.7-2.5 2.7z',
  building: 'M4 21V8l8-5 8 5v13M9 21v-6h6v6M2 21h20',
  leaf: 'M5 19C5 10 10 5 20 4c-1 10-6 15-15 15zM5 19l7-7',
  hardhat: 'M3 17h18M5 17v-3a7 7 0 0114 0v3M10 7V5h4v2',
  cart: 'M3 4h2l2 11h11l2-8H6M9 20h.01M17 20h.01',
  sprout: 'M12 21v-9M12 12c0-4-3-6-7-6 0 4 3 6 7 6zM12 12c0-4 3-7 8-7 0 5-3 7-8 7',
  drop: 'M12 3s6 7 6 11a6 6 0 01-12 0c0-4 6-11 6-11z',
  road: 'M8 3L5 21M16 3l3 18M12 4v3M12 10v3M12 16v3',
  cross: 'M9 3h6v6h6v6h-6v6H9v-6H3V9h6z',
  book: 'M4 5a2 2 0 012-2h13v16H6a2 2 0 00-2 2zM4 21V5M8 7h7',
  scale: 'M12 4v16M5 20h14M4 8h16M7 8l-3 6a3 3 0 006 0zM17 8l-3 6a3 3 0 006 0z',
  hand: 'M7 11V6a1.5 1.5 0 013 0v4M10 10V4.5a1.5 1.5 0 013 0V10M13 10V5.5a1.5 1.5 0 013 0V12M16 9.5a1.5 1.5 0 013 0V14a7 7 0 01-7 7h-1a6 6 0 01-5-2.7L3.5 14.5a1.5 1.5 0 012.5-1.7L7 14',
  dots: 'M6 12h.01M12 12h.01M18 12h.01',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = '1.25em', class: cls }: { name: IconName; size?: string; class?: string }): JSX.Element {
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
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The icon of a case category by its major code (the first two digits: 0101 -> 01). */
const CATEGORY_ICONS: Record<string, IconName> = {
  '01': 'party',
  '02': 'heart',
  '03': 'shield',
  '04': 'fire',
  '05': 'hand',
  '06': 'building',
  '07': 'leaf',
  '08': 'hardhat',
  '09': 'cart',
  '10': 'sprout',
  '11': 'drop',
  '12': 'road',
  '13': 'cross',
  '14': 'book',
  '15': 'scale',
  '16': 'people',
  '17': 'dots',
};

export function categoryIcon(categoryCode: string): IconName {
  return CATEGORY_ICONS[categoryCode.slice(0, 2)] ?? 'dots';
}
