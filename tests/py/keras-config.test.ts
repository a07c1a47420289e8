/**
 * The generated Keras files compile (`py_compile`), and every layer call carries the config of
 * `kerasLayerConfig`, which equals the config of the TF.js model built from the same IR.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeras } from '../../shared/codegen/keras.ts';
import { kerasLayerConfig, type KerasValue } from '../../shared/codegen/keras-config.ts';
import type { Project } from '../../shared/graph/project.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { LEAKY_RELU_SLOPE } from '../../shared/layers/activations.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import { buildModel, leakyReluLayerName } from '../../shared/tfjs/build-model.ts';
import { assertKnownParams } from '../shared/graph-builder.ts';
import { CATALOGUE_PROJECTS } from './graphs.ts';
import { HARNESS, PYTHON_MISSING, python } from './python.ts';

const dir = mkdtempSync(join(tmpdir(), 'netwright-keras-'));

/** Keras's own signatures, written from its documentation: positional names and defaults. */
const KERAS_SIGNATURES: Record<
  string,
  { positional: string[]; defaults: Record<string, KerasValue> }
> = {
  Input: { positional: ['shape'], defaults: {} },
  Dense: {
    positional: ['units', 'activation', 'use_bias'],
    defaults: { activation: null, use_bias: true },
  },
  Conv2D: {
    positional: ['filters', 'kernel_size', 'strides', 'padding'],
    defaults: { strides: [1, 1], padding: 'valid', activation: null, use_bias: true },
  },
  MaxPooling2D: {
    positional: ['pool_size', 'strides', 'padding'],
    defaults: { pool_size: [2, 2], strides: null, padding: 'valid' },
  },
  AveragePooling2D: {
    positional: ['pool_size', 'strides', 'padding'],
    defaults: { pool_size: [2, 2], strides: null, padding: 'valid' },
  },
  Activation: { positional: ['activation'], defaults: {} },
  Dropout: { positional: ['rate'], defaults: {} },
  BatchNormalization: {
    positional: ['axis', 'momentum', 'epsilon'],
    defaults: { momentum: 0.99, epsilon: 0.001 },
  },
  LayerNormalization: { positional: ['axis', 'epsilon'], defaults: { epsilon: 0.001 } },
  Reshape: { positional: ['target_shape'], defaults: {} },
  Concatenate: { positional: ['axis'], defaults: { axis: -1 } },
  Flatten: { positional: [], defaults: {} },
  GlobalAveragePooling2D: { positional: [], defaults: {} },
  Add: { positional: [], defaults: {} },
};

const PAIRS = new Set(['kernel_size', 'strides', 'pool_size']);

interface Call {
  className: string;
  args: KerasValue[];
  kwargs: Record<string, KerasValue>;
}

/** The full config a Keras call means: positional args named, defaults filled, ints paired. */
function callConfig(call: Call): Record<string, KerasValue> {
  const sig = KERAS_SIGNATURES[call.className]!;
  const config: Record<string, KerasValue> = { ...sig.defaults };
  call.args.forEach((value, i) => (config[sig.positional[i]!] = value));
  Object.assign(config, call.kwargs);
  for (const key of Object.keys(config)) {
    const v = config[key];
    if (PAIRS.has(key) && typeof v === 'number') config[key] = [v, v];
  }
  if (config.activation === null) config.activation = 'linear';
  return config;
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function lower(project: Project): ModelIR {
  const result = lowerGraph(assertKnownParams(project.graph));
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.ir;
}

const projects: Project[] = [...TEMPLATES.map((t) => loadTemplate(t.id)), ...CATALOGUE_PROJECTS];
const files = projects.map((_, i) => join(dir, `keras_${i}.py`));
const variants = ['distributed', 'tensorboard', 'model only'] as const;
let calls: Record<string, Call[]> = {};

beforeAll(async () => {
  await tf.setBackend('cpu');
  projects.forEach((p, i) => {
    writeFileSync(
      files[i]!,
      generateKeras({ name: p.name, ir: lower(p), training: p.training }).code,
    );
  });
  const mnist = loadTemplate('mnist-cnn');
  variants.forEach((v) => {
    const code = generateKeras(
      { name: mnist.name, ir: lower(mnist), training: mnist.training },
      v === 'model only'
        ? { includeTraining: false }
        : { distributed: v === 'distributed', tensorboard: v === 'tensorboard' },
    ).code;
    writeFileSync(join(dir, `variant_${variants.indexOf(v)}.py`), code);
  });
  if (!PYTHON_MISSING) {
    const { stdout } = await python([HARNESS, 'keras-calls', ...files]);
    calls = JSON.parse(stdout) as Record<string, Call[]>;
  }
}, 120_000);
afterAll(() => tf.disposeVariables());

describe.skipIf(PYTHON_MISSING)('generated Keras', () => {
  it('every file compiles with py_compile', async () => {
    const all = [...files, ...variants.map((_, i) => join(dir, `variant_${i}.py`))];
    await python(['-m', 'py_compile', ...all], {
      env: { PYTHONPYCACHEPREFIX: join(dir, 'pycache') },
    });
  });

  it.each(projects.map((p, i) => [p.name, i] as const))(
    '%s: each layer call carries kerasLayerConfig and the TF.js config',
    (_name, i) => {
      const project = projects[i]!;
      const ir = lower(project);
      const fileCalls = calls[files[i]!]!;
      expect(fileCalls.map((c) => c.className)).toEqual(
        ir.ops.map((op) => kerasLayerConfig(op).className),
      );
      const model = buildModel(tf, ir);
      ir.ops.forEach((op, j) => {
        const expected = kerasLayerConfig(op);
        const written = callConfig(fileCalls[j]!);
        expect(written).toEqual(expected.config);
        if (op.type === 'Input') return;
        // The same config in the TF.js model built from the IR (keys in camelCase there).
        const leaky = expected.config.activation === 'leaky_relu';
        const layer = model.getLayer(op.name);
        const tfConfig = layer.getConfig();
        for (const [key, value] of Object.entries(expected.config)) {
          if (key === 'name') continue;
          let want: unknown = value;
          if (key === 'strides' && value === null) want = expected.config.pool_size;
          if (key === 'activation' && leaky) {
            if (op.type === 'Activation') {
              expect(layer.getClassName()).toBe('LeakyReLU');
              expect(tfConfig.alpha).toBeCloseTo(LEAKY_RELU_SLOPE);
              continue;
            }
            want = 'linear';
            const next = model.getLayer(leakyReluLayerName(op.name));
            expect(next.getConfig().alpha).toBeCloseTo(LEAKY_RELU_SLOPE);
          }
          expect([key, tfConfig[camel(key)]]).toEqual([key, want]);
        }
      });
      model.dispose();
    },
  );
});
