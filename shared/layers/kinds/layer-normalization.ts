import { epsilonParam, lastDim, normInput } from '../normalization-common.ts';
import type { LayerDef } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['LayerNormalization'],
  config: (op) => ({
    className: 'LayerNormalization',
    config: { name: op.name, epsilon: op.params.epsilon as number },
  }),
  callStyle: { positional: [], defaults: { epsilon: 0.001 } },
  signature: ['axis', 'epsilon', 'center', 'scale'],
  fromConfig: (c) => {
    const check = keras.lastAxisCheck(c, 'LayerNormalization');
    if (c.center === false || c.scale === false)
      throw new keras.Unsupported('LayerNormalization without center or scale');
    return { params: { epsilon: c.epsilon ?? 0.001 }, check };
  },
  weightOrder: ['gamma', 'beta'],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True): pytorch.org/docs/stable/generated/torch.nn.LayerNorm.html
    // Keras's LayerNormalization normalises the last axis: normalized_shape is one number.
    modules: { LayerNorm: ['normalized_shape', 'eps', 'elementwise_affine', 'bias'] },
    layout: 'channels-last',
    read: ({ args }) => {
      torch.onlyDefault(args, 'elementwise_affine', true);
      torch.onlyDefault(args, 'bias', true);
      const eps = args.eps ?? 1e-5;
      if (typeof eps !== 'number') throw new Error('eps must be a number');
      return {
        params: { epsilon: eps },
        inFeatures: torch.readInt(args.normalized_shape, 'normalized_shape (the last axis only)'),
      };
    },
  },
  plan: (ctx) => {
    const input = ctx.inputs[0]!;
    const ln: torch.Step = {
      module: `nn.LayerNorm(${input.shape.at(-1)}, eps=${torch.pyFloat(ctx.op.params.epsilon as number)})`,
      weights: true,
    };
    if (input.spatialRank === 0) return { steps: [ln] };
    return {
      notes: ['Keras normalises the last axis, the channels: move them last and back.'],
      steps: [
        torch.permuteStep(torch.toChannelsLast(input.spatialRank)),
        ln,
        torch.permuteStep(torch.toChannelsFirst(input.spatialRank)),
      ],
    };
  },
  weights: () => ({
    note: 'LayerNormalization: gamma, beta → weight, bias.',
    arrays: { gamma: [{ attr: 'weight' }], beta: [{ attr: 'bias' }] },
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [
    tf.layers.layerNormalization({ name: op.name, epsilon: op.params.epsilon as number }),
  ],
  // Each [features] (the last axis).
  weights: (op) => ['gamma', 'beta'].map((name) => ({ name, shape: [tfjs.lastAxis(op)] })),
  // Per-example mean (1) and variance (3), then subtract, divide, scale, shift (4).
  forwardFlops: (op) => 8 * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  export: ({ g, op, ins, weight }) => {
    const n = op.name;
    const gamma = weight('gamma');
    const beta = weight('beta');
    return g.node(
      `${n}/LayerNormalization`,
      'LayerNormalization',
      [
        ins[0]!,
        g.floats(`${n}/gamma`, gamma.shape, gamma.data),
        g.floats(`${n}/beta`, beta.shape, beta.data),
      ],
      n,
      [onnx.int('axis', -1), onnx.float('epsilon', op.params.epsilon as number)],
    );
  },
  import: [
    {
      ops: ['LayerNormalization'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsLast(s, 'LayerNormalization');
        const axis = ctx.attr(node, 'axis')?.i ?? -1;
        if (axis !== -1 && axis !== s.shape.length)
          throw new onnx.Unsupported(`LayerNormalization over axis ${axis} (only the last axis)`);
        const gamma = ctx.floatsOf(node.inputs[1], 'a scale');
        const beta = node.inputs[2]
          ? ctx.floatsOf(node.inputs[2], 'a bias').floats
          : new Float32Array(gamma.floats.length);
        ctx.addLayer(
          node,
          'LayerNormalization',
          { epsilon: Number((ctx.attr(node, 'epsilon')?.f ?? 1e-5).toPrecision(6)) },
          [s],
          null,
          [
            { name: 'gamma', shape: [gamma.floats.length], data: gamma.floats },
            { name: 'beta', shape: [beta.length], data: beta },
          ],
        );
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Layer normalisation',
    what: 'Normalises the features of each example on their own (not over the batch), then scales and shifts them.',
    formula: 'y = γ · (x − mean(x)) / √(var(x) + ε) + β',
    when: 'In transformers and recurrent networks, or when batches are small.',
  },
  arithmetic: (_p, [input]) => {
    const c = explain.last(input!);
    return { params: `${explain.count(c)} features × 2 (γ, β) = ${explain.count(2 * c)}` };
  },
};

// ─── end explain ───

export const LayerNormalizationLayer: LayerDef = {
  type: 'LayerNormalization',
  group: 'Normalisation/Regularisation',
  kerasName: 'LayerNormalization',
  torchName: 'nn.LayerNorm',
  summary: 'Normalises the features of each example on their own, then scales and shifts them.',
  params: [epsilonParam],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => normInput('LayerNormalization', input!),
  paramCount: ([input]) => ({ trainable: 2 * lastDim(input!), nonTrainable: 0 }),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
