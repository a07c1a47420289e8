import { formatShape, shapeSize } from '../../shape.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import { requireMaxRank } from '../common.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Reshape'],
  // The IR-resolved target shape: a -1 replaced by its size, as Keras computes it.
  config: (op) => ({
    className: 'Reshape',
    config: { name: op.name, target_shape: [...op.outputShape] },
  }),
  callStyle: { positional: ['target_shape'], defaults: {} },
  fromConfig: (c) => ({ params: { target_shape: c.target_shape } }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  plan: (ctx) => {
    const input = ctx.inputs[0]!;
    const target = ctx.output.shape;
    const steps: torch.Step[] = [];
    if (input.spatialRank > 0)
      steps.push(torch.permuteStep(torch.toChannelsLast(input.spatialRank)));
    const seq: string[] = [];
    if (input.shape.length > 1) seq.push('nn.Flatten()');
    if (target.length > 1) seq.push(`nn.Unflatten(1, ${torch.pyTuple(target)})`);
    if (seq.length === 0) seq.push('nn.Identity()');
    steps.push({ fn: (v) => `${v}.reshape(-1, ${target.map(torch.pyNumber).join(', ')})`, seq });
    if (ctx.output.spatialRank > 0)
      steps.push(torch.permuteStep(torch.toChannelsFirst(ctx.output.spatialRank)));
    const moved = input.spatialRank > 0 || ctx.output.spatialRank > 0;
    return {
      steps,
      notes: moved ? ['Reshape works on the channels-last order, as in Keras.'] : [],
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // TF.js leaves a -1 unresolved in its static shapes (then Flatten fails): pass the size the IR
  // inferred, which is what Keras computes for the -1.
  layers: (tf, op) => [tf.layers.reshape({ name: op.name, targetShape: [...op.outputShape] })],
  keptValues: () => 0, // a view of its input
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // 0 copies the batch size; a -1 in the target is inferred as in Keras.
  export: ({ g, op, ins }) =>
    g.node(
      `${op.name}/Reshape`,
      'Reshape',
      [ins[0]!, g.int64s(`${op.name}/shape`, [0, ...(op.params.target_shape as number[])])],
      op.name,
    ),
  import: [
    {
      ops: ['Reshape', 'Squeeze'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsLast(s, node.opType);
        if (node.opType === 'Squeeze') throw new onnx.Unsupported('Squeeze');
        const shape = ctx.intsOf(node.inputs[1]);
        if (!shape) throw new onnx.Unsupported('Reshape to a computed shape');
        if (shape[0] !== 0 && shape[0] !== -1)
          throw new onnx.Unsupported(`Reshape that changes the batch axis (to ${shape[0]})`);
        const target = shape.slice(1);
        if (target.includes(0) || (shape[0] === -1 && target.includes(-1)))
          throw new onnx.Unsupported(`Reshape to [${shape.join(', ')}]`);
        ctx.addLayer(node, 'Reshape', { target_shape: target }, [s], null);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Reshape',
    what: 'Rearranges the same values into a new shape; the number of values must stay the same. One size may be −1 to be inferred.',
    formula: '(784) → (28, 28, 1)',
    when: 'To turn a flat vector into an image for convolutions, or the reverse.',
  },
  digest: (p) => `to ${((p.target_shape as number[] | undefined) ?? []).join('×')}`,
  featureMapOutput: true,
};

// ─── end explain ───

export const ReshapeLayer: LayerDef = {
  type: 'Reshape',
  group: 'Core',
  kerasName: 'Reshape',
  torchName: 'torch.reshape',
  summary: 'Rearranges the same values into a new shape; one size may be -1 to be inferred.',
  params: [
    {
      name: 'target_shape',
      label: 'Target shape',
      kind: 'shape',
      default: [28, 28, 1],
      allowInferred: true,
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const target = p.target_shape as number[];
    const tooDeep = requireMaxRank('Reshape', target);
    if (tooDeep) return tooDeep;
    const size = shapeSize(input!);
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (target.includes(-1)) {
      if (size % known !== 0) {
        return {
          ok: false,
          code: 'E002',
          message: `Reshape cannot fit ${size} values into ${target.join('×')}: ${size} is not a multiple of ${known}`,
        };
      }
      return ok(target.map((d) => (d === -1 ? size / known : d)));
    }
    if (known !== size) {
      return {
        ok: false,
        code: 'E002',
        message: `Reshape to ${formatShape(target)} needs ${known} values but its input ${formatShape(input!)} has ${size}`,
      };
    }
    return ok(target);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
