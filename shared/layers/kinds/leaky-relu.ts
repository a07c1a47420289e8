import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['LeakyReLU'],
  config: (op) => ({
    className: 'LeakyReLU',
    config: { name: op.name, negative_slope: op.params.negative_slope as number },
  }),
  callStyle: { positional: [], defaults: { negative_slope: 0.3 } },
  // Keras 3 says negative_slope; Keras 2 and TF.js model.json say alpha (same default 0.3).
  signature: ['negative_slope'],
  fromConfig: (c) => ({ params: { negative_slope: c.negative_slope ?? c.alpha ?? 0.3 } }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.LeakyReLU(negative_slope=0.01), F.leaky_relu(input, negative_slope=0.01):
    // pytorch.org/docs/stable/generated/torch.nn.LeakyReLU.html. The slope of the leaky_relu
    // activation (LEAKY_RELU_SLOPE) reads as that activation instead.
    modules: { LeakyReLU: ['negative_slope', 'inplace'] },
    functions: { leaky_relu: ['negative_slope', 'inplace'] },
    read: ({ args }) => {
      const slope = args.negative_slope ?? 0.01;
      if (typeof slope !== 'number') throw new Error('negative_slope must be a number');
      return { params: { negative_slope: slope } };
    },
  },
  plan: ({ op }) => {
    const slope = torch.pyFloat(op.params.negative_slope as number);
    return {
      steps: [
        {
          fn: (v) => `F.leaky_relu(${v}, ${slope})`,
          seq: [`nn.LeakyReLU(${slope})`],
          functional: true,
        },
      ],
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // tfjs-layers' LeakyReLU calls the slope alpha (Keras 2's name).
  layers: (tf, op) => [
    tf.layers.leakyReLU({ name: op.name, alpha: op.params.negative_slope as number }),
  ],
  forwardFlops: (op) => tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  export: ({ g, op, ins }) =>
    g.node(`${op.name}/LeakyRelu`, 'LeakyRelu', [ins[0]!], op.name, [
      onnx.float('alpha', op.params.negative_slope as number),
    ]),
  // The Activation kind takes LeakyRelu with its slope 0.2 (a fused leaky_relu); any other
  // slope (ONNX's default 0.01, PyTorch's) is this block.
  import: [
    {
      ops: ['LeakyRelu'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        // A float32 attribute: 0.1 reads back as 0.10000000149; 7 digits are what it holds.
        const slope = Number((ctx.attr(node, 'alpha')?.f ?? 0.01).toPrecision(7));
        ctx.addLayer(node, 'LeakyReLU', { negative_slope: slope }, [s], s.perm);
        ctx.keepTorchIndex(node, s);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'LeakyReLU',
    what: 'Like relu, but negative values are multiplied by a small slope instead of set to 0, so their gradient never dies.',
    formula: 'y = x if x ≥ 0, negative_slope · x otherwise',
    when: 'Instead of relu when many units stop learning ("dying relu"), e.g. in GANs.',
  },
  digest: (p) => (p.negative_slope === undefined ? '' : `slope ${String(p.negative_slope)}`),
  featureMapOutput: true,
};

// ─── end explain ───

export const LeakyReLULayer: LayerDef = {
  type: 'LeakyReLU',
  group: 'Activations',
  kerasName: 'LeakyReLU',
  torchName: 'nn.LeakyReLU',
  summary: 'Like relu, but negative values are scaled by a small slope instead of set to 0.',
  params: [
    {
      // Keras 3's name; Keras 2 and TF.js call it alpha (both read on import).
      name: 'negative_slope',
      label: 'Negative slope',
      kind: 'float',
      default: 0.3,
      min: 0,
      help: 'f(x) = x for x ≥ 0, negative_slope · x below 0.',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
