import { formatShape, shapeSize } from '../../shape.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Flatten'],
  config: keras.nameOnly('Flatten'),
  callStyle: { positional: [], defaults: {} },
  signature: ['data_format'],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    return { params: {} };
  },
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.Flatten(start_dim=1, end_dim=-1): pytorch.org/docs/stable/generated/torch.nn.Flatten.html
    modules: { Flatten: ['start_dim', 'end_dim'] },
    read: ({ args }) => {
      torch.onlyDefault(args, 'start_dim', 1);
      torch.onlyDefault(args, 'end_dim', -1);
      return { params: {} };
    },
  },
  plan: (ctx) => {
    const s = ctx.inputs[0]!.spatialRank;
    const flatten: torch.Step = { fn: (v) => `${v}.flatten(1)`, seq: ['nn.Flatten()'] };
    if (s === 0) return { steps: [flatten] };
    return {
      notes: [
        'Keras flattens channels last, (H, W, C): permute first so the order of the values (and the weights of the next layer) match.',
      ],
      steps: [torch.permuteStep(torch.toChannelsLast(s)), flatten],
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [tf.layers.flatten({ name: op.name })],
  keptValues: () => 0, // a view of its input
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

/** A Reshape to `[N, -1]` (or `[0, -1]`): a flatten. */
const isFlattenReshape = (shape: number[] | undefined) =>
  !!shape && shape.length === 2 && shape[1] === -1 && (shape[0] === 0 || shape[0] === -1);

/**
 * For an `(H, W, C)` map: index `i` of its channels-last flatten → the index of the same value
 * in the channels-first `(C, H, W)` flatten.
 */
function chwIndexOfHwc([h, w, c]: readonly number[]): Int32Array {
  const out = new Int32Array(h! * w! * c!);
  for (let y = 0; y < h!; y++)
    for (let x = 0; x < w!; x++)
      for (let k = 0; k < c!; k++) out[(y * w! + x) * c! + k] = (k * h! + y) * w! + x;
  return out;
}

const onnxHooks: onnx.Hooks = {
  // Channels-last tensors: ONNX Flatten's row-major order is Keras's.
  export: ({ g, op, ins }) =>
    g.node(`${op.name}/Flatten`, 'Flatten', [ins[0]!], op.name, [onnx.int('axis', 1)]),
  import: [
    {
      // Flatten; also a Reshape to [N, -1] of a channels-first map (PyTorch's flatten). Other
      // Reshapes and Squeezes are the Reshape kind's.
      ops: ['Flatten', 'Reshape', 'Squeeze'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        const flat = node.opType === 'Flatten' || isFlattenReshape(ctx.intsOf(node.inputs[1]));
        const axisOk = node.opType !== 'Flatten' || (ctx.attr(node, 'axis')?.i ?? 1) === 1;
        if (flat && s.shape.length === 3 && onnx.samePerm(s.perm, onnx.layout.toChannelsFirst(2))) {
          if (!axisOk) throw new onnx.Unsupported('Flatten with axis other than 1');
          // PyTorch flattens (C, H, W); the Flatten block (H, W, C): remember the order.
          ctx.addLayer(node, 'Flatten', {}, [s], null);
          ctx.outputState(node).torchIndex = chwIndexOfHwc(s.shape);
          return;
        }
        if (node.opType !== 'Flatten') return false;
        ctx.requireChannelsLast(s, node.opType);
        if (!axisOk) throw new onnx.Unsupported('Flatten with axis other than 1');
        ctx.addLayer(node, 'Flatten', {}, [s], null);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Flatten',
    what: 'Unrolls a multi-dimensional feature map into one long vector, keeping every value.',
    formula: '(H, W, C) → (H · W · C)',
    when: 'Between convolution/pooling layers and Dense layers.',
  },
  arithmetic: (_p, [input]) => ({
    params: 'no weights',
    shape: [`${input!.join(' × ')} = ${explain.count(input!.reduce((a, b) => a * b, 1))} values`],
  }),
};

// ─── end explain ───

export const FlattenLayer: LayerDef = {
  type: 'Flatten',
  group: 'Core',
  kerasName: 'Flatten',
  torchName: 'nn.Flatten',
  summary: 'Unrolls a feature map into one long vector, e.g. 5×5×64 → 1600.',
  params: [],
  inputs: { min: 1, max: 1 },
  // Keras passes a vector through Flatten unchanged, but tfjs-layers refuses it ("expected
  // min_ndim=3"): the block is a no-op there, so say so rather than fail in training.
  inferShape: ([input]) =>
    input!.length < 2
      ? {
          ok: false,
          code: 'E003',
          message: `Flatten needs a feature map or matrix (2 or more axes per example) but gets the vector ${formatShape(input!)}, which is already flat: remove the Flatten (TF.js refuses a Flatten on vectors)`,
        }
      : ok([shapeSize(input!)]),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
