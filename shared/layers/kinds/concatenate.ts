import { formatShape } from '../../shape.ts';
import type { LayerDef } from '../types.ts';
import { ANY_NUMBER_OF_INPUTS, NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Concatenate'],
  config: (op) => ({
    className: 'Concatenate',
    config: { name: op.name, axis: op.params.axis as number },
  }),
  callStyle: { positional: [], defaults: { axis: -1 } },
  signature: ['axis'],
  fromConfig: (c) => ({ params: { axis: c.axis ?? -1 } }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  plan: (ctx) => {
    const dim = torch.torchConcatDim(ctx.op.params.axis as number, ctx.inputs[0]!.shape);
    return { steps: [{ fn: (_, ins) => `torch.cat([${ins.join(', ')}], dim=${dim})` }] };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [tf.layers.concatenate({ name: op.name, axis: op.params.axis as number })],
  axisParams: ['axis'],
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Keras counts the batch axis like ONNX does, and tensors are channels-last: same axis.
  export: ({ g, op, ins }) =>
    g.node(`${op.name}/Concat`, 'Concat', ins, op.name, [
      onnx.int('axis', op.params.axis as number),
    ]),
  import: [
    {
      ops: ['Concat'],
      match: (node, ctx) => {
        const ins = node.inputs.map((i) => ctx.stateOf(node, i));
        for (const s of ins) ctx.requireChannelsLast(s, 'Concat');
        const axis = ctx.attr(node, 'axis')?.i ?? 1;
        if (axis === 0) throw new onnx.Unsupported('Concat along the batch axis');
        ctx.addLayer(node, 'Concatenate', { axis }, ins, null);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Concatenate',
    what: 'Joins its inputs side by side along one axis (the last by default), in the order of its input ports.',
    formula: '(…, a) and (…, b) → (…, a + b)',
    when: 'To combine features from parallel branches.',
  },
  arithmetic: (_p, inputs) => {
    const sizes = inputs.map(explain.last);
    return {
      params: 'no weights',
      shape: [`last axis: ${sizes.join(' + ')} = ${sizes.reduce((a, b) => a + b, 0)}`],
    };
  },
};

// ─── end explain ───

export const ConcatenateLayer: LayerDef = {
  type: 'Concatenate',
  group: 'Merge',
  kerasName: 'Concatenate',
  torchName: 'torch.cat',
  summary: 'Joins its inputs along the last axis, in the order of its input ports.',
  params: [{ name: 'axis', label: 'Axis', kind: 'int', default: -1, min: -8, max: 8 }],
  inputs: { min: 2, max: ANY_NUMBER_OF_INPUTS },
  inferShape: (inputs, p) => {
    const rank = inputs[0]!.length;
    const axisParam = p.axis as number;
    // Keras counts the batch axis: axis 1 is the first feature axis, -1 the last.
    const axis = axisParam < 0 ? rank + axisParam : axisParam - 1;
    if (axisParam === 0 || axis < 0 || axis >= rank) {
      return {
        ok: false,
        code: 'E002',
        message: `Concatenate axis ${axisParam} does not exist for inputs of rank ${rank + 1}`,
      };
    }
    const mismatch = inputs.some(
      (s) => s.length !== rank || s.some((d, i) => i !== axis && d !== inputs[0]![i]),
    );
    if (mismatch) {
      return {
        ok: false,
        code: 'E002',
        message: `Concatenate needs inputs that agree on every axis but ${axisParam}; gets ${inputs
          .map(formatShape)
          .join(' and ')}`,
      };
    }
    const out = [...inputs[0]!];
    out[axis] = inputs.reduce((sum, s) => sum + s[axis]!, 0);
    return ok(out);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
