import { describe, expect, it } from 'vitest';
import { defaultParams, getLayer, LAYERS, resolveParams } from '../../shared/layers/registry.ts';
import type { Shape } from '../../shared/shape.ts';

/** Runs one layer kind's shape inference and parameter count on given input shapes. */
function apply(type: string, inputs: Shape[], params: Record<string, unknown> = {}) {
  const def = getLayer(type)!;
  const resolved = resolveParams(def, { ...defaultParams(def), ...params });
  expect(resolved.problems).toEqual([]);
  const shape = def.inferShape(inputs, resolved.params);
  const count = shape.ok ? def.paramCount(inputs, resolved.params) : undefined;
  return { shape, count };
}

// Known values from Keras (tf.keras 2.x model.summary()).
describe('layer catalogue against Keras', () => {
  it('lists every required layer kind once, each with Keras and PyTorch names', () => {
    const required = [
      'Input',
      'Dense',
      'Activation',
      'Dropout',
      'BatchNormalization',
      'LayerNormalization',
      'Flatten',
      'Reshape',
      'Conv2D',
      'MaxPooling2D',
      'AveragePooling2D',
      'GlobalAveragePooling2D',
      'Add',
      'Concatenate',
      // ── conv1d kinds ──
      'Conv1D',
      'MaxPooling1D',
      'AveragePooling1D',
      'GlobalAveragePooling1D',
      'GlobalMaxPooling1D',
      'GlobalMaxPooling2D',
      'UpSampling2D',
      'ZeroPadding2D',
      'Cropping2D',
      // ── end conv1d ──
      // ── sequence kinds (shapes and counts: tests/shared/kinds-sequence.test.ts) ──
      ...['Embedding', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional'],
      // ── end sequence ──
      // conv2d kinds (shapes and counts: tests/shared/kinds-conv2d.test.ts)
      ...['Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'SpatialDropout2D'],
      ...['GaussianNoise', 'Rescaling', 'Permute', 'RepeatVector'],
      // mixing kinds (shapes and counts: tests/shared/kinds-mixing.test.ts)
      ...['Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum', 'Dot', 'MultiHeadAttention'],
      ...['LeakyReLU', 'PReLU', 'ELU', 'ReLU', 'Softmax'],
    ];
    expect(LAYERS.map((l) => l.type).sort()).toEqual([...required].sort());
    for (const def of LAYERS) {
      expect(def.kerasName).not.toBe('');
      expect(def.torchName).not.toBe('');
      for (const spec of def.params) expect(spec.default).toBeDefined();
    }
  });

  it('Input passes its shape through', () => {
    expect(apply('Input', [], { shape: [28, 28, 1] }).shape).toEqual({
      ok: true,
      shape: [28, 28, 1],
    });
  });

  it('Dense: 784 → 128 has 100,480 params; without bias 100,352; acts on the last axis', () => {
    expect(apply('Dense', [[784]], { units: 128 })).toEqual({
      shape: { ok: true, shape: [128] },
      count: { trainable: 100_480, nonTrainable: 0 },
    });
    expect(apply('Dense', [[784]], { units: 128, use_bias: false }).count!.trainable).toBe(100_352);
    expect(apply('Dense', [[5, 7]], { units: 3 })).toEqual({
      shape: { ok: true, shape: [5, 3] },
      count: { trainable: 24, nonTrainable: 0 },
    });
  });

  it('Activation and Dropout keep the shape and have no params', () => {
    for (const type of ['Activation', 'Dropout']) {
      expect(apply(type, [[4, 4, 3]])).toEqual({
        shape: { ok: true, shape: [4, 4, 3] },
        count: { trainable: 0, nonTrainable: 0 },
      });
    }
  });

  it('BatchNormalization on 20 features: 80 params, 40 trainable', () => {
    expect(apply('BatchNormalization', [[20]]).count).toEqual({ trainable: 40, nonTrainable: 40 });
    expect(apply('BatchNormalization', [[26, 26, 32]]).count).toEqual({
      trainable: 64,
      nonTrainable: 64,
    });
  });

  it('LayerNormalization on 64 features: 128 params', () => {
    expect(apply('LayerNormalization', [[64]]).count).toEqual({ trainable: 128, nonTrainable: 0 });
  });

  it('Flatten 5×5×64 → 1600', () => {
    expect(apply('Flatten', [[5, 5, 64]]).shape).toEqual({ ok: true, shape: [1600] });
  });

  it('Reshape checks sizes and infers one -1', () => {
    expect(apply('Reshape', [[784]], { target_shape: [28, 28, 1] }).shape).toEqual({
      ok: true,
      shape: [28, 28, 1],
    });
    expect(apply('Reshape', [[784]], { target_shape: [-1, 7] }).shape).toEqual({
      ok: true,
      shape: [112, 7],
    });
    const bad = apply('Reshape', [[784]], { target_shape: [10, 10] }).shape;
    expect(bad).toMatchObject({ ok: false, code: 'E002' });
    expect(apply('Reshape', [[784]], { target_shape: [-1, 5] }).shape).toMatchObject({
      ok: false,
      code: 'E002',
    });
  });

  it('Conv2D 3×3×32 on 28×28×1: 320 params, (26, 26, 32); same padding and strides', () => {
    expect(apply('Conv2D', [[28, 28, 1]], { filters: 32, kernel_size: [3, 3] })).toEqual({
      shape: { ok: true, shape: [26, 26, 32] },
      count: { trainable: 320, nonTrainable: 0 },
    });
    expect(apply('Conv2D', [[13, 13, 32]], { filters: 64 }).count!.trainable).toBe(18_496);
    expect(apply('Conv2D', [[28, 28, 3]], { filters: 8, padding: 'same' }).shape).toEqual({
      ok: true,
      shape: [28, 28, 8],
    });
    expect(
      apply('Conv2D', [[28, 28, 3]], { filters: 8, padding: 'same', strides: [2, 2] }).shape,
    ).toEqual({
      ok: true,
      shape: [14, 14, 8],
    });
    expect(
      apply('Conv2D', [[7, 7, 3]], { filters: 8, kernel_size: [3, 3], strides: [2, 2] }).shape,
    ).toEqual({
      ok: true,
      shape: [3, 3, 8],
    });
    expect(apply('Conv2D', [[32, 32, 3]], { filters: 16, kernel_size: 5 }).count!.trainable).toBe(
      1216,
    );
  });

  it('Conv2D fed a vector is E003; a window larger than the input is E011', () => {
    expect(apply('Conv2D', [[784]]).shape).toMatchObject({ ok: false, code: 'E003' });
    expect(apply('Conv2D', [[2, 2, 1]], { kernel_size: [3, 3] }).shape).toMatchObject({
      ok: false,
      code: 'E011',
    });
  });

  it('MaxPooling2D and AveragePooling2D: pool 2 halves, strides default to pool size', () => {
    for (const type of ['MaxPooling2D', 'AveragePooling2D']) {
      expect(apply(type, [[26, 26, 32]])).toEqual({
        shape: { ok: true, shape: [13, 13, 32] },
        count: { trainable: 0, nonTrainable: 0 },
      });
      expect(apply(type, [[11, 11, 64]]).shape).toEqual({ ok: true, shape: [5, 5, 64] });
      expect(apply(type, [[11, 11, 64]], { padding: 'same' }).shape).toEqual({
        ok: true,
        shape: [6, 6, 64],
      });
      expect(apply(type, [[10, 10, 4]], { pool_size: [3, 3], strides: [1, 1] }).shape).toEqual({
        ok: true,
        shape: [8, 8, 4],
      });
    }
  });

  it('GlobalAveragePooling2D (H, W, C) → (C)', () => {
    expect(apply('GlobalAveragePooling2D', [[7, 7, 128]]).shape).toEqual({
      ok: true,
      shape: [128],
    });
    expect(apply('GlobalAveragePooling2D', [[128]]).shape).toMatchObject({
      ok: false,
      code: 'E003',
    });
  });

  it('Add broadcasts as Keras: sizes equal or 1, aligned on the last axis', () => {
    expect(apply('Add', [[64], [64], [64]]).shape).toEqual({ ok: true, shape: [64] });
    expect(apply('Add', [[64], [32]]).shape).toMatchObject({ ok: false, code: 'E002' });
    // Keras 3 Merge._compute_elemwise_op_output_shape on these per-example shapes:
    const ok = (shape: number[]) => ({ ok: true, shape });
    expect(
      apply('Add', [
        [4, 4, 3],
        [4, 4, 1],
      ]).shape,
    ).toEqual(ok([4, 4, 3]));
    expect(apply('Add', [[4, 4, 3], [3]]).shape).toEqual(ok([4, 4, 3]));
    expect(apply('Add', [[3], [4, 4, 3]]).shape).toEqual(ok([4, 4, 3]));
    expect(
      apply('Add', [
        [4, 1],
        [1, 3],
      ]).shape,
    ).toEqual(ok([4, 3]));
    expect(apply('Add', [[4, 4, 3], [4, 1], [1]]).shape).toEqual(ok([4, 4, 3]));
    const bad = apply('Add', [
      [4, 4, 3],
      [4, 2],
    ]).shape;
    expect(bad).toEqual({
      ok: false,
      code: 'E002',
      message:
        'Add needs inputs whose sizes match, or are 1, on each axis (counted from the last) but gets (None, 4, 4, 3) and (None, 4, 2)',
    });
    // Keras sets no limit on the number of inputs.
    expect(
      apply(
        'Add',
        Array.from({ length: 40 }, () => [2]),
      ).shape,
    ).toEqual(ok([2]));
    expect(getLayer('Add')!.inputs.max).toBe(Number.POSITIVE_INFINITY);
  });

  it('Concatenate joins the last axis (or the given one) and checks the others', () => {
    expect(apply('Concatenate', [[64], [32]]).shape).toEqual({ ok: true, shape: [96] });
    expect(
      apply('Concatenate', [
        [8, 8, 3],
        [8, 8, 5],
      ]).shape,
    ).toEqual({ ok: true, shape: [8, 8, 8] });
    expect(
      apply(
        'Concatenate',
        [
          [8, 8, 3],
          [8, 8, 3],
        ],
        { axis: 1 },
      ).shape,
    ).toEqual({ ok: true, shape: [16, 8, 3] });
    expect(
      apply('Concatenate', [
        [8, 8, 3],
        [4, 8, 5],
      ]).shape,
    ).toMatchObject({ ok: false, code: 'E002' });
    expect(apply('Concatenate', [[8], [8]], { axis: 2 }).shape).toMatchObject({
      ok: false,
      code: 'E002',
    });
  });
});

describe('parameter validation', () => {
  const dense = getLayer('Dense')!;
  it('rejects units = 0 and "abc", accepts "128"', () => {
    expect(resolveParams(dense, { units: 0 }).problems).toEqual([
      { param: 'units', message: 'Units must be at least 1' },
    ]);
    expect(resolveParams(dense, { units: 'abc' }).problems[0]!.message).toBe(
      'Units must be a whole number',
    );
    expect(resolveParams(dense, { units: '128' }).params.units).toBe(128);
    expect(resolveParams(dense, { activation: 'nope' }).problems[0]!.param).toBe('activation');
  });
  it('normalises kernel_size 3 to [3, 3] and refuses a triple', () => {
    const conv = getLayer('Conv2D')!;
    expect(resolveParams(conv, { kernel_size: 3 }).params.kernel_size).toEqual([3, 3]);
    expect(resolveParams(conv, { kernel_size: '5x3' }).params.kernel_size).toEqual([5, 3]);
    expect(resolveParams(conv, { kernel_size: [1, 2, 3] }).problems[0]!.param).toBe('kernel_size');
  });
  it('Dropout rate must be in [0, 1)', () => {
    const dropout = getLayer('Dropout')!;
    // Keras accepts 1; Netwright refuses it and says why (the back-ends disagree on it).
    expect(resolveParams(dropout, { rate: 1 }).problems[0]!.message).toMatch(
      /^Rate must be less than 1: Keras accepts 1, but .*PyTorch zeroes every value, TF\.js would skip the layer/,
    );
    expect(resolveParams(dropout, { rate: -0.1 }).problems).toHaveLength(1);
    expect(resolveParams(dropout, { rate: '0.25' }).params.rate).toBe(0.25);
  });
  it('keeps unknown params', () => {
    expect(resolveParams(dense, { units: 4, future_field: 'x' }).params.future_field).toBe('x');
  });
});
