import type { Shape } from '../../shape.ts';
import { formatShape } from '../../shape.ts';
import type { LayerDef, ResolvedParams } from '../types.ts';
import { ok } from '../types.ts';
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

/**
 * Shape of PReLU's `alpha` array for a per-example input shape: the input shape with every
 * shared axis (Keras numbering: 1 = first axis after the batch axis) set to 1, as in
 * keras/src/layers/activations/prelu.py `build`. E.g. `(4, 4, 3)`, shared_axes [1, 2] → `(1, 1, 3)`.
 */
export function preluAlphaShape(input: Shape, p: ResolvedParams): number[] {
  const shared = (p.shared_axes as number[] | null) ?? [];
  return input.map((d, i) => (shared.includes(i + 1) ? 1 : d));
}

export const PReLULayer: LayerDef = {
  type: 'PReLU',
  group: 'Activations',
  kerasName: 'PReLU',
  torchName: 'nn.PReLU',
  summary: 'Leaky relu whose negative slope is learned, one per value or shared along chosen axes.',
  params: [
    {
      name: 'shared_axes',
      label: 'Shared axes',
      kind: 'shape',
      default: null,
      nullable: true,
      help: 'Axes that share one slope, e.g. 1,2 for one slope per channel of an image; empty: one slope per value. Axis 1 is the first after the batch axis. The slopes start at 0.',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const shared = (p.shared_axes as number[] | null) ?? [];
    const bad = shared.find((a) => a > input!.length);
    if (bad !== undefined) {
      return {
        ok: false,
        code: 'E002',
        message: `PReLU shared axis ${bad} does not exist for input ${formatShape(input!)} (axes count from 1 after the batch axis)`,
      };
    }
    return ok(input!);
  },
  paramCount: ([input], p) => ({
    trainable: preluAlphaShape(input!, p).reduce((a, b) => a * b, 1),
    nonTrainable: 0,
  }),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
