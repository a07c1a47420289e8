import { formatShape } from '../../shape.ts';
import { broadcastShapes } from '../broadcast.ts';
import { importElementwise } from '../merge-hooks.ts';
import type { LayerDef } from '../types.ts';
import { ANY_NUMBER_OF_INPUTS, NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Add'],
  config: keras.nameOnly('Add'),
  callStyle: { positional: [], defaults: {} },
  fromConfig: () => ({ params: {} }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  plan: (ctx) => ({
    steps: [
      {
        fn: (_, ins) =>
          ins
            .map((v, i) => torch.broadcastOperand(v, ctx.inputs[i]!.shape, ctx.output.shape))
            .join(' + '),
      },
    ],
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [tf.layers.add({ name: op.name })],
  forwardFlops: (op) => (op.inputShapes.length - 1) * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // ONNX broadcasts from the last axis, batch included; Keras expands a shorter input after
  // the batch axis: reshape such inputs to the full rank first ((N, 3) → (N, 1, 1, 3)).
  export: ({ g, op, ins }) => {
    const n = op.name;
    const rank = op.outputShape.length;
    const full = ins.map((t, i) => {
      const shape = op.inputShapes[i]!;
      if (shape.length === rank) return t;
      const target = [0, ...Array<number>(rank - shape.length).fill(1), ...shape];
      return g.node(
        `${n}/Expand${i}`,
        'Reshape',
        [t, g.int64s(`${n}/shape${i}`, target)],
        `${n}/Expand${i}`,
      );
    });
    return full.length === 2
      ? g.node(`${n}/Add`, 'Add', full, n)
      : g.node(`${n}/Sum`, 'Sum', full, n);
  },
  import: [
    {
      // An Add of a constant is claimed earlier (a Dense's bias).
      ops: ['Add', 'Sum'],
      // Chains, layouts and ranks: `importElementwise`.
      match: (node, ctx) => importElementwise('Add', node, ctx),
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Add',
    what: 'Adds its inputs element by element. Sizes must match, or be 1, on each axis counted from the last (Keras broadcasting).',
    formula: 'y = x₁ + x₂ + …',
    when: 'Residual (skip) connections: the block learns a correction to its input.',
  },
};

// ─── end explain ───

export const AddLayer: LayerDef = {
  type: 'Add',
  group: 'Merge',
  kerasName: 'Add',
  torchName: 'torch.add',
  summary:
    'Adds its inputs element by element (residual links); sizes must match or be 1, as in Keras.',
  params: [],
  inputs: { min: 2, max: ANY_NUMBER_OF_INPUTS },
  inferShape: (inputs) => {
    const shape = broadcastShapes(inputs);
    if (!shape) {
      return {
        ok: false,
        code: 'E002',
        message: `Add needs inputs whose sizes match, or are 1, on each axis (counted from the last) but gets ${inputs.map(formatShape).join(' and ')}`,
      };
    }
    return ok(shape);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
