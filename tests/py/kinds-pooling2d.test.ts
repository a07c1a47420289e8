/**
 * Differential tests (TF.js = onnxruntime = PyTorch, see tests/py/kind-differential.ts) for 2-D
 * pooling with TensorFlow's 'same' padding, and a hand computation of every weightless case.
 * Issue 11: AveragePooling2D 'same' must leave the padding out of each average on every back-end
 * — the ONNX export writes AveragePool with TF's uneven `pads` and `count_include_pad=0`
 * (onnx.ai/onnx/operators/onnx__AveragePool.html: pads may differ per side), the PyTorch code
 * `nn.AvgPool2d(…, padding=p, count_include_pad=False)` when TF pads evenly and `AvgPool2dSame`
 * (pad, then divide by the pooled count of ones) when it pads more after.
 */
import { graphOf } from '../shared/graph-builder.ts';
import { kindDifferential, type KindCase } from './kind-differential.ts';

type Block = [id: string, type: string, params?: Record<string, unknown>];

/** Input(shape) → blocks, wired as a chain. */
function chainGraph(shape: number[], blocks: Block[]) {
  const all: Block[] = [['in', 'Input', { shape }], ...blocks];
  return graphOf(
    all,
    all.slice(1).map((b, i) => `${all[i]![0]}->${b[0]}`),
  );
}

const BATCH = 2;

/**
 * 2-D pooling by hand, channels last (Keras docs: "Downsamples the input along its spatial
 * dimensions (height and width) by taking the maximum / average value over an input window (of
 * size defined by pool_size) for each channel of the input. The window is shifted by strides").
 * 'same' gives ceil(in / stride) outputs and pads `total = max((out − 1)·stride + pool − in, 0)`
 * cells, floor(total / 2) before (tensorflow.org/api_docs/python/tf/nn, "Notes on padding");
 * padded cells never count: max ignores them, the average divides by the cells inside.
 */
function pool2D(
  kind: 'max' | 'avg',
  [h, w, ch]: [number, number, number],
  [ph, pw]: [number, number],
  [sh, sw]: [number, number],
  padding: 'same' | 'valid',
) {
  const outOf = (n: number, p: number, s: number) =>
    padding === 'same' ? Math.ceil(n / s) : Math.floor((n - p) / s) + 1;
  const before = (n: number, p: number, s: number, out: number) =>
    padding === 'same' ? Math.floor(Math.max((out - 1) * s + p - n, 0) / 2) : 0;
  const oh = outOf(h, ph, sh);
  const ow = outOf(w, pw, sw);
  const top = before(h, ph, sh, oh);
  const left = before(w, pw, sw, ow);
  return (x: Float32Array): number[] => {
    const y: number[] = [];
    for (let b = 0; b < BATCH; b++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let c = 0; c < ch; c++) {
            const values: number[] = [];
            for (let di = 0; di < ph; di++)
              for (let dj = 0; dj < pw; dj++) {
                const r = i * sh - top + di;
                const q = j * sw - left + dj;
                if (r >= 0 && r < h && q >= 0 && q < w)
                  values.push(x[((b * h + r) * w + q) * ch + c]!);
              }
            y.push(
              kind === 'max'
                ? Math.max(...values)
                : values.reduce((s, v) => s + v, 0) / values.length,
            );
          }
    return y;
  };
}

function cases(type: 'AveragePooling2D' | 'MaxPooling2D'): KindCase[] {
  const kind = type === 'MaxPooling2D' ? 'max' : 'avg';
  const one = (
    title: string,
    shape: [number, number, number],
    pool: [number, number],
    strides: [number, number],
    padding: 'same' | 'valid',
  ): KindCase => ({
    title: `${type} ${title} on (${shape.join(', ')})`,
    graph: chainGraph(shape, [['p', type, { pool_size: pool, strides, padding }]]),
    hand: pool2D(kind, shape, pool, strides, padding),
    noTraining: true,
  });
  return [
    // H: 3 out, pads 2·2 + 3 − 6 = 1 → 0 before, 1 after; W: 3 out, pads 2·2 + 3 − 5 = 2 → 1, 1.
    one("pool 3, stride 2, 'same' (H pads 0/1, W 1/1)", [6, 5, 2], [3, 3], [2, 2], 'same'),
    // Pads 2 per axis, 1 on each side: even, so PyTorch's own count_include_pad=False.
    one("pool 3, stride 1, 'same' (pads 1/1 both)", [4, 4, 1], [3, 3], [1, 1], 'same'),
    // H pads 1 → 0/1; W pads 3 → 1/2: corner windows hold 2·3 of their 2·4 cells.
    one("pool (2, 4), stride 1, 'same' (H 0/1, W 1/2)", [3, 5, 2], [2, 4], [1, 1], 'same'),
    // Pool < stride: H pads 1·3 + 2 − 5 = 0; W 3 out, pads 2·3 + 2 − 7 = 1 → 0/1.
    one("pool 2, stride 3, 'same' (H none, W 0/1)", [5, 7, 1], [2, 2], [3, 3], 'same'),
    // A one-cell axis: pads 1 after, the window holds the single cell.
    one("pool 2, stride 2, 'same' on a 1-cell axis", [1, 4, 3], [2, 2], [2, 2], 'same'),
    one('pool 2, valid (the odd row and column dropped)', [5, 5, 2], [2, 2], [2, 2], 'valid'),
    {
      title: `Conv2D → ${type} pool 3, stride 2, 'same' → Flatten → Dense 2 on (7, 6, 2)`,
      graph: chainGraph(
        [7, 6, 2],
        [
          [
            'conv',
            'Conv2D',
            { filters: 3, kernel_size: [3, 3], padding: 'same', activation: 'tanh' },
          ],
          ['p', type, { pool_size: [3, 3], strides: [2, 2], padding: 'same' }],
          ['flat', 'Flatten'],
          ['out', 'Dense', { units: 2 }],
        ],
      ),
    },
  ];
}

kindDifferential('AveragePooling2D', cases('AveragePooling2D'));
kindDifferential('MaxPooling2D', cases('MaxPooling2D'));
