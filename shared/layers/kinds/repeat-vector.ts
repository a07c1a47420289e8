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
  classNames: ['RepeatVector'],
  config: (op) => ({
    className: 'RepeatVector',
    config: { name: op.name, n: op.params.n as number },
  }),
  callStyle: { positional: ['n'], defaults: {} },
  fromConfig: (c) => ({ params: { n: c.n } }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/** `(N, F)` → `(N, n, F)` as a module, so that nn.Sequential can hold it. */
const REPEAT_VECTOR: torch.Helper = {
  name: 'RepeatVector',
  write: (w) => {
    w.block('class RepeatVector(nn.Module):', () => {
      w.line('"""Keras RepeatVector: (N, features) → (N, n, features), the vector n times."""');
      w.blank();
      w.block('def __init__(self, n):', () => {
        w.line('super().__init__()');
        w.line('self.n = n');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('return x.unsqueeze(1).repeat(1, self.n, 1)');
      });
    });
  },
};

const torchHooks: torch.Hooks = {
  source: {
    // The generator's helper class RepeatVector(n) (above).
    helpers: { RepeatVector: ['n'] },
    read: ({ args }) => ({ params: { n: torch.needInt(args, 'n') } }),
  },
  plan: (ctx) => ({
    steps: [{ module: `RepeatVector(${ctx.op.params.n as number})`, helper: REPEAT_VECTOR }],
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [tf.layers.repeatVector({ name: op.name, n: op.params.n as number })],
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // (N, F) → Unsqueeze axis 1 → (N, 1, F) → Tile (1, n, 1) → (N, n, F).
  export: ({ g, op, ins }) => {
    const n = op.name;
    const u = g.node(
      `${n}/Unsqueeze`,
      'Unsqueeze',
      [ins[0]!, g.int64s(`${n}/axes`, [1])],
      `${n}/Unsqueeze`,
    );
    return g.node(
      `${n}/Tile`,
      'Tile',
      [u, g.int64s(`${n}/repeats`, [1, op.params.n as number, 1])],
      n,
    );
  },
  // Netwright's own pattern, read at the Unsqueeze: `<block>/Unsqueeze` (axis 1) then
  // `<block>/Tile` by `<block>/repeats` = (1, n, 1); the claim takes the Tile with it. Other exporters' Unsqueeze/Tile
  // (or Expand) forms are not read.
  import: [
    {
      ops: ['Unsqueeze'],
      match: (node, ctx) => {
        const name = ctx.layerNameOf(node);
        if (!ctx.ours || node.name !== `${name}/Unsqueeze`) return false;
        const repeats = ctx.intsOf(`${name}/repeats`);
        const axes = ctx.attr(node, 'axes')?.ints ?? ctx.intsOf(node.inputs[1]);
        if (!repeats || repeats.length !== 3 || axes?.length !== 1 || axes[0] !== 1) return false;
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsLast(s, 'RepeatVector');
        ctx.addLayer({ ...node, outputs: [name] }, 'RepeatVector', { n: repeats[1] }, [s], null);
        ctx.take(ctx.blockNodes(node).filter((b) => b.name === `${name}/Tile`));
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'RepeatVector',
    what: 'Copies a vector n times, one copy per step of a new sequence; nothing is learned.',
    formula: 'y[t, :] = x for t = 1 … n',
    when: 'To turn one summary vector into a sequence, e.g. feeding an encoding to every step of a decoder.',
  },
  arithmetic: (p, [input]) => ({
    params: 'no weights',
    shape: [`steps: n = ${String(p.n)}`, `features: ${input?.[0] ?? '?'} (the vector)`],
  }),
  digest: (p) => `×${String(p.n ?? '')}`,
};

// ─── end explain ───

/**
 * Keras `RepeatVector`: repeats a vector `(features)` `n` times into `(n, features)`
 * (keras/src/layers/reshaping/repeat_vector.py: input_spec ndim=2, batch counted).
 */
export const RepeatVectorLayer: LayerDef = {
  type: 'RepeatVector',
  group: 'Core',
  kerasName: 'RepeatVector',
  torchName: 'torch.Tensor.repeat',
  summary:
    'Repeats a vector n times into a sequence, e.g. to feed one encoding to every step of a decoder.',
  params: [{ name: 'n', label: 'Repeats (n)', kind: 'int', default: 2, min: 1, max: 100_000 }],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) =>
    input!.length === 1
      ? ok([p.n as number, input![0]!])
      : {
          ok: false,
          code: 'E003',
          message: `RepeatVector needs a vector (features) but gets ${formatShape(input!)}${
            input!.length > 1 ? '; add a Flatten or GlobalAveragePooling2D before it' : ''
          }`,
        },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
