import { requireImage } from '../common.ts';
import type { LayerDef } from '../types.ts';
import { adaptiveGlobalSource } from '../pooling-common.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['GlobalAveragePooling2D', 'GlobalAvgPool2D'],
  config: keras.nameOnly('GlobalAveragePooling2D'),
  callStyle: { positional: [], defaults: {} },
  signature: ['data_format', 'keepdims'],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    if (c.keepdims) throw new keras.Unsupported('keepdims');
    return { params: {} };
  },
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: adaptiveGlobalSource('AdaptiveAvgPool2d', 'adaptive_avg_pool2d'),
  plan: () => ({
    steps: [
      { fn: (v) => `${v}.mean(dim=(2, 3))`, seq: ['nn.AdaptiveAvgPool2d(1)', 'nn.Flatten()'] },
    ],
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [tf.layers.globalAveragePooling2d({ name: op.name })],
  // H·W − 1 adds and one multiply per channel.
  forwardFlops: (op) => tfjs.shapeSize(op.inputShapes[0] ?? []),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // ReduceMean over H, W of the NHWC map (axes 1, 2 with batch), no kept axes.
  export: ({ g, op, ins }) =>
    g.node(`${op.name}/ReduceMean`, 'ReduceMean', [ins[0]!], op.name, [
      onnx.ints('axes', [1, 2]),
      onnx.int('keepdims', 0),
    ]),
  import: [
    {
      ops: ['GlobalAveragePool'],
      channelsFirst: ['GlobalAveragePool'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsFirst(s, 'GlobalAveragePool');
        ctx.addLayer(node, 'GlobalAveragePooling2D', {}, [s], null);
        // [N, C, 1, 1] until the Flatten/Squeeze/Reshape that ends it.
        ctx.outputState(node).gap4d = true;
      },
    },
    {
      ops: ['ReduceMean'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        if (s.shape.length === 2) return false; // over steps: GlobalAveragePooling1D's claim
        ctx.requireChannelsLast(s, 'ReduceMean');
        const axes = ctx.attr(node, 'axes')?.ints ?? ctx.intsOf(node.inputs[1]) ?? [];
        const keep = ctx.attr(node, 'keepdims')?.i ?? 1;
        const sorted = axes.map((a) => (a < 0 ? a + s.shape.length + 1 : a)).sort();
        if (s.shape.length !== 3 || keep !== 0 || sorted.join() !== '1,2')
          throw new onnx.Unsupported(
            `ReduceMean over axes [${axes.join(', ')}] (only over height and width, as global average pooling)`,
          );
        ctx.addLayer(node, 'GlobalAveragePooling2D', {}, [s], null);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Global average pooling',
    what: 'Averages each channel over the whole image, leaving one number per channel.',
    formula: '(H, W, C) → (C), yᶜ = mean over all positions of xᶜ',
    when: 'At the end of a conv net instead of Flatten: far fewer parameters in the next Dense.',
  },
};

// ─── end explain ───

export const GlobalAveragePooling2DLayer: LayerDef = {
  type: 'GlobalAveragePooling2D',
  group: 'Convolution',
  kerasName: 'GlobalAveragePooling2D',
  torchName: 'nn.AdaptiveAvgPool2d',
  summary: 'Averages each channel over the whole image: (H, W, C) → (C).',
  params: [],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => requireImage('GlobalAveragePooling2D', input!) ?? ok([input![2]!]),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
