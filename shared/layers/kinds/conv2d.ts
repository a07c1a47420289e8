import { activationParam, pairParam, paddingParam, requireImage, slideWindow } from '../common.ts';
import type { LayerDef } from '../types.ts';
import { ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Conv2D', 'Convolution2D'],
  config: (op) => {
    const p = op.params;
    return {
      className: 'Conv2D',
      config: {
        name: op.name,
        filters: p.filters as number,
        kernel_size: keras.tuple(p.kernel_size),
        strides: keras.tuple(p.strides),
        padding: p.padding as string,
        activation: p.activation as string,
        use_bias: p.use_bias as boolean,
      },
    };
  },
  callStyle: {
    positional: ['filters', 'kernel_size'],
    defaults: { strides: [1, 1], padding: 'valid', activation: 'linear', use_bias: true },
  },
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
    keras.checkNoDilation(c);
    if ((c.groups ?? 1) !== 1) throw new keras.Unsupported('grouped convolution');
    return {
      params: {
        filters: c.filters,
        kernel_size: keras.pair(c.kernel_size, 'kernel_size'),
        strides: keras.pair(c.strides ?? 1, 'strides'),
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

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
    // groups=1, bias=True, padding_mode='zeros'): pytorch.org/docs/stable/generated/torch.nn.Conv2d.html
    modules: {
      Conv2d: [
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
    read: ({ args, input }) => {
      torch.onlyDefault(args, 'dilation', 1, [1, 1]);
      torch.onlyDefault(args, 'groups', 1);
      torch.onlyDefault(args, 'padding_mode', 'zeros');
      const inFeatures = torch.needInt(args, 'in_channels');
      const kernel = torch.readPair(args.kernel_size, 'kernel_size');
      const strides = torch.readPair(args.stride ?? 1, 'stride');
      return {
        params: {
          filters: torch.needInt(args, 'out_channels'),
          kernel_size: kernel,
          strides,
          padding: torch.readPadding(args.padding, kernel, strides, input, 2),
          activation: 'linear',
          use_bias: torch.readBool(args.bias, 'bias', true),
        },
        inFeatures,
        inputShape: [null, null, inFeatures],
      };
    },
  },
  plan: (ctx) => {
    const p = ctx.op.params;
    const input = ctx.inputs[0]!.shape;
    const kernel = p.kernel_size as number[];
    const strides = p.strides as number[];
    const args = [`${input[2]}`, `${p.filters}`, `kernel_size=${torch.size(kernel)}`];
    const steps: torch.Step[] = [];
    const notes: string[] = [];
    if (strides.some((s) => s !== 1)) args.push(`stride=${torch.size(strides)}`);
    if (p.padding === 'same') {
      const pads = torch.windowPads(input, 2, kernel, strides, 'same');
      if (strides.every((s) => s === 1)) {
        args.push('padding="same"');
      } else if (pads.symmetric) {
        if (pads.any) args.push(`padding=${pads.padding}`);
      } else {
        notes.push(
          "TensorFlow's 'same' padding with stride > 1 pads more at the bottom and right.",
        );
        steps.push({ module: `nn.ZeroPad2d(${pads.fPad})` });
      }
    }
    if (!p.use_bias) args.push('bias=False');
    steps.push({ module: `nn.Conv2d(${args.join(', ')})`, weights: true });
    return torch.join({ steps, notes }, ctx.activation(p.activation as string, true));
  },
  weights: () => ({
    note: 'Conv2D kernels: Keras [height, width, in, out] → nn.Conv2d [out, in, height, width].',
    arrays: {
      kernel: [{ attr: 'weight', axes: torch.kernelToChannelsFirst(2) }],
      bias: [{ attr: 'bias' }],
    },
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op, ctx) =>
    tfjs.withActivation(tf, op, (activation) =>
      tf.layers.conv2d({
        name: op.name,
        filters: op.params.filters as number,
        kernelSize: op.params.kernel_size as [number, number],
        strides: op.params.strides as [number, number],
        padding: op.params.padding as 'valid' | 'same',
        activation,
        useBias: op.params.use_bias as boolean,
        ...tfjs.kernelInit(tf, ctx),
      }),
    ),
  // kernel [kh, kw, in channels, filters], bias [filters].
  weights: (op) => {
    const [kh, kw] = op.params.kernel_size as [number, number];
    return tfjs.kernelAndBias(op, [kh, kw, tfjs.lastAxis(op), op.params.filters as number]);
  },
  forwardFlops: (op) => {
    const [kh, kw] = tfjs.pair(op.params.kernel_size, [3, 3]);
    const channels = op.inputShapes[0]?.[2] ?? 0;
    return 2 * kh * kw * channels * tfjs.outSize(op) + tfjs.biasAndActivationFlops(op);
  },
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Transpose NHWC → NCHW, Conv (kernel (kh, kw, in, out) → (out, in, kh, kw), TF 'same' pads),
  // Transpose back, activation.
  export: ({ g, op, ins, weight }) => {
    const n = op.name;
    const p = op.params;
    const kernel = weight('kernel');
    const act = p.activation as string;
    const k = p.kernel_size as number[];
    const strides = p.strides as number[];
    const t = g.node(`${n}/ToNCHW`, 'Transpose', [ins[0]!], `${n}/ToNCHW`, [
      onnx.ints('perm', onnx.layout.toChannelsFirst(2)),
    ]);
    const perm = onnx.layout.kernelToChannelsFirst(2);
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
    const pads = onnx.layout.spatialPads(op.inputShapes[0]!, 2, k, strides, p.padding as string);
    const c = g.node(`${n}/Conv`, 'Conv', convIns, `${n}/Conv`, [
      onnx.ints('kernel_shape', k),
      onnx.ints('strides', strides),
      onnx.ints('pads', onnx.layout.onnxPads(pads)),
      onnx.ints('dilations', [1, 1]),
      onnx.int('group', 1),
    ]);
    const back = g.node(`${n}/ToNHWC`, 'Transpose', [c], act === 'linear' ? n : `${n}/ToNHWC`, [
      onnx.ints('perm', onnx.layout.toChannelsLast(2)),
    ]);
    return g.activation(act, back, n, n);
  },
  import: [
    {
      ops: ['Conv'],
      channelsFirst: ['Conv'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        if (s.shape.length === 2) return false; // a 1-D Conv: Conv1D's claim
        ctx.requireChannelsFirst(s, 'Conv');
        if (s.shape.length !== 3) throw new onnx.Unsupported('Conv that is not 2-D');
        const w = ctx.floatsOf(node.inputs[1], 'a kernel');
        if (w.dims.length !== 4) throw new onnx.Unsupported('Conv that is not 2-D');
        const [cout, cin, kh, kw] = w.dims as [number, number, number, number];
        // A grouped Conv: DepthwiseConv2D's (and SeparableConv2D's) claims.
        if ((ctx.attr(node, 'group')?.i ?? 1) !== 1) return false;
        if ((ctx.attr(node, 'dilations')?.ints ?? [1, 1]).some((d) => d !== 1))
          throw new onnx.Unsupported('dilated Conv');
        if (cin !== s.shape[2])
          throw new onnx.Unsupported(`Conv kernel for ${cin} channels on ${s.shape[2]}`);
        const strides = ctx.attr(node, 'strides')?.ints ?? [1, 1];
        const padding = ctx.windowPadding(node, s, [kh, kw], strides);
        const toKeras = onnx.layout.inversePermutation(onnx.layout.kernelToChannelsFirst(2));
        const weights: onnx.WeightTensor[] = [
          {
            name: 'kernel',
            shape: [kh, kw, cin, cout],
            data: onnx.layout.transposeArray(w.floats, w.dims, toKeras),
          },
        ];
        if (node.inputs[2])
          weights.push({
            name: 'bias',
            shape: [cout],
            data: ctx.floatsOf(node.inputs[2], 'a bias').floats,
          });
        ctx.addLayer(
          node,
          'Conv2D',
          {
            filters: cout,
            kernel_size: [kh, kw],
            strides,
            padding,
            activation: 'linear',
            use_bias: weights.length === 2,
          },
          [s],
          onnx.layout.toChannelsFirst(2),
          weights,
        );
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Conv2D (2-D convolution)',
    what: 'Slides small learned filters over the image; each filter detects one pattern (an edge, a curve) and makes one output channel.',
    formula: 'y[i, j, f] = activation(Σ over the k×k window and input channels of x · W_f + b_f)',
    when: 'For images and other grid data: it shares weights across positions, so it needs far fewer parameters than Dense.',
  },
  outputActivation: (p) => p.activation as string,
  arithmetic: (p, [input]) => {
    const [kh, kw] = p.kernel_size as number[];
    const c = input![2] ?? 0;
    const f = p.filters as number;
    const weights = kh! * kw! * c * f;
    return {
      params: p.use_bias
        ? `${kh} × ${kw} × ${c} channels × ${f} filters + ${f} biases = ${explain.count(weights + f)}`
        : `${kh} × ${kw} × ${c} channels × ${f} filters = ${explain.count(weights)} (no bias)`,
      shape: explain.windowShape(
        input!,
        p.kernel_size as number[],
        p.strides as number[],
        p.padding as string,
      ),
    };
  },
  digest: (p) =>
    explain.joinDigest([p.filters, explain.dims(p.kernel_size), explain.nonLinear(p.activation)]),
  featureMapOutput: true,
};

// ─── end explain ───

export const Conv2DLayer: LayerDef = {
  type: 'Conv2D',
  group: 'Convolution',
  kerasName: 'Conv2D',
  torchName: 'nn.Conv2d',
  summary: 'Slides small learned filters over an image; each filter makes one output channel.',
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', default: 32, min: 1, max: 65_536 },
    pairParam('kernel_size', 'Kernel size', [3, 3]),
    pairParam('strides', 'Strides', [1, 1]),
    paddingParam,
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('Conv2D', input!);
    if (bad) return bad;
    const slid = slideWindow(
      'Conv2D',
      input!,
      p.kernel_size as number[],
      p.strides as number[],
      p.padding as string,
    );
    return slid.ok ? ok([slid.h, slid.w, p.filters as number]) : slid.result;
  },
  paramCount: ([input], p) => {
    const [kh, kw] = p.kernel_size as number[];
    const filters = p.filters as number;
    const channels = input![2] ?? 0;
    return {
      trainable: kh! * kw! * channels * filters + (p.use_bias ? filters : 0),
      nonTrainable: 0,
    };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
