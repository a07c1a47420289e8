/**
 * One name per block (issue 13, item 3): Summary, the Keras and PyTorch code, TF.js layer names,
 * weights.npz keys, ONNX node names and Inside's step-through all use the same name, and renaming
 * a block renames it in every one. The expected names are written by hand from the template files
 * (the block ids); the generated code and the npz are read back with Python (`ast`, numpy), not
 * with Netwright's own parsers.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import { readModelWeights } from '../../shared/export/weights.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import type { Project } from '../../shared/graph/project.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { weightsToNpz } from '../../shared/npz/npz.ts';
import { buildOnnxModel } from '../../shared/onnx/export.ts';
import { formatSummary, summarizeModel } from '../../shared/summary.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel, opNameOfLayer } from '../../shared/tfjs/build-model.ts';
import { stepThrough } from '../../shared/tfjs/inspect.ts';
import { python } from '../shared/onnx-helpers.ts';
import { PYTHON_MISSING, needs } from './python.ts';

const withPython = needs(PYTHON_MISSING);
let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'netwright-names-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads generated Python with `ast`: Keras `name=` strings, `self.<attr> = ...`, npz keys in strings. */
const READ_CODE = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
names, attrs, keys = [], [], []
for node in ast.walk(tree):
    if isinstance(node, ast.Call):
        for kw in node.keywords:
            if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                names.append(kw.value.value)
    if isinstance(node, ast.Assign):
        for t in node.targets:
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                attrs.append(t.attr)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "/" in node.value \\
            and node.value.split("/")[-1] in ("kernel", "bias"):
        keys.append(node.value)
print(json.dumps({"names": names, "attrs": attrs, "keys": keys}))
`;

interface Read {
  names: string[];
  attrs: string[];
  keys: string[];
}

function readCode(project: Project, framework: 'keras' | 'pytorch'): Read {
  const result = generateCode(project, framework);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  const file = join(dir, `${framework}.py`);
  writeFileSync(file, result.code.code);
  return JSON.parse(python(READ_CODE, [file])) as Read;
}

async function namesEverywhere(project: Project) {
  const summary = summarizeModel(analyzeGraph(project.graph));
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) throw new Error(JSON.stringify(lowered.diagnostics));
  const ir = lowered.ir;
  const model = buildModel(tf, ir, { seed: 3 });
  try {
    const weights = await readModelWeights(model, ir);
    const npz = join(dir, 'weights.npz');
    writeFileSync(npz, weightsToNpz(weights));
    const npzKeys = JSON.parse(
      python(
        'import json, sys, numpy as np; print(json.dumps(sorted(np.load(sys.argv[1]).files)))',
        [npz],
      ),
    ) as string[];
    const onnx = buildOnnxModel(ir, weights);
    const inside = await stepThrough(tf, model, ir, new Float32Array(28 * 28));
    return {
      summary: summary.rows.map((r) => r.name),
      summaryText: formatSummary(summary),
      tfjs: [...new Set(model.layers.map((l) => opNameOfLayer(l.name)))],
      npzLayers: [...new Set(npzKeys.map((k) => k.split('/')[0]!))],
      npzKeys,
      onnxNodeOwners: [...new Set(onnx.graph.nodes.map((n) => n.name.split('/')[0]!))],
      onnxInput: onnx.graph.inputs[0]!.name,
      inside: inside.map((a) => a.opName),
      keras: readCode(project, 'keras'),
      pytorch: readCode(project, 'pytorch'),
    };
  } finally {
    model.dispose();
  }
}

// The MNIST CNN template's block ids, in file order (shared/templates/mnist-cnn.json); the Input's
// id `input` is a Python builtin, so its name is `input_layer`.
const CNN = ['input_layer', 'conv_1', 'pool_1', 'conv_2', 'pool_2', 'flatten', 'dropout', 'dense'];
const WEIGHTED = (names: string[]) => [names[1]!, names[3]!, names[7]!];

function expectAgreement(all: Awaited<ReturnType<typeof namesEverywhere>>, names: string[]) {
  expect(all.summary).toEqual(names);
  for (const name of names) expect(all.summaryText).toContain(`${name} (`);
  expect(all.tfjs).toEqual(names);
  expect(all.inside).toEqual(names);
  expect(all.keras.names).toEqual(names);
  expect(all.npzLayers.sort()).toEqual(WEIGHTED(names).sort());
  expect(all.npzKeys).toEqual(
    WEIGHTED(names)
      .flatMap((n) => [`${n}/bias`, `${n}/kernel`])
      .sort(),
  );
  // The Keras script's expected-weights table and the PyTorch loader use the same npz keys.
  expect([...new Set(all.pytorch.keys)].sort()).toEqual(all.npzKeys);
  // PyTorch: every module attribute is a block name, and every weighted block has one. (Input
  // and Flatten are not modules: the forward pass spells them inline.)
  for (const attr of all.pytorch.attrs) expect(names).toContain(attr);
  for (const name of WEIGHTED(names)) expect(all.pytorch.attrs).toContain(name);
  expect(all.onnxInput).toBe(names[0]);
  for (const owner of all.onnxNodeOwners) expect(names).toContain(owner);
  for (const name of WEIGHTED(names)) expect(all.onnxNodeOwners).toContain(name);
}

withPython.describe('one name per block across Summary, code, TF.js, npz, ONNX and Inside', () => {
  withPython.it(
    'MNIST CNN template: the block ids are the names everywhere',
    async () => {
      expectAgreement(await namesEverywhere(loadTemplate('mnist-cnn')), CNN);
    },
    120_000,
  );

  withPython.it(
    'a renamed and a relabelled block are renamed everywhere, others keep theirs',
    async () => {
      const project = loadTemplate('mnist-cnn');
      const nodes = project.graph.nodes;
      // Renamed in the inspector: the stored name wins.
      nodes.find((n) => n.id === 'dense')!.name = 'classifier';
      // A file from before names were stored: a label names its block.
      nodes.find((n) => n.id === 'conv_1')!.label = 'First Conv';
      // A stored name from a file that is not a safe identifier is sanitised, never emitted as is.
      nodes.find((n) => n.id === 'conv_2')!.name = 'class';
      const names = [...CNN];
      names[1] = 'first_conv';
      names[3] = 'class_layer';
      names[7] = 'classifier';
      expectAgreement(await namesEverywhere(project), names);
    },
    120_000,
  );
});
