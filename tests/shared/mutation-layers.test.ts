/**
 * Tests added where mutation testing (Stryker, see docs/testing.md) found mutants of
 * shared/layers that every other test let survive. Expected values are hand arithmetic and
 * Keras's documented shape rules; the messages are the user-facing text the inspector shows.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_EXAMPLE_RANK,
  requireImage,
  requireMaxRank,
  slideWindow,
  windowOutputSize,
} from '../../shared/layers/common.ts';
import { formatParamValue, validateParam } from '../../shared/layers/params.ts';
import type { ParamSpec } from '../../shared/layers/params.ts';
import {
  defaultParams,
  getLayer,
  LAYER_TYPES,
  LAYERS,
  resolveParams,
  unknownParams,
} from '../../shared/layers/registry.ts';
import { broadcastShapes } from '../../shared/layers/broadcast.ts';
import { LAYER_GROUPS } from '../../shared/layers/types.ts';
import type { Shape } from '../../shared/shape.ts';

function infer(type: string, inputs: Shape[], params: Record<string, unknown> = {}) {
  const def = getLayer(type)!;
  const { params: p, problems } = resolveParams(def, params);
  expect(problems).toEqual([]);
  return def.inferShape(inputs, p);
}

function count(type: string, inputs: Shape[], params: Record<string, unknown> = {}) {
  const def = getLayer(type)!;
  return def.paramCount(inputs, resolveParams(def, params).params);
}

describe('layer metadata shown in the palette', () => {
  it('every kind has a group from LAYER_GROUPS, a summary sentence and labelled params', () => {
    expect(LAYER_GROUPS).toEqual([
      'Core',
      'Activations',
      'Normalisation/Regularisation',
      'Convolution',
      'Recurrent',
      'Attention',
      'Merge',
    ]);
    expect(LAYER_TYPES).toEqual(LAYERS.map((l) => l.type));
    expect(LAYER_TYPES[0]).toBe('Input');
    for (const def of LAYERS) {
      expect(LAYER_GROUPS).toContain(def.group);
      expect(def.summary.length).toBeGreaterThan(20);
      expect(def.summary).toMatch(/\.$/);
      for (const spec of def.params) {
        expect(spec.label.length).toBeGreaterThan(2);
        expect(spec.name).toMatch(/^[a-z_]+$/);
      }
    }
    expect(getLayer('Nope')).toBeUndefined();
  });

  it('Keras class names, PyTorch modules, groups and input counts per kind', () => {
    const table = Object.fromEntries(
      LAYERS.map((l) => [l.type, [l.kerasName, l.torchName, l.group, l.inputs.min, l.inputs.max]]),
    );
    expect(table).toEqual({
      Input: ['Input', 'tensor', 'Core', 0, 0],
      Dense: ['Dense', 'nn.Linear', 'Core', 1, 1],
      Flatten: ['Flatten', 'nn.Flatten', 'Core', 1, 1],
      Reshape: ['Reshape', 'torch.reshape', 'Core', 1, 1],
      Activation: ['Activation', 'nn.ReLU', 'Activations', 1, 1],
      Dropout: ['Dropout', 'nn.Dropout', 'Normalisation/Regularisation', 1, 1],
      BatchNormalization: [
        'BatchNormalization',
        'nn.BatchNorm1d',
        'Normalisation/Regularisation',
        1,
        1,
      ],
      LayerNormalization: [
        'LayerNormalization',
        'nn.LayerNorm',
        'Normalisation/Regularisation',
        1,
        1,
      ],
      Conv2D: ['Conv2D', 'nn.Conv2d', 'Convolution', 1, 1],
      MaxPooling2D: ['MaxPooling2D', 'nn.MaxPool2d', 'Convolution', 1, 1],
      AveragePooling2D: ['AveragePooling2D', 'nn.AvgPool2d', 'Convolution', 1, 1],
      GlobalAveragePooling2D: [
        'GlobalAveragePooling2D',
        'nn.AdaptiveAvgPool2d',
        'Convolution',
        1,
        1,
      ],
      Add: ['Add', 'torch.add', 'Merge', 2, Infinity],
      Concatenate: ['Concatenate', 'torch.cat', 'Merge', 2, Infinity],
      // ── conv1d kinds ──
      Conv1D: ['Conv1D', 'nn.Conv1d', 'Convolution', 1, 1],
      MaxPooling1D: ['MaxPooling1D', 'nn.MaxPool1d', 'Convolution', 1, 1],
      AveragePooling1D: ['AveragePooling1D', 'nn.AvgPool1d', 'Convolution', 1, 1],
      GlobalAveragePooling1D: ['GlobalAveragePooling1D', 'torch.mean', 'Convolution', 1, 1],
      GlobalMaxPooling1D: ['GlobalMaxPooling1D', 'torch.amax', 'Convolution', 1, 1],
      GlobalMaxPooling2D: ['GlobalMaxPooling2D', 'nn.AdaptiveMaxPool2d', 'Convolution', 1, 1],
      UpSampling2D: ['UpSampling2D', 'nn.Upsample', 'Convolution', 1, 1],
      ZeroPadding2D: ['ZeroPadding2D', 'nn.ZeroPad2d', 'Convolution', 1, 1],
      Cropping2D: ['Cropping2D', 'tensor slicing', 'Convolution', 1, 1],
      // ── end conv1d ──
      // ── sequence kinds ──
      Embedding: ['Embedding', 'nn.Embedding', 'Core', 1, 1],
      SimpleRNN: ['SimpleRNN', 'nn.RNN', 'Recurrent', 1, 1],
      LSTM: ['LSTM', 'nn.LSTM', 'Recurrent', 1, 1],
      GRU: ['GRU', 'nn.GRU', 'Recurrent', 1, 1],
      Bidirectional: ['Bidirectional', 'nn.LSTM(bidirectional=True)', 'Recurrent', 1, 1],
      // ── end sequence ──
      // conv2d kinds
      Conv2DTranspose: ['Conv2DTranspose', 'nn.ConvTranspose2d', 'Convolution', 1, 1],
      SeparableConv2D: ['SeparableConv2D', 'nn.Conv2d ×2', 'Convolution', 1, 1],
      DepthwiseConv2D: ['DepthwiseConv2D', 'nn.Conv2d', 'Convolution', 1, 1],
      SpatialDropout2D: ['SpatialDropout2D', 'nn.Dropout2d', 'Normalisation/Regularisation', 1, 1],
      GaussianNoise: ['GaussianNoise', 'torch.randn_like', 'Normalisation/Regularisation', 1, 1],
      Rescaling: ['Rescaling', 'torch.mul', 'Core', 1, 1],
      Permute: ['Permute', 'torch.permute', 'Core', 1, 1],
      RepeatVector: ['RepeatVector', 'torch.Tensor.repeat', 'Core', 1, 1],
      // mixing kinds
      Multiply: ['Multiply', 'torch.mul', 'Merge', 2, Infinity],
      Subtract: ['Subtract', 'torch.sub', 'Merge', 2, 2],
      Average: ['Average', 'torch.add / n', 'Merge', 2, Infinity],
      Maximum: ['Maximum', 'torch.maximum', 'Merge', 2, Infinity],
      Minimum: ['Minimum', 'torch.minimum', 'Merge', 2, Infinity],
      Dot: ['Dot', 'torch.einsum', 'Merge', 2, 2],
      MultiHeadAttention: ['MultiHeadAttention', 'nn.Linear ×4 + softmax', 'Attention', 1, 3],
      LeakyReLU: ['LeakyReLU', 'nn.LeakyReLU', 'Activations', 1, 1],
      PReLU: ['PReLU', 'nn.PReLU', 'Activations', 1, 1],
      ELU: ['ELU', 'nn.ELU', 'Activations', 1, 1],
      ReLU: ['ReLU', 'nn.ReLU', 'Activations', 1, 1],
      Softmax: ['Softmax', 'nn.Softmax', 'Activations', 1, 1],
    });
  });

  it('defaults as Keras documents them (Dense units aside, which Keras requires)', () => {
    const d = (t: string) => defaultParams(getLayer(t)!);
    expect(d('Input')).toEqual({ shape: [784], dtype: 'float32' });
    expect(d('Dense')).toEqual({ units: 32, activation: 'linear', use_bias: true });
    expect(d('Activation')).toEqual({ activation: 'relu' });
    expect(d('Dropout')).toEqual({ rate: 0.5 });
    expect(d('BatchNormalization')).toEqual({ momentum: 0.99, epsilon: 0.001 });
    expect(d('LayerNormalization')).toEqual({ epsilon: 0.001 });
    expect(d('Conv2D')).toEqual({
      filters: 32,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      activation: 'linear',
      use_bias: true,
    });
    expect(d('MaxPooling2D')).toEqual({ pool_size: [2, 2], strides: null, padding: 'valid' });
    expect(d('Reshape')).toEqual({ target_shape: [28, 28, 1] });
    expect(d('Concatenate')).toEqual({ axis: -1 });
    // A copy: editing one block's default list must not change the next block's.
    const a = d('Conv2D');
    (a.kernel_size as number[])[0] = 9;
    expect(d('Conv2D').kernel_size).toEqual([3, 3]);
  });

  it('padding param explains valid and same; pooling strides say they follow the pool size', () => {
    const conv = getLayer('Conv2D')!;
    const padding = conv.params.find((p) => p.name === 'padding')!;
    expect(padding).toMatchObject({ kind: 'enum', default: 'valid', options: ['valid', 'same'] });
    expect(padding.help).toContain('ceil(input / stride)');
    const pool = getLayer('MaxPooling2D')!;
    const strides = pool.params.find((p) => p.name === 'strides')!;
    expect(strides).toMatchObject({ kind: 'pair', default: null, nullable: true });
    expect(strides.help).toBe('empty: same as pool size');
    expect(conv.params.find((p) => p.name === 'strides')).toMatchObject({ nullable: false });
  });

  it('torch names that depend on the activation', () => {
    const dense = getLayer('Dense')!;
    const act = getLayer('Activation')!;
    expect(dense.torchNameFor!({ activation: 'linear' })).toBe('nn.Linear');
    expect(dense.torchNameFor!({ activation: 'relu' })).toBe('nn.Linear + nn.ReLU');
    expect(dense.torchNameFor!({ activation: 'softmax' })).toBe('nn.Linear + nn.Softmax');
    expect(dense.torchNameFor!({ activation: 'leaky_relu' })).toBe('nn.Linear + nn.LeakyReLU');
    expect(act.torchNameFor!({ activation: 'tanh' })).toBe('nn.Tanh');
    expect(act.torchNameFor!({ activation: 'linear' })).toBe('nn.Identity');
    expect(getLayer('BatchNormalization')!.torchNameFor!({})).toBe('nn.BatchNorm');
  });
});

describe('sliding windows (Keras conv_utils.conv_output_length)', () => {
  it('valid: floor((n - k) / s) + 1; same: ceil(n / s)', () => {
    expect(windowOutputSize(28, 3, 1, 'valid')).toBe(26);
    expect(windowOutputSize(28, 3, 2, 'valid')).toBe(13); // floor(25 / 2) + 1
    expect(windowOutputSize(7, 2, 2, 'valid')).toBe(3);
    expect(windowOutputSize(7, 2, 2, 'same')).toBe(4);
    expect(windowOutputSize(28, 5, 3, 'same')).toBe(10);
    expect(windowOutputSize(3, 3, 1, 'valid')).toBe(1);
  });

  it('a window exactly the size of the input gives 1×1; one larger is E011 with the sizes', () => {
    expect(slideWindow('Conv2D', [3, 4, 1], [3, 4], [1, 1], 'valid')).toEqual({
      ok: true,
      h: 1,
      w: 1,
    });
    expect(slideWindow('X', [4, 3, 1], [3, 4], [1, 1], 'valid')).toEqual({
      ok: false,
      result: {
        ok: false,
        code: 'E011',
        message:
          "X window 3×4 is larger than its 4×3 input; use padding 'same' or a smaller window",
      },
    });
    // Only the height too large.
    expect(slideWindow('X', [2, 9, 1], [3, 3], [1, 1], 'valid').ok).toBe(false);
  });

  it('requireImage explains the fix for a vector, not for a matrix', () => {
    expect(requireImage('Conv2D', [28, 28, 1])).toBeNull();
    expect(requireImage('Conv2D', [784])).toEqual({
      ok: false,
      code: 'E003',
      message:
        'Conv2D needs a 3-D input (height, width, channels) but gets (None, 784); feed it an image, e.g. Input shape 28,28,1, or add a Reshape',
    });
    expect(requireImage('MaxPooling2D', [28, 28])).toEqual({
      ok: false,
      code: 'E003',
      message: 'MaxPooling2D needs a 3-D input (height, width, channels) but gets (None, 28, 28)',
    });
  });

  it('requireMaxRank: 5 axes per example are allowed, 6 are not', () => {
    expect(MAX_EXAMPLE_RANK).toBe(5);
    expect(requireMaxRank('Input', [1, 2, 3, 4, 5])).toBeNull();
    expect(requireMaxRank('Input', [1, 2, 3, 4, 5, 6])).toEqual({
      ok: false,
      code: 'E003',
      message:
        'Input makes (None, 1, 2, 3, 4, 5, 6), 6 axes per example; Netwright supports at most 5 (TF.js runs tensors up to rank 6 with the batch axis)',
    });
    expect(infer('Input', [], { shape: [1, 2, 3, 4, 5, 6] }).ok).toBe(false);
    expect(infer('Reshape', [[720]], { target_shape: [1, 2, 3, 4, 5, 6] }).ok).toBe(false);
  });
});

describe('shape rules per layer kind', () => {
  it("Conv2D output (H', W', filters) and params kh·kw·C·F + F", () => {
    expect(infer('Conv2D', [[10, 12, 3]], { filters: 4, kernel_size: [3, 5] })).toEqual({
      ok: true,
      shape: [8, 8, 4],
    });
    // 3·5·3·4 + 4 = 184; without bias 180.
    expect(count('Conv2D', [[10, 12, 3]], { filters: 4, kernel_size: [3, 5] })).toEqual({
      trainable: 184,
      nonTrainable: 0,
    });
    expect(
      count('Conv2D', [[10, 12, 3]], { filters: 4, kernel_size: [3, 5], use_bias: false }),
    ).toEqual({ trainable: 180, nonTrainable: 0 });
    expect(infer('Conv2D', [[784]]).ok).toBe(false);
    expect(infer('Conv2D', [[2, 2, 1]])).toMatchObject({ ok: false, code: 'E011' });
  });

  it('pooling keeps channels; explicit strides; too small an input is E011', () => {
    expect(infer('AveragePooling2D', [[9, 9, 5]], { pool_size: [3, 3], strides: [2, 2] })).toEqual({
      ok: true,
      shape: [4, 4, 5],
    });
    expect(infer('MaxPooling2D', [[9, 9, 5]], { pool_size: 3 })).toEqual({
      ok: true,
      shape: [3, 3, 5],
    });
    expect(infer('MaxPooling2D', [[1, 1, 5]])).toMatchObject({ ok: false, code: 'E011' });
    expect(infer('MaxPooling2D', [[25]])).toMatchObject({ ok: false, code: 'E003' });
    expect(count('MaxPooling2D', [[4, 4, 1]])).toEqual({ trainable: 0, nonTrainable: 0 });
    expect(infer('GlobalAveragePooling2D', [[7]])).toMatchObject({ ok: false, code: 'E003' });
    expect(count('GlobalAveragePooling2D', [[4, 4, 6]])).toEqual({ trainable: 0, nonTrainable: 0 });
  });

  it('Dense refuses rank-6 outputs only with a bias and an unfused activation', () => {
    const five: Shape = [2, 2, 2, 2, 3];
    expect(infer('Dense', [five], { units: 4, activation: 'sigmoid' })).toEqual({
      ok: false,
      code: 'E003',
      message:
        'Dense with bias and activation sigmoid takes at most 4 axes per example but gets (None, 2, 2, 2, 2, 3) (TF.js cannot run it on rank 6): use activation linear and a separate Activation sigmoid block',
    });
    expect(infer('Dense', [five], { units: 4, activation: 'relu' })).toEqual({
      ok: true,
      shape: [2, 2, 2, 2, 4],
    });
    for (const act of ['linear', 'elu', 'leaky_relu']) {
      expect(infer('Dense', [five], { units: 4, activation: act }).ok).toBe(true);
    }
    expect(infer('Dense', [five], { units: 4, activation: 'sigmoid', use_bias: false }).ok).toBe(
      true,
    );
    expect(infer('Dense', [[2, 2, 2, 3]], { units: 4, activation: 'tanh' }).ok).toBe(true);
  });

  it('Flatten refuses a vector with the reason; accepts a matrix', () => {
    expect(infer('Flatten', [[10]])).toEqual({
      ok: false,
      code: 'E003',
      message:
        'Flatten needs a feature map or matrix (2 or more axes per example) but gets the vector (None, 10), which is already flat: remove the Flatten (TF.js refuses a Flatten on vectors)',
    });
    expect(infer('Flatten', [[3, 4]])).toEqual({ ok: true, shape: [12] });
    expect(count('Flatten', [[3, 4]])).toEqual({ trainable: 0, nonTrainable: 0 });
  });

  it('Reshape messages give the sizes', () => {
    expect(infer('Reshape', [[10]], { target_shape: [3, -1] })).toEqual({
      ok: false,
      code: 'E002',
      message: 'Reshape cannot fit 10 values into 3×-1: 10 is not a multiple of 3',
    });
    expect(infer('Reshape', [[12]], { target_shape: [5, 2] })).toEqual({
      ok: false,
      code: 'E002',
      message: 'Reshape to (None, 5, 2) needs 10 values but its input (None, 12) has 12',
    });
    expect(infer('Reshape', [[2, 6]], { target_shape: [-1, 4] })).toEqual({
      ok: true,
      shape: [3, 4],
    });
    expect(infer('Reshape', [[2, 6]], { target_shape: [4, 3] })).toEqual({
      ok: true,
      shape: [4, 3],
    });
    expect(count('Reshape', [[2, 6]], { target_shape: [4, 3] })).toEqual({
      trainable: 0,
      nonTrainable: 0,
    });
  });

  it('normalisation takes at most 3 axes; params 2·C (+2·C moving stats for batch norm)', () => {
    expect(infer('BatchNormalization', [[4, 4, 3]])).toEqual({ ok: true, shape: [4, 4, 3] });
    expect(count('BatchNormalization', [[4, 4, 3]])).toEqual({ trainable: 6, nonTrainable: 6 });
    expect(infer('LayerNormalization', [[2, 2, 2, 8]])).toEqual({
      ok: false,
      code: 'E003',
      message:
        'LayerNormalization takes at most 3 axes per example (e.g. height, width, channels) but gets (None, 2, 2, 2, 8): TF.js cannot normalise tensors of rank 5; Reshape to 3 axes or fewer first',
    });
    expect(infer('BatchNormalization', [[2, 2, 2, 8]])).toMatchObject({ ok: false, code: 'E003' });
    expect(count('LayerNormalization', [[4, 4, 3]])).toEqual({ trainable: 6, nonTrainable: 0 });
  });

  it('Activation and Dropout pass shapes of any rank through', () => {
    expect(infer('Activation', [[2, 3, 4]])).toEqual({ ok: true, shape: [2, 3, 4] });
    expect(infer('Dropout', [[2, 3, 4]])).toEqual({ ok: true, shape: [2, 3, 4] });
    expect(count('Dropout', [[5]])).toEqual({ trainable: 0, nonTrainable: 0 });
    expect(count('Activation', [[5]])).toEqual({ trainable: 0, nonTrainable: 0 });
    expect(count('Input', [], { shape: [5] })).toEqual({ trainable: 0, nonTrainable: 0 });
  });
});

describe('merge layers (Keras base_merge.py)', () => {
  it('broadcastShapes: a size-1 axis on either side, a mismatch is null', () => {
    expect(
      broadcastShapes([
        [4, 1],
        [1, 3],
      ]),
    ).toEqual([4, 3]);
    expect(
      broadcastShapes([
        [4, 3],
        [4, 1],
      ]),
    ).toEqual([4, 3]);
    expect(
      broadcastShapes([
        [2, 3],
        [4, 3],
      ]),
    ).toBeNull();
    expect(broadcastShapes([[3], [2, 3]])).toEqual([2, 3]);
    expect(broadcastShapes([[5], [5], [1]])).toEqual([5]);
  });

  it('Add error names the shapes; no params', () => {
    expect(
      infer('Add', [
        [2, 3],
        [4, 3],
      ]),
    ).toEqual({
      ok: false,
      code: 'E002',
      message:
        'Add needs inputs whose sizes match, or are 1, on each axis (counted from the last) but gets (None, 2, 3) and (None, 4, 3)',
    });
    expect(count('Add', [[3], [3]])).toEqual({ trainable: 0, nonTrainable: 0 });
  });

  it('Concatenate axis counts the batch axis (1 = first feature axis); 0 and out of range fail', () => {
    expect(
      infer('Concatenate', [
        [2, 3],
        [2, 5],
      ]),
    ).toEqual({ ok: true, shape: [2, 8] });
    expect(
      infer(
        'Concatenate',
        [
          [2, 3],
          [4, 3],
        ],
        { axis: 1 },
      ),
    ).toEqual({
      ok: true,
      shape: [6, 3],
    });
    expect(
      infer(
        'Concatenate',
        [
          [2, 3],
          [4, 3],
        ],
        { axis: -2 },
      ),
    ).toEqual({
      ok: true,
      shape: [6, 3],
    });
    expect(
      infer(
        'Concatenate',
        [
          [2, 3],
          [2, 3],
        ],
        { axis: 2 },
      ),
    ).toEqual({
      ok: true,
      shape: [2, 6],
    });
    expect(
      infer(
        'Concatenate',
        [
          [2, 3],
          [2, 3],
        ],
        { axis: 0 },
      ),
    ).toEqual({
      ok: false,
      code: 'E002',
      message: 'Concatenate axis 0 does not exist for inputs of rank 3',
    });
    expect(
      infer(
        'Concatenate',
        [
          [2, 3],
          [2, 3],
        ],
        { axis: 3 },
      ),
    ).toMatchObject({ ok: false });
    expect(
      infer(
        'Concatenate',
        [
          [2, 3],
          [2, 3],
        ],
        { axis: -3 },
      ),
    ).toMatchObject({ ok: false });
    expect(
      infer('Concatenate', [
        [2, 3],
        [4, 5],
      ]),
    ).toEqual({
      ok: false,
      code: 'E002',
      message:
        'Concatenate needs inputs that agree on every axis but -1; gets (None, 2, 3) and (None, 4, 5)',
    });
    // Different ranks do not concatenate.
    expect(infer('Concatenate', [[2, 3], [3]]).ok).toBe(false);
    // A shorter shape that agrees on its own axes is still a rank mismatch.
    expect(infer('Concatenate', [[2, 3], [2]]).ok).toBe(false);
    expect(infer('Concatenate', [[2], [3], [4]])).toEqual({ ok: true, shape: [9] });
    expect(count('Concatenate', [[2], [3]])).toEqual({ trainable: 0, nonTrainable: 0 });
  });
});

describe('validateParam messages', () => {
  const int: ParamSpec = { name: 'n', label: 'N', kind: 'int', default: 1, min: 1, max: 10 };
  const float: ParamSpec = {
    name: 'f',
    label: 'F',
    kind: 'float',
    default: 0.5,
    min: 0,
    max: 1,
  };
  const openFloat: ParamSpec = {
    ...float,
    minExclusive: true,
    maxExclusive: true,
    maxReason: 'why',
  };

  it('int: whole numbers within [min, max], from numbers or trimmed text', () => {
    expect(validateParam(int, 10)).toEqual({ ok: true, value: 10 });
    expect(validateParam(int, 1)).toEqual({ ok: true, value: 1 });
    expect(validateParam(int, ' +7 ')).toEqual({ ok: true, value: 7 });
    expect(validateParam(int, 11)).toEqual({ ok: false, message: 'N must be at most 10' });
    expect(validateParam(int, 0)).toEqual({ ok: false, message: 'N must be at least 1' });
    expect(validateParam(int, 2.5)).toEqual({ ok: false, message: 'N must be a whole number' });
    expect(validateParam(int, '2.5')).toEqual({ ok: false, message: 'N must be a whole number' });
    expect(validateParam(int, '1e2')).toMatchObject({ ok: false });
    expect(validateParam(int, 'a5')).toMatchObject({ ok: false });
    expect(validateParam(int, '5a')).toMatchObject({ ok: false });
    expect(validateParam(int, true)).toMatchObject({ ok: false });
    const unbounded: ParamSpec = { name: 'n', label: 'N', kind: 'int', default: 1, min: -3 };
    expect(validateParam(unbounded, 1e9)).toEqual({ ok: true, value: 1e9 });
    expect(validateParam(unbounded, '-3')).toEqual({ ok: true, value: -3 });
  });

  it('float: closed and open bounds, with the reason for the upper one', () => {
    expect(validateParam(float, 0)).toEqual({ ok: true, value: 0 });
    expect(validateParam(float, 1)).toEqual({ ok: true, value: 1 });
    expect(validateParam(float, ' 0.25 ')).toEqual({ ok: true, value: 0.25 });
    expect(validateParam(float, -0.1)).toEqual({ ok: false, message: 'F must be at least 0' });
    expect(validateParam(float, 1.5)).toEqual({ ok: false, message: 'F must be at most 1' });
    expect(validateParam(float, '')).toEqual({ ok: false, message: 'F must be a number' });
    expect(validateParam(float, '  ')).toEqual({ ok: false, message: 'F must be a number' });
    expect(validateParam(float, Infinity)).toEqual({ ok: false, message: 'F must be a number' });
    expect(validateParam(float, null)).toEqual({ ok: false, message: 'F must be a number' });
    expect(validateParam(openFloat, 0)).toEqual({ ok: false, message: 'F must be greater than 0' });
    expect(validateParam(openFloat, 1)).toEqual({
      ok: false,
      message: 'F must be less than 1: why',
    });
    expect(validateParam(openFloat, 0.001)).toEqual({ ok: true, value: 0.001 });
    const free: ParamSpec = { name: 'f', label: 'F', kind: 'float', default: 0 };
    expect(validateParam(free, -1e9)).toEqual({ ok: true, value: -1e9 });
  });

  it('enum and bool', () => {
    const e: ParamSpec = { name: 'e', label: 'E', kind: 'enum', default: 'a', options: ['a', 'b'] };
    expect(validateParam(e, 'b')).toEqual({ ok: true, value: 'b' });
    expect(validateParam(e, 'c')).toEqual({ ok: false, message: 'E must be one of a, b' });
    expect(validateParam(e, ['a'])).toMatchObject({ ok: false });
    const b: ParamSpec = { name: 'b', label: 'B', kind: 'bool', default: true };
    expect(validateParam(b, false)).toEqual({ ok: true, value: false });
    expect(validateParam(b, 'true')).toEqual({ ok: true, value: true });
    expect(validateParam(b, 'false')).toEqual({ ok: true, value: false });
    expect(validateParam(b, 1)).toEqual({ ok: false, message: 'B must be true or false' });
  });

  it('pair: one number doubles, text forms, None when nullable', () => {
    const pair: ParamSpec = { name: 'k', label: 'K', kind: 'pair', default: [3, 3] };
    const nullable: ParamSpec = { ...pair, nullable: true };
    expect(validateParam(pair, '(2, 4)')).toEqual({ ok: true, value: [2, 4] });
    expect(validateParam(pair, '[2 x 4]')).toEqual({ ok: true, value: [2, 4] });
    expect(validateParam(pair, '2×4')).toEqual({ ok: true, value: [2, 4] });
    expect(validateParam(pair, '5')).toEqual({ ok: true, value: [5, 5] });
    expect(validateParam(pair, [1, 1])).toEqual({ ok: true, value: [1, 1] });
    for (const none of [null, '', 'None', 'none']) {
      expect(validateParam(pair, none)).toEqual({ ok: false, message: 'K is required' });
      expect(validateParam(nullable, none)).toEqual({ ok: true, value: null });
    }
    const form = 'K must be a number or two numbers, e.g. 3 or 3,3';
    expect(validateParam(pair, '1,2,3')).toEqual({ ok: false, message: form });
    expect(validateParam(pair, '()')).toEqual({ ok: false, message: form });
    expect(validateParam(pair, [])).toEqual({ ok: false, message: form });
    expect(validateParam(pair, [2, 'x'])).toEqual({ ok: false, message: form });
    expect(validateParam(pair, 2.5)).toEqual({ ok: false, message: form });
    expect(validateParam(pair, {})).toEqual({ ok: false, message: form });
    expect(validateParam(pair, [2, 0])).toEqual({ ok: false, message: 'K must be at least 1' });
    expect(validateParam(pair, 0)).toEqual({ ok: false, message: 'K must be at least 1' });
  });

  it('shape: sizes at least 1, one -1 only where inferred sizes are allowed', () => {
    const shape: ParamSpec = { name: 's', label: 'S', kind: 'shape', default: [1] };
    const inferred: ParamSpec = { ...shape, allowInferred: true };
    expect(validateParam(shape, '28, 28, 1')).toEqual({ ok: true, value: [28, 28, 1] });
    expect(validateParam(shape, 7)).toEqual({ ok: true, value: [7] });
    expect(validateParam(shape, '')).toEqual({
      ok: false,
      message: 'S must be a list of sizes, e.g. 28,28,1',
    });
    expect(validateParam(shape, [])).toMatchObject({ ok: false });
    expect(validateParam(shape, [4, 0])).toEqual({
      ok: false,
      message: 'S sizes must be at least 1',
    });
    expect(validateParam(shape, [-1, 4])).toEqual({
      ok: false,
      message: 'S sizes must be at least 1',
    });
    expect(validateParam(inferred, [-1, 4])).toEqual({ ok: true, value: [-1, 4] });
    expect(validateParam(inferred, [-1, -1])).toEqual({
      ok: false,
      message: 'S may contain -1 at most once',
    });
    expect(validateParam(inferred, [0, 4])).toEqual({
      ok: false,
      message: 'S sizes must be at least 1 (or one -1)',
    });
    expect(validateParam(inferred, [-2, 4])).toMatchObject({ ok: false });
  });

  it('formatParamValue shows lists with commas and nothing for null', () => {
    expect(formatParamValue(null)).toBe('');
    expect(formatParamValue(undefined)).toBe('');
    expect(formatParamValue([28, 28, 1])).toBe('28, 28, 1');
    expect(formatParamValue(0.5)).toBe('0.5');
    expect(formatParamValue(false)).toBe('false');
  });
});

describe('resolveParams and unknownParams', () => {
  it('a bad value is reported and replaced by the default; others are validated', () => {
    const conv = getLayer('Conv2D')!;
    const r = resolveParams(conv, { filters: '8', kernel_size: 0, padding: 'full' });
    expect(r.problems).toEqual([
      { param: 'kernel_size', message: 'Kernel size must be at least 1' },
      { param: 'padding', message: 'Padding must be one of valid, same' },
    ]);
    expect(r.params).toEqual({
      filters: 8,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      activation: 'linear',
      use_bias: true,
    });
  });

  it('suggests the snake_case name for camelCase or differently cased keys', () => {
    const conv = getLayer('Conv2D')!;
    expect(
      unknownParams(conv, {
        filters: 1,
        kernelSize: 3,
        UseBias: true,
        KERNEL_SIZE: 3,
        kernel2Size: 1,
        dilation_rate: 2,
      }),
    ).toEqual([
      { param: 'kernelSize', suggestion: 'kernel_size' },
      { param: 'UseBias', suggestion: 'use_bias' },
      { param: 'KERNEL_SIZE', suggestion: 'kernel_size' },
      { param: 'kernel2Size' },
      { param: 'dilation_rate' },
    ]);
    expect(unknownParams(getLayer('MaxPooling2D')!, { poolSize: 2 })).toEqual([
      { param: 'poolSize', suggestion: 'pool_size' },
    ]);
    expect(unknownParams(getLayer('Dense')!, { units: 3, use_bias: false })).toEqual([]);
  });
});

describe('each layer names itself in its messages', () => {
  it('Conv2D, Input, BatchNormalization, GlobalAveragePooling2D and Reshape', () => {
    const msg = (r: { ok: boolean; message?: string }) => (r.ok ? '' : r.message!);
    expect(msg(infer('Conv2D', [[784]]))).toMatch(/^Conv2D needs a 3-D input/);
    expect(msg(infer('Conv2D', [[2, 2, 1]]))).toMatch(/^Conv2D window 3×3 is larger/);
    expect(msg(infer('Input', [], { shape: [1, 1, 1, 1, 1, 1] }))).toMatch(/^Input makes /);
    expect(msg(infer('BatchNormalization', [[1, 1, 1, 1]]))).toMatch(
      /^BatchNormalization takes at most 3 axes/,
    );
    expect(msg(infer('GlobalAveragePooling2D', [[7]]))).toMatch(
      /^GlobalAveragePooling2D needs a 3-D input/,
    );
    expect(msg(infer('Reshape', [[720]], { target_shape: [1, 1, 1, 1, 1, 720] }))).toMatch(
      /^Reshape makes /,
    );
  });
});
