import type { Diagnostic } from '../diagnostics.ts';
import { hasErrors } from '../diagnostics.ts';
import type { GraphAnalysis } from '../graph/analyze.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import type { Graph } from '../graph/types.ts';
import { getLayer } from '../layers/registry.ts';
import type { ParamCount, ResolvedParams } from '../layers/types.ts';
import type { Shape } from '../shape.ts';
import { blockNameMap } from './names.ts';

/** One layer of the model, with everything a back-end needs and nothing from the canvas. */
export interface IrOp {
  /** The graph node id. */
  id: string;
  /** Keras class name, e.g. `Dense`. */
  type: string;
  /**
   * The block's one name (`blockNames` in `./names.ts`: its stored name, else label, else id, made a
   * unique safe Python identifier), e.g. `dense_1`: the Keras/TF.js layer name, the PyTorch
   * attribute, the weights.npz key prefix and the ONNX node name.
   */
  name: string;
  /** What the user sees: the block's label or type. Unsafe text: escape before emitting. */
  label: string;
  params: ResolvedParams;
  /** Ids of the ops feeding this one, in port order. */
  inputs: string[];
  inputShapes: Shape[];
  outputShape: Shape;
  count: ParamCount;
}

/** The model as an ordered list of ops: one Input first, one output last. */
export interface ModelIR {
  ops: IrOp[];
  inputId: string;
  outputId: string;
  totals: { trainable: number; nonTrainable: number; total: number };
  /** True when every op but the Input has exactly one input and feeds the next op. */
  isChain: boolean;
}

export type LowerResult =
  | { ok: true; ir: ModelIR; analysis: GraphAnalysis }
  | { ok: false; diagnostics: Diagnostic[]; analysis: GraphAnalysis };

/** Lowers a graph to the IR. Fails with the graph's error diagnostics when it has any. */
export function lowerGraph(graph: Graph): LowerResult {
  return lowerAnalysis(analyzeGraph(graph));
}

/** Lowers an analysis already made (saves analysing the graph twice). */
export function lowerAnalysis(analysis: GraphAnalysis): LowerResult {
  if (
    hasErrors(analysis.diagnostics) ||
    analysis.inputIds.length !== 1 ||
    analysis.outputIds.length !== 1
  ) {
    return {
      ok: false,
      diagnostics: analysis.diagnostics.filter((d) => d.severity === 'error'),
      analysis,
    };
  }
  // Only ops that lead from the Input to the output; nodes already validated as reachable.
  const infos = analysis.order.map((id) => analysis.nodes.get(id)!).filter((i) => i.shape);
  const nameOf = blockNameMap([...analysis.nodes.values()].map((i) => i.node));
  const ops: IrOp[] = infos.map((info) => ({
    id: info.node.id,
    type: info.node.type,
    name: nameOf.get(info.node.id)!,
    label: info.node.label?.trim() || info.node.type,
    params: normaliseAxes(
      info.node.type,
      info.params,
      info.inputs.map((e) => analysis.nodes.get(e.source)!.shape!),
    ),
    inputs: info.inputs.map((e) => e.source),
    inputShapes: info.inputs.map((e) => analysis.nodes.get(e.source)!.shape!),
    outputShape: info.shape!,
    count: info.count!,
  }));
  const isChain = ops.every((op, i) =>
    i === 0 ? op.inputs.length === 0 : op.inputs.length === 1 && op.inputs[0] === ops[i - 1]!.id,
  );
  return {
    ok: true,
    analysis,
    ir: {
      ops,
      inputId: analysis.inputIds[0]!,
      outputId: analysis.outputIds[0]!,
      totals: analysis.totals,
      isChain,
    },
  };
}

/**
 * Axis-like parameters of a layer kind, as Keras counts them (axis 0 is the batch axis): the
 * kind's `tfjs.axisParams` hook (`shared/layers/backends/tfjs.ts`); undefined for none or an
 * unknown kind. Every one of them is made positive by `normaliseAxes` before any back-end sees it. The other
 * axis-like choices in the catalogue are not parameters: softmax and the normalisation layers
 * always act on the last (channels) axis, which each back-end spells itself (PyTorch: dim 1 on
 * NCHW maps).
 */
export function axisParams(type: string): readonly string[] | undefined {
  return getLayer(type)?.tfjs.axisParams;
}

/**
 * The params with every axis-like parameter (`axisParams`) made positive: a negative Keras axis
 * `a` on inputs of per-example rank `r` (batch axis not counted) becomes `r + 1 + a`, e.g.
 * Concatenate axis -2 on two `(N, 1, 2, 1)` tensors → axis 2; a list holds one axis per input,
 * each counted for that input's rank (Dot `axes` [-1, -1] on `(5, 3)` and `(4, 3)` → [2, 2]).
 * Positive axes are left alone.
 * Why: tfjs-layers 4.22 runs any negative Concatenate axis as -1 while reporting the symbolic
 * shape of the axis asked for, so the app would train another function than the ONNX/PyTorch
 * export; a positive axis means the same thing to every back-end. Shape inference has already
 * checked the axis exists. Returns a copy; never mutates `params`.
 */
export function normaliseAxes(
  type: string,
  params: ResolvedParams,
  inputShapes: readonly Shape[],
): ResolvedParams {
  const names = axisParams(type);
  const rank = inputShapes[0]?.length;
  if (!names || rank === undefined) return params;
  const out: ResolvedParams = { ...params };
  for (const name of names) {
    const axis = params[name];
    if (typeof axis === 'number' && axis < 0) out[name] = rank + 1 + axis;
    // One axis per input (Dot `axes`): each counted for its own input's rank.
    else if (Array.isArray(axis) && axis.every((a) => typeof a === 'number'))
      out[name] = (axis as number[]).map((a, i) => {
        const r = inputShapes[i]?.length ?? rank;
        return a < 0 ? r + 1 + a : a;
      });
  }
  return out;
}
