/**
 * Shapes and parameter counts of the conv1d group's kinds (Conv1D, MaxPooling1D, AveragePooling1D,
 * GlobalAveragePooling1D, GlobalMaxPooling1D, GlobalMaxPooling2D, UpSampling2D, ZeroPadding2D,
 * Cropping2D), each expected value worked out by hand from the Keras formula cited beside it,
 * and the messages for inputs each kind cannot take.
 */
import { describe, expect, it } from 'vitest';
import { modelCost } from '../../shared/cost/cost.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { defaultParams, getLayer, resolveParams } from '../../shared/layers/registry.ts';
import type { Shape } from '../../shared/shape.ts';
import { graphOf } from './graph-builder.ts';

/** Shape inference and parameter count of one kind on given input shapes and params. */
function apply(type: string, inputs: Shape[], params: Record<string, unknown> = {}) {
  const def = getLayer(type);
  if (!def) throw new Error(`${type} is not registered`);
  const resolved = resolveParams(def, { ...defaultParams(def), ...params });
  expect(resolved.problems).toEqual([]);
  const shape = def.inferShape(inputs, resolved.params);
  const count = shape.ok ? def.paramCount(inputs, resolved.params) : undefined;
  return { shape, count };
}

const shapeOf = (type: string, inputs: Shape[], params: Record<string, unknown> = {}) =>
  apply(type, inputs, params).shape;

/** The problems `resolveParams` reports for raw params. */
function problems(type: string, params: Record<string, unknown>) {
  return resolveParams(getLayer(type)!, { ...defaultParams(getLayer(type)!), ...params }).problems;
}

// Output length of a window: keras/src/ops/operation_utils.py `compute_conv_output_shape`:
// valid → floor((L - k) / s) + 1; same → ceil(L / s).
describe('Conv1D (keras.io/api/layers/convolution_layers/convolution1d/)', () => {
  it('defaults: 32 filters, kernel 3, stride 1, valid, bias', () => {
    // (10, 4) → (10 - 3) / 1 + 1 = 8 steps; params 3·4·32 + 32 = 416
    // (kernel (kernel_size, in_channels, filters) + bias (filters),
    // keras/src/layers/convolutional/base_conv.py `build`).
    expect(apply('Conv1D', [[10, 4]])).toEqual({
      shape: { ok: true, shape: [8, 32] },
      count: { trainable: 416, nonTrainable: 0 },
    });
  });

  it('valid stride 2, kernel 4 on (9, 3): floor(5 / 2) + 1 = 3 steps; 4·3·5 + 5 = 65 params', () => {
    expect(apply('Conv1D', [[9, 3]], { filters: 5, kernel_size: 4, strides: 2 })).toEqual({
      shape: { ok: true, shape: [3, 5] },
      count: { trainable: 65, nonTrainable: 0 },
    });
  });

  it('same stride 3 on (10, 2): ceil(10 / 3) = 4 steps; no bias: 5·2·7 = 70 params', () => {
    expect(
      apply('Conv1D', [[10, 2]], {
        filters: 7,
        kernel_size: 5,
        strides: 3,
        padding: 'same',
        use_bias: false,
      }),
    ).toEqual({ shape: { ok: true, shape: [4, 7] }, count: { trainable: 70, nonTrainable: 0 } });
  });

  it('text model shape: Embedding-like (100, 64) → Conv1D 128 kernel 5 = (96, 128), 41,088 params', () => {
    // 5·64·128 + 128 = 40,960 + 128 = 41,088
    expect(apply('Conv1D', [[100, 64]], { filters: 128, kernel_size: 5 }).count).toEqual({
      trainable: 41_088,
      nonTrainable: 0,
    });
  });

  it('E003 for a vector, with the Reshape hint', () => {
    const r = shapeOf('Conv1D', [[12]]);
    expect(r).toEqual({
      ok: false,
      code: 'E003',
      message:
        'Conv1D needs a 2-D input (steps, channels) but gets (None, 12); a vector has no steps: feed a sequence, e.g. Input shape 12,1, or add a Reshape to (12, 1)',
    });
  });

  it('E003 for an image, naming the 2-D layer', () => {
    const r = shapeOf('Conv1D', [[8, 8, 3]]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('E003');
      expect(r.message).toContain('gets (None, 8, 8, 3)');
      expect(r.message).toContain('needs the 2-D layer');
    }
  });

  it('E011 when a valid kernel is longer than the sequence', () => {
    expect(shapeOf('Conv1D', [[4, 2]], { kernel_size: 5 })).toEqual({
      ok: false,
      code: 'E011',
      message:
        "Conv1D window 5 is longer than its 4 input steps; use padding 'same' or a smaller window",
    });
    // 'same' always gives ceil(4 / 1) = 4 steps.
    expect(shapeOf('Conv1D', [[4, 2]], { kernel_size: 5, padding: 'same' })).toEqual({
      ok: true,
      shape: [4, 32],
    });
  });

  it('kernel_size is one whole number ≥ 1', () => {
    expect(problems('Conv1D', { kernel_size: 0 })).toEqual([
      { param: 'kernel_size', message: 'Kernel size must be at least 1' },
    ]);
    expect(problems('Conv1D', { kernel_size: 2.5 })).toEqual([
      { param: 'kernel_size', message: 'Kernel size must be a whole number' },
    ]);
  });
});

// Keras 3 MaxPooling1D / AveragePooling1D(pool_size=2, strides=None, padding="valid"):
// strides None means pool_size (keras/src/layers/pooling/base_pooling.py).
describe.each(['MaxPooling1D', 'AveragePooling1D'])(
  '%s (keras.io/api/layers/pooling_layers/)',
  (type) => {
    it('defaults: pool 2, strides = pool, valid: (9, 3) → floor(7 / 2) + 1 = 4 steps, no params', () => {
      expect(apply(type, [[9, 3]])).toEqual({
        shape: { ok: true, shape: [4, 3] },
        count: { trainable: 0, nonTrainable: 0 },
      });
    });

    it('pool 3 stride 1 valid on (9, 3): 7 steps; same stride 2: ceil(9 / 2) = 5 steps', () => {
      expect(shapeOf(type, [[9, 3]], { pool_size: 3, strides: 1 })).toEqual({
        ok: true,
        shape: [7, 3],
      });
      expect(shapeOf(type, [[9, 3]], { pool_size: 3, strides: 2, padding: 'same' })).toEqual({
        ok: true,
        shape: [5, 3],
      });
    });

    it('an empty strides field means "same as pool size"', () => {
      const def = getLayer(type)!;
      const r = resolveParams(def, { ...defaultParams(def), pool_size: 3, strides: '' });
      expect(r.problems).toEqual([]);
      expect(r.params.strides).toBeNull();
      expect(def.inferShape([[9, 2]], r.params)).toEqual({ ok: true, shape: [3, 2] });
    });

    it('E003 for a vector or an image; E011 for a pool longer than the sequence', () => {
      expect(shapeOf(type, [[6]])).toMatchObject({ ok: false, code: 'E003' });
      expect(shapeOf(type, [[6, 6, 1]])).toMatchObject({ ok: false, code: 'E003' });
      expect(shapeOf(type, [[2, 4]], { pool_size: 3 })).toEqual({
        ok: false,
        code: 'E011',
        message: `${type} window 3 is longer than its 2 input steps; use padding 'same' or a smaller window`,
      });
    });
  },
);

// Keras 3 GlobalAveragePooling1D / GlobalMaxPooling1D (keepdims=False): (batch, steps, features)
// → (batch, features) (keras.io/api/layers/pooling_layers/global_average_pooling1d/).
describe.each(['GlobalAveragePooling1D', 'GlobalMaxPooling1D'])('%s', (type) => {
  it('(steps, C) → (C), no params', () => {
    expect(apply(type, [[17, 6]])).toEqual({
      shape: { ok: true, shape: [6] },
      count: { trainable: 0, nonTrainable: 0 },
    });
  });

  it('E003 for a vector or an image', () => {
    expect(shapeOf(type, [[6]])).toMatchObject({ ok: false, code: 'E003' });
    const r = shapeOf(type, [[4, 4, 2]]);
    expect(r).toMatchObject({ ok: false, code: 'E003' });
    if (!r.ok) expect(r.message).toContain(`${type} needs a 2-D input (steps, channels)`);
  });
});

// Keras 3 GlobalMaxPooling2D: (batch, rows, cols, channels) → (batch, channels).
describe('GlobalMaxPooling2D (keras.io/api/layers/pooling_layers/global_max_pooling2d/)', () => {
  it('(H, W, C) → (C), no params', () => {
    expect(apply('GlobalMaxPooling2D', [[5, 7, 3]])).toEqual({
      shape: { ok: true, shape: [3] },
      count: { trainable: 0, nonTrainable: 0 },
    });
  });

  it('E003 for a sequence', () => {
    expect(shapeOf('GlobalMaxPooling2D', [[5, 7]])).toEqual({
      ok: false,
      code: 'E003',
      message:
        'GlobalMaxPooling2D needs a 3-D input (height, width, channels) but gets (None, 5, 7)',
    });
  });
});

// Keras 3 UpSampling2D: (batch, rows, cols, channels) → (batch, upsampled_rows, upsampled_cols,
// channels) with upsampled = size × input (keras.io/api/layers/reshaping_layers/up_sampling2d/).
describe('UpSampling2D', () => {
  it('default size 2: (7, 5, 3) → (14, 10, 3), no params', () => {
    expect(apply('UpSampling2D', [[7, 5, 3]])).toEqual({
      shape: { ok: true, shape: [14, 10, 3] },
      count: { trainable: 0, nonTrainable: 0 },
    });
  });

  it('size (3, 1): (4, 6, 2) → (12, 6, 2); one number means both', () => {
    expect(shapeOf('UpSampling2D', [[4, 6, 2]], { size: [3, 1] })).toEqual({
      ok: true,
      shape: [12, 6, 2],
    });
    expect(shapeOf('UpSampling2D', [[4, 6, 2]], { size: 3 })).toEqual({
      ok: true,
      shape: [12, 18, 2],
    });
  });

  it("offers only 'nearest'; size 0 is refused", () => {
    expect(problems('UpSampling2D', { interpolation: 'bilinear' })).toEqual([
      { param: 'interpolation', message: 'Interpolation must be one of nearest' },
    ]);
    expect(problems('UpSampling2D', { size: [0, 2] })).toEqual([
      { param: 'size', message: 'Size must be at least 1' },
    ]);
  });

  it('E003 for a vector or a sequence', () => {
    expect(shapeOf('UpSampling2D', [[4]])).toMatchObject({ ok: false, code: 'E003' });
    expect(shapeOf('UpSampling2D', [[4, 2]])).toMatchObject({ ok: false, code: 'E003' });
  });
});

// Keras 3 ZeroPadding2D(padding=(1, 1)): output (batch, rows + top + bottom, cols + left + right,
// channels) (keras.io/api/layers/reshaping_layers/zero_padding2d/).
describe('ZeroPadding2D', () => {
  it('default 1 on every side: (5, 4, 3) → (7, 6, 3), no params', () => {
    expect(apply('ZeroPadding2D', [[5, 4, 3]])).toEqual({
      shape: { ok: true, shape: [7, 6, 3] },
      count: { trainable: 0, nonTrainable: 0 },
    });
  });

  it('((2, 0), (1, 3)) on (5, 4, 3) → (7, 8, 3); zeros allowed', () => {
    expect(
      shapeOf('ZeroPadding2D', [[5, 4, 3]], {
        padding: [
          [2, 0],
          [1, 3],
        ],
      }),
    ).toEqual({ ok: true, shape: [7, 8, 3] });
    expect(
      shapeOf('ZeroPadding2D', [[5, 4, 3]], {
        padding: [
          [0, 0],
          [0, 0],
        ],
      }),
    ).toEqual({
      ok: true,
      shape: [5, 4, 3],
    });
  });

  // keras.io ZeroPadding2D: "padding: Int, or tuple of 2 ints, or tuple of 2 tuples of 2 ints";
  // int → the same on all four sides, (h, w) → ((h, h), (w, w)).
  it.each([
    [2, [9, 8, 3]],
    [
      [1, 0],
      [7, 4, 3],
    ],
    ['(1, 0), (2, 1)', [6, 7, 3]],
    ['1, 0, 2, 1', [6, 7, 3]],
  ])('Keras form %j on (5, 4, 3) → %j', (padding, shape) => {
    expect(shapeOf('ZeroPadding2D', [[5, 4, 3]], { padding })).toEqual({ ok: true, shape });
  });

  it('negative padding is refused with the field named', () => {
    expect(
      problems('ZeroPadding2D', {
        padding: [
          [-1, 1],
          [0, 0],
        ],
      }),
    ).toEqual([{ param: 'padding', message: 'Padding must be at least 0' }]);
    expect(problems('ZeroPadding2D', { padding: [1, 2, 3] })[0]!.message).toMatch(
      /Padding must be one number, \(height, width\) or \(\(top, bottom\), \(left, right\)\)/,
    );
  });

  it('E003 for a sequence', () => {
    expect(shapeOf('ZeroPadding2D', [[5, 4]])).toMatchObject({ ok: false, code: 'E003' });
  });
});

// Keras 3 Cropping2D(cropping=((0, 0), (0, 0))): output (batch, cropped_rows, cropped_cols,
// channels) (keras.io/api/layers/reshaping_layers/cropping2d/); keras/src/layers/reshaping/
// cropping2d.py `compute_output_shape` raises when the cropping leaves no rows or columns.
describe('Cropping2D', () => {
  it('default crops nothing: (5, 4, 3) → (5, 4, 3), no params', () => {
    expect(apply('Cropping2D', [[5, 4, 3]])).toEqual({
      shape: { ok: true, shape: [5, 4, 3] },
      count: { trainable: 0, nonTrainable: 0 },
    });
  });

  it('((1, 2), (0, 1)) on (6, 4, 3) → (3, 3, 3)', () => {
    expect(
      shapeOf('Cropping2D', [[6, 4, 3]], {
        cropping: [
          [1, 2],
          [0, 1],
        ],
      }),
    ).toEqual({ ok: true, shape: [3, 3, 3] });
  });

  it('E011 when nothing would be left', () => {
    expect(
      shapeOf('Cropping2D', [[6, 4, 3]], {
        cropping: [
          [3, 3],
          [0, 1],
        ],
      }),
    ).toEqual({
      ok: false,
      code: 'E011',
      message:
        'Cropping2D cuts 6 rows and 1 columns off (None, 6, 4, 3), leaving 0×3; crop less than the height and width',
    });
  });

  it('E003 for a vector', () => {
    expect(shapeOf('Cropping2D', [[6]])).toMatchObject({ ok: false, code: 'E003' });
  });
});

// Cost model conventions (shared/cost/cost.ts): 1 multiply-add = 2 FLOPs, 1 element-wise op or
// comparison = 1 FLOP; training = 3 × forward; every value an op outputs is kept for backprop.
describe('cost of the conv1d kinds, worked by hand', () => {
  function costOf(blocks: [string, string, Record<string, unknown>?][]) {
    const lowered = lowerGraph(
      graphOf(
        blocks,
        blocks.slice(1).map((b, i) => `${blocks[i]![0]}->${b[0]}`),
      ),
    );
    if (!lowered.ok) throw new Error(JSON.stringify(lowered.diagnostics));
    return modelCost(lowered.ir.ops, { batchSize: 1, optimizer: 'sgd' });
  }

  it('a sequence chain: Conv1D, MaxPooling1D, AveragePooling1D, global poolings', () => {
    const cost = costOf([
      ['in', 'Input', { shape: [8, 2] }],
      // (8, 2) → (6, 3): 3·2 multiply-adds per output value, 18 values: 2·6·18 = 216,
      // + 18 biases + 18 relu = 252.
      ['conv', 'Conv1D', { filters: 3, kernel_size: 3, activation: 'relu' }],
      // (6, 3) → (3, 3): 2 − 1 = 1 comparison per output value: 9.
      ['max', 'MaxPooling1D', { pool_size: 2 }],
      // (3, 3) → (3, 3): 3 − 1 adds + 1 multiply = 3 per output value: 27.
      ['avg', 'AveragePooling1D', { pool_size: 3, strides: 1, padding: 'same' }],
      // (3, 3) → (3): one op per input value: 9.
      ['gavg', 'GlobalAveragePooling1D'],
    ]);
    expect(cost.layers.map((l) => l.forwardFlops)).toEqual([0, 252, 9, 27, 9]);
    expect(cost.forwardFlops).toBe(297);
    expect(cost.trainingFlops).toBe(3 * 297);
    // Kernel 3·2·3 = 18 + bias 3 = 21 params (Keras: kernel_size · in · filters + filters).
    expect(cost.params.total).toBe(21);
    // Kept per example: input 16 + 18 + 9 + 9 + 3 = 55 values × 4 B.
    expect(cost.activationBytesPerBatch).toBe(55 * 4);
  });

  it('GlobalMaxPooling1D: one comparison per input value', () => {
    const cost = costOf([
      ['in', 'Input', { shape: [7, 3] }],
      ['g', 'GlobalMaxPooling1D'],
    ]);
    expect(cost.layers.map((l) => l.forwardFlops)).toEqual([0, 21]);
  });

  it('an image chain: padding, upsampling, cropping move data only; GlobalMaxPooling2D compares', () => {
    const cost = costOf([
      ['in', 'Input', { shape: [4, 4, 1] }],
      // (4, 4, 1) → (5, 5, 1)
      [
        'pad',
        'ZeroPadding2D',
        {
          padding: [
            [1, 0],
            [0, 1],
          ],
        },
      ],
      // → (10, 10, 1)
      ['up', 'UpSampling2D', { size: [2, 2] }],
      // → (8, 8, 1)
      [
        'crop',
        'Cropping2D',
        {
          cropping: [
            [1, 1],
            [2, 0],
          ],
        },
      ],
      // → (1): 64 input values, one comparison each.
      ['g', 'GlobalMaxPooling2D'],
    ]);
    expect(cost.layers.map((l) => l.forwardFlops)).toEqual([0, 0, 0, 0, 64]);
    expect(cost.params.total).toBe(0);
    // Kept: 16 + 25 + 100 + 64 + 1 = 206 values × 4 B.
    expect(cost.activationBytesPerBatch).toBe(206 * 4);
  });
});

// The explanation card's arithmetic and the block digest, written as a learner would check them.
describe('explanations of the conv1d kinds', () => {
  const explainOf = (type: string) => getLayer(type)!.explain;
  const resolved = (type: string, params: Record<string, unknown> = {}) =>
    resolveParams(getLayer(type)!, { ...defaultParams(getLayer(type)!), ...params }).params;

  it('Conv1D: kernel × channels × filters + biases, and the steps line', () => {
    expect(explainOf('Conv1D').arithmetic!(resolved('Conv1D'), [[10, 4]])).toEqual({
      params: '3 × 4 channels × 32 filters + 32 biases = 416',
      shape: ['steps: (10 − 3) / 1 + 1 = 8'],
    });
    expect(
      explainOf('Conv1D').arithmetic!(
        resolved('Conv1D', { strides: 3, padding: 'same', use_bias: false }),
        [[10, 4]],
      ),
    ).toEqual({
      params: '3 × 4 channels × 32 filters = 384 (no bias)',
      shape: ['steps: ⌈10 / 3⌉ = 4 (padding same)'],
    });
  });

  it('1-D pooling: no weights; strides empty means the pool size', () => {
    expect(explainOf('MaxPooling1D').arithmetic!(resolved('MaxPooling1D'), [[9, 3]])).toEqual({
      params: 'no weights: pooling only compares or averages values',
      shape: ['steps: ⌊(9 − 2) / 2⌋ + 1 = 4'],
    });
  });

  it('UpSampling2D, ZeroPadding2D, Cropping2D: the size arithmetic and digests', () => {
    expect(explainOf('UpSampling2D').arithmetic!(resolved('UpSampling2D'), [[7, 5, 3]])).toEqual({
      params: 'no weights: values are only repeated',
      shape: ['height: 7 × 2 = 14', 'width: 5 × 2 = 10'],
    });
    const pad = {
      padding: [
        [2, 0],
        [1, 3],
      ],
    };
    expect(
      explainOf('ZeroPadding2D').arithmetic!(resolved('ZeroPadding2D', pad), [[5, 4, 3]]),
    ).toEqual({
      params: 'no weights',
      shape: ['height: 5 + 2 + 0 = 7', 'width: 4 + 1 + 3 = 8'],
    });
    expect(explainOf('ZeroPadding2D').digest!(pad)).toBe('pad 2+0, 1+3');
    expect(explainOf('ZeroPadding2D').digest!(resolved('ZeroPadding2D'))).toBe('pad 1');
    const crop = {
      cropping: [
        [1, 2],
        [0, 1],
      ],
    };
    expect(explainOf('Cropping2D').arithmetic!(resolved('Cropping2D', crop), [[6, 4, 3]])).toEqual({
      params: 'no weights',
      shape: ['height: 6 − 1 − 2 = 3', 'width: 4 − 0 − 1 = 3'],
    });
    expect(explainOf('Cropping2D').digest!(crop)).toBe('crop 1+2, 0+1');
    expect(explainOf('Cropping2D').digest!({})).toBe('crop ?, ?');
  });
});
