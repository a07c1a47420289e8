import { formatCount } from '../summary.ts';
import type { Shape } from '../shape.ts';
import type { ResolvedParams } from '../layers/types.ts';

/**
 * The arithmetic behind a block's parameter count and output shape, as a learner would write it:
 * "784 × 128 weights + 128 biases = 100,480", "(28 − 3) / 1 + 1 = 26".
 */
export interface BlockArithmetic {
  params?: string;
  shape?: string[];
}

const n = formatCount;

function last(shape: Shape): number {
  return shape[shape.length - 1]!;
}

/** Explains one spatial dimension of a sliding window (conv or pooling), as Keras computes it. */
function windowLine(
  axis: string,
  size: number,
  window: number,
  stride: number,
  padding: string,
): string {
  if (padding === 'same')
    return `${axis}: ⌈${size} / ${stride}⌉ = ${Math.ceil(size / stride)} (padding same)`;
  const out = Math.floor((size - window) / stride) + 1;
  const exact = (size - window) % stride === 0;
  return `${axis}: ${exact ? '' : '⌊'}(${size} − ${window}) / ${stride}${exact ? '' : '⌋'} + 1 = ${out}`;
}

function windowShape(input: Shape, window: number[], strides: number[], padding: string): string[] {
  return [
    windowLine('height', input[0]!, window[0]!, strides[0]!, padding),
    windowLine('width', input[1]!, window[1]!, strides[1]!, padding),
  ];
}

/** Arithmetic for a block given its type, resolved params and input shapes. */
export function explainArithmetic(
  type: string,
  params: ResolvedParams,
  inputs: readonly Shape[],
): BlockArithmetic {
  const input = inputs[0];
  if (!input) return {};
  switch (type) {
    case 'Dense': {
      const fanIn = last(input);
      const units = params.units as number;
      const weights = `${n(fanIn)} × ${n(units)} weights`;
      return {
        params: params.use_bias
          ? `${weights} + ${n(units)} biases = ${n(fanIn * units + units)}`
          : `${weights} = ${n(fanIn * units)} (no bias)`,
      };
    }
    case 'Conv2D': {
      const [kh, kw] = params.kernel_size as number[];
      const c = input[2] ?? 0;
      const f = params.filters as number;
      const weights = kh! * kw! * c * f;
      return {
        params: params.use_bias
          ? `${kh} × ${kw} × ${c} channels × ${f} filters + ${f} biases = ${n(weights + f)}`
          : `${kh} × ${kw} × ${c} channels × ${f} filters = ${n(weights)} (no bias)`,
        shape:
          input.length === 3
            ? windowShape(
                input,
                params.kernel_size as number[],
                params.strides as number[],
                params.padding as string,
              )
            : undefined,
      };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = params.pool_size as number[];
      const strides = (params.strides as number[] | null) ?? pool;
      return {
        params: 'no weights: pooling only compares or averages values',
        shape:
          input.length === 3
            ? windowShape(input, pool, strides, params.padding as string)
            : undefined,
      };
    }
    case 'BatchNormalization': {
      const c = last(input);
      return {
        params: `${n(c)} features × 4 (γ, β trained; moving mean, moving variance not trained) = ${n(4 * c)}, of which ${n(2 * c)} trainable`,
      };
    }
    case 'LayerNormalization': {
      const c = last(input);
      return { params: `${n(c)} features × 2 (γ, β) = ${n(2 * c)}` };
    }
    case 'Flatten':
      return {
        params: 'no weights',
        shape: [`${input.join(' × ')} = ${n(input.reduce((a, b) => a * b, 1))} values`],
      };
    case 'Concatenate': {
      const sizes = inputs.map(last);
      return {
        params: 'no weights',
        shape: [`last axis: ${sizes.join(' + ')} = ${sizes.reduce((a, b) => a + b, 0)}`],
      };
    }
    default:
      return { params: 'no weights' };
  }
}
