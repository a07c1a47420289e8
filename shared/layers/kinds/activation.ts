import { TORCH_ACTIVATION, type ActivationName } from '../activations.ts';
import { activationParam } from '../common.ts';
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

const tfjsHooks: tfjs.Hooks = {
  // TF.js has no 'leaky_relu' activation string: one LeakyReLU layer carrying the op name.
  layers: (tf, op) =>
    op.params.activation === 'leaky_relu'
      ? [tf.layers.leakyReLU({ name: op.name, alpha: tfjs.LEAKY_RELU_SLOPE })]
      : [
          tf.layers.activation({
            name: op.name,
            activation: op.params.activation as tfjs.ActivationIdentifier,
          }),
        ],
  forwardFlops: (op) => tfjs.activationFlopsPerElement(op.params.activation) * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = onnx.TODO;

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Activation',
    what: 'Applies a non-linear function to every value separately. Without non-linearities, stacked layers collapse into one linear map.',
    formula: 'relu(x) = max(0, x); sigmoid(x) = 1 / (1 + e^−x); softmax(x)ᵢ = e^xᵢ / Σⱼ e^xⱼ',
    when: 'After a layer without its own activation; softmax at the end of a classifier.',
  },
  digest: (p) => String(p.activation ?? ''),
  outputActivation: (p) => p.activation as string,
  featureMapOutput: true,
};

// ─── end explain ───

export const ActivationLayer: LayerDef = {
  type: 'Activation',
  group: 'Activations',
  kerasName: 'Activation',
  torchName: 'nn.ReLU',
  summary: 'Applies a non-linear function to every value, e.g. relu(x) = max(0, x).',
  params: [activationParam('relu')],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  torchNameFor: (p) =>
    (TORCH_ACTIVATION[p.activation as ActivationName] ?? 'nn.Identity()').replace(/\(.*\)$/, ''),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
