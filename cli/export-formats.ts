/**
 * The model formats of `netwright export`: onnx, tfjs, npz. Rows for the format table in
 * commands/export.ts. Weights: the project's trained `weights` when it has them, else freshly
 * initialised ones (seeded with the training seed) with a note on stderr.
 */
import { formatDiagnostic } from '../shared/diagnostics.ts';
import type { Project } from '../shared/graph/project.ts';
import { lowerGraph, type ModelIR } from '../shared/ir/lower.ts';
import { buildModel } from '../shared/tfjs/build-model.ts';
import { readModelWeights, type ModelWeights } from '../shared/export/weights.ts';
import { weightsFromSection } from '../shared/export/project-weights.ts';
import { exportOnnx } from '../shared/onnx/export.ts';
import { weightsToNpz } from '../shared/npz/npz.ts';
import { exportTfjsLayers, TFJS_WEIGHTS_FILE } from '../shared/export/tfjs-layers.ts';

type Tf = typeof import('@tensorflow/tfjs');

export type ModelExportResult =
  | { ok: true; files: Record<string, string | Uint8Array>; notes: string[] }
  | { ok: false; diagnostics: string[] };

export interface ModelExportFormat {
  description: string;
  build(project: Project): Promise<ModelExportResult>;
}

let tfPromise: Promise<Tf> | undefined;
/** TF.js on its CPU backend (exports need exact, not fast, maths). */
function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    return tf;
  })();
  return tfPromise;
}

/** The IR and the weights to export, or the reasons there are none. */
export async function modelAndWeights(
  project: Project,
): Promise<
  | { ok: true; ir: ModelIR; weights: ModelWeights; notes: string[]; tf: Tf }
  | { ok: false; diagnostics: string[] }
> {
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) return { ok: false, diagnostics: lowered.diagnostics.map(formatDiagnostic) };
  const ir = lowered.ir;
  const tf = await loadTf();
  if (project.weights !== undefined) {
    const stored = weightsFromSection(project.weights, ir);
    if (!stored.ok) {
      return {
        ok: false,
        diagnostics: [
          ...stored.problems,
          'The stored weights do not fit the graph: retrain, or remove the "weights" field to export fresh weights.',
        ],
      };
    }
    return { ok: true, ir, weights: stored.weights, notes: [], tf };
  }
  const model = buildModel(tf, ir, { seed: project.training.seed });
  try {
    const weights = await readModelWeights(model, ir);
    return {
      ok: true,
      ir,
      weights,
      tf,
      notes: [
        'note: the project has no trained weights; exporting freshly initialised ones (train it first for a useful model)',
      ],
    };
  } finally {
    model.dispose();
  }
}

export const MODEL_EXPORT_FORMATS: Record<string, ModelExportFormat> = {
  onnx: {
    description: 'model.onnx: ONNX opset 17 with the weights (NHWC input, dynamic batch)',
    async build(project) {
      const m = await modelAndWeights(project);
      if (!m.ok) return m;
      return {
        ok: true,
        notes: m.notes,
        files: { 'model.onnx': exportOnnx(m.ir, m.weights, { name: project.name }) },
      };
    },
  },
  tfjs: {
    description: `tfjs/model.json + tfjs/${TFJS_WEIGHTS_FILE}: TF.js Layers format (tf.loadLayersModel)`,
    async build(project) {
      const m = await modelAndWeights(project);
      if (!m.ok) return m;
      const files = await exportTfjsLayers(m.tf, m.ir, m.weights);
      return {
        ok: true,
        notes: m.notes,
        files: { 'tfjs/model.json': files.modelJson, [`tfjs/${TFJS_WEIGHTS_FILE}`]: files.weights },
      };
    },
  },
  npz: {
    description: 'weights.npz: numpy arrays <layer>/kernel, <layer>/bias, ... (Keras layouts)',
    async build(project) {
      const m = await modelAndWeights(project);
      if (!m.ok) return m;
      return { ok: true, notes: m.notes, files: { 'weights.npz': weightsToNpz(m.weights) } };
    },
  },
};
