import { formatShape, shapeSize } from '../../shape.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import { requireMaxRank } from '../common.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Reshape'],
  // The IR-resolved target shape: a -1 replaced by its size, as Keras computes it.
  config: (op) => ({
    className: 'Reshape',
    config: { name: op.name, target_shape: [...op.outputShape] },
  }),
  callStyle: { positional: ['target_shape'], defaults: {} },
  fromConfig: (c) => ({ params: { target_shape: c.target_shape } }),
  weightOrder: [],
};

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

export const ReshapeLayer: LayerDef = {
  type: 'Reshape',
  group: 'Core',
  kerasName: 'Reshape',
  torchName: 'torch.reshape',
  summary: 'Rearranges the same values into a new shape; one size may be -1 to be inferred.',
  params: [
    {
      name: 'target_shape',
      label: 'Target shape',
      kind: 'shape',
      default: [28, 28, 1],
      allowInferred: true,
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const target = p.target_shape as number[];
    const tooDeep = requireMaxRank('Reshape', target);
    if (tooDeep) return tooDeep;
    const size = shapeSize(input!);
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (target.includes(-1)) {
      if (size % known !== 0) {
        return {
          ok: false,
          code: 'E002',
          message: `Reshape cannot fit ${size} values into ${target.join('×')}: ${size} is not a multiple of ${known}`,
        };
      }
      return ok(target.map((d) => (d === -1 ? size / known : d)));
    }
    if (known !== size) {
      return {
        ok: false,
        code: 'E002',
        message: `Reshape to ${formatShape(target)} needs ${known} values but its input ${formatShape(input!)} has ${size}`,
      };
    }
    return ok(target);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
