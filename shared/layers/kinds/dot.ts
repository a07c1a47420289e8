import { formatShape } from '../../shape.ts';
import { kerasAxis } from '../mixing-common.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Dot'],
  config: (op) => ({
    className: 'Dot',
    config: {
      name: op.name,
      axes: keras.tuple(op.params.axes),
      normalize: op.params.normalize as boolean,
    },
  }),
  callStyle: { positional: [], defaults: { normalize: false } },
  signature: ['axes', 'normalize'],
  fromConfig: (c) => ({
    params: { axes: keras.pair(c.axes, 'axes'), normalize: c.normalize ?? false },
  }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/**
 * The Dot of two inputs (per-example rank 1 or 2, held as Keras holds them) as `torch.einsum`:
 * one letter per axis, the summed axes share `k`, the batch axis is `n`; two vectors give (N,)
 * and Keras's (N, 1), hence `.unsqueeze(1)`. E.g. (n, d)·(m, d) on axes (2, 2):
 * `torch.einsum('nak,nbk->nab', x1, x2)`.
 */
function dotEinsum(
  shapes: readonly (readonly number[])[],
  axes: readonly [number, number],
): string {
  const letters = [
    ['a', 'b'],
    ['c', 'd'],
  ];
  const subs = shapes.map((s, i) =>
    s.map((_, j) => (j + 1 === axes[i] ? 'k' : letters[i]![j]!)).join(''),
  );
  const out = subs.map((s) => s.replace('k', '')).join('');
  return `n${subs[0]},n${subs[1]}->n${out}`;
}

/**
 * The axis (1-based after the batch axis, Keras's count) of an operand that torch sees at
 * `dim` (1-based after the batch axis): a sequence passed as `x.transpose(1, 2)` has its two
 * axes swapped.
 */
const kerasDim = (operand: torch.TensorOperand, dim: number): number =>
  operand.swapped ? 3 - dim : dim;

/**
 * The Dot params from the summed axis of each operand as torch sees it (1-based after the batch
 * axis) and `F.normalize` around the operands: both normalised along their summed axis is
 * `normalize`; one alone, or along another axis, is not a Dot. Both summed axes the last of
 * their operand reads as Keras's default `(-1, -1)`; otherwise the axes are counted from 1.
 */
function dotParams(
  operands: readonly torch.TensorOperand[],
  dims: readonly [number, number],
  ranks: readonly [number, number],
): torch.SourceRead {
  const norm = operands.map((o, i) => {
    if (o.normalizeDim === undefined) return false;
    const d = o.normalizeDim < 0 ? ranks[i]! + 1 + o.normalizeDim : o.normalizeDim;
    if (d !== dims[i])
      throw new Error(
        `F.normalize(dim=${o.normalizeDim}) on operand ${i + 1} is not along the summed axis (dim ${dims[i]}): Keras's Dot normalises along the axes it sums`,
      );
    return true;
  });
  if (norm[0] !== norm[1])
    throw new Error(
      "only one operand is F.normalize'd: Keras's Dot(normalize=True) normalises both",
    );
  const axes = operands.map((o, i) => kerasDim(o, dims[i]!));
  const last = axes.every((a, i) => a === ranks[i]);
  return {
    params: { axes: last ? [-1, -1] : axes, normalize: norm[0] },
    ...(ranks[0] === 1 && ranks[1] === 1 ? { noFeatureAxis: true as const } : {}),
  };
}

/** The per-example rank of each operand (at most 2: Keras's Dot takes vectors or sequences). */
function operandRanks(
  operands: readonly torch.TensorOperand[],
  written?: readonly [number, number],
): [number, number] {
  if (operands.length !== 2) throw new Error('Dot is read with two tensors');
  return operands.map((o, i) => {
    const rank = o.shape?.length ?? written?.[i];
    if (rank === undefined) throw new Error('the rank of the operands is not known');
    if (written && o.shape && o.shape.length !== written[i])
      throw new Error(
        `operand ${i + 1} has ${o.shape.length + 1} axes (batch included) but the equation gives it ${written[i]! + 1}`,
      );
    if (rank > 2)
      throw new Error(
        `operand ${i + 1} has ${rank} axes per example: Keras's Dot takes vectors or sequences (at most 2)`,
      );
    return rank;
  }) as [number, number];
}

/**
 * `torch.einsum('nak,nbk->nab', x, y)` (pytorch.org/docs/stable/generated/torch.einsum.html) as
 * a Dot: two operands that share the batch letter (first everywhere), exactly one other letter
 * summed (in both operands, not in the output), every other letter of one operand only, in the
 * output after the batch letter, the first operand's before the second's (Keras's Dot output
 * order, keras/src/layers/merging/dot.py). Anything else (a second shared axis, a sum over one
 * operand, a reordered output, `...`) is refused.
 */
function readEinsum(ctx: torch.TensorCallContext): torch.SourceRead {
  const eq = ctx.literals[0];
  if (typeof eq !== 'string' || ctx.literals.length !== 1)
    throw new Error('torch.einsum is read with the equation as a string literal first');
  const m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]*)$/.exec(eq.replace(/\s+/g, ''));
  if (!m) throw new Error(`einsum '${eq}' is not two operands -> an output (no '...')`);
  const [a, b, out] = [m[1]!, m[2]!, m[3]!];
  for (const s of [a, b, out])
    if (new Set(s).size !== s.length)
      throw new Error(`einsum '${eq}' repeats a letter in one term (a diagonal or a trace)`);
  const batch = a[0]!;
  if (b[0] !== batch || out[0] !== batch)
    throw new Error(
      `einsum '${eq}': the batch axis must be the first letter of both operands and of the output`,
    );
  const ranks = operandRanks(ctx.operands, [a.length - 1, b.length - 1]);
  const shared = [...a.slice(1)].filter((c) => b.includes(c));
  if (shared.length !== 1 || out.includes(shared[0]!))
    throw new Error(
      `einsum '${eq}' is a Keras Dot only when exactly one axis besides the batch is shared by both operands and summed`,
    );
  const k = shared[0]!;
  const free = [...a.slice(1), ...b.slice(1)].filter((c) => c !== k);
  if (out.slice(1) !== free.join(''))
    throw new Error(
      `einsum '${eq}': Keras's Dot gives the first operand's other axes then the second's, '${batch}${free.join('')}'`,
    );
  return dotParams(ctx.operands, [a.indexOf(k), b.indexOf(k)], ranks);
}

/**
 * `torch.bmm(x, y)` / `torch.matmul(x, y)` / `x @ y` on two sequences `(N, a, k)`, `(N, k, b)`:
 * a batched matrix product, Keras's `Dot(axes=(2, 1))` (pytorch.org/docs/stable/generated/
 * torch.matmul.html: 3-D operands multiply per batch). Vectors `(N, k)` are refused: matmul of
 * two 2-D tensors is one matrix product over the batch, not a per-example dot.
 */
function readMatmul(ctx: torch.TensorCallContext): torch.SourceRead {
  if (ctx.literals.length > 0) throw new Error(`${ctx.callee} is read with two tensors`);
  const ranks = operandRanks(ctx.operands);
  if (ranks[0] !== 2 || ranks[1] !== 2)
    throw new Error(
      `${ctx.callee} is read as a Keras Dot on two sequences (N, a, k) and (N, k, b) only; these operands have ${ranks[0] + 1} and ${ranks[1] + 1} axes`,
    );
  return dotParams(ctx.operands, [2, 1], ranks);
}

const torchHooks: torch.Hooks = {
  source: {
    tensorCalls: {
      'torch.einsum': readEinsum,
      'torch.bmm': readMatmul,
      'torch.matmul': readMatmul,
    },
    read: () => {
      throw new Error('Dot is read from torch.einsum, torch.bmm, torch.matmul or @');
    },
  },
  plan: ({ op }) => {
    const shapes = op.inputShapes;
    const axes = (op.params.axes as number[]).map((a, i) => kerasAxis(a, shapes[i]!.length)!) as [
      number,
      number,
    ];
    const spec = dotEinsum(shapes, axes);
    const vectors = shapes.every((s) => s.length === 1);
    return {
      steps: [
        {
          fn: (_, [a, b]) => {
            const [x, y] = op.params.normalize
              ? [`F.normalize(${a}, dim=${axes[0]})`, `F.normalize(${b}, dim=${axes[1]})`]
              : [a, b];
            const e = `torch.einsum('${spec}', ${x}, ${y})`;
            return vectors ? `${e}.unsqueeze(1)` : e;
          },
          ...(op.params.normalize ? { functional: true as const } : {}),
        },
      ],
      notes: op.params.normalize
        ? [
            'normalize=True: both inputs are L2-normalised along their summed axes first (cosine similarity).',
          ]
        : [],
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // `axes` (one per input) made positive in the IR, each for its own input's rank: -1 on a
  // sequence is 2 in every back-end and in an ONNX file read back.
  axisParams: ['axes'],
  // tfjs-layers' Dot (inputs of rank ≤ 3 with the batch axis, as inferShape requires).
  layers: (tf, op) => [
    tf.layers.dot({
      name: op.name,
      axes: tfjs.pair(op.params.axes, [-1, -1]),
      normalize: op.params.normalize as boolean,
    }),
  ],
  // One multiply-add per summed pair for every output value; normalising: square, sum and
  // divide per input value.
  forwardFlops: (op) => {
    const [a] = op.inputShapes;
    const axis = kerasAxis((op.params.axes as number[])[0]!, a!.length)!;
    const summed = a![axis - 1]!;
    const norm = op.params.normalize
      ? 3 * op.inputShapes.reduce((s, shape) => s + tfjs.shapeSize(shape), 0)
      : 0;
    return 2 * summed * tfjs.outSize(op) + norm;
  },
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

/**
 * ONNX: `LpNormalization` (p = 2) per input when `normalize`, then: two vectors → `Mul` and
 * `ReduceSum` (keepdims, Keras's (N, 1)); otherwise `MatMul` with the summed axis of the first
 * input last and that of the second first (`Transpose` [0, 2, 1] where needed), a vector taking
 * part as a 1-row (or 1-column) matrix (`Unsqueeze`, then `Squeeze` of that axis).
 */
const onnxHooks: onnx.Hooks = {
  export: ({ g, op, ins }) => {
    const n = op.name;
    const shapes = op.inputShapes;
    const axes = (op.params.axes as number[]).map((a, i) => kerasAxis(a, shapes[i]!.length)!);
    let [x, y] = ins as [string, string];
    if (op.params.normalize) {
      x = g.node(`${n}/Normalize0`, 'LpNormalization', [x], `${n}/Normalize0`, [
        onnx.int('axis', axes[0]!),
        onnx.int('p', 2),
      ]);
      y = g.node(`${n}/Normalize1`, 'LpNormalization', [y], `${n}/Normalize1`, [
        onnx.int('axis', axes[1]!),
        onnx.int('p', 2),
      ]);
    }
    const [r0, r1] = [shapes[0]!.length, shapes[1]!.length];
    if (r0 === 1 && r1 === 1) {
      const m = g.node(`${n}/Mul`, 'Mul', [x, y], `${n}/Mul`);
      return g.node(`${n}/ReduceSum`, 'ReduceSum', [m, g.int64s(`${n}/axes`, [1])], n, [
        onnx.int('keepdims', 1),
      ]);
    }
    const swap = (t: string, part: string) =>
      g.node(`${n}/${part}`, 'Transpose', [t], `${n}/${part}`, [onnx.ints('perm', [0, 2, 1])]);
    // First operand (N, free, k); second (N, k, free).
    const a =
      r0 === 1
        ? g.node(`${n}/Unsqueeze0`, 'Unsqueeze', [x, g.int64s(`${n}/row`, [1])], `${n}/Unsqueeze0`)
        : axes[0] === 1
          ? swap(x, 'Transpose0')
          : x;
    const b =
      r1 === 1
        ? g.node(
            `${n}/Unsqueeze1`,
            'Unsqueeze',
            [y, g.int64s(`${n}/column`, [2])],
            `${n}/Unsqueeze1`,
          )
        : axes[1] === 2
          ? swap(y, 'Transpose1')
          : y;
    if (r0 === 2 && r1 === 2) return g.node(`${n}/MatMul`, 'MatMul', [a, b], n);
    const m = g.node(`${n}/MatMul`, 'MatMul', [a, b], `${n}/MatMul`);
    const squeeze = g.int64s(`${n}/squeeze`, [r0 === 1 ? 1 : 2]);
    return g.node(`${n}/Squeeze`, 'Squeeze', [m, squeeze], n);
  },
  import: [
    {
      ops: ['LpNormalization', 'Mul', 'Transpose', 'Unsqueeze', 'MatMul'],
      first: true,
      match: (node, ctx) => importDot(node, ctx),
    },
  ],
};

/**
 * Netwright's own Dot block (the export above), read whole at its first node: the block holds
 * `<block>/MatMul` of two data tensors, or `<block>/Mul` of two data tensors then
 * `<block>/ReduceSum` (vectors). Each operand is traced back through the block's nodes to the
 * block's input; the axes follow from the operand's rank and the `<block>/Transpose0|1` nodes,
 * `normalize` from `<block>/Normalize0`. Axes come back positive (Keras's `axes=-1` on a
 * sequence reads back as 2: the same axis, as the IR that was exported holds it, see
 * `normaliseAxes`). Dot from another exporter is read by `importForeignDot`.
 */
function importDot(node: onnx.DecodedNode, ctx: onnx.ImportContext): boolean | void {
  if (!ctx.ours) return importForeignDot(node, ctx);
  const name = ctx.layerNameOf(node);
  const block = ctx.blockNodes(node);
  if (block[0] !== node) return false;
  const named = (part: string) => block.find((b) => b.name === `${name}/${part}`);
  const data = (b: onnx.DecodedNode | undefined) =>
    b !== undefined && b.inputs.length === 2 && b.inputs.every((t) => !ctx.inits.has(t));
  const matmul = named('MatMul');
  const mul = named('Mul');
  const core = data(matmul) ? matmul! : data(mul) && named('ReduceSum') ? mul! : undefined;
  if (!core || block.some((b) => b.opType === 'Softmax')) return false;
  const produced = new Map(block.flatMap((b) => b.outputs.map((o) => [o, b] as const)));
  // At most one step per node of the block: a (hostile) cycle cannot hang the importer.
  const source = (t: string): string => {
    for (let i = 0, p = produced.get(t); p && i < block.length; i++, p = produced.get(t))
      t = p.inputs[0] ?? '';
    return t;
  };
  const [x, y] = [
    ctx.stateOf(node, source(core.inputs[0]!)),
    ctx.stateOf(node, source(core.inputs[1]!)),
  ];
  ctx.requireChannelsLast(x, 'Dot');
  ctx.requireChannelsLast(y, 'Dot');
  const axes = [
    x.shape.length === 1 || named('Transpose0') ? 1 : 2,
    y.shape.length === 1 || !named('Transpose1') ? 1 : 2,
  ];
  ctx.addLayer(
    { ...node, outputs: [name] },
    'Dot',
    { axes, normalize: Boolean(named('Normalize0')) },
    [x, y],
    null,
  );
  ctx.take(block);
}

/**
 * A `MatMul` of two data tensors in a file Netwright did not write (`torch.bmm(a, b)`, `a @ b`
 * under `torch.onnx.export`): `(N, a, k) × (N, k, b)` → `(N, a, b)` is Keras `Dot(axes=(2, 1))`
 * (keras.io Dot: sums the products over axis 2 of the first input and axis 1 of the second).
 * A MatMul with a constant operand is declined (a Dense's). Any other pair of data tensors is
 * refused with a message: 4-D operands are what attention writes (torch
 * `nn.MultiheadAttention`, whose ONNX form Netwright does not read as a block).
 */
function importForeignDot(node: onnx.DecodedNode, ctx: onnx.ImportContext): boolean | void {
  if (node.opType !== 'MatMul' || node.inputs.some((t) => ctx.inits.has(t))) return false;
  const [x, y] = [ctx.stateOf(node, node.inputs[0]), ctx.stateOf(node, node.inputs[1])];
  ctx.requireChannelsLast(x, 'MatMul');
  ctx.requireChannelsLast(y, 'MatMul');
  const shapes = `(N, ${x.shape.join(', ')}) × (N, ${y.shape.join(', ')})`;
  if (x.shape.length === 3 && y.shape.length === 3)
    throw new onnx.Unsupported(
      `MatMul of two 4-D tensors ${shapes}, as attention writes (e.g. torch nn.MultiheadAttention): Netwright reads MultiHeadAttention only from its own ONNX files, and Dot takes (N, a, k) × (N, k, b)`,
    );
  if (x.shape.length !== 2 || y.shape.length !== 2 || x.shape[1] !== y.shape[0])
    throw new onnx.Unsupported(
      `MatMul of two data tensors ${shapes}: Dot takes (N, a, k) × (N, k, b)`,
    );
  ctx.addLayer(node, 'Dot', { axes: [2, 1], normalize: false }, [x, y], null);
}

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Dot (dot product)',
    what: 'Multiplies its two inputs along one axis of each and sums: two vectors give one number, two sequences a table of scores between every pair of steps.',
    formula:
      'y = Σₖ x₁[…, k] · x₂[…, k]; with normalize, x₁ and x₂ are first divided by their length (cosine similarity)',
    when: 'Similarity between two encodings (Siamese networks, retrieval), or hand-built attention scores.',
  },
  arithmetic: (p, [a, b]) => {
    const axes = p.axes as number[];
    const i = kerasAxis(axes[0]!, a!.length);
    const j = kerasAxis(axes[1]!, b!.length);
    if (i === null || j === null) return { params: 'no weights' };
    return {
      params: 'no weights',
      shape: [
        `sums over axis ${i} of the first input (${a![i - 1]}) and axis ${j} of the second (${b![j - 1]}); the other axes remain`,
      ],
    };
  },
  digest: (p) =>
    explain.joinDigest([
      Array.isArray(p.axes) ? `axes ${(p.axes as number[]).join(',')}` : null,
      p.normalize ? 'cosine' : null,
    ]),
};

// ─── end explain ───

export const DotLayer: LayerDef = {
  type: 'Dot',
  group: 'Merge',
  kerasName: 'Dot',
  torchName: 'torch.einsum',
  summary:
    'Dot product of its two inputs along one axis of each (similarity scores); normalize makes it the cosine similarity.',
  params: [
    {
      name: 'axes',
      label: 'Axes',
      kind: 'pair',
      default: [-1, -1],
      min: -3,
      help: 'The axis of the first and of the second input to multiply and sum over, counted as in Keras: 1 is the first axis after the batch axis, -1 the last. One number means the same axis of both.',
    },
    {
      name: 'normalize',
      label: 'Normalize',
      kind: 'bool',
      default: false,
      help: 'L2-normalise both inputs along their axes first: the output is the cosine similarity.',
    },
  ],
  inputs: { min: 2, max: 2 },
  inferShape: ([a, b], p) => {
    // keras/src/layers/merging/dot.py `compute_output_shape`: drop the summed axis of each
    // input and the batch axis of the second; an output of only the batch axis becomes (1).
    const bad = [a!, b!].find((s) => s.length > 2);
    if (bad) {
      return {
        ok: false,
        code: 'E003',
        message: `Dot takes vectors or sequences (at most 2 axes per example) but gets ${formatShape(bad)}; TF.js's Dot layer supports no more (add a Reshape or Flatten first)`,
      };
    }
    const [axisA, axisB] = p.axes as [number, number];
    const which = ['first', 'second'] as const;
    const axes = [kerasAxis(axisA, a!.length), kerasAxis(axisB, b!.length)];
    for (const i of [0, 1] as const) {
      if (axes[i] === null) {
        return {
          ok: false,
          code: 'E002',
          message: `Dot axis ${[axisA, axisB][i]} does not exist for its ${which[i]} input ${formatShape([a!, b!][i]!)} (axis 0 is the batch axis and cannot be summed)`,
        };
      }
    }
    const [i, j] = [axes[0]! - 1, axes[1]! - 1];
    if (a![i] !== b![j]) {
      return {
        ok: false,
        code: 'E002',
        message: `Dot needs equal sizes on the axes it multiplies, but axis ${i + 1} of ${formatShape(a!)} is ${a![i]} and axis ${j + 1} of ${formatShape(b!)} is ${b![j]}`,
      };
    }
    const out = [...a!.filter((_, k) => k !== i), ...b!.filter((_, k) => k !== j)];
    return ok(out.length === 0 ? [1] : out);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
