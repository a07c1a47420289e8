import { activationParam, paddingParam } from '../common.ts';
import { requireSequence, sizeParam, slideWindow1D } from '../conv1d-common.ts';
import { conv1DImport, kerasSize1D, writeCall1D } from '../conv1d-hooks.ts';
import type { LayerDef } from '../types.ts';
import { ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasCallStyle: keras.CallStyle = {
  positional: ['filters', 'kernel_size'],
  defaults: { strides: [1], padding: 'valid', activation: 'linear', use_bias: true },
};

const kerasConfig = (op: Parameters<keras.Hooks['config']>[0]): keras.KerasLayerConfig => {
  const p = op.params;
  return {
    className: 'Conv1D',
    config: {
      name: op.name,
      filters: p.filters as number,
      kernel_size: [p.kernel_size as number],
      strides: [p.strides as number],
      padding: p.padding as string,
      activation: p.activation as string,
      use_bias: p.use_bias as boolean,
    },
  };
};

// Keras 3 Conv1D: kernel_size and strides are 1-tuples in the config; written as ints in code.
const kerasHooks: keras.Hooks = {
  classNames: ['Conv1D', 'Convolution1D'],
  config: kerasConfig,
  callStyle: kerasCallStyle,
  expression: (op) =>
    writeCall1D(kerasConfig(op), {
      ...kerasCallStyle,
      defaults: { ...kerasCallStyle.defaults, strides: 1 },
    }),
  signature: [
    'filters',
    'kernel_size',
    'strides',
    'padding',
    'data_format',
    'dilation_rate',
    'groups',
    'activation',
    'use_bias',
  ],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    if (c.dilation_rate !== undefined && kerasSize1D(c.dilation_rate, 'dilation_rate') !== 1)
      throw new keras.Unsupported('dilation');
    if ((c.groups ?? 1) !== 1) throw new keras.Unsupported('grouped convolution');
    if (c.padding !== undefined && c.padding !== 'valid' && c.padding !== 'same')
      throw new keras.Unsupported(`padding ${String(c.padding)}`);
    return {
      params: {
        filters: c.filters,
        kernel_size: kerasSize1D(c.kernel_size, 'kernel_size'),
        strides: kerasSize1D(c.strides ?? 1, 'strides'),
        padding: c.padding ?? 'valid',
        activation: keras.activationOf(c.activation),
        use_bias: c.use_bias ?? true,
      },
    };
  },
  weightOrder: ['kernel', 'bias'],
  splitsActivation: true,
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

// The value is held as Keras holds it, (N, steps, C); nn.Conv1d wants (N, C, steps): permute in,
// convolve, permute back (layout.ts, spatial rank 1).
const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
    // groups=1, bias=True, padding_mode='zeros'): pytorch.org/docs/stable/generated/torch.nn.Conv1d.html
    modules: {
      Conv1d: [
        'in_channels',
        'out_channels',
        'kernel_size',
        'stride',
        'padding',
        'dilation',
        'groups',
        'bias',
        'padding_mode',
      ],
    },
    layout: 'channels-first-1d',
    read: ({ args, input }) => {
      torch.onlyDefault(args, 'dilation', 1, [1]);
      torch.onlyDefault(args, 'groups', 1);
      torch.onlyDefault(args, 'padding_mode', 'zeros');
      const inFeatures = torch.needInt(args, 'in_channels');
      const kernel = torch.readInt(args.kernel_size, 'kernel_size');
      const stride = torch.readInt(args.stride ?? 1, 'stride');
      return {
        params: {
          filters: torch.needInt(args, 'out_channels'),
          kernel_size: kernel,
          strides: stride,
          padding: torch.readPadding(
            Array.isArray(args.padding) ? args.padding : args.padding,
            [kernel],
            [stride],
            input,
            1,
          ),
          activation: 'linear',
          use_bias: torch.readBool(args.bias, 'bias', true),
        },
        inFeatures,
        inputShape: [null, inFeatures],
      };
    },
  },
  plan: (ctx) => {
    const p = ctx.op.params;
    const input = ctx.inputs[0]!.shape;
    const k = p.kernel_size as number;
    const stride = p.strides as number;
    const args = [`${input[1]}`, `${p.filters}`, `kernel_size=${k}`];
    const modules: torch.Step[] = [];
    const notes = [
      'Keras holds sequences as (N, steps, channels); nn.Conv1d wants (N, channels, steps).',
    ];
    if (stride !== 1) args.push(`stride=${stride}`);
    if (p.padding === 'same') {
      const pads = torch.windowPads(input, 1, [k], [stride], 'same');
      if (stride === 1) args.push('padding="same"');
      else if (pads.symmetric) {
        if (pads.any) args.push(`padding=${pads.padding}`);
      } else {
        notes.push("TensorFlow's 'same' padding with stride > 1 pads more at the end.");
        modules.push({ module: `nn.ConstantPad1d(${pads.fPad}, 0.0)` });
      }
    }
    if (!p.use_bias) args.push('bias=False');
    modules.push({ module: `nn.Conv1d(${args.join(', ')})`, weights: true });
    return torch.join(
      {
        steps: [
          torch.permuteStep(torch.toChannelsFirst(1)),
          ...modules,
          torch.permuteStep(torch.toChannelsLast(1)),
        ],
        notes,
      },
      ctx.activation(p.activation as string, false),
    );
  },
  weights: () => ({
    note: 'Conv1D kernels: Keras [kernel, in, out] → nn.Conv1d [out, in, kernel].',
    arrays: {
      kernel: [{ attr: 'weight', axes: torch.kernelToChannelsFirst(1) }],
      bias: [{ attr: 'bias' }],
    },
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op, ctx) =>
    tfjs.withActivation(tf, op, (activation) =>
      tf.layers.conv1d({
        name: op.name,
        filters: op.params.filters as number,
        kernelSize: op.params.kernel_size as number,
        strides: op.params.strides as number,
        padding: op.params.padding as 'valid' | 'same',
        activation,
        useBias: op.params.use_bias as boolean,
        ...tfjs.kernelInit(tf, ctx),
      }),
    ),
  // kernel [kernel_size, in channels, filters], bias [filters].
  weights: (op) =>
    tfjs.kernelAndBias(op, [
      op.params.kernel_size as number,
      tfjs.lastAxis(op),
      op.params.filters as number,
    ]),
  // One multiply-add per kernel tap and input channel for each output value.
  forwardFlops: (op) =>
    2 * (op.params.kernel_size as number) * tfjs.lastAxis(op) * tfjs.outSize(op) +
    tfjs.biasAndActivationFlops(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Transpose NWC → NCW, Conv (kernel (k, in, out) → (out, in, k), TF 'same' pads), Transpose
  // back, activation.
  export: ({ g, op, ins, weight }) => {
    const n = op.name;
    const p = op.params;
    const kernel = weight('kernel');
    const act = p.activation as string;
    const k = [p.kernel_size as number];
    const strides = [p.strides as number];
    const t = g.node(`${n}/ToNCW`, 'Transpose', [ins[0]!], `${n}/ToNCW`, [
      onnx.ints('perm', onnx.layout.toChannelsFirst(1)),
    ]);
    const perm = onnx.layout.kernelToChannelsFirst(1);
    const convIns = [
      t,
      g.floats(
        `${n}/kernel`,
        perm.map((a) => kernel.shape[a]!),
        onnx.layout.transposeArray(kernel.data, kernel.shape, perm),
      ),
    ];
    if (p.use_bias) {
      const bias = weight('bias');
      convIns.push(g.floats(`${n}/bias`, bias.shape, bias.data));
    }
    const pads = onnx.layout.spatialPads(op.inputShapes[0]!, 1, k, strides, p.padding as string);
    const c = g.node(`${n}/Conv`, 'Conv', convIns, `${n}/Conv`, [
      onnx.ints('kernel_shape', k),
      onnx.ints('strides', strides),
      onnx.ints('pads', onnx.layout.onnxPads(pads)),
      onnx.ints('dilations', [1]),
      onnx.int('group', 1),
    ]);
    const back = g.node(`${n}/ToNWC`, 'Transpose', [c], act === 'linear' ? n : `${n}/ToNWC`, [
      onnx.ints('perm', onnx.layout.toChannelsLast(1)),
    ]);
    return g.activation(act, back, n, n);
  },
  import: [conv1DImport],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Conv1D (1-D convolution)',
    what: 'Slides small learned filters along the steps of a sequence; each filter detects one local pattern (a rise, a spike, a word pair) and makes one output channel.',
    formula:
      'y[t, f] = activation(Σ over the k steps of the window and the input channels of x · W_f + b_f)',
    when: 'For sequences: time series, audio, token embeddings. Cheaper than a recurrent layer and sees patterns wherever they occur.',
  },
  arithmetic: (p, [input]) => {
    const k = p.kernel_size as number;
    const c = explain.last(input!);
    const f = p.filters as number;
    const weights = k * c * f;
    return {
      params: p.use_bias
        ? `${k} × ${c} channels × ${f} filters + ${f} biases = ${explain.count(weights + f)}`
        : `${k} × ${c} channels × ${f} filters = ${explain.count(weights)} (no bias)`,
      shape: explain.windowShape(input!, [k], [p.strides as number], p.padding as string),
    };
  },
  digest: (p) =>
    explain.joinDigest([
      p.filters,
      p.kernel_size ? `k${p.kernel_size}` : '',
      explain.nonLinear(p.activation),
    ]),
};

// ─── end explain ───

/**
 * Keras 3 `Conv1D(filters, kernel_size, strides=1, padding="valid", activation=None,
 * use_bias=True)` (keras.io/api/layers/convolution_layers/convolution1d/): `(steps, C)` →
 * `(steps', filters)`. Fixed: dilation_rate 1, groups 1, channels last, glorot_uniform kernel and
 * zeros bias; 'causal' padding is not offered.
 */
export const Conv1DLayer: LayerDef = {
  type: 'Conv1D',
  group: 'Convolution',
  kerasName: 'Conv1D',
  torchName: 'nn.Conv1d',
  summary: 'Slides small learned filters along a sequence; each filter makes one output channel.',
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', default: 32, min: 1, max: 65_536 },
    sizeParam('kernel_size', 'Kernel size', 3),
    sizeParam('strides', 'Strides', 1),
    paddingParam,
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireSequence('Conv1D', input!);
    if (bad) return bad;
    const slid = slideWindow1D(
      'Conv1D',
      input![0]!,
      p.kernel_size as number,
      p.strides as number,
      p.padding as string,
    );
    return slid.ok ? ok([slid.steps, p.filters as number]) : slid.result;
  },
  // Kernel (kernel_size, channels, filters) plus bias (filters)
  // (keras/src/layers/convolutional/base_conv.py `build`).
  paramCount: ([input], p) => {
    const filters = p.filters as number;
    const channels = input![1] ?? 0;
    return {
      trainable: (p.kernel_size as number) * channels * filters + (p.use_bias ? filters : 0),
      nonTrainable: 0,
    };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
