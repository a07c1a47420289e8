/**
 * Front-half helpers shared by the 1-D convolution and pooling kinds (Conv1D, MaxPooling1D,
 * AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D) and the 2-D resizing kinds
 * (ZeroPadding2D, Cropping2D): input-rank checks with messages that say what to feed instead,
 * the 1-D sliding window, and the `(before, after)` edge params.
 *
 * Shapes are per example (batch axis not counted), channels last as in Keras: a sequence is
 * `(steps, channels)`, an image `(H, W, C)`.
 */
import type { Shape } from '../shape.ts';
import { formatShape } from '../shape.ts';
import { paddingParam } from './common.ts';
import { windowOutputSize } from './layout.ts';
import type { EdgesParam, IntParam } from './params.ts';
import type { LayerFront, ShapeResult } from './types.ts';
import { NO_PARAMS, ok } from './types.ts';

/**
 * E003 unless `input` is a sequence `(steps, channels)` (Keras 1-D layers take a 3-D tensor
 * `(batch, steps, channels)`, keras/src/layers/convolutional/base_conv.py `InputSpec(min_ndim=3)`
 * with rank fixed by the kernel); `null` when it is one. The message suggests the usual fix.
 */
export function requireSequence(layer: string, input: Shape): ShapeResult | null {
  if (input.length === 2) return null;
  const hint =
    input.length === 1
      ? `; a vector has no steps: feed a sequence, e.g. Input shape ${input[0]},1, or add a Reshape to (${input[0]}, 1)`
      : input.length === 3
        ? '; an image (height, width, channels) needs the 2-D layer, or a Reshape to (steps, channels)'
        : '';
  return {
    ok: false,
    code: 'E003',
    message: `${layer} needs a 2-D input (steps, channels) but gets ${formatShape(input)}${hint}`,
  };
}

/**
 * Output steps of a 1-D window (conv or pooling) over `(steps, channels)`, as Keras computes it
 * (`layout.windowOutputSize`), or E011 when a 'valid' window is longer than the sequence.
 */
export function slideWindow1D(
  layer: string,
  steps: number,
  window: number,
  stride: number,
  padding: string,
): { ok: true; steps: number } | { ok: false; result: ShapeResult } {
  const out = windowOutputSize(steps, window, stride, padding);
  if (out >= 1) return { ok: true, steps: out };
  return {
    ok: false,
    result: {
      ok: false,
      code: 'E011',
      message: `${layer} window ${window} is longer than its ${steps} input steps; use padding 'same' or a smaller window`,
    },
  };
}

/** A whole-number size param, e.g. Conv1D `kernel_size` (Keras stores it as a 1-tuple). */
export const sizeParam = (name: string, label: string, def: number): IntParam => ({
  name,
  label,
  kind: 'int',
  default: def,
  min: 1,
  max: 65_536,
});

/**
 * The front half shared by MaxPooling1D and AveragePooling1D (Keras 3
 * `MaxPooling1D(pool_size=2, strides=None, padding="valid")`, keras.io/api/layers/pooling_layers/):
 * `(steps, C)` → `(steps', C)`, no weights. `strides` empty (null) means "same as pool size".
 */
export function pooling1DFront(type: string, torchName: string, summary: string): LayerFront {
  return {
    type,
    group: 'Convolution',
    kerasName: type,
    torchName,
    summary,
    params: [
      sizeParam('pool_size', 'Pool size', 2),
      {
        ...sizeParam('strides', 'Strides', 2),
        default: null,
        nullable: true,
        help: 'empty: same as pool size',
      },
      paddingParam,
    ],
    inputs: { min: 1, max: 1 },
    inferShape: ([input], p) => {
      const bad = requireSequence(type, input!);
      if (bad) return bad;
      const pool = p.pool_size as number;
      const stride = (p.strides as number | null) ?? pool;
      const slid = slideWindow1D(type, input![0]!, pool, stride, p.padding as string);
      return slid.ok ? ok([slid.steps, input![1]!]) : slid.result;
    },
    paramCount: () => NO_PARAMS,
  };
}

/**
 * The front half shared by GlobalAveragePooling1D and GlobalMaxPooling1D: `(steps, C)` → `(C)`,
 * no weights (Keras 3 `GlobalAveragePooling1D(data_format=None, keepdims=False)`; `keepdims` is
 * fixed to False, channels last).
 */
export function globalPooling1DFront(type: string, torchName: string, summary: string): LayerFront {
  return {
    type,
    group: 'Convolution',
    kerasName: type,
    torchName,
    summary,
    params: [],
    inputs: { min: 1, max: 1 },
    inferShape: ([input]) => requireSequence(type, input!) ?? ok([input![1]!]),
    paramCount: () => NO_PARAMS,
  };
}

/**
 * Keras's `((top, bottom), (left, right))` edge sizes of ZeroPadding2D `padding` and Cropping2D
 * `cropping`, zeros allowed; `def` is the size of every side by default. One number typed in the
 * inspector means all four sides, two mean (height, width), as in Keras (`validateParam`).
 */
export const edgesParam = (name: string, label: string, def: number, help: string): EdgesParam => ({
  name,
  label,
  kind: 'edges',
  default: [
    [def, def],
    [def, def],
  ],
  min: 0,
  help,
});

/**
 * The `[[top, bottom], [left, right]]` of a resolved edges param (`edgesParam`; resolution has
 * already turned every Keras form into this nested one).
 */
export function readEdges(value: unknown): [[number, number], [number, number]] {
  return value as [[number, number], [number, number]];
}
