import { formatShape } from '../../shape.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Permute'],
  config: (op) => ({
    className: 'Permute',
    config: { name: op.name, dims: keras.tuple(op.params.dims) },
  }),
  callStyle: { positional: ['dims'], defaults: {} },
  fromConfig: (c) => {
    if (!Array.isArray(c.dims)) throw new keras.Unsupported(`dims ${JSON.stringify(c.dims)}`);
    return { params: { dims: [...(c.dims as number[])] } };
  },
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/**
 * The one `permute` of the held tensors (batch axis 0) that does Keras's Permute: from the input
 * as held to Keras's layout (`toChannelsLast` when held channels first), Keras's `(0, …dims)`,
 * then to the output as held. `x.permute(a).permute(b)` = `x.permute([a[b[i]] …])`.
 */
export function torchPermutation(ctx: torch.PlanContext): number[] {
  const dims = ctx.op.params.dims as number[];
  const inRank = ctx.inputs[0]!.spatialRank;
  const outRank = ctx.output.spatialRank;
  const rank = dims.length + 1;
  const identity = Array.from({ length: rank }, (_, i) => i);
  const toKeras = inRank > 0 ? torch.toChannelsLast(inRank) : identity;
  const keras = [0, ...dims];
  const toHeld = outRank > 0 ? torch.toChannelsFirst(outRank) : identity;
  return toHeld.map((i) => toKeras[keras[i]!]!);
}

const torchHooks: torch.Hooks = {
  plan: (ctx) => {
    const perm = torchPermutation(ctx);
    if (perm.every((p, i) => p === i))
      return {
        notes: ['This Permute leaves the axes where they are.'],
        steps: [{ fn: (v) => v, seq: ['nn.Identity()'] }],
      };
    const held = ctx.inputs[0]!.spatialRank > 0 || ctx.output.spatialRank > 0;
    return {
      notes: [
        held
          ? "Keras's dims count from 1 without the batch axis and mean the channels-last layout; this is the same move on the channels-first tensors held here."
          : "Keras's dims count from 1 without the batch axis; PyTorch's permute counts the batch axis as 0.",
      ],
      steps: [torch.permuteStep(perm)],
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [
    tf.layers.permute({ name: op.name, dims: [...(op.params.dims as number[])] }),
  ],
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Keras's dims are 1-based without the batch axis: perm (0, …dims).
  export: ({ g, op, ins }) =>
    g.node(`${op.name}/Transpose`, 'Transpose', [ins[0]!], op.name, [
      onnx.ints('perm', [0, ...(op.params.dims as number[])]),
    ]),
  // Netwright's own Permute: the Transpose named `<block>/Transpose` whose output is the block
  // (other Transposes — the NHWC↔NCHW islands around Conv, pooling, attention heads — are
  // layout the importer tracks, and a file from another exporter has no block names to tell a
  // Permute from them, so its Transposes stay layout).
  import: [
    {
      ops: ['Transpose'],
      match: (node, ctx) => {
        if (!ctx.ours) return importForeignPermute(node, ctx);
        const name = ctx.layerNameOf(node);
        if (node.name !== `${name}/Transpose` || node.outputs[0] !== name) return false;
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsLast(s, 'Permute');
        const perm = ctx.attr(node, 'perm')?.ints ?? [];
        if (perm.length !== s.shape.length + 1 || perm[0] !== 0)
          throw new onnx.Unsupported(`Transpose [${perm.join(', ')}] that moves the batch axis`);
        ctx.addLayer(node, 'Permute', { dims: perm.slice(1) }, [s], null);
      },
    },
  ],
};

/**
 * A Transpose in a file Netwright did not write (e.g. `x.permute(0, 2, 1)` under
 * `torch.onnx.export`) is a Permute block when it reorders the axes of a channels-last tensor
 * and keeps the batch axis first: `perm [0, p₁, …, pₙ]` → `dims (p₁, …, pₙ)` (the same
 * 1-based axes, Keras Permute). Declined (left to layout tracking) when the input is held in
 * another layout (e.g. NCHW → NHWC after a Conv), when the batch axis moves (the time-major
 * input of a recurrent node), when the perm changes nothing, or when a channels-first operator
 * (Conv, pooling …) reads the result.
 */
function importForeignPermute(node: onnx.DecodedNode, ctx: onnx.ImportContext): boolean | void {
  const s = ctx.stateOf(node, node.inputs[0]);
  if (s.torchIndex || s.perm.some((v, i) => v !== i)) return false;
  const rank = s.shape.length + 1;
  const perm = ctx.attr(node, 'perm')?.ints ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || perm[0] !== 0 || perm.every((v, i) => v === i)) return false;
  if (ctx.readers(node.outputs[0]!).some((r) => ctx.channelsFirstOps.has(r.opType))) return false;
  ctx.addLayer(node, 'Permute', { dims: perm.slice(1) }, [s], null);
}

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Permute',
    what: 'Reorders the axes of each example, moving values without changing them; dims lists, for each output axis, which input axis it was (counted from 1).',
    formula: 'y[i₁, …, iₙ] = x[j₁, …, jₙ] with j_dims[k] = i_k',
    when: 'To swap steps and features of a sequence (dims 2,1), or to move channels before a layer that acts on the last axis.',
  },
  arithmetic: (p, [input]) => {
    const dims = p.dims as number[];
    if (!input || dims.length !== input.length) return { params: 'no weights' };
    return {
      params: 'no weights',
      shape: dims.map((d, i) => `axis ${i + 1}: input axis ${d} = ${input[d - 1]}`),
    };
  },
  digest: (p) => `dims ${explain.dims(p.dims).replace(/×/g, ',')}`,
};

// ─── end explain ───

/**
 * Keras `Permute`: reorders the axes of one example; `dims` is 1-based and leaves out the batch
 * axis (output axis `i` is input axis `dims[i]`), e.g. `(2, 1)` transposes `(steps, features)`.
 * keras/src/layers/reshaping/permute.py: dims must be a permutation of `1..rank`.
 */
export const PermuteLayer: LayerDef = {
  type: 'Permute',
  group: 'Core',
  kerasName: 'Permute',
  torchName: 'torch.permute',
  summary: 'Reorders the axes of each example, e.g. dims 2,1 swaps rows and columns.',
  params: [
    {
      name: 'dims',
      label: 'Dims',
      kind: 'shape',
      default: [2, 1],
      help: 'the input axis (counted from 1, batch not counted) that becomes each output axis',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const dims = p.dims as number[];
    const rank = input!.length;
    if (dims.length !== rank)
      return {
        ok: false,
        code: 'E003',
        message: `Permute dims (${dims.join(', ')}) name ${dims.length} axes but its input ${formatShape(input!)} has ${rank}; give each of the axes 1..${rank} once`,
      };
    const sorted = [...dims].sort((a, b) => a - b);
    if (sorted.some((d, i) => d !== i + 1))
      return {
        ok: false,
        code: 'E002',
        message: `Permute dims (${dims.join(', ')}) must name each of the axes 1..${rank} exactly once (1-based, the batch axis is not counted)`,
      };
    return ok(dims.map((d) => input![d - 1]!));
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
