import { TORCH_ACTIVATION, type ActivationName } from '../activations.ts';
import { activationParam } from '../common.ts';
import { formatShape } from '../../shape.ts';
import type { LayerDef } from '../types.ts';
import { ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

/** Activations tfjs-layers' Dense fuses with its bias (no separate biasAdd). */
const FUSED_IN_TFJS = new Set(['linear', 'relu', 'elu', 'leaky_relu']);

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Dense'],
  config: (op) => ({
    className: 'Dense',
    config: {
      name: op.name,
      units: op.params.units as number,
      activation: op.params.activation as string,
      use_bias: op.params.use_bias as boolean,
    },
  }),
  callStyle: { positional: ['units'], defaults: { activation: 'linear', use_bias: true } },
  signature: ['units', 'activation', 'use_bias'],
  fromConfig: (c) => ({
    params: {
      units: c.units,
      activation: keras.activationOf(c.activation),
      use_bias: c.use_bias ?? true,
    },
  }),
  weightOrder: ['kernel', 'bias'],
  splitsActivation: true,
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.Linear(in_features, out_features, bias=True): pytorch.org/docs/stable/generated/torch.nn.Linear.html
    modules: { Linear: ['in_features', 'out_features', 'bias'] },
    layout: 'channels-last',
    read: ({ args }) => {
      const inFeatures = torch.needInt(args, 'in_features');
      return {
        params: {
          units: torch.needInt(args, 'out_features'),
          activation: 'linear',
          use_bias: torch.readBool(args.bias, 'bias', true),
        },
        inFeatures,
        inputShape: [inFeatures],
      };
    },
  },
  plan: (ctx) => {
    const p = ctx.op.params;
    const held = ctx.inputs[0]!;
    const bias = p.use_bias ? '' : ', bias=False';
    const linear: torch.Step = {
      module: `nn.Linear(${held.shape.at(-1)}, ${p.units}${bias})`,
      weights: true,
    };
    if (held.spatialRank === 0)
      return torch.join({ steps: [linear] }, ctx.activation(p.activation as string, false));
    return torch.join(
      {
        notes: ['Dense acts on the channels, which Keras keeps last: move them there and back.'],
        steps: [torch.permuteStep(torch.toChannelsLast(held.spatialRank)), linear],
      },
      ctx.activation(p.activation as string, false),
      { steps: [torch.permuteStep(torch.toChannelsFirst(held.spatialRank))] },
    );
  },
  weights: () => ({
    note: 'Dense kernels: Keras [in, out] → nn.Linear [out, in].',
    arrays: { kernel: [{ attr: 'weight', axes: [1, 0] }], bias: [{ attr: 'bias' }] },
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op, ctx) =>
    tfjs.withActivation(tf, op, (activation) =>
      tf.layers.dense({
        name: op.name,
        units: op.params.units as number,
        activation,
        useBias: op.params.use_bias as boolean,
        ...tfjs.kernelInit(tf, ctx),
      }),
    ),
  // kernel [in, units], bias [units].
  weights: (op) => tfjs.kernelAndBias(op, [tfjs.lastAxis(op), op.params.units as number]),
  // Applied to the last axis at every leading position: out = positions × units.
  forwardFlops: (op) => 2 * tfjs.lastAxis(op) * tfjs.outSize(op) + tfjs.biasAndActivationFlops(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

/** Kernel `[rows, cols]` whose row `i` becomes row `order[i]` of the input: rows picked anew. */
function reorderRows(kernel: Float32Array, cols: number, order: Int32Array): Float32Array {
  const out = new Float32Array(kernel.length);
  order.forEach((from, to) => out.set(kernel.subarray(from * cols, (from + 1) * cols), to * cols));
  return out;
}

const onnxHooks: onnx.Hooks = {
  // MatMul (kernel `(in, units)` as Keras stores it) → Add bias → activation.
  export: ({ g, op, ins, weight }) => {
    const n = op.name;
    const p = op.params;
    const kernel = weight('kernel');
    const act = p.activation as string;
    const linear = act === 'linear';
    let y = g.node(
      `${n}/MatMul`,
      'MatMul',
      [ins[0]!, g.floats(`${n}/kernel`, kernel.shape, kernel.data)],
      linear && !p.use_bias ? n : `${n}/MatMul`,
    );
    if (p.use_bias) {
      const bias = weight('bias');
      y = g.node(
        `${n}/BiasAdd`,
        'Add',
        [y, g.floats(`${n}/bias`, bias.shape, bias.data)],
        linear ? n : `${n}/BiasAdd`,
      );
    }
    return g.activation(act, y, n, n);
  },
  import: [
    {
      ops: ['MatMul', 'Gemm'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsLast({ ...s, torchIndex: undefined }, node.opType);
        const w = ctx.floatsOf(node.inputs[1], 'a weight matrix');
        if (w.dims.length !== 2)
          throw new onnx.Unsupported(`${node.opType} with a ${w.dims.length}-D weight`);
        let kernel = w.floats;
        let [rows, cols] = w.dims as [number, number];
        let bias: Float32Array | undefined;
        if (node.opType === 'Gemm') {
          if (
            (ctx.attr(node, 'transA')?.i ?? 0) !== 0 ||
            !onnx.near(ctx.attr(node, 'alpha')?.f ?? 1, 1) ||
            !onnx.near(ctx.attr(node, 'beta')?.f ?? 1, 1)
          )
            throw new onnx.Unsupported('Gemm with transA, alpha or beta');
          if (ctx.attr(node, 'transB')?.i) {
            kernel = onnx.layout.transposeArray(kernel, [rows, cols], [1, 0]);
            [rows, cols] = [cols, rows];
          }
          if (node.inputs[2]) {
            const c = ctx.floatsOf(node.inputs[2], 'a bias');
            if (c.floats.length !== cols)
              throw new onnx.Unsupported('Gemm with a bias that is not one value per unit');
            bias = c.floats;
          }
        }
        if (s.torchIndex) kernel = reorderRows(kernel, cols, s.torchIndex);
        ctx.addLayer(
          node,
          'Dense',
          { units: cols, activation: 'linear', use_bias: bias !== undefined },
          [s],
          null,
          [
            { name: 'kernel', shape: [rows, cols], data: kernel },
            ...(bias ? [{ name: 'bias', shape: [cols], data: bias }] : []),
          ],
        );
      },
    },
    {
      // Add of a constant: the bias of the Dense before it (MatMul + Add). Other Adds: not ours.
      ops: ['Add'],
      match: (node, ctx) => {
        const constIdx = node.inputs.findIndex((i) => ctx.inits.has(i));
        if (constIdx === -1) return false;
        const s = ctx.stateOf(node, node.inputs[1 - constIdx]);
        const b = ctx.floatsOf(node.inputs[constIdx], 'a bias');
        const layer = ctx.layer(s.layer);
        const canFold =
          layer?.type === 'Dense' &&
          ctx.isOpen(layer.name) &&
          layer.params.use_bias === false &&
          layer.params.activation === 'linear' &&
          s.perm.every((v, i) => v === i) &&
          b.floats.length === layer.params.units &&
          b.dims.length <= 1 &&
          ctx.consumers(node.inputs[1 - constIdx]) === 1 &&
          (!ctx.ours || node.name.startsWith(`${layer.name}/`));
        if (!canFold)
          throw new onnx.Unsupported("Add of a constant that is not a Dense layer's bias");
        layer.params.use_bias = true;
        layer.weights!.push({ name: 'bias', shape: [b.floats.length], data: b.floats });
        ctx.alias(node, s);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Dense (fully connected)',
    what: 'Each output unit is a weighted sum of every input value plus a bias, optionally passed through an activation.',
    formula: 'y = activation(x · W + b)',
    when: 'For vectors: tabular data, flattened images, and the final classification layer.',
  },
  arithmetic: (p, [input]) => {
    const fanIn = explain.last(input!);
    const units = p.units as number;
    const weights = `${explain.count(fanIn)} × ${explain.count(units)} weights`;
    return {
      params: p.use_bias
        ? `${weights} + ${explain.count(units)} biases = ${explain.count(fanIn * units + units)}`
        : `${weights} = ${explain.count(fanIn * units)} (no bias)`,
    };
  },
  digest: (p) => explain.joinDigest([p.units, explain.nonLinear(p.activation)]),
  outputActivation: (p) => p.activation as string,
  outputHead: true,
};

// ─── end explain ───

export const DenseLayer: LayerDef = {
  type: 'Dense',
  group: 'Core',
  kerasName: 'Dense',
  torchName: 'nn.Linear',
  summary: 'Fully connected: every output is a weighted sum of all inputs plus a bias.',
  params: [
    { name: 'units', label: 'Units', kind: 'int', default: 32, min: 1, max: 1_000_000 },
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    // tfjs-layers' Dense adds the bias inside its fused matMul only for the activations that op
    // knows (linear, relu, elu; leaky_relu is a separate layer here); for the others it calls
    // biasAdd, which refuses outputs of rank 6 ("Unsupported input rank by biasAdd").
    const act = p.activation as string;
    if (input!.length >= 5 && p.use_bias && !FUSED_IN_TFJS.has(act)) {
      return {
        ok: false,
        code: 'E003',
        message: `Dense with bias and activation ${act} takes at most 4 axes per example but gets ${formatShape(input!)} (TF.js cannot run it on rank ${input!.length + 1}): use activation linear and a separate Activation ${act} block`,
      };
    }
    return ok([...input!.slice(0, -1), p.units as number]);
  },
  paramCount: ([input], p) => {
    const fanIn = input![input!.length - 1]!;
    const units = p.units as number;
    return { trainable: fanIn * units + (p.use_bias ? units : 0), nonTrainable: 0 };
  },
  torchNameFor: (p) => {
    const act = TORCH_ACTIVATION[p.activation as ActivationName];
    return act ? `nn.Linear + ${act.replace(/\(.*\)$/, '')}` : 'nn.Linear';
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
