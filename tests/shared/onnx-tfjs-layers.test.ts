// TF.js Layers format export (lives with the ONNX tests: same exporter family and helpers).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TFJS_WEIGHTS_FILE, exportTfjsLayers } from '../../shared/export/tfjs-layers.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import type { ModelIR } from '../../shared/ir/lower.ts';
import { everyOpGraph, lower, modelWithRandomWeights, randomArray, rng } from './onnx-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

/** An IOHandler that reads the two files as a browser or Node file loader would. */
function filesHandler(modelJson: string, files: Record<string, Uint8Array>): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(modelJson);
      const manifest: tf.io.WeightsManifestConfig = json.weightsManifest;
      const buffers = manifest.flatMap((group) =>
        group.paths.map((p) => {
          const bytes = files[p];
          if (!bytes) throw new Error(`missing ${p}`);
          return bytes.slice().buffer;
        }),
      );
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        weightSpecs: manifest.flatMap((group) => group.weights),
        weightData: tf.io.CompositeArrayBuffer.join(buffers),
      };
    },
  };
}

async function roundTrip(ir: ModelIR): Promise<void> {
  const { model, weights } = await modelWithRandomWeights(ir, 11);
  const files = await exportTfjsLayers(tf, ir, weights);
  const json = JSON.parse(files.modelJson);
  expect(json.format).toBe('layers-model');
  expect(json.weightsManifest[0].paths).toEqual([TFJS_WEIGHTS_FILE]);
  const loaded = await tf.loadLayersModel(
    filesHandler(files.modelJson, { [TFJS_WEIGHTS_FILE]: files.weights }),
  );
  expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
  const shape = ir.ops[0]!.params.shape as number[];
  const x = tf.tensor(randomArray(4 * shape.reduce((a, b) => a * b, 1), rng(2)), [4, ...shape]);
  const a = (model.predict(x) as tf.Tensor).dataSync();
  const b = (loaded.predict(x) as tf.Tensor).dataSync();
  expect(Array.from(b)).toEqual(Array.from(a));
  tf.dispose(x);
  model.dispose();
  loaded.dispose();
}

describe('TF.js Layers export', () => {
  it.each(TEMPLATES.map((t) => t.id))(
    'template %s: tf.loadLayersModel loads it and predicts identically',
    async (id) => roundTrip(lower(loadTemplate(id).graph)),
  );
  it('every-op graph (leaky_relu split layers, BatchNorm stats) round-trips', async () =>
    roundTrip(lower(everyOpGraph())));
});
