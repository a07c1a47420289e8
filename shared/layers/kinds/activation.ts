import { TORCH_ACTIVATION, type ActivationName } from '../activations.ts';
import { activationParam } from '../common.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

/** Keras activation layers that import as an Activation block, with the checks each needs. */
const ACTIVATION_CLASSES: Record<string, (c: keras.Json) => string> = {
  Activation: (c) => keras.activationOf(c.activation),
  ReLU: (c) => {
    if ((c.max_value ?? null) !== null || (c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0)
      throw new keras.Unsupported('ReLU with max_value, slope or threshold');
    return 'relu';
  },
  Softmax: (c) => {
    if ((c.axis ?? -1) !== -1) throw new keras.Unsupported(`Softmax over axis ${String(c.axis)}`);
    return 'softmax';
  },
  ELU: (c) => {
    if ((c.alpha ?? 1) !== 1) throw new keras.Unsupported(`ELU alpha ${String(c.alpha)}`);
    return 'elu';
  },
  LeakyReLU: (c) => {
    const slope = Number(c.negative_slope ?? c.alpha ?? 0.3);
    if (Math.abs(slope - keras.LEAKY_RELU_SLOPE) > 1e-6)
      throw new keras.Unsupported(
        `LeakyReLU slope ${slope} (Netwright's leaky_relu has slope ${keras.LEAKY_RELU_SLOPE})`,
      );
    return 'leaky_relu';
  },
};

const kerasHooks: keras.Hooks = {
  classNames: Object.keys(ACTIVATION_CLASSES),
  config: (op) => ({
    className: 'Activation',
    config: { name: op.name, activation: op.params.activation as string },
  }),
  callStyle: { positional: ['activation'], defaults: {} },
  fromConfig: (c, className) => ({ params: { activation: ACTIVATION_CLASSES[className]!(c) } }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  plan: (ctx) => {
    const plan = ctx.activation(ctx.op.params.activation as string, ctx.inputs[0]!.spatialRank > 0);
    if (plan.steps.length === 0 && (plan.notes ?? []).length === 0)
      return { steps: [{ fn: (v) => v, seq: ['nn.Identity()'] }] };
    return plan;
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // TF.js has no 'leaky_relu' activation string: one LeakyReLU layer carrying the op name.
  layers: (tf, op) =>
    op.params.activation === 'leaky_relu'
      ? [tf.layers.leakyReLU({ name: op.name, alpha: tfjs.LEAKY_RELU_SLOPE })]
      : [
          tf.layers.activation({
            name: op.name,
            activation: op.params.activation as tfjs.ActivationIdentifier,
          }),
        ],
  forwardFlops: (op) => tfjs.activationFlopsPerElement(op.params.activation) * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

/**
 * An ONNX activation node: folded into the Dense/Conv2D/Conv1D/DepthwiseConv2D/SeparableConv2D
 * that feeds it when it may be (see
 * `ctx.foldable`), else an Activation block.
 */
function importActivation(node: onnx.DecodedNode, ctx: onnx.ImportContext, act: string): void {
  const s = ctx.stateOf(node, node.inputs[0]);
  if (act === 'softmax') ctx.requireChannelsLast(s, 'Softmax');
  const producer = ctx.foldable(node, s, [
    'Dense',
    'Conv2D',
    'Conv1D',
    'DepthwiseConv2D',
    'SeparableConv2D',
  ]);
  if (producer) {
    producer.params.activation = act;
    ctx.alias(node, s);
  } else {
    ctx.addLayer(node, 'Activation', { activation: act }, [s], s.perm);
    ctx.keepTorchIndex(node, s);
  }
}

/** ONNX operators that are a Keras activation with their default attributes. */
const SIMPLE_ACTIVATIONS: Record<string, string> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softplus: 'softplus',
};

const onnxHooks: onnx.Hooks = {
  export: ({ g, op, ins }) =>
    op.params.activation === 'linear'
      ? g.node(`${op.name}/Identity`, 'Identity', [ins[0]!], op.name)
      : g.activation(op.params.activation as string, ins[0]!, op.name, op.name),
  import: [
    {
      ops: ['Identity'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        // Netwright writes a linear Activation block as `<name>/Identity`.
        if (ctx.ours && node.name.endsWith('/Identity') && ctx.layerNameOf(node) !== s.layer)
          ctx.addLayer(node, 'Activation', { activation: 'linear' }, [s], s.perm);
        else ctx.alias(node, s);
      },
    },
    {
      ops: Object.keys(SIMPLE_ACTIVATIONS),
      match: (node, ctx) => importActivation(node, ctx, SIMPLE_ACTIVATIONS[node.opType]!),
    },
    {
      // Also the Erf form 0.5·x·(1 + erf(x/√2)), which the importer fuses into one Gelu node.
      ops: ['Gelu'],
      match: (node, ctx) => {
        if ((ctx.attr(node, 'approximate')?.s ?? 'none') !== 'none')
          throw new onnx.Unsupported('Gelu with the tanh approximation');
        importActivation(node, ctx, 'gelu');
      },
    },
    {
      ops: ['Elu'],
      match: (node, ctx) => {
        // Other alphas: the ELU kind.
        if (!onnx.near(ctx.attr(node, 'alpha')?.f ?? 1, 1)) return false;
        importActivation(node, ctx, 'elu');
      },
    },
    {
      ops: ['Selu'],
      match: (node, ctx) => {
        if (
          !onnx.near(ctx.attr(node, 'alpha')?.f ?? 1.6732632, 1.6732632) ||
          !onnx.near(ctx.attr(node, 'gamma')?.f ?? 1.050701, 1.050701)
        )
          throw new onnx.Unsupported('Selu with non-standard alpha/gamma');
        importActivation(node, ctx, 'selu');
      },
    },
    {
      ops: ['LeakyRelu'],
      match: (node, ctx) => {
        const alpha = ctx.attr(node, 'alpha')?.f ?? 0.01;
        // Other slopes: the LeakyReLU kind.
        if (!onnx.near(alpha, onnx.LEAKY_RELU_SLOPE)) return false;
        importActivation(node, ctx, 'leaky_relu');
      },
    },
    {
      ops: ['Softmax'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        const axis = ctx.attr(node, 'axis')?.i ?? (ctx.opset >= 13 ? -1 : 1);
        const rank = s.shape.length + 1;
        // Other axes: the Softmax kind.
        if (axis !== -1 && axis !== rank - 1) return false;
        importActivation(node, ctx, 'softmax');
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Activation',
    what: 'Applies a non-linear function to every value separately. Without non-linearities, stacked layers collapse into one linear map.',
    formula: 'relu(x) = max(0, x); sigmoid(x) = 1 / (1 + e^−x); softmax(x)ᵢ = e^xᵢ / Σⱼ e^xⱼ',
    when: 'After a layer without its own activation; softmax at the end of a classifier.',
  },
  digest: (p) => String(p.activation ?? ''),
  outputActivation: (p) => p.activation as string,
  featureMapOutput: true,
};

// ─── end explain ───

export const ActivationLayer: LayerDef = {
  type: 'Activation',
  group: 'Activations',
  kerasName: 'Activation',
  torchName: 'nn.ReLU',
  summary: 'Applies a non-linear function to every value, e.g. relu(x) = max(0, x).',
  params: [activationParam('relu')],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  torchNameFor: (p) =>
    (TORCH_ACTIVATION[p.activation as ActivationName] ?? 'nn.Identity()').replace(/\(.*\)$/, ''),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
