/**
 * The training charts' axes (issue 13 item 6: "chart labels never sit on the curves, and the
 * charts have axes with ticks"): tick labels lie outside the plot area (where the curves are),
 * never overlap each other, and ticks sit at round values that enclose the data. Expected ticks
 * are worked out by hand from Heckbert's nice-number rule (1, 2 or 5 × 10^k).
 */
import { describe, expect, it } from 'vitest';
import {
  chartLayout,
  niceStep,
  overlaps,
  tickLabel,
  type ChartLayout,
} from '../../renderer/training/chartAxes.ts';

/** A label width estimate: 6 px per character at 10 px system-ui. */
const textWidth = (t: string) => 6 * t.length;

function expectReadable(layout: ChartLayout, width: number, height: number) {
  const labels = [...layout.yTicks, ...layout.xTicks];
  for (const t of labels) {
    expect(overlaps(t.box, layout.plot), `label ${t.label} on the plot area`).toBe(false);
    expect(t.box.x).toBeGreaterThanOrEqual(0);
    expect(t.box.y).toBeGreaterThanOrEqual(0);
    expect(t.box.x + t.box.w).toBeLessThanOrEqual(width);
    expect(t.box.y + t.box.h).toBeLessThanOrEqual(height);
  }
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      expect(
        overlaps(labels[i]!.box, labels[j]!.box),
        `${labels[i]!.label} / ${labels[j]!.label}`,
      ).toBe(false);
}

describe('chart axes', () => {
  it('nice steps: 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(2.08, 4)).toBe(1); // 0.52 → 1
    expect(niceStep(0.7, 4)).toBe(0.2); // 0.175 → 0.2
    expect(niceStep(45, 4)).toBe(20); // 11.25 → 20
    expect(niceStep(9, 3)).toBe(5); // 3 → 5
    expect(niceStep(0.004, 4)).toBeCloseTo(0.001, 12);
    expect(tickLabel(0.1 + 0.2)).toBe('0.3');
    expect(tickLabel(2.302585)).toBe('2.3');
    expect(tickLabel(0)).toBe('0');
  });

  it('a loss curve from 2.31 down to 0.23 over 20 epochs', () => {
    const layout = chartLayout(300, 120, 0.23, 2.31, 20, textWidth);
    // 4 steps fit 100 px of height (25 px each): 2.08 / 4 = 0.52 → step 1, from 0 to 3.
    expect(layout.yTicks.map((t) => t.label)).toEqual(['0', '1', '2', '3']);
    expect([layout.lo, layout.hi]).toEqual([0, 3]);
    // The plot spans the ticks: 0 at its bottom edge, 3 at its top.
    expect(layout.yTicks[0]!.at).toBeCloseTo(layout.plot.y + layout.plot.h, 9);
    expect(layout.yTicks[3]!.at).toBeCloseTo(layout.plot.y, 9);
    // x: epochs 1..20 at whole steps, the first epoch included.
    const xs = layout.xTicks.map((t) => t.value);
    expect(xs[0]).toBe(1);
    expect(xs.at(-1)).toBeLessThanOrEqual(20);
    expect(xs.length).toBeGreaterThanOrEqual(3);
    expectReadable(layout, 300, 120);
  });

  it('accuracy between 0.48 and 0.97; a flat line; one point; thousands of batches', () => {
    const acc = chartLayout(300, 120, 0.48, 0.97, 50, textWidth);
    // 0.49 / 4 = 0.1225 → 0.2: ticks 0.4 … 1.
    expect(acc.yTicks.map((t) => t.label)).toEqual(['0.4', '0.6', '0.8', '1']);
    expectReadable(acc, 300, 120);
    const flat = chartLayout(300, 120, 0.5, 0.5, 5, textWidth);
    expect(flat.lo).toBeLessThan(0.5);
    expect(flat.hi).toBeGreaterThan(0.5);
    expectReadable(flat, 300, 120);
    const one = chartLayout(300, 120, 1.2, 1.2, 1, textWidth);
    expect(one.xTicks.map((t) => t.label)).toEqual(['1']);
    expectReadable(one, 300, 120);
    const batches = chartLayout(260, 100, 0.01, 4.6, 12_345, textWidth);
    expectReadable(batches, 260, 100);
    expect(batches.xTicks.every((t) => t.value === 1 || t.value % 1000 === 0)).toBe(true);
  });

  it('every value of the data range is drawn inside the plot area', () => {
    for (const [lo, hi] of [
      [0.23, 2.31],
      [-3.7, 12.2],
      [1e-4, 3e-4],
      [100, 100.5],
    ] as const) {
      const l = chartLayout(280, 120, lo, hi, 10, textWidth);
      expect(l.lo).toBeLessThanOrEqual(lo);
      expect(l.hi).toBeGreaterThanOrEqual(hi);
      expectReadable(l, 280, 120);
    }
  });
});
