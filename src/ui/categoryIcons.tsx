/**
 * Icons of the 17 major case categories (docs/design-system.md), apart from icons.tsx so the shell's initial chunk
 * does not carry them: <CategoryIcon code="0101" /> beside the category's name (decoration, aria-hidden).
 */
import type { JSX } from 'preact';
import { Icon, Svg } from './icons.tsx';

const PATHS: Record<string, string> = {
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
};

/** The icon path of a category's major code (the first two digits: 0101 -> 01). */
const BY_MAJOR: Record<string, string> = {
  '03': 'shield',
  '02': 'heart',
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
};

export function CategoryIcon({ code, size }: { code: string; size?: string }): JSX.Element {
  const major = code.slice(0, 2);
  const s = size ? { size } : {};
  // 党的建设 flag and 民政服务 people come from the shell's set; anything else unknown is 其他 (dots).
  if (major === '01') return <Icon name="party" {...s} />;
  if (major === '16') return <Icon name="people" {...s} />;
  return <Svg d={PATHS[BY_MAJOR[major] ?? 'dots'] ?? PATHS.dots!} {...s} />;
}
