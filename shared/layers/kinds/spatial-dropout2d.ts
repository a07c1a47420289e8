import { requireImage } from '../common.ts';
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
  classNames: ['SpatialDropout2D'],
  config: (op) => ({
    className: 'SpatialDropout2D',
    config: { name: op.name, rate: op.params.rate as number },
  }),
  callStyle: { positional: ['rate'], defaults: {} },
  signature: ['rate', 'data_format', 'seed'],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    return { params: { rate: c.rate } };
  },
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.Dropout2d(p=0.5): pytorch.org/docs/stable/generated/torch.nn.Dropout2d.html
    modules: { Dropout2d: ['p', 'inplace'] },
    functions: { dropout2d: ['p', 'training', 'inplace'] },
    read: ({ args }) => {
      const p = args.p ?? 0.5;
      if (typeof p !== 'number') throw new Error(`p must be a number, not ${JSON.stringify(p)}`);
      return { params: { rate: p } };
    },
  },
  // The map is held (N, C, H, W) there: nn.Dropout2d zeroes whole channels, as Keras, and
  // scales the kept ones by 1 / (1 − p).
  plan: (ctx) => ({
    steps: [{ module: `nn.Dropout2d(${torch.pyFloat(ctx.op.params.rate as number)})` }],
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

/** The Kwargs TF.js passes to `Layer.call` (`training` among them). */
type CallArgs = Record<string, unknown>;

/**
 * tfjs-layers 4.22 has SpatialDropout1D but no SpatialDropout2D: this layer is Keras's
 * (keras/src/layers/regularization/spatial_dropout.py). While training it drops whole channels of
 * an `(N, H, W, C)` input (`tf.dropout` with noise shape `[N, 1, 1, C]`, kept values scaled by
 * `1 / (1 − rate)`); at inference it passes its input through. Its config is Keras's: `rate`,
 * `dataFormat` (always channels last), `seed`. With a seed, call k draws with `seed + k` (a
 * seeded build repeats its masks, each step gets a new one). Registered for
 * `tf.models.modelFromJSON` under its Keras class name.
 */
function makeSpatialDropout2D(tf: tfjs.Tf) {
  const cls = class SpatialDropout2D extends tf.layers.Layer {
    static className = 'SpatialDropout2D';
    readonly rate: number;
    readonly seed: number | undefined;
    private calls = 0;
    constructor(args: { name: string; rate: number; seed?: number }) {
      super({ name: args.name });
      this.rate = args.rate;
      this.seed = args.seed;
    }
    override call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (!kwargs.training || this.rate === 0) return x;
      const [n, , , c] = x.shape;
      const seed = this.seed === undefined ? undefined : this.seed + this.calls++;
      return tf.dropout(x, this.rate, [n!, 1, 1, c!], seed);
    }
    override getConfig() {
      return {
        ...super.getConfig(),
        rate: this.rate,
        dataFormat: 'channelsLast',
        ...(this.seed === undefined ? {} : { seed: this.seed }),
      };
    }
  };
  tf.serialization.registerClass(cls);
  return cls;
}

const CLASSES = new WeakMap<tfjs.Tf, ReturnType<typeof makeSpatialDropout2D>>();

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op, ctx) => {
    let SpatialDropout2D = CLASSES.get(tf);
    if (!SpatialDropout2D) {
      SpatialDropout2D = makeSpatialDropout2D(tf);
      CLASSES.set(tf, SpatialDropout2D);
    }
    return [
      new SpatialDropout2D({ name: op.name, rate: op.params.rate as number, seed: ctx.seed }),
    ];
  },
  // No arithmetic at inference; training multiplies every value by its channel's mask.
  trainingFlops: (op) => tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Inference graph: SpatialDropout2D is the identity, so it writes no node.
  export: ({ ins }) => ins[0]!,
  // Nothing to claim: with no node in the file, the block imports as nothing (its reader reads
  // its input, the same function at inference; the dropout rate is not in the file).
  import: onnx.claimsNothing(
    'writes no node (the identity at inference): a round trip drops the block and wires its reader to its input',
  ),
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'SpatialDropout2D',
    what: 'During training, switches off whole channels of a feature map at random and scales the rest up; at prediction time it does nothing.',
    formula:
      'y[:, :, c] = x[:, :, c] · m_c / (1 − rate), m_c ~ Bernoulli(1 − rate) per example and channel',
    when: 'After convolutions, where neighbouring pixels are so alike that ordinary Dropout hardly regularises.',
  },
  digest: (p) => `rate ${String(p.rate ?? '')}`,
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras `SpatialDropout2D`: while training, zeroes whole channels of an `(H, W, C)` map (one
 * draw per example and channel) and scales the rest by `1 / (1 - rate)`; identity at inference.
 * Fixed: data_format channels_last, seed None.
 */
export const SpatialDropout2DLayer: LayerDef = {
  type: 'SpatialDropout2D',
  group: 'Normalisation/Regularisation',
  kerasName: 'SpatialDropout2D',
  torchName: 'nn.Dropout2d',
  summary:
    'While training, zeroes whole channels of a feature map at random, so no filter can be relied on alone.',
  params: [
    {
      name: 'rate',
      label: 'Rate',
      kind: 'float',
      default: 0.5,
      min: 0,
      max: 1,
      maxExclusive: true,
      // As Dropout (kinds/dropout.ts): Keras accepts rate 1, the back-ends disagree on it.
      maxReason:
        'Keras accepts 1, but at rate 1 every channel is zeroed during training, so the layers after it cannot learn',
      help: 'fraction of channels zeroed in each training step',
    },
  ],
  inputs: { min: 1, max: 1 },
  // keras/src/layers/regularization/spatial_dropout.py: input_spec ndim=4.
  inferShape: ([input]) => requireImage('SpatialDropout2D', input!) ?? ok(input!),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
