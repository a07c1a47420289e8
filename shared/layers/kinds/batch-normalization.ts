import { epsilonParam, lastDim, normInput } from '../normalization-common.ts';
import type { LayerDef } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['BatchNormalization'],
  config: (op) => ({
    className: 'BatchNormalization',
    config: {
      name: op.name,
      momentum: op.params.momentum as number,
      epsilon: op.params.epsilon as number,
    },
  }),
  callStyle: { positional: [], defaults: { momentum: 0.99, epsilon: 0.001 } },
  signature: ['axis', 'momentum', 'epsilon', 'center', 'scale'],
  fromConfig: (c) => {
    const check = keras.lastAxisCheck(c, 'BatchNormalization');
    if (c.center === false || c.scale === false)
      throw new keras.Unsupported('BatchNormalization without center or scale');
    return { params: { momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 0.001 }, check };
  },
  weightOrder: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.BatchNorm1d/2d(num_features, eps=1e-05, momentum=0.1, affine=True,
    // track_running_stats=True): pytorch.org/docs/stable/generated/torch.nn.BatchNorm2d.html.
    // PyTorch's momentum weights the new batch, Keras's the running value: Keras = 1 - PyTorch.
    modules: {
      BatchNorm1d: ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats'],
      BatchNorm2d: ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats'],
    },
    read: ({ args }) => {
      torch.onlyDefault(args, 'affine', true);
      torch.onlyDefault(args, 'track_running_stats', true);
      const eps = args.eps ?? 1e-5;
      const momentum = args.momentum ?? 0.1;
      if (typeof eps !== 'number' || typeof momentum !== 'number')
        throw new Error('eps and momentum must be numbers');
      const inFeatures = torch.needInt(args, 'num_features');
      return {
        params: { momentum: torch.clean(1 - momentum), epsilon: eps },
        inFeatures,
      };
    },
  },
  plan: (ctx) => {
    const p = ctx.op.params;
    const input = ctx.inputs[0]!;
    const features = input.shape.at(-1)!;
    const momentum = torch.clean(1 - (p.momentum as number));
    const cls = input.spatialRank === 2 ? 'nn.BatchNorm2d' : 'nn.BatchNorm1d';
    const notes = [
      `PyTorch's momentum weights the new batch: Keras momentum ${p.momentum} = PyTorch ${momentum}.`,
    ];
    const bn: torch.Step = {
      module: `${cls}(${features}, eps=${torch.pyFloat(p.epsilon as number)}, momentum=${torch.pyFloat(momentum)})`,
      weights: true,
    };
    if (input.spatialRank === 0 && input.shape.length === 2) {
      // (N, steps, F) held as Keras: BatchNorm1d normalises axis 1.
      notes.push('BatchNorm1d wants the features on axis 1: swap them there and back.');
      const swap: torch.Step = { fn: (v) => `${v}.transpose(1, 2)`, seq: ['Permute(0, 2, 1)'] };
      return { notes, steps: [swap, bn, swap] };
    }
    return { notes, steps: [bn] };
  },
  weights: () => ({
    note: 'BatchNormalization: gamma, beta, moving mean and variance → weight, bias, running_mean, running_var.',
    arrays: {
      gamma: [{ attr: 'weight' }],
      beta: [{ attr: 'bias' }],
      moving_mean: [{ attr: 'running_mean' }],
      moving_variance: [{ attr: 'running_var' }],
    },
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [
    tf.layers.batchNormalization({
      name: op.name,
      momentum: op.params.momentum as number,
      epsilon: op.params.epsilon as number,
    }),
  ],
  // Each [channels] (the last axis).
  weights: (op) =>
    ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((name) => ({
      name,
      shape: [tfjs.lastAxis(op)],
    })),
  forwardFlops: (op) => 4 * tfjs.outSize(op), // subtract mean, divide by std, scale, shift
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // BatchNormalization normalises axis 1 in ONNX and the last axis in Keras: on `(…, C)` inputs
  // with spatial axes, Transpose channels first and back (spatial rank = input rank - 1).
  export: ({ g, op, ins, weight }) => {
    const n = op.name;
    const p = op.params;
    const x = ins[0]!;
    const spatialRank = op.inputShapes[0]!.length - 1;
    const params = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((name) => {
      const t = weight(name);
      return g.floats(`${n}/${name}`, t.shape, t.data);
    });
    const attrs = [
      onnx.float('epsilon', p.epsilon as number),
      onnx.float('momentum', p.momentum as number),
    ];
    if (spatialRank === 0)
      return g.node(`${n}/BatchNormalization`, 'BatchNormalization', [x, ...params], n, attrs);
    const t = g.node(`${n}/ToChannelsFirst`, 'Transpose', [x], `${n}/ToChannelsFirst`, [
      onnx.ints('perm', onnx.layout.toChannelsFirst(spatialRank)),
    ]);
    const y = g.node(
      `${n}/BatchNormalization`,
      'BatchNormalization',
      [t, ...params],
      `${n}/BatchNormalization`,
      attrs,
    );
    return g.node(`${n}/ToChannelsLast`, 'Transpose', [y], n, [
      onnx.ints('perm', onnx.layout.toChannelsLast(spatialRank)),
    ]);
  },
  import: [
    {
      ops: ['BatchNormalization'],
      channelsFirst: ['BatchNormalization'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsFirst(s, 'BatchNormalization');
        if (node.outputs.slice(1).some((o) => o && ctx.consumers(o)))
          throw new onnx.Unsupported('BatchNormalization in training mode');
        const arrays = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((name, i) => {
          const t = ctx.floatsOf(node.inputs[i + 1], `a ${name}`);
          return { name, shape: [t.floats.length], data: t.floats };
        });
        const round = (v: number) => Number(v.toPrecision(6));
        ctx.addLayer(
          node,
          'BatchNormalization',
          {
            momentum: round(ctx.attr(node, 'momentum')?.f ?? 0.9),
            epsilon: round(ctx.attr(node, 'epsilon')?.f ?? 1e-5),
          },
          [s],
          s.perm,
          arrays,
        );
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Batch normalisation',
    what: 'Normalises each feature to mean 0 and variance 1 over the batch, then scales and shifts it with learned γ and β. Keeps running averages for prediction.',
    formula: 'y = γ · (x − μ_batch) / √(σ²_batch + ε) + β',
    when: 'Between a layer and its activation in deep networks, to train faster and more stably.',
  },
  arithmetic: (_p, [input]) => {
    const c = explain.last(input!);
    return {
      params: `${explain.count(c)} features × 4 (γ, β trained; moving mean, moving variance not trained) = ${explain.count(4 * c)}, of which ${explain.count(2 * c)} trainable`,
    };
  },
  featureMapOutput: true,
};

// ─── end explain ───

export const BatchNormalizationLayer: LayerDef = {
  type: 'BatchNormalization',
  group: 'Normalisation/Regularisation',
  kerasName: 'BatchNormalization',
  torchName: 'nn.BatchNorm1d',
  summary: 'Normalises each feature over the batch, then scales and shifts it with learned values.',
  params: [
    { name: 'momentum', label: 'Momentum', kind: 'float', default: 0.99, min: 0, max: 1 },
    epsilonParam,
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => normInput('BatchNormalization', input!),
  // gamma and beta are trained; the moving mean and variance are not.
  paramCount: ([input]) => ({ trainable: 2 * lastDim(input!), nonTrainable: 2 * lastDim(input!) }),
  torchNameFor: () => 'nn.BatchNorm',
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
