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
  classNames: ['DepthwiseConv2D'],
  config: (op) => {
    const p = op.params;
    return {
      className: 'DepthwiseConv2D',
      config: {
        name: op.name,
        kernel_size: keras.tuple(p.kernel_size),
        strides: keras.tuple(p.strides),
        padding: p.padding as string,
        depth_multiplier: p.depth_multiplier as number,
        activation: p.activation as string,
        use_bias: p.use_bias as boolean,
      },
    };
  },
  callStyle: {
    positional: ['kernel_size'],
    defaults: {
      strides: [1, 1],
      padding: 'valid',
      depth_multiplier: 1,
      activation: 'linear',
      use_bias: true,
    },
  },
  signature: [
    'kernel_size',
    'strides',
    'padding',
    'depth_multiplier',
    'data_format',
    'dilation_rate',
    'activation',
    'use_bias',
  ],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    keras.checkNoDilation(c);
    return {
      params: {
        kernel_size: keras.pair(c.kernel_size, 'kernel_size'),
        strides: keras.pair(c.strides ?? 1, 'strides'),
        padding: c.padding ?? 'valid',
        depth_multiplier: c.depth_multiplier ?? 1,
        activation: keras.activationOf(c.activation),
        use_bias: c.use_bias ?? true,
      },
    };
  },
  weightOrder: ['depthwise_kernel', 'bias'],
  splitsActivation: true,
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/**
 * The depthwise step in PyTorch: `nn.Conv2d(C, C·M, groups=C)` (each input channel convolved
 * with its own M filters; output channel c·M + m from input channel c, as TensorFlow orders
 * them), with TensorFlow's 'same' padding: `padding=` when symmetric, else `nn.ZeroPad2d` first.
 */
function depthwiseSteps(
  ctx: torch.PlanContext,
  bias: boolean,
): { steps: torch.Step[]; notes: string[] } {
  const p = ctx.op.params;
  const input = ctx.inputs[0]!.shape;
  const kernel = p.kernel_size as number[];
  const strides = p.strides as number[];
  const c = input[2]!;
  const m = p.depth_multiplier as number;
  const args = [`${c}`, `${c * m}`, `kernel_size=${torch.size(kernel)}`];
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
      notes.push("TensorFlow's 'same' padding with stride > 1 pads more at the bottom and right.");
      steps.push({ module: `nn.ZeroPad2d(${pads.fPad})` });
    }
  }
  args.push(`groups=${c}`);
  if (!bias) args.push('bias=False');
  steps.push({ module: `nn.Conv2d(${args.join(', ')})`, weights: true });
  return { steps, notes };
}

/**
 * numpy expression: a Keras depthwise kernel `(kh, kw, C, M)`, already transposed to
 * `(C, M, kh, kw)`, as PyTorch's grouped Conv2d weight `(C·M, 1, kh, kw)`.
 */
function depthwiseWeight(ctx: torch.PlanContext): (a: string) => string {
  const [kh, kw] = ctx.op.params.kernel_size as number[];
  const cm = ctx.inputs[0]!.shape[2]! * (ctx.op.params.depth_multiplier as number);
  return (a) => `${a}.reshape(${cm}, 1, ${kh}, ${kw})`;
}

const torchHooks: torch.Hooks = {
  source: {
    // A grouped torch.nn.Conv2d(C, C·M, kernel_size, groups=C): pytorch.org/docs/stable/generated/torch.nn.Conv2d.html
    // (nn.Conv2d with groups=1 is a Conv2D: the Conv2D reader refuses groups, this one needs them).
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
      torch.onlyDefault(args, 'padding_mode', 'zeros');
      const c = torch.needInt(args, 'in_channels');
      const out = torch.needInt(args, 'out_channels');
      if (args.groups !== c || c < 2 || out % c !== 0)
        throw new Error(
          'a depthwise convolution has groups = in_channels and out_channels = in_channels × multiplier',
        );
      const kernel = torch.readPair(args.kernel_size, 'kernel_size');
      const strides = torch.readPair(args.stride ?? 1, 'stride');
      return {
        params: {
          kernel_size: kernel,
          strides,
          padding: torch.readPadding(args.padding, kernel, strides, input, 2),
          depth_multiplier: out / c,
          activation: 'linear',
          use_bias: torch.readBool(args.bias, 'bias', true),
        },
        inFeatures: c,
        inputShape: [null, null, c],
      };
    },
  },
  plan: (ctx) => {
    const p = ctx.op.params;
    return torch.join(
      depthwiseSteps(ctx, p.use_bias as boolean),
      ctx.activation(p.activation as string, true),
    );
  },
  weights: (ctx) => ({
    note: 'DepthwiseConv2D kernels: Keras [height, width, in, multiplier] → grouped nn.Conv2d [in × multiplier, 1, height, width].',
    arrays: {
      depthwise_kernel: [{ attr: 'weight', axes: [2, 3, 0, 1], expr: depthwiseWeight(ctx) }],
      bias: [{ attr: 'bias' }],
    },
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op, ctx) =>
    tfjs.withActivation(tf, op, (activation) =>
      tf.layers.depthwiseConv2d({
        name: op.name,
        kernelSize: op.params.kernel_size as [number, number],
        strides: op.params.strides as [number, number],
        padding: op.params.padding as 'valid' | 'same',
        depthMultiplier: op.params.depth_multiplier as number,
        activation,
        useBias: op.params.use_bias as boolean,
        ...(ctx.seed === undefined
          ? {}
          : { depthwiseInitializer: tf.initializers.glorotUniform({ seed: ctx.seed }) }),
      }),
    ),
  // depthwise_kernel [kh, kw, in channels, multiplier], bias [in channels × multiplier].
  weights: (op) => {
    const [kh, kw] = op.params.kernel_size as [number, number];
    const c = tfjs.lastAxis(op);
    const m = op.params.depth_multiplier as number;
    const kernel = { name: 'depthwise_kernel', shape: [kh, kw, c, m] };
    return op.params.use_bias ? [kernel, { name: 'bias', shape: [c * m] }] : [kernel];
  },
  // Each output value is one kh × kw window of one input channel.
  forwardFlops: (op) => {
    const [kh, kw] = tfjs.pair(op.params.kernel_size, [3, 3]);
    return 2 * kh * kw * tfjs.outSize(op) + tfjs.biasAndActivationFlops(op);
  },
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

/**
 * ONNX Conv with `group = C` for a Keras depthwise kernel `(kh, kw, C, M)`: weight
 * `(C·M, 1, kh, kw)` (the `(C, M, kh, kw)` transpose, same memory order), TF pads. Reads and
 * writes NCHW tensors.
 */
function depthwiseConv(
  ctx: onnx.ExportContext,
  x: string,
  output: string,
  bias: string | null,
): string {
  const { g, op, weight } = ctx;
  const n = op.name;
  const p = op.params;
  const k = p.kernel_size as number[];
  const strides = p.strides as number[];
  const dw = weight('depthwise_kernel');
  const [kh, kw, c, m] = dw.shape as [number, number, number, number];
  const data = onnx.layout.transposeArray(dw.data, dw.shape, [2, 3, 0, 1]);
  const ins = [x, g.floats(`${n}/depthwise_kernel`, [c * m, 1, kh, kw], data)];
  if (bias) ins.push(bias);
  const pads = onnx.layout.spatialPads(op.inputShapes[0]!, 2, k, strides, p.padding as string);
  return g.node(`${n}/DepthwiseConv`, 'Conv', ins, output, [
    onnx.ints('kernel_shape', k),
    onnx.ints('strides', strides),
    onnx.ints('pads', onnx.layout.onnxPads(pads)),
    onnx.ints('dilations', [1, 1]),
    onnx.int('group', c),
  ]);
}

const onnxHooks: onnx.Hooks = {
  // Transpose NHWC → NCHW, grouped Conv, Transpose back, activation.
  export: (ctx) => {
    const { g, op, ins, weight } = ctx;
    const n = op.name;
    const act = op.params.activation as string;
    const t = g.node(`${n}/ToNCHW`, 'Transpose', [ins[0]!], `${n}/ToNCHW`, [
      onnx.ints('perm', onnx.layout.toChannelsFirst(2)),
    ]);
    let bias: string | null = null;
    if (op.params.use_bias) {
      const b = weight('bias');
      bias = g.floats(`${n}/bias`, b.shape, b.data);
    }
    const c = depthwiseConv(ctx, t, `${n}/DepthwiseConv`, bias);
    const back = g.node(`${n}/ToNHWC`, 'Transpose', [c], act === 'linear' ? n : `${n}/ToNHWC`, [
      onnx.ints('perm', onnx.layout.toChannelsLast(2)),
    ]);
    return g.activation(act, back, n, n);
  },
  // A depthwise Conv (group = channels) on an NCHW map, from Netwright or another exporter
  // (PyTorch's nn.Conv2d(C, C·M, k, groups=C)); the bias stays on the block.
  import: [
    {
      ops: ['Conv'],
      channelsFirst: ['Conv'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        if (s.shape.length !== 3 || (ctx.attr(node, 'group')?.i ?? 1) === 1) return false;
        const d = onnx.readDepthwiseConv(node, ctx, s);
        const weights = [d.kernel];
        if (node.inputs[2])
          weights.push({
            name: 'bias',
            shape: [d.kernel.shape[2]! * d.multiplier],
            data: ctx.floatsOf(node.inputs[2], 'a bias').floats,
          });
        ctx.addLayer(
          node,
          'DepthwiseConv2D',
          {
            kernel_size: d.kernelSize,
            strides: d.strides,
            padding: d.padding,
            depth_multiplier: d.multiplier,
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
    title: 'DepthwiseConv2D (depthwise convolution)',
    what: 'Slides small learned filters over each channel on its own: channel c gets depth_multiplier filters of its own and channels never mix.',
    formula:
      'y[i, j, c·M + m] = activation(Σ over the k×k window of x[·, ·, c] · W[·, ·, c, m] + b)',
    when: 'For cheap spatial filtering, e.g. in MobileNet-style blocks, usually followed by a 1×1 Conv2D that mixes the channels.',
  },
  arithmetic: (p, [input]) => {
    const [kh, kw] = p.kernel_size as number[];
    const c = input![2] ?? 0;
    const m = p.depth_multiplier as number;
    const weights = kh! * kw! * c * m;
    return {
      params: p.use_bias
        ? `${kh} × ${kw} × ${c} channels × ${m} per channel + ${c * m} biases = ${explain.count(weights + c * m)}`
        : `${kh} × ${kw} × ${c} channels × ${m} per channel = ${explain.count(weights)} (no bias)`,
      shape: explain.windowShape(
        input!,
        p.kernel_size as number[],
        p.strides as number[],
        p.padding as string,
      ),
    };
  },
  digest: (p) =>
    explain.joinDigest([
      explain.dims(p.kernel_size),
      p.depth_multiplier !== 1 && p.depth_multiplier !== undefined
        ? `×${String(p.depth_multiplier)}`
        : null,
      explain.nonLinear(p.activation),
    ]),
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras `DepthwiseConv2D`: one `(kh, kw)` filter per input channel and multiplier, kernel
 * `(kh, kw, in, depth_multiplier)`, output channel `c * depth_multiplier + m` from input channel
 * `c`. Fixed: dilation_rate 1, data_format channels_last.
 */
export const DepthwiseConv2DLayer: LayerDef = {
  type: 'DepthwiseConv2D',
  group: 'Convolution',
  kerasName: 'DepthwiseConv2D',
  torchName: 'nn.Conv2d',
  summary:
    'Convolves each channel with its own small filters, never mixing channels: cheap spatial filtering.',
  params: [
    pairParam('kernel_size', 'Kernel size', [3, 3]),
    pairParam('strides', 'Strides', [1, 1]),
    paddingParam,
    {
      name: 'depth_multiplier',
      label: 'Depth multiplier',
      kind: 'int',
      default: 1,
      min: 1,
      max: 1024,
      help: 'output channels per input channel',
    },
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('DepthwiseConv2D', input!);
    if (bad) return bad;
    const slid = slideWindow(
      'DepthwiseConv2D',
      input!,
      p.kernel_size as number[],
      p.strides as number[],
      p.padding as string,
    );
    return slid.ok
      ? ok([slid.h, slid.w, input![2]! * (p.depth_multiplier as number)])
      : slid.result;
  },
  // keras/src/layers/convolutional/base_depthwise_conv.py build(): kernel
  // (*kernel_size, input_channel, depth_multiplier), bias (depth_multiplier * input_channel,).
  paramCount: ([input], p) => {
    const [kh, kw] = p.kernel_size as number[];
    const out = (input![2] ?? 0) * (p.depth_multiplier as number);
    return { trainable: kh! * kw! * out + (p.use_bias ? out : 0), nonTrainable: 0 };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
