/**
 * Axes of the training charts: a plot area with room around it for tick labels, so that no label
 * is ever drawn over a curve (issue 13 item 6), and ticks at round values.
 */

/** A rectangle in CSS pixels, `x`/`y` its top-left corner. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Tick {
  /** The value (y axis) or the 1-based step number (x axis) the tick stands for. */
  value: number;
  /** Position along its axis in CSS pixels (y for the y axis, x for the x axis). */
  at: number;
  label: string;
  /** Where the label is drawn (its text box; font height `FONT_PX`). */
  box: Box;
}

export interface ChartLayout {
  /** Where the curves are drawn; the axes are its left and bottom edges. */
  plot: Box;
  /** The value range of the y axis (the data range widened to the outer ticks). */
  lo: number;
  hi: number;
  yTicks: Tick[];
  xTicks: Tick[];
}

/** Tick label font size in CSS pixels. */
export const FONT_PX = 10;
const TICK_LEN = 3;
const GAP = 2;

/**
 * "Nice" tick spacing for a range split into about `count` steps: 1, 2 or 5 times a power of ten
 * (P. Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
 */
export function niceStep(range: number, count: number): number {
  if (!(range > 0) || !Number.isFinite(range)) return 1;
  const raw = range / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** Tick text: at most 3 significant digits, no float noise (`0.30000000000000004` → `0.3`). */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

/**
 * The layout of a `width × height` chart whose y values span `[lo, hi]` over `length` steps
 * (x ticks at 1-based step numbers). `textWidth` measures a label in CSS pixels (canvas
 * `measureText`; tests pass an estimate). The y range is widened to whole tick steps, so every
 * curve lies between the first and the last tick; labels lie left of and below the plot area.
 */
export function chartLayout(
  width: number,
  height: number,
  lo: number,
  hi: number,
  length: number,
  textWidth: (text: string) => number,
): ChartLayout {
  if (!(hi - lo > 1e-12)) {
    const mid = Number.isFinite(lo) ? lo : 0;
    lo = mid - 0.5;
    hi = mid + 0.5;
  }
  const yCount = Math.max(2, Math.floor((height - 2 * FONT_PX) / (2.5 * FONT_PX)));
  const yStep = niceStep(hi - lo, yCount);
  const y0 = Math.floor(lo / yStep + 1e-9) * yStep;
  const y1 = Math.ceil(hi / yStep - 1e-9) * yStep;
  const yValues: number[] = [];
  for (let k = 0; y0 + k * yStep <= y1 + yStep * 1e-6; k++) yValues.push(y0 + k * yStep);
  const yLabels = yValues.map(tickLabel);
  const left = Math.ceil(Math.max(...yLabels.map(textWidth)) + TICK_LEN + 2 * GAP);
  const top = Math.ceil(FONT_PX / 2) + 1;
  const bottom = FONT_PX + TICK_LEN + 2 * GAP;
  const right = 8;
  const plot: Box = {
    x: left,
    y: top,
    w: Math.max(1, width - left - right),
    h: Math.max(1, height - top - bottom),
  };
  const yAt = (v: number) => plot.y + plot.h - ((v - y0) / (y1 - y0)) * plot.h;
  const yTicks = yValues.map((value, k) => {
    const at = yAt(value);
    const label = yLabels[k]!;
    const w = textWidth(label);
    return {
      value,
      at,
      label,
      box: { x: left - TICK_LEN - GAP - w, y: at - FONT_PX / 2, w, h: FONT_PX },
    };
  });
  // x ticks: whole steps 1..length, spaced so their labels never touch.
  const widest = textWidth(String(Math.max(1, length)));
  const xCount = Math.max(1, Math.floor(plot.w / (widest + 4 * FONT_PX)));
  const xStep = Math.max(1, Math.ceil(niceStep(Math.max(1, length - 1), xCount)));
  const xAt = (step: number) => plot.x + (length <= 1 ? 0 : ((step - 1) / (length - 1)) * plot.w);
  const xTicks: Tick[] = [];
  if (length > 0) {
    const first = xStep === 1 ? 1 : xStep;
    for (let step = first; step <= length; step += xStep) {
      const at = xAt(step);
      const label = String(step);
      const w = textWidth(label);
      const x = Math.min(Math.max(at - w / 2, plot.x - left + 1), width - w - 1);
      xTicks.push({
        value: step,
        at,
        label,
        box: { x, y: plot.y + plot.h + TICK_LEN + GAP, w, h: FONT_PX },
      });
    }
    if (xStep > 1 && length > 1 && xTicks[0]?.value !== 1) {
      const w = textWidth('1');
      const at = xAt(1);
      const clearOfNext = xTicks.length === 0 || at + w / 2 + FONT_PX < xTicks[0]!.box.x;
      if (clearOfNext)
        xTicks.unshift({
          value: 1,
          at,
          label: '1',
          box: { x: at - w / 2, y: plot.y + plot.h + TICK_LEN + GAP, w, h: FONT_PX },
        });
    }
  }
  return { plot, lo: y0, hi: y1, yTicks, xTicks };
}

/** Whether two boxes overlap (share interior points). */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
