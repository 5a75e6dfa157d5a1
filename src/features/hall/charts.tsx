/**
 * The command hall's charts, hand-made SVG (README "指挥中心"): no chart library, nothing from the network, and each
 * chart an `<svg role="img">` named by its `<title>` and described by its `<desc>`, with a visually hidden table of
 * the same numbers next to it (screen readers, and anyone who wants the exact figures).
 *
 * Drawn in a fixed viewBox (W x H user units) scaled to the panel, so the text scales with the panel: at 1920x1080
 * a panel is about W px wide and a label FONT px tall, big enough to read from 5 m.
 */
import type { ComponentChildren } from 'preact';

export const W = 480;
export const H = 260;
const FONT = 22;
const PAD = { left: 56, right: 12, top: 30, bottom: 34 };

export interface Point {
  /** The x axis label ("MM-DD"). */
  label: string;
  value: number | null;
}

/** The largest of the values, rounded up to a "nice" number (1, 2, 5 x 10^n) for the axis. */
export function niceMax(values: Array<number | null>): number {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (max <= m * p) return m * p;
  return 10 * p;
}

function Frame({ id, title, desc, max, points, fmt, children }: { id: string; title: string; desc: string; max: number; points: Point[]; fmt: (n: number) => string; children: ComponentChildren }) {
  const x0 = PAD.left;
  const y0 = H - PAD.bottom;
  const y1 = PAD.top;
  // An x label every 7 days, counted back from the last (today), so today is always labelled.
  const every = 7;
  const step = (W - PAD.left - PAD.right) / Math.max(1, points.length);
  return (
    <svg class="hall-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} preserveAspectRatio="xMidYMid meet">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{desc}</desc>
      <line x1={x0} y1={y1} x2={W - PAD.right} y2={y1} class="hall-grid" />
      <line x1={x0} y1={(y0 + y1) / 2} x2={W - PAD.right} y2={(y0 + y1) / 2} class="hall-grid" />
      <line x1={x0} y1={y0} x2={W - PAD.right} y2={y0} class="hall-axis" />
      <text x={x0 - 8} y={y1 + FONT / 3} text-anchor="end" font-size={FONT} class="hall-tick">
        {fmt(max)}
      </text>
      <text x={x0 - 8} y={y0 + FONT / 3} text-anchor="end" font-size={FONT} class="hall-tick">
        0
      </text>
      {points.map((p, i) =>
        (points.length - 1 - i) % every === 0 ? (
          <text key={p.label} x={i === points.length - 1 ? W - PAD.right : x0 + step * (i + 0.5)} y={H - 8} text-anchor={i === points.length - 1 ? 'end' : 'middle'} font-size={FONT} class="hall-tick">
            {p.label}
          </text>
        ) : null,
      )}
      {children}
    </svg>
  );
}

/** Bars, one per point; the last (today) highlighted and labelled with its value. */
export function BarChart({ id, title, desc, points }: { id: string; title: string; desc: string; points: Point[] }) {
  const max = niceMax(points.map((p) => p.value));
  const y0 = H - PAD.bottom;
  const h = y0 - PAD.top;
  const step = (W - PAD.left - PAD.right) / Math.max(1, points.length);
  const last = points[points.length - 1];
  return (
    <Frame id={id} title={title} desc={desc} max={max} points={points} fmt={(n) => String(n)}>
      {points.map((p, i) => {
        const bh = ((p.value ?? 0) / max) * h;
        return <rect key={p.label} x={PAD.left + step * i + step * 0.15} y={y0 - bh} width={step * 0.7} height={bh} class={i === points.length - 1 ? 'hall-bar hall-bar-now' : 'hall-bar'} />;
      })}
      {last && last.value !== null ? (
        <text x={W - PAD.right} y={PAD.top - 8} text-anchor="end" font-size={FONT} class="hall-value">
          {last.value}
        </text>
      ) : null}
    </Frame>
  );
}

/** A line through the points with a value (a day without one breaks the line), dots on each. */
export function LineChart({ id, title, desc, points, fmt }: { id: string; title: string; desc: string; points: Point[]; fmt: (n: number) => string }) {
  const max = niceMax(points.map((p) => p.value));
  const y0 = H - PAD.bottom;
  const h = y0 - PAD.top;
  const step = (W - PAD.left - PAD.right) / Math.max(1, points.length);
  const xy = (i: number, v: number): [number, number] => [PAD.left + step * (i + 0.5), y0 - (v / max) * h];
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push(xy(i, p.value));
  });
  if (run.length) runs.push(run);
  const lastWith = [...points].reverse().find((p) => p.value !== null);
  return (
    <Frame id={id} title={title} desc={desc} max={max} points={points} fmt={fmt}>
      {runs.map((r, i) => (
        <polyline key={i} points={r.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')} class="hall-line" />
      ))}
      {runs.flat().map(([x, y], i) => (
        <circle key={i} cx={x} cy={y} r={4} class="hall-dot" />
      ))}
      {lastWith && lastWith.value !== null ? (
        <text x={W - PAD.right} y={PAD.top - 8} text-anchor="end" font-size={FONT} class="hall-value">
          {fmt(lastWith.value)}
        </text>
      ) : null}
    </Frame>
  );
}
