import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Dropout'],
  config: (op) => ({
    className: 'Dropout',
    config: { name: op.name, rate: op.params.rate as number },
  }),
  callStyle: { positional: ['rate'], defaults: {} },
  signature: ['rate', 'noise_shape', 'seed'],
  fromConfig: (c) => ({ params: { rate: c.rate } }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.Dropout(p=0.5), F.dropout(input, p=0.5, training=True): pytorch.org/docs/stable/generated/torch.nn.Dropout.html
    modules: { Dropout: ['p', 'inplace'] },
    functions: { dropout: ['p', 'training', 'inplace'] },
    read: ({ args }) => {
      const p = args.p ?? 0.5;
      if (typeof p !== 'number') throw new Error(`p must be a number, not ${JSON.stringify(p)}`);
      return { params: { rate: p } };
    },
  },
  plan: (ctx) => ({
    steps: [{ module: `nn.Dropout(${torch.pyFloat(ctx.op.params.rate as number)})` }],
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

/**
 * tfjs-layers' Dropout hands its one `seed` to every `tf.dropout` call, so a seeded layer drops
 * the same values at every training step (not dropout at all). A seeded build gets this subclass:
 * call k of the layer draws with `seed + k`, so two seeded builds repeat one mask sequence and
 * each step still gets a new mask. Its class name and config stay TF.js's `Dropout` (`seed` is the
 * seed given); unseeded builds use TF.js's own layer.
 */
const SEEDED_DROPOUT = new WeakMap<tfjs.Tf, (args: DropoutArgs) => tfjs.Layer>();
interface DropoutArgs {
  name: string;
  rate: number;
  seed: number;
}

function seededDropout(tf: tfjs.Tf, args: DropoutArgs): tfjs.Layer {
  let make = SEEDED_DROPOUT.get(tf);
  if (!make) {
    type Base = tfjs.Layer & { seed?: number };
    const Dropout = Object.getPrototypeOf(tf.layers.dropout({ rate: 0 })).constructor as new (
      a: DropoutArgs,
    ) => Base;
    class SeededDropout extends Dropout {
      private readonly firstSeed: number;
      private calls = 0;
      constructor(a: DropoutArgs) {
        super(a);
        this.firstSeed = a.seed;
      }
      /**
       * The seed of this call's mask, one more than the last call's. Also called by the fused
       * webgpu dropout (shared/tfjs/fused-dropout.ts), which draws the same mask itself.
       */
      nextSeed(): number {
        this.seed = this.firstSeed + this.calls++;
        return this.seed;
      }
      override call(inputs: Parameters<Base['call']>[0], kwargs: Parameters<Base['call']>[1]) {
        this.nextSeed();
        return super.call(inputs, kwargs);
      }
      override getConfig() {
        return { ...super.getConfig(), seed: this.firstSeed };
      }
    }
    make = (a) => new SeededDropout(a);
    SEEDED_DROPOUT.set(tf, make);
  }
  return make(args);
}

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op, ctx) => {
    const rate = op.params.rate as number;
    return [
      ctx.seed === undefined
        ? tf.layers.dropout({ name: op.name, rate })
        : seededDropout(tf, { name: op.name, rate, seed: ctx.seed }),
    ];
  },
  // No arithmetic at inference; training draws the mask and multiplies by it (2 per value).
  trainingFlops: (op) => 2 * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Inference graph: Dropout is the identity, so it writes no node.
  export: ({ ins }) => ins[0]!,
  import: [
    {
      ops: ['Dropout'],
      match: (node, ctx) => {
        if (
          (node.outputs[1] && ctx.consumers(node.outputs[1])) ||
          ctx.intsOf(node.inputs[2])?.some(Boolean)
        )
          throw new onnx.Unsupported('Dropout in training mode');
        const ratio = node.inputs[1]
          ? ctx.floatsOf(node.inputs[1], 'a ratio').floats[0]
          : ctx.attr(node, 'ratio')?.f;
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.addLayer(
          node,
          'Dropout',
          { rate: Math.round((ratio ?? 0.5) * 1e6) / 1e6 },
          [s],
          s.perm,
        );
        ctx.keepTorchIndex(node, s);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Dropout',
    what: 'During training, sets a random fraction of values to zero and scales the rest up; at prediction time it does nothing.',
    formula: 'y = x · mask / (1 − rate), mask ~ Bernoulli(1 − rate)',
    when: 'To fight overfitting, usually before the last Dense layers.',
  },
  digest: (p) => `rate ${String(p.rate ?? '')}`,
  featureMapOutput: true,
};

// ─── end explain ───

export const DropoutLayer: LayerDef = {
  type: 'Dropout',
  group: 'Normalisation/Regularisation',
  kerasName: 'Dropout',
  torchName: 'nn.Dropout',
  summary:
    'While training, zeroes a random fraction of values so the network cannot rely on any one.',
  params: [
    {
      name: 'rate',
      label: 'Rate',
      kind: 'float',
      default: 0.5,
      min: 0,
      max: 1,
      maxExclusive: true,
      // Keras 3's Dropout accepts rate 1 (keras/src/layers/regularization/dropout.py checks
      // 0 <= rate <= 1), but the back-ends disagree on it: PyTorch's nn.Dropout(p=1) zeroes
      // every value while training, tfjs-layers' Dropout passes values through unchanged for any
      // rate outside (0, 1), and TensorFlow's tf.nn.dropout (Keras's TF back-end) raises.
      maxReason:
        'Keras accepts 1, but at rate 1 nothing passes during training (PyTorch zeroes every value, TF.js would skip the layer and TensorFlow refuses it), so the layers after it cannot learn',
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
