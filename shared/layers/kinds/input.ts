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
  classNames: ['InputLayer'],
  config: (op) => ({
    className: 'Input',
    config: {
      name: op.name,
      shape: keras.tuple(op.params.shape),
      dtype: op.params.dtype as string,
    },
  }),
  // keras.Input's dtype=None means float32 (keras.config.floatx()): only int32 is written.
  callStyle: { positional: [], defaults: { dtype: 'float32' } },
  signature: ['shape', 'batch_size', 'dtype'],
  fromConfig: (c) => {
    // `keras.Input(shape=…)` / `InputLayer(shape=…)` in source code: the shape without the batch axis.
    const shape =
      keras.inputShapeOf(c) ?? (Array.isArray(c.shape) ? (c.shape as unknown[]) : undefined);
    if (!shape || shape.some((d) => typeof d !== 'number'))
      throw new keras.Unsupported(
        `input shape ${JSON.stringify(shape ?? null)} (needs fixed sizes)`,
      );
    return { params: { shape, dtype: inputDtypeOf(c.dtype) } };
  },
  weightOrder: [],
};

/**
 * A Keras/TF.js InputLayer `dtype` → Netwright's: integer types (token ids) → int32, absent or
 * floating → float32. Throws `Unsupported` for other types (bool, string).
 */
function inputDtypeOf(dtype: unknown): InputDtype {
  if (dtype === undefined || dtype === null) return 'float32';
  const name = String(dtype);
  if (/^u?int(8|16|32|64)$/.test(name)) return 'int32';
  if (/^(b?float(16|32|64)|half|double)$/.test(name)) return 'float32';
  throw new keras.Unsupported(`input dtype ${name}`);
}

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

// The driver handles the model's Input (its value is `x`, permuted in main() when held
// channels first): nothing to plan here.
const torchHooks: torch.Hooks = torch.NOTHING;

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // The driver builds the Input op itself (`tf.input` / `inputLayer` from `params.shape`).
  layers: () => [],
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

// The Input op is the graph input (the driver names it after the op); it writes no node.
const onnxHooks: onnx.Hooks = {
  export: onnx.notAnOp,
  // The importer makes the Input from the graph input itself (shape, NCHW → channels-last,
  // integer element type → dtype int32), not from a node.
  import: onnx.claimsNothing('is the graph input, which the importer reads itself'),
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Input',
    what: 'Where examples enter the network. Its shape is the shape of one example, without the batch size.',
    formula: 'x = one example, e.g. 784 pixel values',
    when: 'Every model starts with exactly one Input whose shape matches the dataset.',
  },
  digest: (p) =>
    explain.joinDigest([
      `shape ${((p.shape as number[] | undefined) ?? []).join('×')}`,
      p.dtype === 'int32' && 'int32 ids',
    ]),
  featureMapOutput: true,
};

// ─── end explain ───

/** The element types an Input takes: float32 values, or int32 token ids (for an Embedding). */
export const INPUT_DTYPES = ['float32', 'int32'] as const;
export type InputDtype = (typeof INPUT_DTYPES)[number];

export const InputLayer: LayerDef = {
  type: 'Input',
  group: 'Core',
  kerasName: 'Input',
  torchName: 'tensor',
  summary: 'Where data enters the network: the shape of one example, without the batch size.',
  params: [
    { name: 'shape', label: 'Shape', kind: 'shape', default: [784] },
    {
      name: 'dtype',
      label: 'Data type',
      kind: 'enum',
      default: 'float32',
      options: INPUT_DTYPES,
      help: 'float32: numbers (pixels, measurements); int32: token ids for an Embedding',
    },
  ],
  inputs: { min: 0, max: 0 },
  inferShape: (_inputs, p) =>
    requireMaxRank('Input', p.shape as number[]) ?? ok(p.shape as number[]),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
