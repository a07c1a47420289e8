import { mixingLayers } from '../mixing-tfjs.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['ELU'],
  config: (op) => ({
    className: 'ELU',
    config: { name: op.name, alpha: op.params.alpha as number },
  }),
  callStyle: { positional: [], defaults: { alpha: 1.0 } },
  signature: ['alpha'],
  fromConfig: (c) => ({ params: { alpha: c.alpha ?? 1.0 } }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // nn.ELU(alpha=1.0, inplace=False) made in __init__ and called on its own line: an ELU
    // block (pytorch.org/docs/stable/generated/torch.nn.ELU.html); see relu.ts for the folding.
    modules: { ELU: ['alpha', 'inplace'] },
    read: ({ args }) => {
      const alpha = args.alpha ?? 1.0;
      if (typeof alpha !== 'number') throw new Error('alpha must be a number');
      return { params: { alpha } };
    },
  },
  plan: ({ op }) => {
    const alpha = op.params.alpha as number;
    const a = torch.pyFloat(alpha);
    // A module, where the elu activation (Activation, Dense(elu)) is F.elu: the two read back
    // as what they were.
    return { steps: [{ module: alpha === 1 ? 'nn.ELU()' : `nn.ELU(alpha=${a})` }] };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // tfjs-layers' ELU refuses alpha ≠ 1: mixing-tfjs.ts's ELU takes any alpha.
  layers: (tf, op) => [
    new (mixingLayers(tf).ELU)({ name: op.name, alpha: op.params.alpha as number }),
  ],
  forwardFlops: (op) => 2 * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  export: ({ g, op, ins }) =>
    g.node(`${op.name}/Elu`, 'Elu', [ins[0]!], op.name, [
      onnx.float('alpha', op.params.alpha as number),
    ]),
  // The Activation kind takes Elu with alpha 1; other alphas are this block.
  import: [
    {
      ops: ['Elu'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.addLayer(
          node,
          'ELU',
          { alpha: Number((ctx.attr(node, 'alpha')?.f ?? 1).toPrecision(7)) },
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
    title: 'ELU (exponential linear unit)',
    what: 'Keeps positive values; negative ones curve smoothly towards −alpha instead of being cut to 0.',
    formula: 'y = x if x > 0, alpha · (eˣ − 1) otherwise',
    when: 'A smooth relu whose outputs average closer to zero, which can speed up training.',
  },
  digest: (p) => (p.alpha === undefined ? '' : `α ${String(p.alpha)}`),
  featureMapOutput: true,
};

// ─── end explain ───

export const ELULayer: LayerDef = {
  type: 'ELU',
  group: 'Activations',
  kerasName: 'ELU',
  torchName: 'nn.ELU',
  summary: 'Exponential linear unit: x for x > 0, alpha · (exp(x) − 1) below, a smooth relu.',
  params: [{ name: 'alpha', label: 'Alpha', kind: 'float', default: 1.0 }],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
