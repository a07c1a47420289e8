import { gaussian, rng } from './random.ts';
import type { Dataset, Split } from './types.ts';

export const SYNTHETIC_SETS = ['spiral', 'circles', 'xor', 'blobs'] as const;
export type SyntheticSet = (typeof SYNTHETIC_SETS)[number];

export interface SyntheticOptions {
  /** Number of training points (the test set has a quarter as many); default 500. */
  size?: number;
  /** 0 (clean) .. 1 (very noisy); default 0.1. */
  noise?: number;
  seed?: number;
}

/** One point with its class (0 or 1), coordinates roughly in -1..1 as in TensorFlow Playground. */
type Gen = (i: number, n: number, random: () => number, noise: number) => [number, number, number];

const GENERATORS: Record<SyntheticSet, Gen> = {
  spiral: (i, n, random, noise) => {
    const label = i % 2;
    const k = Math.floor(i / 2);
    // Three quarters of a turn per arm: learnable from (x1, x2) alone by a small tanh MLP.
    const t = (k / Math.max(1, Math.ceil(n / 2))) * 0.75 * 2 * Math.PI;
    const r = (k / Math.max(1, Math.ceil(n / 2))) * 0.9;
    const angle = t + label * Math.PI;
    return [
      r * Math.sin(angle) + gaussian(random) * noise * 0.3,
      r * Math.cos(angle) + gaussian(random) * noise * 0.3,
      label,
    ];
  },
  circles: (i, _n, random, noise) => {
    const label = i % 2;
    const r = label === 0 ? random() * 0.4 : 0.6 + random() * 0.3;
    const angle = random() * 2 * Math.PI;
    return [
      r * Math.cos(angle) + gaussian(random) * noise * 0.2,
      r * Math.sin(angle) + gaussian(random) * noise * 0.2,
      label,
    ];
  },
  xor: (_i, _n, random, noise) => {
    const pad = 0.05;
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    const px = a + (a > 0 ? pad : -pad);
    const py = b + (b > 0 ? pad : -pad);
    const label = px * py >= 0 ? 0 : 1;
    return [px + gaussian(random) * noise * 0.3, py + gaussian(random) * noise * 0.3, label];
  },
  blobs: (i, _n, random, noise) => {
    const label = i % 2;
    const cx = label === 0 ? -0.5 : 0.5;
    const cy = label === 0 ? 0.4 : -0.4;
    const s = 0.12 + noise * 0.5;
    return [cx + gaussian(random) * s, cy + gaussian(random) * s, label];
  },
};

function generate(kind: SyntheticSet, n: number, noise: number, random: () => number): Split {
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  const gen = GENERATORS[kind];
  for (let i = 0; i < n; i++) {
    const [a, b, label] = gen(i, n, random, noise);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = label;
  }
  return { x, y, count: n };
}

/** A 2-D, two-class synthetic set, seeded: the same options give the same points. */
export function syntheticDataset(kind: SyntheticSet, options: SyntheticOptions = {}): Dataset {
  const size = Math.max(4, Math.floor(options.size ?? 500));
  const noise = Math.min(1, Math.max(0, options.noise ?? 0.1));
  const random = rng(options.seed ?? 42);
  return {
    id: kind,
    title: { spiral: 'Spiral', circles: 'Circles', xor: 'XOR', blobs: 'Gaussian blobs' }[kind],
    featureShape: [2],
    featureNames: ['x1', 'x2'],
    task: { kind: 'classification', numClasses: 2, classNames: ['0', '1'] },
    // Interleaved classes; the trainer shuffles.
    train: generate(kind, size, noise, random),
    test: generate(kind, Math.max(2, Math.floor(size / 4)), noise, random),
    notes: [`${size} points, noise ${noise}`],
  };
}
