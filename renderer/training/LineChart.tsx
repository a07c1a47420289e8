import { useEffect, useRef, useState } from 'react';
import { chartLayout, FONT_PX } from './chartAxes.ts';

export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

/** A small canvas line chart; hovering shows the exact values at that x. */
export function LineChart(props: {
  title: string;
  series: Series[];
  xLabel: string;
  testId: string;
  height?: number;
  /**
   * Points that stand for part of a step (an epoch cut short by Stop): drawn hollow, joined by a
   * dashed line, and named in the hover label with their share (e.g. `partial[i] = 0.1`).
   */
  partial?: (number | null)[];
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  // The plot area of the last drawing, for mapping the mouse to a step.
  const plotRef = useRef({ x: 6, w: 288 });
  const [hover, setHover] = useState<number | null>(null);
  const length = Math.max(0, ...props.series.map((s) => s.values.length));
  const height = props.height ?? 120;

  useEffect(() => {
    const isPartial = (i: number) => props.partial?.[i] != null;
    const canvas = ref.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 300;
    canvas.width = w * dpr;
    canvas.height = height * dpr;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, w, height);
    const all = props.series.flatMap((s) =>
      s.values.filter((v): v is number => v !== null && Number.isFinite(v)),
    );
    ctx.font = `${FONT_PX}px system-ui`;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of all) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (all.length === 0) {
      lo = 0;
      hi = 1;
    }
    // Axes with ticks; labels outside the plot area, never on a curve (chartAxes.ts).
    const layout = chartLayout(w, height, lo, hi, length, (t) => ctx.measureText(t).width);
    const { plot } = layout;
    plotRef.current = { x: plot.x, w: plot.w };
    canvas.dataset.yTicks = layout.yTicks.map((t) => t.label).join(' ');
    canvas.dataset.xTicks = layout.xTicks.map((t) => t.label).join(' ');
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#eef1f5';
    for (const t of layout.yTicks) {
      ctx.beginPath();
      ctx.moveTo(plot.x, Math.round(t.at) + 0.5);
      ctx.lineTo(plot.x + plot.w, Math.round(t.at) + 0.5);
      ctx.stroke();
    }
    ctx.strokeStyle = '#9aa3b2';
    ctx.beginPath();
    ctx.moveTo(plot.x + 0.5, plot.y);
    ctx.lineTo(plot.x + 0.5, plot.y + plot.h + 0.5);
    ctx.lineTo(plot.x + plot.w, plot.y + plot.h + 0.5);
    for (const t of layout.yTicks) {
      ctx.moveTo(plot.x - 3, Math.round(t.at) + 0.5);
      ctx.lineTo(plot.x, Math.round(t.at) + 0.5);
    }
    for (const t of layout.xTicks) {
      ctx.moveTo(Math.round(t.at) + 0.5, plot.y + plot.h);
      ctx.lineTo(Math.round(t.at) + 0.5, plot.y + plot.h + 3);
    }
    ctx.stroke();
    ctx.fillStyle = '#4b5565';
    ctx.textBaseline = 'middle';
    for (const t of [...layout.yTicks, ...layout.xTicks])
      ctx.fillText(t.label, t.box.x, t.box.y + t.box.h / 2);
    if (all.length === 0) return;
    lo = layout.lo;
    hi = layout.hi;
    const xOf = (i: number) => plot.x + (length <= 1 ? 0 : (i / (length - 1)) * plot.w);
    const yOf = (v: number) => plot.y + plot.h - ((v - lo) / (hi - lo)) * plot.h;
    for (const s of props.series) {
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      let started = false;
      let prev: [number, number] | null = null;
      const dashed: [number, number, number, number][] = [];
      // At most about two points per pixel: long runs (thousands of batches) stay cheap to draw.
      const step = Math.max(1, Math.floor(length / (2 * w)));
      for (let i = 0; i < s.values.length; i += step) {
        const v = s.values[i];
        if (v === null || v === undefined || !Number.isFinite(v)) continue;
        const point: [number, number] = [xOf(i), yOf(v)];
        if (isPartial(i)) {
          if (prev) dashed.push([...prev, ...point]);
          started = false;
        } else if (started) ctx.lineTo(...point);
        else ctx.moveTo(...point);
        if (!isPartial(i)) started = true;
        prev = point;
      }
      ctx.stroke();
      ctx.setLineDash([3, 3]);
      for (const [x0, y0, x1, y1] of dashed) {
        ctx.beginPath();
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
        ctx.stroke();
      }
      ctx.setLineDash([]);
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        if (isPartial(i)) {
          ctx.beginPath();
          ctx.arc(xOf(i), yOf(v), 3, 0, 2 * Math.PI);
          ctx.fillStyle = 'white';
          ctx.fill();
          ctx.stroke();
          ctx.fillStyle = s.color;
        } else if (length <= 30) ctx.fillRect(xOf(i) - 1.5, yOf(v) - 1.5, 3, 3);
      });
    }
    if (hover !== null) {
      ctx.strokeStyle = '#9aa3b2';
      ctx.beginPath();
      ctx.moveTo(xOf(hover), plot.y);
      ctx.lineTo(xOf(hover), plot.y + plot.h);
      ctx.stroke();
    }
  }, [props.series, props.partial, length, height, hover]);

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const { x, w } = plotRef.current;
    const f = (e.clientX - rect.left - x) / Math.max(1, w);
    setHover(length === 0 ? null : Math.max(0, Math.min(length - 1, Math.round(f * (length - 1)))));
  };
  return (
    <div
      className="tchart"
      data-testid={props.testId}
      data-points={length}
      data-partial={props.partial?.filter((f) => f != null).length ?? 0}
    >
      <div className="tchart__head">
        <strong>{props.title}</strong>
        {props.series.map((s) => (
          <span key={s.name} className="tchart__key" style={{ color: s.color }}>
            ● {s.name}
            {hover !== null && s.values[hover] != null
              ? ` ${Number(s.values[hover]).toPrecision(4)}`
              : ''}
          </span>
        ))}
        {hover !== null && (
          <span className="muted">
            {' '}
            {props.xLabel} {hover + 1}
            {props.partial?.[hover] != null &&
              ` (partial: ${Math.round((props.partial![hover] ?? 0) * 100)}% of its batches)`}
          </span>
        )}
      </div>
      <canvas
        ref={ref}
        style={{ width: '100%', height }}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      />
    </div>
  );
}

/** Exponential moving average, as TensorBoard smooths. */
export function smooth(values: number[], weight = 0.9): number[] {
  const out: number[] = [];
  let last = 0;
  let debias = 0;
  for (const v of values) {
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    out.push(last / (debias || 1));
  }
  return out;
}
