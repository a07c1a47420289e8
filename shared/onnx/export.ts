/**
 * IR + weights → ONNX (opset 17, IR version 8), pure TypeScript.
 *
 * Each op is written by its layer kind's `onnx.export` hook (`shared/layers/backends/onnx.ts`
 * says what a hook receives and returns); this driver walks the ops, names the graph input after
 * the Input op and the graph output after the output op.
 *
 * Layout: tensors stay channels-last (NHWC) as in the app; kinds whose ONNX operator wants
 * channels-first wrap it in Transpose to channels-first and back, so Flatten, Reshape,
 * Concatenate and Dense see Keras's element order. The batch dimension is symbolic (`batch`).
 *
 * Naming (the importer relies on it to rebuild blocks exactly): the graph input is named after the
 * Input op, each op's output tensor carries the op name, and every node and initializer of an op
 * is named `<op name>/<part>`.
 */
import type { IrOp, ModelIR } from '../ir/lower.ts';
import { getLayer } from '../layers/registry.ts';
import { checkWeights, weightOf, type ModelWeights } from '../export/weights.ts';
import { GraphBuilder, ONNX_PRODUCER, OnnxExportError } from './graph.ts';
import {
  DataType,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  encodeModelSteps,
  type OnnxModel,
} from './proto.ts';
import {
  progressTicker,
  type ExportProgress,
  type ExportProgressCallback,
} from '../export/progress.ts';

export { ONNX_PRODUCER, OnnxExportError } from './graph.ts';

export interface OnnxExportOptions {
  /** Graph name; default `model`. */
  name?: string;
  producerVersion?: string;
  /**
   * Progress: `graph` reports (ops written of all ops), then `encode` reports (nodes and
   * initializers serialised of all), every 256 items and at each stage's end.
   */
  onProgress?: ExportProgressCallback;
}

/** How many items a step loop handles between progress reports. */
const STEP = 256;

/** One op through its kind's `onnx.export` hook; returns its output tensor. */
function emitOp(g: GraphBuilder, op: IrOp, ins: string[], weights: ModelWeights): string {
  const def = getLayer(op.type);
  if (!def)
    throw new OnnxExportError(`ONNX export: no ONNX form for block type "${op.type}" (${op.name})`);
  return def.onnx.export({ g, op, ins, weight: (name) => weightOf(weights, op.name, name) });
}

/** Builds the ONNX model (as a structure) from the IR and weights. */
export function buildOnnxModel(
  ir: ModelIR,
  weights: ModelWeights,
  options: OnnxExportOptions = {},
): OnnxModel {
  return drain(buildSteps(ir, weights, options), options.onProgress);
}

/** `buildOnnxModel` as steps: yields a `graph` report every `STEP` ops, returns the model. */
function* buildSteps(
  ir: ModelIR,
  weights: ModelWeights,
  options: OnnxExportOptions,
): Generator<ExportProgress, OnnxModel> {
  const problems = checkWeights(ir, weights);
  if (problems.length > 0) {
    throw new OnnxExportError(
      `ONNX export: the weights do not fit the model: ${problems.join('; ')}`,
    );
  }
  const input = ir.ops[0]!;
  const g = new GraphBuilder();
  const tensorOf = new Map<string, string>([[input.id, input.name]]);
  const total = ir.ops.length;
  for (let i = 1; i < total; i++) {
    const op = ir.ops[i]!;
    const ins = op.inputs.map((id) => tensorOf.get(id)!);
    tensorOf.set(op.id, emitOp(g, op, ins, weights));
    if (i % STEP === 0) yield { stage: 'graph', done: i, total };
  }
  yield { stage: 'graph', done: total, total };
  const last = ir.ops.find((op) => op.id === ir.outputId)!;
  let output = tensorOf.get(last.id)!;
  if (output !== last.name) output = g.node(`${last.name}/Output`, 'Identity', [output], last.name);
  return {
    irVersion: ONNX_IR_VERSION,
    opsets: [{ domain: '', version: ONNX_OPSET }],
    producerName: ONNX_PRODUCER,
    producerVersion: options.producerVersion ?? '0.1.0',
    graph: {
      name: options.name ?? 'model',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [
        {
          name: input.name,
          // An Input of dtype int32 (token ids) is an int32 graph input.
          elemType: input.params.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT,
          dims: ['batch', ...(input.params.shape as number[])],
        },
      ],
      outputs: [{ name: output, elemType: DataType.FLOAT, dims: ['batch', ...last.outputShape] }],
    },
    metadata: {},
  };
}

/** Runs steps to the end, passing each report to `onProgress`. */
function drain<T>(
  steps: Generator<ExportProgress, T>,
  onProgress: ExportProgressCallback | undefined,
): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    onProgress?.(r.value);
  }
}

/** Build and encode as one sequence of steps. */
function* exportSteps(
  ir: ModelIR,
  weights: ModelWeights,
  options: OnnxExportOptions,
): Generator<ExportProgress, Uint8Array> {
  const model = yield* buildSteps(ir, weights, options);
  return yield* encodeModelSteps(model, STEP);
}

/**
 * IR + weights → `model.onnx` bytes, synchronously. Throws `OnnxExportError` with a message on
 * bad weights. Time and memory are linear in the ops and weights (bench/big-graph.bench.ts).
 */
export function exportOnnx(
  ir: ModelIR,
  weights: ModelWeights,
  options: OnnxExportOptions = {},
): Uint8Array {
  return drain(exportSteps(ir, weights, options), options.onProgress);
}

/**
 * `exportOnnx` for a page: the same bytes, but the work pauses for a macrotask about every 50 ms
 * when `options.onProgress` is given, so the page repaints its progress bar and stays responsive.
 * Rejects with `OnnxExportError` on bad weights.
 */
export async function exportOnnxAsync(
  ir: ModelIR,
  weights: ModelWeights,
  options: OnnxExportOptions = {},
): Promise<Uint8Array> {
  const steps = exportSteps(ir, weights, options);
  const tick = progressTicker(options.onProgress);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await tick(r.value);
  }
}
