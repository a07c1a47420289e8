/**
 * Pure helpers of the "Try it" and "Inside" panels: drawing-pad preprocessing to MNIST's 28×28,
 * heatmap normalisation, probabilities and their difference, colour maps. No DOM, no tensors.
 */

export const MNIST_SIDE = 28;
/** MNIST digits fit a 20×20 box, centred by their centre of mass in the 28×28 image. */
const MNIST_BOX = 20;

/**
 * A drawing (`width × height` intensities in 0..1, white ink on black) → a 28×28 MNIST example
 * (784 values in 0..1, row-major): crop to the ink, scale (area average) so the longer side is
 * 20 pixels, and place the result so its centre of mass sits at the image centre — what MNIST's
 * own preprocessing did. An empty drawing gives zeros.
 */
export function drawingToMnist(
  ink: ArrayLike<number>,
  width: number,
  height: number,
): Float32Array {
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (ink[y * width + x]! > 0.02) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = MNIST_BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  // Area-average resample of the ink box into tw × th.
  const small = new Float32Array(tw * th);
  const sx = bw / tw;
  const sy = bh / th;
  for (let ty = 0; ty < th; ty++)
    for (let tx = 0; tx < tw; tx++) {
      const fx0 = x0 + tx * sx;
      const fy0 = y0 + ty * sy;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(fy0); y < Math.ceil(fy0 + sy); y++) {
        const wy = Math.min(y + 1, fy0 + sy) - Math.max(y, fy0);
        if (wy <= 0) continue;
        for (let x = Math.floor(fx0); x < Math.ceil(fx0 + sx); x++) {
          const wx = Math.min(x + 1, fx0 + sx) - Math.max(x, fx0);
          if (wx <= 0) continue;
          sum += ink[y * width + x]! * wx * wy;
          area += wx * wy;
        }
      }
      small[ty * tw + tx] = area > 0 ? Math.min(1, sum / area) : 0;
    }
  // Centre of mass → image centre.
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x]!;
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  const ox = clampInt(
    Math.round(MNIST_SIDE / 2 - (mass > 0 ? cx / mass : tw / 2)),
    0,
    MNIST_SIDE - tw,
  );
  const oy = clampInt(
    Math.round(MNIST_SIDE / 2 - (mass > 0 ? cy / mass : th / 2)),
    0,
    MNIST_SIDE - th,
  );
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) out[(oy + y) * MNIST_SIDE + ox + x] = small[y * tw + x]!;
  return out;
}

const clampInt = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** RGBA pixels (a canvas's ImageData) → intensities 0..1 from their brightness. */
export function rgbaToInk(rgba: ArrayLike<number>): Float32Array {
  const n = Math.floor(rgba.length / 4);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = (0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!) / 255;
  return out;
}

/** One channel of a channels-last feature map `[h, w, c]`, normalised to 0..1 by its range. */
export interface Heatmap {
  width: number;
  height: number;
  /** `height × width` values in 0..1 (all 0 when the channel is constant). */
  values: Float32Array;
  min: number;
  max: number;
}

/** Normalises channel `channel` of a `[h, w, c]` feature map (row-major, channels last). */
export function channelHeatmap(
  values: ArrayLike<number>,
  shape: readonly number[],
  channel: number,
): Heatmap {
  const [height = 1, width = 1, channels = 1] = shape;
  const out = new Float32Array(height * width);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < height * width; i++) {
    const v = values[i * channels + channel]!;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) {
    out.fill(0);
    return {
      width,
      height,
      values: out,
      min: Number.isFinite(min) ? min : 0,
      max: Number.isFinite(max) ? max : 0,
    };
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! - min) / (max - min);
  return { width, height, values: out, min, max };
}

/**
 * The model's output as class probabilities: a single sigmoid unit `p` becomes `[1 − p, p]`;
 * anything else is returned as is (softmax outputs already sum to 1).
 */
export function toProbabilities(output: ArrayLike<number>): number[] {
  const values = Array.from(output);
  return values.length === 1 ? [1 - values[0]!, values[0]!] : values;
}

/** Whether values look like probabilities (each in 0..1, summing to 1 within 1e-3). */
export function looksLikeProbabilities(values: readonly number[]): boolean {
  if (values.length === 0) return false;
  let sum = 0;
  for (const v of values) {
    if (!(v >= -1e-6 && v <= 1 + 1e-6)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

/** The largest absolute difference between two equally long arrays (Infinity if lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** Index of the largest value (−1 for an empty array). */
export function argmax(values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (best < 0 || values[i]! > values[best]!) best = i;
  return best;
}

/** The `k` largest values with their indices, largest first. */
export function topK(values: ArrayLike<number>, k: number): { index: number; value: number }[] {
  return Array.from(values, (value, index) => ({ index, value }))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .slice(0, k);
}

/** Viridis-like sequential colour for t in 0..1 (dark blue → green → yellow). */
export function sequentialColor(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  return interpolate(stops, t);
}

/** Diverging colour for v in −1..1: blue (negative) → white (0) → red (positive). */
export function divergingColor(v: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [33, 102, 172],
    [146, 197, 222],
    [247, 247, 247],
    [244, 165, 130],
    [178, 24, 43],
  ];
  return interpolate(stops, (v + 1) / 2);
}

function interpolate(stops: [number, number, number][], t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/** What kind of example a model's Input takes, for the pickers. */
export type InputKind = 'image' | 'point' | 'table' | 'other';

/** MNIST-sized inputs (784 values or 28×28×1) are images; 2 values a point; other flat ones rows. */
export function inputKind(shape: readonly number[]): InputKind {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 784 && (shape.length === 1 || (shape[0] === 28 && shape[1] === 28))) return 'image';
  if (shape.length === 1 && shape[0] === 2) return 'point';
  if (shape.length === 1) return 'table';
  return 'other';
}

/** Formats a number for the panels: 4 significant digits, exponent for tiny/huge values. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}

/** How a model's output reads: class probabilities (with names) or plain values. */
export interface OutputView {
  kind: 'classes' | 'values';
  labels: string[];
  values: number[];
}

/**
 * Reads a model output: one sigmoid unit → two class probabilities; a probability vector →
 * classes (named by `classNames` when they fit); anything else → values (`output 1`…).
 */
export function outputView(
  output: ArrayLike<number>,
  lastActivation: unknown,
  classNames: readonly string[] = [],
): OutputView {
  const values = Array.from(output);
  const probs =
    values.length === 1 && lastActivation === 'sigmoid'
      ? toProbabilities(values)
      : looksLikeProbabilities(values) && values.length > 1
        ? values
        : null;
  if (!probs)
    return {
      kind: 'values',
      labels: values.map((_, i) => (values.length === 1 ? 'output' : `output ${i + 1}`)),
      values,
    };
  const labels = probs.map((_, i) =>
    classNames.length === probs.length ? classNames[i]! : String(i),
  );
  return { kind: 'classes', labels, values: probs };
}
