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

const kerasHooks: keras.Hooks = keras.TODO;

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = torch.TODO;

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = tfjs.TODO;

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = onnx.TODO;

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = explain.TODO;

// ─── end explain ───

export const DotLayer: LayerDef = {
  type: 'Dot',
  group: 'Merge',
  kerasName: 'Dot',
  torchName: 'torch.matmul',
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
