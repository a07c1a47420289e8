/**
 * Keras layer configs as plain data: one source for the Keras generator and for tests that
 * compare generated code with the TF.js model built from the same IR.
 */
import type { IrOp } from '../ir/lower.ts';

export type KerasValue = number | string | boolean | null | readonly number[];

export interface KerasLayerConfig {
  /** `Input` for the model input (`keras.Input`), else the `keras.layers` class name. */
  className: string;
  /** Keras config keys (snake_case) and values; every layer has `name`. */
  config: Record<string, KerasValue>;
}

/**
 * The Keras config of one op, with every parameter spelled out (defaults included). Reshape gets
 * the IR-resolved target shape (a `-1` replaced by its size, as Keras computes it); pooling
 * `strides` stays `null` when it means "same as pool_size", as in Keras.
 */
export function kerasLayerConfig(op: IrOp): KerasLayerConfig {
  const p = op.params;
  const name = op.name;
  switch (op.type) {
    case 'Input':
      return { className: 'Input', config: { name, shape: [...(p.shape as number[])] } };
    case 'Dense':
      return {
        className: 'Dense',
        config: {
          name,
          units: p.units as number,
          activation: p.activation as string,
          use_bias: p.use_bias as boolean,
        },
      };
    case 'Conv2D':
      return {
        className: 'Conv2D',
        config: {
          name,
          filters: p.filters as number,
          kernel_size: [...(p.kernel_size as number[])],
          strides: [...(p.strides as number[])],
          padding: p.padding as string,
          activation: p.activation as string,
          use_bias: p.use_bias as boolean,
        },
      };
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const strides = p.strides as number[] | null;
      return {
        className: op.type,
        config: {
          name,
          pool_size: [...(p.pool_size as number[])],
          strides: strides ? [...strides] : null,
          padding: p.padding as string,
        },
      };
    }
    case 'Activation':
      return { className: 'Activation', config: { name, activation: p.activation as string } };
    case 'Dropout':
      return { className: 'Dropout', config: { name, rate: p.rate as number } };
    case 'BatchNormalization':
      return {
        className: 'BatchNormalization',
        config: { name, momentum: p.momentum as number, epsilon: p.epsilon as number },
      };
    case 'LayerNormalization':
      return { className: 'LayerNormalization', config: { name, epsilon: p.epsilon as number } };
    case 'Reshape':
      return { className: 'Reshape', config: { name, target_shape: [...op.outputShape] } };
    case 'Concatenate':
      return { className: 'Concatenate', config: { name, axis: p.axis as number } };
    case 'Flatten':
    case 'GlobalAveragePooling2D':
    case 'Add':
      return { className: op.type, config: { name } };
    default:
      throw new Error(`Keras back-end: no layer for block type "${op.type}"`);
  }
}

/**
 * How the generator writes each class: which config keys go first without a keyword, and the
 * Keras defaults it leaves out to keep the code short.
 */
export const KERAS_CALL_STYLE: Record<
  string,
  { positional: readonly string[]; defaults: Record<string, KerasValue> }
> = {
  Input: { positional: [], defaults: {} },
  Dense: { positional: ['units'], defaults: { activation: 'linear', use_bias: true } },
  Conv2D: {
    positional: ['filters', 'kernel_size'],
    defaults: { strides: [1, 1], padding: 'valid', activation: 'linear', use_bias: true },
  },
  MaxPooling2D: { positional: ['pool_size'], defaults: { strides: null, padding: 'valid' } },
  AveragePooling2D: { positional: ['pool_size'], defaults: { strides: null, padding: 'valid' } },
  Activation: { positional: ['activation'], defaults: {} },
  Dropout: { positional: ['rate'], defaults: {} },
  BatchNormalization: { positional: [], defaults: { momentum: 0.99, epsilon: 0.001 } },
  LayerNormalization: { positional: [], defaults: { epsilon: 0.001 } },
  Reshape: { positional: ['target_shape'], defaults: {} },
  Concatenate: { positional: [], defaults: { axis: -1 } },
  Flatten: { positional: [], defaults: {} },
  GlobalAveragePooling2D: { positional: [], defaults: {} },
  Add: { positional: [], defaults: {} },
};
