/**
 * TF.js Layers format export: `model.json` (topology + weights manifest) and one binary shard
 * `group1-shard1of1.bin`, the layout `tf.loadLayersModel('…/model.json')` reads.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelIR } from '../ir/lower.ts';
import { buildModel } from '../tfjs/build-model.ts';
import { setModelWeights, type ModelWeights } from './weights.ts';

export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';

export interface TfjsLayersFiles {
  /** Text of `model.json`. */
  modelJson: string;
  /** Bytes of `group1-shard1of1.bin`, the file named in the manifest. */
  weights: Uint8Array;
}

/** Saves a TF.js model in the Layers format, in memory. */
export async function tfjsLayersFiles(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
): Promise<TfjsLayersFiles> {
  let files: TfjsLayersFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const buffer =
        data === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(data);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: 'Netwright',
        convertedBy: null,
        weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      files = { modelJson: `${JSON.stringify(json)}\n`, weights: new Uint8Array(buffer) };
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: buffer.byteLength,
        },
      };
    }),
  );
  if (!files) throw new Error('TF.js export: the model was not saved');
  return files;
}

/** Builds the TF.js model for `ir`, loads `weights` into it and saves it in the Layers format. */
export async function exportTfjsLayers(
  tf: typeof tfjs,
  ir: ModelIR,
  weights: ModelWeights,
): Promise<TfjsLayersFiles> {
  const model = buildModel(tf, ir);
  try {
    setModelWeights(tf, model, ir, weights);
    return await tfjsLayersFiles(tf, model);
  } finally {
    model.dispose();
  }
}
