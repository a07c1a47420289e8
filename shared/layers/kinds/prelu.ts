import type { Shape } from '../../shape.ts';
import { formatShape } from '../../shape.ts';
import type { LayerDef, ResolvedParams } from '../types.ts';
import { ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['PReLU'],
  config: (op) => {
    const shared = op.params.shared_axes as number[] | null;
    return {
      className: 'PReLU',
      config: { name: op.name, shared_axes: shared ? [...shared] : null },
    };
  },
  callStyle: { positional: [], defaults: { shared_axes: null } },
  fromConfig: (c) => {
    const s = c.shared_axes;
    if (s === null || s === undefined) return { params: { shared_axes: null } };
    const list: unknown[] = Array.isArray(s) ? s : [s];
    if (!list.every((a) => typeof a === 'number' && Number.isInteger(a) && a >= 1))
      throw new keras.Unsupported(`shared_axes ${JSON.stringify(s)}`);
    return { params: { shared_axes: list as number[] } };
  },
  weightOrder: ['alpha'],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/** keras.layers.PReLU: a learned slope per value (1 on the shared axes) below zero. */
const KERAS_PRELU: torch.Helper = {
  name: 'KerasPReLU',
  write: (w) =>
    w.block('class KerasPReLU(nn.Module):', () => {
      w.line(
        '"""keras.layers.PReLU: x for x >= 0, alpha * x below; alpha is learned, one per value.',
      );
      w.blank();
      w.line("`shape` is alpha's shape: the input's per-example shape with 1 on each shared axis");
      w.line('(nn.PReLU learns one slope per channel at most).');
      w.line('"""');
      w.blank();
      w.block('def __init__(self, shape):', () => {
        w.line('super().__init__()');
        w.line('self.alpha = nn.Parameter(torch.zeros(shape))  # Keras starts alpha at 0');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('return torch.relu(x) - self.alpha * torch.relu(-x)');
      });
    }),
};

/** numpy axes taking a per-example Keras array to the layout the file holds its input in. */
const heldAxes = (spatialRank: number, rank: number): number[] =>
  spatialRank === 0
    ? Array.from({ length: rank }, (_, i) => i)
    : torch
        .toChannelsFirst(spatialRank)
        .slice(1)
        .map((a) => a - 1);

const torchHooks: torch.Hooks = {
  source: {
    // The generator's helper class KerasPReLU(alpha shape as held) (below): the axes where alpha
    // has size 1 but the input does not are Keras's shared_axes (1-based, batch axis excluded).
    helpers: { KerasPReLU: ['shape'] },
    read: ({ args, input }) => {
      const held = args.shape;
      if (!Array.isArray(held) || held.some((d) => typeof d !== 'number'))
        throw new Error('the alpha shape must be a tuple of ints');
      if (!input) return { params: { shared_axes: null } };
      if (held.length !== input.length)
        throw new Error(`the alpha shape ${JSON.stringify(held)} does not fit the input`);
      const order = heldAxes(torch.heldSpatialRank(input), input.length);
      const alpha: number[] = [];
      order.forEach((kerasAxis, i) => (alpha[kerasAxis] = held[i] as number));
      const shared = input.flatMap((d, i) => (alpha[i] === 1 && d !== 1 ? [i + 1] : []));
      if (input.some((d, i) => alpha[i] !== 1 && alpha[i] !== d))
        throw new Error(`the alpha shape ${JSON.stringify(held)} does not fit the input`);
      return { params: { shared_axes: shared.length > 0 ? shared : null } };
    },
  },
  plan: ({ op, inputs }) => {
    const { spatialRank } = inputs[0]!;
    const alpha = preluAlphaShape(op.inputShapes[0]!, op.params);
    const held = heldAxes(spatialRank, alpha.length).map((a) => alpha[a]!);
    return {
      steps: [{ module: `KerasPReLU(${torch.pyTuple(held)})`, weights: true, helper: KERAS_PRELU }],
    };
  },
  weights: ({ op, inputs }) => {
    const { spatialRank } = inputs[0]!;
    const rank = op.inputShapes[0]!.length;
    return {
      note: 'PReLU alpha: the Keras per-example shape, moved channels first for feature maps.',
      arrays: {
        alpha: [
          spatialRank === 0
            ? { attr: 'alpha' }
            : { attr: 'alpha', axes: heldAxes(spatialRank, rank) },
        ],
      },
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // alpha starts at 0, as Keras's alpha_initializer="Zeros" (tfjs-layers' default too).
  layers: (tf, op) => {
    const shared = op.params.shared_axes as number[] | null;
    return [tf.layers.prelu({ name: op.name, ...(shared ? { sharedAxes: [...shared] } : {}) })];
  },
  weights: (op) => [{ name: 'alpha', shape: preluAlphaShape(op.inputShapes[0]!, op.params) }],
  // relu(x), relu(−x), multiply, subtract.
  forwardFlops: (op) => 4 * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // PRelu's slope broadcasts to the input from the last axis (onnx/docs/Operators.md PRelu):
  // the Keras alpha (channels last, no batch axis) fits as it is.
  export: ({ g, op, ins, weight }) => {
    const alpha = weight('alpha');
    return g.node(
      `${op.name}/PRelu`,
      'PRelu',
      [ins[0]!, g.floats(`${op.name}/alpha`, alpha.shape, alpha.data)],
      op.name,
    );
  },
  // A constant slope on a channels-last tensor: alpha is the slope with the missing leading
  // axes added; axes where it has size 1 and the input does not are shared.
  import: [
    {
      ops: ['PRelu'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsLast(s, 'PRelu');
        const slope = ctx.floatsOf(node.inputs[1], 'a PRelu slope');
        const rank = s.shape.length;
        const dims = [...slope.dims];
        if (dims.length > rank + 1 || (dims.length === rank + 1 && dims[0] !== 1))
          throw new onnx.Unsupported('PRelu with a slope per example');
        const full = [
          ...Array<number>(rank - Math.min(dims.length, rank)).fill(1),
          ...dims.slice(-rank),
        ];
        if (full.some((d, i) => d !== 1 && d !== s.shape[i]))
          throw new onnx.Unsupported(`PRelu slope of shape (${dims.join(', ')})`);
        const shared = full.flatMap((d, i) => (d === 1 && s.shape[i] !== 1 ? [i + 1] : []));
        const alpha = s.shape.map((d, i) => (shared.includes(i + 1) ? 1 : d));
        ctx.addLayer(node, 'PReLU', { shared_axes: shared.length > 0 ? shared : null }, [s], null, [
          { name: 'alpha', shape: alpha, data: Float32Array.from(slope.floats) },
        ]);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'PReLU (parametric relu)',
    what: 'A leaky relu whose negative slope is learned: one slope per value, or one per channel when the other axes share it.',
    formula: 'y = x if x ≥ 0, α · x otherwise (α learned)',
    when: 'When a fixed leaky slope is a guess: the network learns it (He et al. 2015).',
  },
  arithmetic: (p, [input]) => {
    const shape = preluAlphaShape(input!, p);
    const n = shape.reduce((a, b) => a * b, 1);
    return { params: `alpha of shape (${shape.join(', ')}) = ${explain.count(n)} slopes` };
  },
  digest: (p) =>
    Array.isArray(p.shared_axes) ? `shared ${(p.shared_axes as number[]).join(',')}` : '',
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Shape of PReLU's `alpha` array for a per-example input shape: the input shape with every
 * shared axis (Keras numbering: 1 = first axis after the batch axis) set to 1, as in
 * keras/src/layers/activations/prelu.py `build`. E.g. `(4, 4, 3)`, shared_axes [1, 2] → `(1, 1, 3)`.
 */
export function preluAlphaShape(input: Shape, p: ResolvedParams): number[] {
  const shared = (p.shared_axes as number[] | null) ?? [];
  return input.map((d, i) => (shared.includes(i + 1) ? 1 : d));
}

export const PReLULayer: LayerDef = {
  type: 'PReLU',
  group: 'Activations',
  kerasName: 'PReLU',
  torchName: 'nn.PReLU',
  summary: 'Leaky relu whose negative slope is learned, one per value or shared along chosen axes.',
  params: [
    {
      name: 'shared_axes',
      label: 'Shared axes',
      kind: 'shape',
      default: null,
      nullable: true,
      help: 'Axes that share one slope, e.g. 1,2 for one slope per channel of an image; empty: one slope per value. Axis 1 is the first after the batch axis. The slopes start at 0.',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const shared = (p.shared_axes as number[] | null) ?? [];
    const bad = shared.find((a) => a > input!.length);
    if (bad !== undefined) {
      return {
        ok: false,
        code: 'E002',
        message: `PReLU shared axis ${bad} does not exist for input ${formatShape(input!)} (axes count from 1 after the batch axis)`,
      };
    }
    return ok(input!);
  },
  paramCount: ([input], p) => ({
    trainable: preluAlphaShape(input!, p).reduce((a, b) => a * b, 1),
    nonTrainable: 0,
  }),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
