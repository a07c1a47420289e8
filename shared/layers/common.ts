import type { Shape } from '../shape.ts';
import { formatShape } from '../shape.ts';
import { ACTIVATIONS } from './activations.ts';
import type { EnumParam, PairParam } from './params.ts';
import type { ShapeResult } from './types.ts';

export const activationParam = (defaultValue: string): EnumParam => ({
  name: 'activation',
  label: 'Activation',
  kind: 'enum',
  default: defaultValue,
  options: ACTIVATIONS,
});

export const paddingParam: EnumParam = {
  name: 'padding',
  label: 'Padding',
  kind: 'enum',
  default: 'valid',
  options: ['valid', 'same'],
  help: 'valid: no padding, the output shrinks; same: pad so that output = ceil(input / stride)',
};

export const pairParam = (
  name: string,
  label: string,
  def: readonly [number, number] | null,
  nullable = false,
): PairParam => ({ name, label, kind: 'pair', default: def, nullable });

/** Spatial output size of a sliding window, as Keras computes it (see `layout.ts`). */
export { windowOutputSize } from './layout.ts';
import { windowOutputSize } from './layout.ts';

/** Requires a feature map `(H, W, C)`; explains the usual fix when the input is a vector. */
export function requireImage(layer: string, input: Shape): ShapeResult | null {
  if (input.length === 3) return null;
  return {
    ok: false,
    code: 'E003',
    message: `${layer} needs a 3-D input (height, width, channels) but gets ${formatShape(input)}${
      input.length === 1 ? '; feed it an image, e.g. Input shape 28,28,1, or add a Reshape' : ''
    }`,
  };
}

/** Applies a 2-D window (conv or pooling) to `(H, W, C)`, returning the new `(H', W')`. */
export function slideWindow(
  layer: string,
  input: Shape,
  window: readonly number[],
  strides: readonly number[],
  padding: string,
): { ok: true; h: number; w: number } | { ok: false; result: ShapeResult } {
  const h = windowOutputSize(input[0]!, window[0]!, strides[0]!, padding);
  const w = windowOutputSize(input[1]!, window[1]!, strides[1]!, padding);
  if (h < 1 || w < 1) {
    return {
      ok: false,
      result: {
        ok: false,
        code: 'E011',
        message: `${layer} window ${window.join('×')} is larger than its ${input[0]}×${input[1]} input; use padding 'same' or a smaller window`,
      },
    };
  }
  return { ok: true, h, w };
}

/**
 * Largest per-example rank (batch axis not counted) a tensor may have: TF.js runs tensors up to
 * rank 6 with the batch axis (its `model.predict` slices batches with `sliceAlongFirstAxis`,
 * which refuses rank 7).
 */
export const MAX_EXAMPLE_RANK = 5;

/** E003 when a block would make a tensor of more than `MAX_EXAMPLE_RANK` axes per example. */
export function requireMaxRank(layer: string, shape: Shape): ShapeResult | null {
  if (shape.length <= MAX_EXAMPLE_RANK) return null;
  return {
    ok: false,
    code: 'E003',
    message: `${layer} makes ${formatShape(shape)}, ${shape.length} axes per example; Netwright supports at most ${MAX_EXAMPLE_RANK} (TF.js runs tensors up to rank 6 with the batch axis)`,
  };
}
