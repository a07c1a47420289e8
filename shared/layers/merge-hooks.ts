/**
 * Back-end hooks shared by the element-wise merge kinds Multiply, Subtract, Average, Maximum and
 * Minimum (Add has its own): all broadcast by Keras's rule (a shorter input gets size-1 axes
 * after the batch axis, then sizes must match or be 1; keras/src/layers/merging/base_merge.py)
 * and hold no weights. Each kind's module picks its hooks here by its Keras class name.
 */
import * as explain from './backends/explain.ts';
import * as keras from './backends/keras.ts';
import * as onnx from './backends/onnx.ts';
import * as tfjs from './backends/tfjs.ts';
import * as torch from './backends/torch.ts';
import { mixingLayers } from './mixing-tfjs.ts';

export type ElementwiseMerge = 'Multiply' | 'Subtract' | 'Average' | 'Maximum' | 'Minimum';

/** Keras: `layers.<Class>(name=...)([a, b, ...])`; no config beyond the name. */
export function mergeKeras(className: ElementwiseMerge): keras.Hooks {
  return {
    classNames: [className],
    config: keras.nameOnly(className),
    callStyle: { positional: [], defaults: {} },
    fromConfig: () => ({ params: {} }),
    weightOrder: [],
  };
}

/** The PyTorch expression of the merge of `terms` (already broadcast as Keras does). */
function torchMergeExpr(kind: ElementwiseMerge, terms: readonly string[]): string {
  switch (kind) {
    case 'Multiply':
      return terms.join(' * ');
    case 'Subtract':
      return `${terms[0]} - ${terms[1]}`;
    case 'Average':
      return `(${terms.join(' + ')}) / ${terms.length}`;
    case 'Maximum':
    case 'Minimum': {
      const f = kind === 'Maximum' ? 'torch.maximum' : 'torch.minimum';
      return terms.slice(1).reduce((acc, t) => `${f}(${acc}, ${t})`, terms[0]!);
    }
  }
}

/**
 * PyTorch: one expression over the inputs, each made to broadcast as in Keras
 * (`torch.broadcastOperand`: lower-rank inputs get size-1 axes after the batch axis, in the
 * layout the file holds the output in), e.g. Maximum of three: `torch.maximum(torch.maximum(a, b), c)`.
 */
export function mergeTorch(kind: ElementwiseMerge): torch.Hooks {
  return {
    plan: (ctx) => ({
      steps: [
        {
          fn: (_, ins) =>
            torchMergeExpr(
              kind,
              ins.map((v, i) => torch.broadcastOperand(v, ctx.inputs[i]!.shape, ctx.output.shape)),
            ),
        },
      ],
    }),
  };
}

/**
 * The inputs of an element-wise ONNX node at the output's rank: ONNX broadcasts from the last
 * axis with the batch axis counted, Keras inserts the missing axes after the batch axis, so a
 * shorter input is reshaped first: `(N, 3)` → `(N, 1, 1, 3)` for a `(4, 4, 3)` output.
 */
export function liftedInputs(ctx: onnx.ExportContext): string[] {
  const { g, op, ins } = ctx;
  const rank = op.outputShape.length;
  return ins.map((t, i) => {
    const shape = op.inputShapes[i]!;
    if (shape.length === rank) return t;
    const target = [0, ...Array<number>(rank - shape.length).fill(1), ...shape];
    return g.node(
      `${op.name}/Expand${i}`,
      'Reshape',
      [t, g.int64s(`${op.name}/shape${i}`, target)],
      `${op.name}/Expand${i}`,
    );
  });
}

/**
 * ONNX: `Mul` (chained for more than two inputs: ONNX Mul takes two), `Sub`, and the variadic
 * `Mean`, `Max`, `Min` (onnx/docs/Operators.md), on inputs lifted to the output's rank.
 */
const ONNX_OP: Record<ElementwiseMerge, string> = {
  Multiply: 'Mul',
  Subtract: 'Sub',
  Average: 'Mean',
  Maximum: 'Max',
  Minimum: 'Min',
};

/**
 * Netwright's own merge block of `kind` (the export below), read whole at its first node: the
 * `<block>/Expand<i>` Reshapes that lift input i to the output's rank, then one node (`Sub`,
 * `Mean`, `Max`, `Min`) or a chain `<block>/Mul0`, `<block>/Mul1`, … of two-input `Mul`s. The
 * block's inputs are the chain's leaves in order, each seen through its Expand. Declines a node
 * of any other block.
 */
function importMergeBlock(
  kind: ElementwiseMerge,
  node: onnx.DecodedNode,
  ctx: onnx.ImportContext,
): boolean | void {
  if (!ctx.ours) return false;
  const name = ctx.layerNameOf(node);
  const block = ctx.blockNodes(node);
  if (block[0] !== node) return false;
  const core = block.filter((b) =>
    kind === 'Multiply'
      ? /^\/Mul\d+$/.test(b.name.slice(name.length))
      : b.name === `${name}/${ONNX_OP[kind]}`,
  );
  const expands = block.filter((b) => /^\/Expand\d+$/.test(b.name.slice(name.length)));
  if (core.length === 0 || core.length + expands.length !== block.length) return false;
  if (core.some((b) => b.opType !== ONNX_OP[kind] || b.inputs.some((t) => ctx.inits.has(t))))
    return false;
  const produced = new Map(block.flatMap((b) => b.outputs.map((o) => [o, b] as const)));
  const leaves = core.flatMap((b) =>
    b.inputs
      .filter((t) => !core.some((c) => c.outputs.includes(t)))
      .map((t) => {
        const p = produced.get(t);
        return p ? p.inputs[0]! : t;
      }),
  );
  const ins = leaves.map((t) => ctx.stateOf(node, t));
  for (const st of ins) ctx.requireChannelsLast(st, kind);
  ctx.addLayer({ ...node, outputs: [name] }, kind, {}, ins, null);
  ctx.take(block);
}

/** Merge kinds whose ONNX two-input node a file chains for more inputs (`a + b + c`). */
const CHAINED: ReadonlySet<string> = new Set(['Add', 'Multiply', 'Maximum', 'Minimum']);

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * An element-wise ONNX merge node (`Add`, `Sum`, `Sub`, `Mul`, `Mean`, `Max`, `Min`) of data
 * tensors read as one block of `kind` (Add, Subtract, Multiply, Average, Maximum, Minimum); one
 * input is the same tensor (`alias`). Exact only where ONNX and Keras compute the same thing:
 * - inputs in one layout (all channels-last, or all in the same other layout, e.g. two NCHW
 *   conv outputs of a PyTorch residual link: the block then runs on the channels-last maps and
 *   its output keeps that layout); mixed layouts are refused;
 * - in a file Netwright did not write, inputs of one rank: ONNX broadcasts from the last axis
 *   counting the batch axis, Keras puts a shorter input's missing axes after the batch axis, so
 *   inputs of different ranks mean different things and are refused (Netwright's own files lift
 *   them first, see `liftedInputs`);
 * - in such a file, a chain of two-input nodes (`torch.onnx.export` writes `a + b + c` as
 *   `Add(Add(a, b), c)`) becomes one block with every input, when the inner node's result is read
 *   by nothing else, was made by a block of the same kind that nothing has read yet, and has the
 *   shape of the other inputs (no broadcasting across the chain).
 * Throws `onnx.Unsupported` naming the operator for what it refuses.
 */
export function importElementwise(
  kind: string,
  node: onnx.DecodedNode,
  ctx: onnx.ImportContext,
): void {
  const ins = node.inputs.map((t) => ctx.stateOf(node, t));
  if (ins.length < 2) return ctx.alias(node, ins[0]!);
  const perm = ins[0]!.perm;
  const oneLayout =
    ins.every((st) => !st.torchIndex && onnx.samePerm(st.perm, perm)) &&
    ins.every((st) => st.shape.length === ins[0]!.shape.length);
  if (!oneLayout || perm.every((v, i) => v === i))
    for (const st of ins) ctx.requireChannelsLast(st, node.opType);
  if (!ctx.ours && ins.some((st) => st.shape.length !== ins[0]!.shape.length))
    throw new onnx.Unsupported(
      `${node.opType} of tensors of different ranks (${ins.map((st) => `(N, ${st.shape.join(', ')})`).join(', ')}): ONNX broadcasts from the last axis counting the batch axis, Keras inserts the missing axes after it`,
    );
  if (!ctx.ours && CHAINED.has(kind)) {
    const at = ins.findIndex((st, i) => {
      const prev = ctx.layer(st.layer);
      return (
        prev?.type === kind &&
        ctx.isOpen(prev.name) &&
        ctx.consumers(node.inputs[i]) === 1 &&
        ins.every((o) => sameShape(o.shape, st.shape))
      );
    });
    if (at >= 0) {
      const prev = ctx.layer(ins[at]!.layer)!;
      prev.inputs.push(...ins.filter((_, i) => i !== at).map((st) => st.layer));
      return ctx.alias(node, ins[at]!);
    }
  }
  ctx.addLayer(node, kind, {}, ins, oneLayout ? perm : null);
}

export function mergeOnnx(kind: ElementwiseMerge): onnx.Hooks {
  return {
    import: [
      {
        ops: [ONNX_OP[kind], 'Reshape'],
        first: true,
        match: (node, ctx) => importMergeBlock(kind, node, ctx),
      },
      {
        ops: [ONNX_OP[kind]],
        // Element-wise on channels-last tensors; a constant operand (a scale, a cap) is another
        // kind's, so the claim declines it.
        match: (node, ctx) => {
          if (node.inputs.some((t) => ctx.inits.has(t))) return false;
          importElementwise(kind, node, ctx);
        },
      },
    ],
    export: (ctx) => {
      const { g, op } = ctx;
      const n = op.name;
      const xs = liftedInputs(ctx);
      switch (kind) {
        case 'Multiply':
          return xs
            .slice(1)
            .reduce(
              (acc, x, i) =>
                g.node(`${n}/Mul${i}`, 'Mul', [acc, x], i === xs.length - 2 ? n : `${n}/Mul${i}`),
              xs[0]!,
            );
        case 'Subtract':
          return g.node(`${n}/Sub`, 'Sub', xs, n);
        case 'Average':
          return g.node(`${n}/Mean`, 'Mean', xs, n);
        case 'Maximum':
          return g.node(`${n}/Max`, 'Max', xs, n);
        case 'Minimum':
          return g.node(`${n}/Min`, 'Min', xs, n);
      }
    },
  };
}

/**
 * TF.js: tfjs-layers' `multiply` and `average` (Keras's broadcasting rule, tfjs-layers
 * src/layers/merge.ts `Merge`); Subtract (tfjs-layers has none), Maximum and Minimum (whose
 * tfjs-core gradients fail when inputs broadcast) are `mixing-tfjs.ts`'s layers. FLOPs: one per output value per input after the first (Average: one more, the
 * division).
 */
export function mergeTfjs(kind: ElementwiseMerge): tfjs.Hooks {
  return {
    layers: (tf, op) => {
      const name = op.name;
      switch (kind) {
        case 'Multiply':
          return [tf.layers.multiply({ name })];
        case 'Subtract':
          return [new (mixingLayers(tf).Subtract)({ name })];
        case 'Average':
          return [tf.layers.average({ name })];
        case 'Maximum':
          return [new (mixingLayers(tf).Maximum)({ name })];
        case 'Minimum':
          return [new (mixingLayers(tf).Minimum)({ name })];
      }
    },
    forwardFlops: (op) => (op.inputShapes.length - (kind === 'Average' ? 0 : 1)) * tfjs.outSize(op),
  };
}

const CARDS: Record<ElementwiseMerge, explain.Card> = {
  Multiply: {
    title: 'Multiply',
    what: 'Multiplies its inputs element by element. Sizes must match, or be 1, on each axis counted from the last (Keras broadcasting).',
    formula: 'y = x₁ · x₂ · …',
    when: 'Gating: one branch (e.g. a sigmoid) scales another, as in attention and LSTM-style gates.',
  },
  Subtract: {
    title: 'Subtract',
    what: 'Subtracts its second input from its first, element by element. Sizes must match, or be 1, on each axis counted from the last.',
    formula: 'y = x₁ − x₂',
    when: 'Differences between two branches, e.g. comparing two encodings (Siamese networks).',
  },
  Average: {
    title: 'Average',
    what: 'Averages its inputs element by element. Sizes must match, or be 1, on each axis counted from the last.',
    formula: 'y = (x₁ + x₂ + … + xₙ) / n',
    when: 'Ensembles: averaging the predictions of several branches.',
  },
  Maximum: {
    title: 'Maximum',
    what: 'Keeps, at every position, the largest value among its inputs. Sizes must match, or be 1, on each axis counted from the last.',
    formula: 'y = max(x₁, x₂, …) element by element',
    when: 'Merging branches by their strongest response (maxout-style).',
  },
  Minimum: {
    title: 'Minimum',
    what: 'Keeps, at every position, the smallest value among its inputs. Sizes must match, or be 1, on each axis counted from the last.',
    formula: 'y = min(x₁, x₂, …) element by element',
    when: 'Merging branches by their weakest response, e.g. a pessimistic ensemble.',
  },
};

/** The explanation of an element-wise merge; it passes feature maps through. */
export function mergeExplain(kind: ElementwiseMerge): explain.Hooks {
  return { card: CARDS[kind], featureMapOutput: true };
}
