import type { Tensor } from '@tensorflow/tfjs';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['GaussianNoise'],
  config: (op) => ({
    className: 'GaussianNoise',
    config: { name: op.name, stddev: op.params.stddev as number },
  }),
  callStyle: { positional: ['stddev'], defaults: {} },
  signature: ['stddev', 'seed'],
  fromConfig: (c) => ({ params: { stddev: c.stddev } }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/** PyTorch has no GaussianNoise module: this one adds the noise in train() mode only. */
const GAUSSIAN_NOISE: torch.Helper = {
  name: 'GaussianNoise',
  write: (w) => {
    w.block('class GaussianNoise(nn.Module):', () => {
      w.line('"""Keras GaussianNoise: adds normal noise of standard deviation `stddev` to every');
      w.line('value while training (model.train()); passes values through in model.eval()."""');
      w.blank();
      w.block('def __init__(self, stddev):', () => {
        w.line('super().__init__()');
        w.line('self.stddev = stddev');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.block('if self.training and self.stddev > 0:', () => {
          w.line('return x + torch.randn_like(x) * self.stddev');
        });
        w.line('return x');
      });
    });
  },
};

const torchHooks: torch.Hooks = {
  source: {
    // The generator's helper class GaussianNoise(stddev) (above).
    helpers: { GaussianNoise: ['stddev'] },
    read: ({ args }) => {
      if (typeof args.stddev !== 'number') throw new Error('stddev must be a number');
      return { params: { stddev: args.stddev } };
    },
  },
  plan: (ctx) => ({
    steps: [
      {
        module: `GaussianNoise(${torch.pyFloat(ctx.op.params.stddev as number)})`,
        helper: GAUSSIAN_NOISE,
      },
    ],
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

/** The Kwargs TF.js passes to `Layer.call` (`training` among them). */
type CallArgs = Record<string, unknown>;

/**
 * TF.js's GaussianNoise draws unseeded noise, so two seeded builds (the backend tests compare
 * cpu with wasm) could not agree. This layer is TF.js's GaussianNoise (same config, `stddev`)
 * plus Keras's own `seed` argument: with a seed, call k of the layer draws with `seed + k`, so
 * a seeded build repeats its noise sequence and each step still gets new noise. Identity at
 * inference, as Keras (keras/src/layers/regularization/gaussian_noise.py).
 */
function makeGaussianNoise(tf: tfjs.Tf) {
  return class GaussianNoise extends tf.layers.Layer {
    static className = 'GaussianNoise';
    readonly stddev: number;
    readonly seed: number | undefined;
    private calls = 0;
    constructor(args: { name: string; stddev: number; seed?: number }) {
      super({ name: args.name });
      this.stddev = args.stddev;
      this.seed = args.seed;
    }
    override call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (!kwargs.training || this.stddev === 0) return x;
      const seed = this.seed === undefined ? undefined : this.seed + this.calls++;
      return tf.tidy(() => tf.add(x, tf.randomNormal(x.shape, 0, this.stddev, 'float32', seed)));
    }
    override getConfig() {
      return {
        ...super.getConfig(),
        stddev: this.stddev,
        ...(this.seed === undefined ? {} : { seed: this.seed }),
      };
    }
  };
}

const CLASSES = new WeakMap<tfjs.Tf, ReturnType<typeof makeGaussianNoise>>();

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op, ctx) => {
    let GaussianNoise = CLASSES.get(tf);
    if (!GaussianNoise) {
      GaussianNoise = makeGaussianNoise(tf);
      CLASSES.set(tf, GaussianNoise);
    }
    return [
      new GaussianNoise({ name: op.name, stddev: op.params.stddev as number, seed: ctx.seed }),
    ];
  },
  // No arithmetic at inference; training draws one normal value and adds it (2 per value).
  trainingFlops: (op) => 2 * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Inference graph: GaussianNoise is the identity, so it writes no node.
  export: ({ ins }) => ins[0]!,
  // Nothing to claim: with no node in the file, a GaussianNoise block imports as nothing — its
  // reader is wired to its input, which computes the same function at inference (training-time
  // noise is not in an ONNX inference graph, so the importer cannot know there was any).
  import: onnx.claimsNothing(
    'writes no node (the identity at inference): a round trip drops the block and wires its reader to its input',
  ),
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'GaussianNoise',
    what: 'During training, adds a little random normal noise to every value; at prediction time it does nothing.',
    formula: 'y = x + ε, ε ~ Normal(0, stddev²) (training only)',
    when: 'To fight overfitting on small data sets: the network never sees exactly the same example twice.',
  },
  digest: (p) => `σ ${String(p.stddev ?? '')}`,
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras `GaussianNoise`: while training adds zero-mean normal noise of standard deviation
 * `stddev` to every value; identity at inference. Any input shape. Fixed: seed None.
 */
export const GaussianNoiseLayer: LayerDef = {
  type: 'GaussianNoise',
  group: 'Normalisation/Regularisation',
  kerasName: 'GaussianNoise',
  torchName: 'torch.randn_like',
  summary:
    'While training, adds random normal noise to every value, a simple data augmentation against overfitting.',
  params: [
    {
      name: 'stddev',
      label: 'Std. deviation',
      kind: 'float',
      default: 0.1,
      min: 0,
      max: 1,
      // keras/src/layers/regularization/gaussian_noise.py: `if not 0 <= stddev <= 1: raise`.
      maxReason: 'Keras 3 refuses a stddev above 1',
      help: 'standard deviation of the noise added in each training step',
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
