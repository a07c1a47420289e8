import { pairParam, requireImage } from '../common.ts';
import type { LayerDef } from '../types.ts';
import { onnxString, upSamplingImport } from '../conv1d-hooks.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['UpSampling2D'],
  config: (op) => ({
    className: 'UpSampling2D',
    config: {
      name: op.name,
      size: keras.tuple(op.params.size),
      interpolation: op.params.interpolation as string,
    },
  }),
  callStyle: { positional: [], defaults: { size: [2, 2], interpolation: 'nearest' } },
  signature: ['size', 'data_format', 'interpolation'],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    const interpolation = c.interpolation ?? 'nearest';
    // TF.js's bilinear differs from Keras 3's (no half-pixel centres): not offered.
    if (interpolation !== 'nearest')
      throw new keras.Unsupported(`interpolation ${String(interpolation)}`);
    return { params: { size: keras.pair(c.size ?? 2, 'size'), interpolation } };
  },
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

// The map is held (N, C, H, W); nearest-neighbour upsampling by whole factors repeats each value
// (PyTorch's 'nearest' picks source index ⌊i / factor⌋, as TF.js's resizeNearestNeighbor).
const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.Upsample(size=None, scale_factor=None, mode='nearest'): pytorch.org/docs/stable/generated/torch.nn.Upsample.html
    modules: {
      Upsample: ['size', 'scale_factor', 'mode', 'align_corners'],
      UpsamplingNearest2d: ['size', 'scale_factor'],
    },
    read: ({ args }) => {
      torch.onlyDefault(args, 'mode', 'nearest');
      torch.onlyDefault(args, 'size', null);
      const f = args.scale_factor;
      const scale =
        typeof f === 'number' && Number.isInteger(f) ? [f, f] : torch.readPair(f, 'scale_factor');
      return { params: { size: scale, interpolation: 'nearest' } };
    },
  },
  plan: (ctx) => {
    const size = ctx.op.params.size as number[];
    return {
      steps: [{ module: `nn.Upsample(scale_factor=${torch.size(size)}, mode="nearest")` }],
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [
    tf.layers.upSampling2d({
      name: op.name,
      size: op.params.size as [number, number],
      interpolation: 'nearest',
    }),
  ],
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Resize on the NHWC map with scales (1, sh, sw, 1): nearest, source index ⌊i / scale⌋
  // (coordinate_transformation_mode 'asymmetric', nearest_mode 'floor'), as TF.js.
  export: ({ g, op, ins }) => {
    const [sh, sw] = op.params.size as number[];
    const scales = g.floats(`${op.name}/scales`, [4], Float32Array.of(1, sh!, sw!, 1));
    return g.node(`${op.name}/Resize`, 'Resize', [ins[0]!, '', scales], op.name, [
      onnxString('mode', 'nearest'),
      onnxString('coordinate_transformation_mode', 'asymmetric'),
      onnxString('nearest_mode', 'floor'),
    ]);
  },
  import: [upSamplingImport],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'UpSampling2D',
    what: 'Enlarges the image by repeating each pixel: with size 2 every value becomes a 2×2 block. No weights; a Conv2D after it learns to smooth the blocks.',
    formula: 'y[i, j, c] = x[⌊i / sh⌋, ⌊j / sw⌋, c]',
    when: 'In the decoder half of an image-to-image net (autoencoder, U-Net) to grow the feature map back.',
  },
  arithmetic: (p, [input]) => {
    const [sh, sw] = p.size as number[];
    return {
      params: 'no weights: values are only repeated',
      shape: [
        `height: ${input![0]} × ${sh} = ${input![0]! * sh!}`,
        `width: ${input![1]} × ${sw} = ${input![1]! * sw!}`,
      ],
    };
  },
  digest: (p) => `× ${explain.dims(p.size)}`,
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras 3 `UpSampling2D(size=(2, 2), interpolation="nearest")`
 * (keras.io/api/layers/reshaping_layers/up_sampling2d/): `(H, W, C)` → `(H·sh, W·sw, C)`, each
 * value repeated sh×sw times; no weights. Only 'nearest' is offered: TF.js's 'bilinear'
 * (`tf.image.resizeBilinear` without half-pixel centres) differs from Keras 3's and PyTorch's.
 */
export const UpSampling2DLayer: LayerDef = {
  type: 'UpSampling2D',
  group: 'Convolution',
  kerasName: 'UpSampling2D',
  torchName: 'nn.Upsample',
  summary: 'Enlarges an image by repeating each pixel, e.g. 7×7 → 14×14 with size 2.',
  params: [
    { ...pairParam('size', 'Size', [2, 2]), help: 'how many times to repeat rows, columns' },
    {
      name: 'interpolation',
      label: 'Interpolation',
      kind: 'enum',
      default: 'nearest',
      options: ['nearest'],
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('UpSampling2D', input!);
    if (bad) return bad;
    const [sh, sw] = p.size as number[];
    return ok([input![0]! * sh!, input![1]! * sw!, input![2]!]);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
