import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

/** Keras's Rescaling also takes per-channel lists for scale and offset; Netwright one number. */
function scalar(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  throw new keras.Unsupported(`${what} ${JSON.stringify(v)} (only a single number)`);
}

const kerasHooks: keras.Hooks = {
  classNames: ['Rescaling'],
  config: (op) => ({
    className: 'Rescaling',
    config: {
      name: op.name,
      scale: op.params.scale as number,
      offset: op.params.offset as number,
    },
  }),
  callStyle: { positional: ['scale'], defaults: { offset: 0 } },
  signature: ['scale', 'offset'],
  fromConfig: (c) => ({
    params: { scale: scalar(c.scale, 'scale'), offset: scalar(c.offset ?? 0, 'offset') },
  }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/** `x * scale + offset` as a module, so that nn.Sequential can hold it. */
const RESCALING: torch.Helper = {
  name: 'Rescaling',
  write: (w) => {
    w.block('class Rescaling(nn.Module):', () => {
      w.line('"""Keras Rescaling: x * scale + offset, element-wise (no weights)."""');
      w.blank();
      w.block('def __init__(self, scale, offset):', () => {
        w.line('super().__init__()');
        w.line('self.scale = scale');
        w.line('self.offset = offset');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('return x * self.scale + self.offset');
      });
    });
  },
};

const torchHooks: torch.Hooks = {
  source: {
    // The generator's helper class Rescaling(scale, offset) (below).
    helpers: { Rescaling: ['scale', 'offset'] },
    read: ({ args }) => {
      const { scale, offset = 0 } = args;
      if (typeof scale !== 'number' || typeof offset !== 'number')
        throw new Error('scale and offset must be numbers');
      return { params: { scale, offset } };
    },
  },
  plan: (ctx) => {
    const scale = torch.pyFloat(ctx.op.params.scale as number);
    const offset = torch.pyFloat(ctx.op.params.offset as number);
    return { steps: [{ module: `Rescaling(${scale}, ${offset})`, helper: RESCALING }] };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [
    tf.layers.rescaling({
      name: op.name,
      scale: op.params.scale as number,
      offset: op.params.offset as number,
    }),
  ],
  // One multiply and one add per value.
  forwardFlops: (op) => 2 * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Mul by the scale, Add the offset (scalar initializers broadcast over any shape).
  export: ({ g, op, ins }) => {
    const n = op.name;
    const scalar = (part: string, v: number) => g.floats(`${n}/${part}`, [], Float32Array.of(v));
    const m = g.node(
      `${n}/Mul`,
      'Mul',
      [ins[0]!, scalar('scale', op.params.scale as number)],
      `${n}/Mul`,
    );
    return g.node(`${n}/Add`, 'Add', [m, scalar('offset', op.params.offset as number)], n);
  },
  // Netwright's own pattern, read at the Mul: `<block>/Mul` by the scalar `<block>/scale`, then
  // `<block>/Add` of the scalar `<block>/offset` (taken with the Mul). A Mul by
  // a constant from another exporter is not read as a Rescaling (it may be a per-channel scale).
  import: [
    {
      ops: ['Mul'],
      match: (node, ctx) => {
        const name = ctx.layerNameOf(node);
        if (!ctx.ours || node.name !== `${name}/Mul` || node.inputs[1] !== `${name}/scale`)
          return false;
        const scale = ctx.floatsOf(`${name}/scale`, 'a scale').floats;
        const offset = ctx.floatsOf(`${name}/offset`, 'an offset').floats;
        if (scale.length !== 1 || offset.length !== 1)
          throw new onnx.Unsupported('Rescaling by a scale or offset that is not one number');
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsLast(s, 'Rescaling');
        ctx.addLayer(
          { ...node, outputs: [name] },
          'Rescaling',
          { scale: scale[0], offset: offset[0] },
          [s],
          null,
        );
        ctx.take(ctx.blockNodes(node).filter((b) => b.name === `${name}/Add`));
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

/** A number for the digest, 4 significant digits: 1/255 → 0.003922. */
const short = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(4))) : '');

const explainHooks: explain.Hooks = {
  card: {
    title: 'Rescaling',
    what: 'Multiplies every value by a fixed scale and adds a fixed offset; nothing is learned.',
    formula: 'y = x · scale + offset',
    when: 'First thing after the Input, to bring raw values into a small range: scale 1/255 maps pixels 0..255 to 0..1.',
  },
  digest: (p) => `×${short(p.scale)} + ${short(p.offset)}`,
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras `Rescaling`: `y = x * scale + offset`, elementwise, any input shape (e.g. scale 1/255
 * maps pixels 0..255 to 0..1). Scalar scale and offset only.
 */
export const RescalingLayer: LayerDef = {
  type: 'Rescaling',
  group: 'Core',
  kerasName: 'Rescaling',
  torchName: 'torch.mul',
  summary:
    'Multiplies every value by a scale and adds an offset, e.g. 1/255 to map pixels to 0..1.',
  params: [
    { name: 'scale', label: 'Scale', kind: 'float', default: 1 / 255 },
    { name: 'offset', label: 'Offset', kind: 'float', default: 0 },
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
