/**
 * Shape inference and Keras parameter counts of the conv2d group's kinds (Conv2DTranspose,
 * SeparableConv2D, DepthwiseConv2D, SpatialDropout2D, GaussianNoise, Rescaling, Permute,
 * RepeatVector), with expected values worked out by hand from the Keras formulas cited per test.
 */
import { describe, expect, it } from 'vitest';
import { transposeCrop, transposeOutputSize } from '../../shared/layers/layout.ts';
import { defaultParams, getLayer, resolveParams } from '../../shared/layers/registry.ts';
import type { Shape } from '../../shared/shape.ts';

function apply(type: string, inputs: Shape[], params: Record<string, unknown> = {}) {
  const def = getLayer(type);
  if (!def) throw new Error(`${type} is not registered`);
  const resolved = resolveParams(def, { ...defaultParams(def), ...params });
  expect(resolved.problems).toEqual([]);
  const shape = def.inferShape(inputs, resolved.params);
  const count = shape.ok ? def.paramCount(inputs, resolved.params) : undefined;
  return { shape, count };
}

const trainable = (n: number) => ({ trainable: n, nonTrainable: 0 });
const NONE = trainable(0);

function problems(type: string, params: Record<string, unknown>) {
  const def = getLayer(type)!;
  return resolveParams(def, { ...defaultParams(def), ...params }).problems;
}

// Output length per axis, output_padding None: keras conv_utils.deconv_output_length
// (tf.keras 2; Keras 3 keras/src/backend/common/backend_utils.py
// _get_output_shape_given_tf_padding): valid → n·s + max(k − s, 0); same → n·s.
describe('Conv2DTranspose', () => {
  it('same, kernel 3, stride 2: 7×7×16 → 14×14×8, 3·3·8·16 + 8 = 1,160 params', () => {
    expect(
      apply('Conv2DTranspose', [[7, 7, 16]], {
        filters: 8,
        kernel_size: [3, 3],
        strides: [2, 2],
        padding: 'same',
      }),
    ).toEqual({ shape: { ok: true, shape: [14, 14, 8] }, count: trainable(1160) });
  });

  it('valid, kernel 3, stride 2: 7 → 7·2 + 1 = 15', () => {
    expect(
      apply('Conv2DTranspose', [[7, 7, 16]], { filters: 8, kernel_size: 3, strides: 2 }).shape,
    ).toEqual({ ok: true, shape: [15, 15, 8] });
  });

  it('valid, kernel (3, 1), stride (1, 2) on 5×6×2: (5 + 2) × (12 + 0); 24 + 4 params', () => {
    expect(
      apply('Conv2DTranspose', [[5, 6, 2]], {
        filters: 4,
        kernel_size: [3, 1],
        strides: [1, 2],
      }),
    ).toEqual({ shape: { ok: true, shape: [7, 12, 4] }, count: trainable(28) });
    expect(
      apply('Conv2DTranspose', [[5, 6, 2]], {
        filters: 4,
        kernel_size: [3, 1],
        strides: [1, 2],
        use_bias: false,
      }).count,
    ).toEqual(trainable(24));
  });

  it('stride 3 > kernel 2: valid and same both give n·3', () => {
    for (const padding of ['valid', 'same'])
      expect(
        apply('Conv2DTranspose', [[4, 4, 1]], {
          filters: 1,
          kernel_size: [2, 2],
          strides: [3, 3],
          padding,
        }).shape,
      ).toEqual({ ok: true, shape: [12, 12, 1] });
  });

  it('refuses a vector with E003 and the usual fix', () => {
    const { shape } = apply('Conv2DTranspose', [[64]], { filters: 2 });
    expect(shape).toMatchObject({ ok: false, code: 'E003' });
    expect(shape.ok || shape.message).toMatch(
      /Conv2DTranspose needs a 3-D input \(height, width, channels\) but gets \(None, 64\).*Reshape/,
    );
  });
});

// The full transposed output is (n − 1)·s + k long; TensorFlow cuts Keras's output from it by
// the 'same' pads of the forward convolution over the output (total max(k − s, 0), extra after).
describe('layout.transposeCrop / transposeOutputSize', () => {
  it.each([
    // [n, k, s, padding, out, crop]
    [5, 3, 2, 'same', 10, [0, 1]], // full 11
    [5, 4, 2, 'same', 10, [1, 1]], // full 12
    [5, 5, 2, 'same', 10, [1, 2]], // full 13
    [5, 3, 1, 'same', 5, [1, 1]], // full 7
    [5, 1, 2, 'same', 10, [0, -1]], // full 9: one zero row added at the end
    [5, 3, 2, 'valid', 11, [0, 0]], // full 11
    [5, 2, 3, 'valid', 15, [0, -1]], // full 14
    [5, 1, 4, 'valid', 20, [0, -3]], // full 17
  ] as const)('n %i, kernel %i, stride %i, %s → %i, crop %j', (n, k, s, padding, out, crop) => {
    expect(transposeOutputSize(n, k, s, padding)).toBe(out);
    expect(transposeCrop(n, k, s, padding)).toEqual(crop);
    expect((n - 1) * s + k - crop[0] - crop[1]).toBe(out);
  });
});

// keras/src/layers/convolutional/base_depthwise_conv.py build(): depthwise kernel
// (kh, kw, in, depth_multiplier), bias (in · depth_multiplier); output size as Conv2D
// (keras/src/ops/operation_utils.py compute_conv_output_shape).
describe('DepthwiseConv2D', () => {
  it('3×3 on 32 channels: 3·3·32 + 32 = 320 params (288 without bias, as MobileNet)', () => {
    expect(apply('DepthwiseConv2D', [[28, 28, 32]], { padding: 'same' })).toEqual({
      shape: { ok: true, shape: [28, 28, 32] },
      count: trainable(320),
    });
    expect(apply('DepthwiseConv2D', [[28, 28, 32]], { use_bias: false }).count).toEqual(
      trainable(288),
    );
  });

  it('depth_multiplier 2, stride 2, valid on 10×10×3: floor(7/2) + 1 = 4; 9·6 + 6 = 60', () => {
    expect(
      apply('DepthwiseConv2D', [[10, 10, 3]], { depth_multiplier: 2, strides: [2, 2] }),
    ).toEqual({ shape: { ok: true, shape: [4, 4, 6] }, count: trainable(60) });
  });

  it('a window larger than the input is E011; a vector is E003', () => {
    expect(apply('DepthwiseConv2D', [[2, 2, 3]], { kernel_size: [3, 3] }).shape).toMatchObject({
      ok: false,
      code: 'E011',
      message: expect.stringMatching(/3×3.*2×2/),
    });
    expect(apply('DepthwiseConv2D', [[12]]).shape).toMatchObject({ ok: false, code: 'E003' });
  });
});

// keras/src/layers/convolutional/base_separable_conv.py build(): depthwise_kernel
// (kh, kw, in, m), pointwise_kernel (1, 1, in·m, filters), bias (filters).
describe('SeparableConv2D', () => {
  it("Xception's block2_sepconv1: 128 filters 3×3 on 64 channels, no bias = 576 + 8192 = 8,768", () => {
    expect(
      apply('SeparableConv2D', [[147, 147, 64]], {
        filters: 128,
        padding: 'same',
        use_bias: false,
      }),
    ).toEqual({ shape: { ok: true, shape: [147, 147, 128] }, count: trainable(8768) });
  });

  it('5 filters, multiplier 2, same stride 2 on 9×9×3: ceil(9/2) = 5; 54 + 30 + 5 = 89', () => {
    expect(
      apply('SeparableConv2D', [[9, 9, 3]], {
        filters: 5,
        depth_multiplier: 2,
        strides: [2, 2],
        padding: 'same',
      }),
    ).toEqual({ shape: { ok: true, shape: [5, 5, 5] }, count: trainable(89) });
  });

  it('a vector is E003; a window larger than the input is E011', () => {
    expect(apply('SeparableConv2D', [[3, 4]]).shape).toMatchObject({ ok: false, code: 'E003' });
    expect(apply('SeparableConv2D', [[5, 2, 1]], { kernel_size: [1, 3] }).shape).toMatchObject({
      ok: false,
      code: 'E011',
    });
  });
});

// keras/src/layers/regularization/spatial_dropout.py: SpatialDropout2D input_spec ndim=4.
describe('SpatialDropout2D', () => {
  it('passes a feature map through, no params; refuses a vector (E003)', () => {
    expect(apply('SpatialDropout2D', [[6, 6, 4]], { rate: 0.2 })).toEqual({
      shape: { ok: true, shape: [6, 6, 4] },
      count: NONE,
    });
    expect(apply('SpatialDropout2D', [[10]]).shape).toMatchObject({
      ok: false,
      code: 'E003',
      message: expect.stringMatching(/^SpatialDropout2D needs a 3-D input/),
    });
  });

  it('rate must be in [0, 1)', () => {
    expect(problems('SpatialDropout2D', { rate: 1 })).toEqual([
      {
        param: 'rate',
        message: expect.stringMatching(/^Rate must be less than 1: Keras accepts 1/),
      },
    ]);
    expect(problems('SpatialDropout2D', { rate: -0.1 })).toEqual([
      { param: 'rate', message: 'Rate must be at least 0' },
    ]);
  });
});

// keras/src/layers/regularization/gaussian_noise.py: any shape; `if not 0 <= stddev <= 1: raise`.
describe('GaussianNoise', () => {
  it('passes any shape through with no params', () => {
    for (const s of [[5], [3, 4], [4, 4, 2]])
      expect(apply('GaussianNoise', [s], { stddev: 0.3 })).toEqual({
        shape: { ok: true, shape: s },
        count: NONE,
      });
  });

  it('stddev above 1 or below 0 is refused as Keras 3 refuses it', () => {
    expect(problems('GaussianNoise', { stddev: 1.5 })).toEqual([
      {
        param: 'stddev',
        message: 'Std. deviation must be at most 1: Keras 3 refuses a stddev above 1',
      },
    ]);
    expect(problems('GaussianNoise', { stddev: -1 })).toHaveLength(1);
    expect(problems('GaussianNoise', { stddev: 1 })).toEqual([]);
  });
});

// keras/src/layers/preprocessing/rescaling.py: x · scale + offset, any shape, no weights.
describe('Rescaling', () => {
  it('passes any shape through with no params; scale defaults to 1/255, offset to 0', () => {
    expect(apply('Rescaling', [[28, 28, 1]])).toEqual({
      shape: { ok: true, shape: [28, 28, 1] },
      count: NONE,
    });
    expect(defaultParams(getLayer('Rescaling')!)).toEqual({ scale: 1 / 255, offset: 0 });
    expect(apply('Rescaling', [[7]], { scale: -2, offset: 1 }).shape).toEqual({
      ok: true,
      shape: [7],
    });
  });
});

// keras/src/layers/reshaping/permute.py: output axis i = input axis dims[i] (1-based), dims a
// permutation of 1..rank.
describe('Permute', () => {
  it('(3, 5) with dims (2, 1) → (5, 3); (2, 3, 4) with (3, 1, 2) → (4, 2, 3)', () => {
    expect(apply('Permute', [[3, 5]], { dims: [2, 1] })).toEqual({
      shape: { ok: true, shape: [5, 3] },
      count: NONE,
    });
    expect(apply('Permute', [[2, 3, 4]], { dims: [3, 1, 2] }).shape).toEqual({
      ok: true,
      shape: [4, 2, 3],
    });
  });

  it('dims of another rank are E003; a repeated or out-of-range axis is E002', () => {
    expect(apply('Permute', [[3, 5]], { dims: [1] }).shape).toEqual({
      ok: false,
      code: 'E003',
      message:
        'Permute dims (1) name 1 axes but its input (None, 3, 5) has 2; give each of the axes 1..2 once',
    });
    for (const dims of [
      [1, 1],
      [1, 3],
    ])
      expect(apply('Permute', [[3, 5]], { dims }).shape).toEqual({
        ok: false,
        code: 'E002',
        message: `Permute dims (${dims.join(', ')}) must name each of the axes 1..2 exactly once (1-based, the batch axis is not counted)`,
      });
  });
});

// keras/src/layers/reshaping/repeat_vector.py: input (batch, features) → (batch, n, features).
describe('RepeatVector', () => {
  it('(8) with n 3 → (3, 8), no params', () => {
    expect(apply('RepeatVector', [[8]], { n: 3 })).toEqual({
      shape: { ok: true, shape: [3, 8] },
      count: NONE,
    });
  });

  it('anything but a vector is E003', () => {
    expect(apply('RepeatVector', [[2, 3]]).shape).toEqual({
      ok: false,
      code: 'E003',
      message:
        'RepeatVector needs a vector (features) but gets (None, 2, 3); add a Flatten or GlobalAveragePooling2D before it',
    });
    expect(problems('RepeatVector', { n: 0 })).toEqual([
      { param: 'n', message: 'Repeats (n) must be at least 1' },
    ]);
  });
});
