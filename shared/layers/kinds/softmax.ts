import { formatShape } from '../../shape.ts';
import { kerasAxis } from '../mixing-common.ts';
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
  classNames: ['Softmax'],
  config: (op) => ({
    className: 'Softmax',
    config: { name: op.name, axis: op.params.axis as number },
  }),
  callStyle: { positional: [], defaults: { axis: -1 } },
  signature: ['axis'],
  fromConfig: (c) => {
    // Keras allows a list of axes; Netwright's block takes one.
    const axis: unknown = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : (c.axis ?? -1);
    if (typeof axis !== 'number')
      throw new keras.Unsupported(`softmax over axes ${JSON.stringify(c.axis)}`);
    return { params: { axis } };
  },
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/**
 * nn.Softmax(dim) on a value of Keras per-example shape `input`, held as the generated file holds
 * it (a map `(H, W, C)` as `(N, C, H, W)`): the Keras axis, `-1` for the last (the features or
 * channels). Throws for the batch axis or one the value does not have.
 */
function softmaxAxis(dim: unknown, input: readonly number[] | undefined): number {
  if (dim === undefined || dim === null)
    throw new Error('nn.Softmax() without dim: write the axis, e.g. nn.Softmax(dim=-1)');
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new Error('dim must be an int');
  if (!input) {
    if (dim === -1 || dim === 1) return -1;
    throw new Error(`nn.Softmax(dim=${dim}) before the input shape is known`);
  }
  const rank = input.length + 1;
  const d = dim < 0 ? rank + dim : dim;
  if (d <= 0 || d >= rank) throw new Error(`dim=${dim} is the batch axis or not an axis here`);
  const spatial = torch.heldSpatialRank(input);
  const axis = spatial === 0 ? d : torch.toChannelsFirst(spatial)[d]!;
  return axis === input.length ? -1 : axis;
}

const torchHooks: torch.Hooks = {
  source: {
    // nn.Softmax(dim) made in __init__ and called on its own line: a Softmax block
    // (pytorch.org/docs/stable/generated/torch.nn.Softmax.html); see relu.ts for the folding.
    modules: { Softmax: ['dim'] },
    read: ({ args, input }) => ({ params: { axis: softmaxAxis(args.dim, input) } }),
  },
  plan: ({ op, inputs, activation }) => {
    // The Keras axis (batch = 0) as a dim of the tensor as the file holds it (channels first
    // for a held map: Keras axis 3 of (H, W, C), the channels, is dim 1).
    const { shape, spatialRank } = inputs[0]!;
    if (op.params.axis === -1) {
      // Over the last axis it is the softmax activation: as the model's output, the loss may
      // take it over (nn.CrossEntropyLoss on logits; predict_proba() applies it).
      const plan = activation('softmax', spatialRank > 0);
      if (plan.steps.length === 0) return plan;
    }
    const axis = kerasAxis(op.params.axis as number, shape.length)!;
    const dim = spatialRank === 0 ? axis : torch.toChannelsFirst(spatialRank).indexOf(axis);
    // A module, where the softmax activation (Activation, Dense(softmax)) is torch.softmax: the
    // two read back as what they were.
    return { steps: [{ module: `nn.Softmax(dim=${dim})` }] };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // tfjs-layers' Softmax defaults to axis 1 and runs only the last axis: mixing-tfjs.ts's
  // Softmax takes any axis.
  layers: (tf, op) => [
    new (mixingLayers(tf).Softmax)({ name: op.name, axis: op.params.axis as number }),
  ],
  // exp, sum, divide per value.
  forwardFlops: (op) => 3 * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // ONNX tensors are channels last as in Keras: the Keras axis is the ONNX axis (opset 13+
  // Softmax normalises along that one axis).
  export: ({ g, op, ins }) =>
    g.node(`${op.name}/Softmax`, 'Softmax', [ins[0]!], op.name, [
      onnx.int('axis', kerasAxis(op.params.axis as number, op.inputShapes[0]!.length)!),
    ]),
  // The Activation kind takes a Softmax over the last axis; any other axis is this block. The
  // tensor may be held permuted (`perm`: actual layout = channels-last transposed by perm).
  import: [
    {
      ops: ['Softmax'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        const rank = s.shape.length + 1;
        const raw = ctx.attr(node, 'axis')?.i ?? (ctx.opset >= 13 ? -1 : 1);
        if (ctx.opset < 13 && raw !== rank - 1)
          throw new onnx.Unsupported('Softmax before opset 13 (it flattens the axes after axis)');
        const axis = s.perm[raw < 0 ? raw + rank : raw]!;
        if (axis === 0) throw new onnx.Unsupported('Softmax over the batch axis');
        ctx.addLayer(node, 'Softmax', { axis }, [s], s.perm);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Softmax',
    what: 'Turns the values along one axis into probabilities: each becomes positive and they sum to 1 along that axis.',
    formula: 'yᵢ = eˣⁱ / Σⱼ eˣʲ along the axis',
    when: 'At the end of a classifier (axis -1), or to normalise scores over steps (axis 1).',
  },
  digest: (p) => (p.axis === undefined || p.axis === -1 ? '' : `axis ${String(p.axis)}`),
  // Over the last axis this is the model's softmax: the loss plan (shared/codegen/loss.ts) and
  // lint H103 treat it like Dense(softmax) (the PyTorch plan leaves it to nn.CrossEntropyLoss).
  outputActivation: (p) => (p.axis === -1 ? 'softmax' : undefined),
  featureMapOutput: true,
};

// ─── end explain ───

export const SoftmaxLayer: LayerDef = {
  type: 'Softmax',
  group: 'Activations',
  kerasName: 'Softmax',
  torchName: 'nn.Softmax',
  summary: 'Turns scores into probabilities that sum to 1 along one axis (the last by default).',
  params: [
    {
      name: 'axis',
      label: 'Axis',
      kind: 'int',
      default: -1,
      min: -6,
      max: 5,
      help: 'Counted as in Keras: 1 is the first axis after the batch axis, -1 the last.',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    if (kerasAxis(p.axis as number, input!.length) === null) {
      return {
        ok: false,
        code: 'E002',
        message: `Softmax axis ${p.axis as number} does not exist for input ${formatShape(input!)} (axis 0 is the batch axis)`,
      };
    }
    return ok(input!);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
