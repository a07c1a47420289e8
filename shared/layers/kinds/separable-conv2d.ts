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
  classNames: ['SeparableConv2D', 'SeparableConvolution2D'],
  config: (op) => {
    const p = op.params;
    return {
      className: 'SeparableConv2D',
      config: {
        name: op.name,
        filters: p.filters as number,
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
    positional: ['filters', 'kernel_size'],
    defaults: {
      strides: [1, 1],
      padding: 'valid',
      depth_multiplier: 1,
      activation: 'linear',
      use_bias: true,
    },
  },
  signature: [
    'filters',
    'kernel_size',
    'strides',
    'padding',
    'data_format',
    'dilation_rate',
    'depth_multiplier',
    'activation',
    'use_bias',
  ],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    keras.checkNoDilation(c);
    return {
      params: {
        filters: c.filters,
        kernel_size: keras.pair(c.kernel_size, 'kernel_size'),
        strides: keras.pair(c.strides ?? 1, 'strides'),
        padding: c.padding ?? 'valid',
        depth_multiplier: c.depth_multiplier ?? 1,
        activation: keras.activationOf(c.activation),
        use_bias: c.use_bias ?? true,
      },
    };
  },
  weightOrder: ['depthwise_kernel', 'pointwise_kernel', 'bias'],
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

/** torch.nn.Conv2d's constructor parameters, in order. */
const CONV2D_SIGNATURE = [
  'in_channels',
  'out_channels',
  'kernel_size',
  'stride',
  'padding',
  'dilation',
  'groups',
  'bias',
  'padding_mode',
];

const torchHooks: torch.Hooks = {
  source: {
    // nn.Sequential(nn.Conv2d(C, C·M, k, groups=C, bias=False), nn.Conv2d(C·M, filters, 1)),
    // as the plan above writes it (torch.nn.Conv2d: pytorch.org/docs/stable/generated/torch.nn.Conv2d.html).
    sequence: [
      { module: 'Conv2d', signature: CONV2D_SIGNATURE },
      { module: 'Conv2d', signature: CONV2D_SIGNATURE },
    ],
    read: ({ items, input }) => {
      const [dw, pw] = items ?? [];
      if (!dw || !pw) throw new Error('a separable convolution is two nn.Conv2d');
      for (const a of [dw, pw]) {
        torch.onlyDefault(a, 'dilation', 1, [1, 1]);
        torch.onlyDefault(a, 'padding_mode', 'zeros');
      }
      const c = torch.needInt(dw, 'in_channels');
      const mid = torch.needInt(dw, 'out_channels');
      if (dw.groups !== c || mid % c !== 0 || torch.readBool(dw.bias, 'bias', true))
        throw new Error(
          'the first nn.Conv2d is not a depthwise one (groups = in_channels, bias=False)',
        );
      if (torch.needInt(pw, 'in_channels') !== mid)
        throw new Error('the pointwise nn.Conv2d does not take the depthwise output');
      const one = torch.readPair(pw.kernel_size, 'kernel_size');
      torch.onlyDefault(pw, 'groups', 1);
      torch.onlyDefault(pw, 'stride', 1, [1, 1]);
      torch.onlyDefault(pw, 'padding', 0, [0, 0], 'valid');
      if (one[0] !== 1 || one[1] !== 1) throw new Error('the pointwise nn.Conv2d is not 1×1');
      const kernel = torch.readPair(dw.kernel_size, 'kernel_size');
      const strides = torch.readPair(dw.stride ?? 1, 'stride');
      return {
        params: {
          filters: torch.needInt(pw, 'out_channels'),
          kernel_size: kernel,
          strides,
          padding: torch.readPadding(dw.padding, kernel, strides, input, 2),
          depth_multiplier: mid / c,
          activation: 'linear',
          use_bias: torch.readBool(pw.bias, 'bias', true),
        },
        inFeatures: c,
        inputShape: [null, null, c],
      };
    },
  },
  // Depthwise nn.Conv2d (groups = in, no bias), then a 1×1 nn.Conv2d with the bias.
  plan: (ctx) => {
    const p = ctx.op.params;
    const dw = depthwiseSteps(ctx, false);
    const mid = ctx.inputs[0]!.shape[2]! * (p.depth_multiplier as number);
    const bias = p.use_bias ? '' : ', bias=False';
    dw.steps.push({
      module: `nn.Conv2d(${mid}, ${p.filters}, kernel_size=1${bias})`,
      weights: true,
    });
    return torch.join(dw, ctx.activation(p.activation as string, true));
  },
  weights: (ctx) => ({
    note: 'SeparableConv2D: the depthwise kernel [height, width, in, multiplier] → grouped nn.Conv2d [in × multiplier, 1, height, width]; the pointwise kernel [1, 1, in × multiplier, filters] → 1×1 nn.Conv2d [filters, in × multiplier, 1, 1].',
    arrays: {
      depthwise_kernel: [{ attr: 'weight', axes: [2, 3, 0, 1], expr: depthwiseWeight(ctx) }],
      pointwise_kernel: [{ attr: 'weight', module: 1, axes: torch.kernelToChannelsFirst(2) }],
      bias: [{ attr: 'bias', module: 1 }],
    },
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

/**
 * tfjs-layers 4.22's SeparableConv2D reads `depthMultiplier` but leaves it out of `getConfig()`,
 * so a saved model.json would reload with multiplier 1 and refuse its own weights: the layer is
 * given a `getConfig` that adds it (and `tf.models.modelFromJSON` reads it back).
 */
function withDepthMultiplier(layer: tfjs.Layer, multiplier: number): tfjs.Layer {
  const base = layer.getConfig.bind(layer);
  layer.getConfig = () => ({ ...base(), depthMultiplier: multiplier });
  return layer;
}

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op, ctx) =>
    tfjs.withActivation(tf, op, (activation) =>
      withDepthMultiplier(
        tf.layers.separableConv2d({
          name: op.name,
          filters: op.params.filters as number,
          kernelSize: op.params.kernel_size as [number, number],
          strides: op.params.strides as [number, number],
          padding: op.params.padding as 'valid' | 'same',
          depthMultiplier: op.params.depth_multiplier as number,
          activation,
          useBias: op.params.use_bias as boolean,
          // tfjs-layers 4.22 builds the pointwise initializer from depthwiseInitializer too.
          ...(ctx.seed === undefined
            ? {}
            : {
                depthwiseInitializer: tf.initializers.glorotUniform({ seed: ctx.seed }),
                pointwiseInitializer: tf.initializers.glorotUniform({ seed: ctx.seed + 0.5 }),
              }),
        }),
        op.params.depth_multiplier as number,
      ),
    ),
  // depthwise_kernel [kh, kw, in, multiplier], pointwise_kernel [1, 1, in × multiplier,
  // filters], bias [filters].
  weights: (op) => {
    const [kh, kw] = op.params.kernel_size as [number, number];
    const c = tfjs.lastAxis(op);
    const m = op.params.depth_multiplier as number;
    const f = op.params.filters as number;
    const out = [
      { name: 'depthwise_kernel', shape: [kh, kw, c, m] },
      { name: 'pointwise_kernel', shape: [1, 1, c * m, f] },
    ];
    return op.params.use_bias ? [...out, { name: 'bias', shape: [f] }] : out;
  },
  // The depthwise step (kh × kw per intermediate value) and the 1×1 step (in × multiplier per
  // output value), on the output's height × width.
  forwardFlops: (op) => {
    const [kh, kw] = tfjs.pair(op.params.kernel_size, [3, 3]);
    const [h, w] = op.outputShape;
    const mid = tfjs.lastAxis(op) * (op.params.depth_multiplier as number);
    return (
      2 * kh * kw * mid * h! * w! + 2 * mid * tfjs.outSize(op) + tfjs.biasAndActivationFlops(op)
    );
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
  // Transpose NHWC → NCHW, grouped Conv (depthwise), 1×1 Conv (pointwise, with the bias),
  // Transpose back, activation.
  export: (ctx) => {
    const { g, op, ins, weight } = ctx;
    const n = op.name;
    const act = op.params.activation as string;
    const t = g.node(`${n}/ToNCHW`, 'Transpose', [ins[0]!], `${n}/ToNCHW`, [
      onnx.ints('perm', onnx.layout.toChannelsFirst(2)),
    ]);
    const d = depthwiseConv(ctx, t, `${n}/DepthwiseConv`, null);
    const pw = weight('pointwise_kernel');
    const perm = onnx.layout.kernelToChannelsFirst(2);
    const pwIns = [
      d,
      g.floats(
        `${n}/pointwise_kernel`,
        perm.map((a) => pw.shape[a]!),
        onnx.layout.transposeArray(pw.data, pw.shape, perm),
      ),
    ];
    if (op.params.use_bias) {
      const b = weight('bias');
      pwIns.push(g.floats(`${n}/bias`, b.shape, b.data));
    }
    const c = g.node(`${n}/PointwiseConv`, 'Conv', pwIns, `${n}/PointwiseConv`, [
      onnx.ints('kernel_shape', [1, 1]),
    ]);
    const back = g.node(`${n}/ToNHWC`, 'Transpose', [c], act === 'linear' ? n : `${n}/ToNHWC`, [
      onnx.ints('perm', onnx.layout.toChannelsLast(2)),
    ]);
    return g.activation(act, back, n, n);
  },
  // Netwright's own pattern, read at the depthwise Conv: `<block>/DepthwiseConv` (no bias), then
  // the 1×1 `<block>/PointwiseConv` with `<block>/pointwise_kernel` (and `<block>/bias`), which
  // reads the depthwise output (skipped by the importer). In another exporter's file the two
  // convolutions stay two blocks (DepthwiseConv2D, then a 1×1 Conv2D): the same function.
  import: [
    {
      ops: ['Conv'],
      channelsFirst: ['Conv'],
      match: (node, ctx) => {
        const name = ctx.layerNameOf(node);
        if (!ctx.ours || node.name !== `${name}/DepthwiseConv`) return false;
        if (!ctx.inits.has(`${name}/pointwise_kernel`)) return false;
        const s = ctx.stateOf(node, node.inputs[0]);
        const d = onnx.readDepthwiseConv(node, ctx, s);
        const pw = ctx.floatsOf(`${name}/pointwise_kernel`, 'a pointwise kernel');
        const [f, cm] = pw.dims as [number, number];
        if (pw.dims.length !== 4 || cm !== d.kernel.shape[2]! * d.multiplier)
          throw new onnx.Unsupported('a pointwise kernel that does not fit the depthwise output');
        const weights: onnx.WeightTensor[] = [
          d.kernel,
          // ONNX (f, C·M, 1, 1) → Keras (1, 1, C·M, f).
          {
            name: 'pointwise_kernel',
            shape: [1, 1, cm, f],
            data: onnx.layout.transposeArray(pw.floats, [f, cm], [1, 0]),
          },
        ];
        const bias = ctx.inits.get(`${name}/bias`);
        if (bias)
          weights.push({
            name: 'bias',
            shape: [f],
            data: ctx.floatsOf(`${name}/bias`, 'a bias').floats,
          });
        ctx.addLayer(
          { ...node, outputs: [`${name}/PointwiseConv`] },
          'SeparableConv2D',
          {
            filters: f,
            kernel_size: d.kernelSize,
            strides: d.strides,
            padding: d.padding,
            depth_multiplier: d.multiplier,
            activation: 'linear',
            use_bias: Boolean(bias),
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
    title: 'SeparableConv2D (depthwise separable convolution)',
    what: 'A Conv2D split in two cheap steps: first each channel is filtered on its own (depthwise), then 1×1 filters mix the channels (pointwise).',
    formula: 'y = activation(pointwise_1×1(depthwise_k×k(x)) + b)',
    when: 'Where a Conv2D would need too many weights: it learns similar features with far fewer (Xception, MobileNet).',
  },
  arithmetic: (p, [input]) => {
    const [kh, kw] = p.kernel_size as number[];
    const c = input![2] ?? 0;
    const m = p.depth_multiplier as number;
    const f = p.filters as number;
    const dw = kh! * kw! * c * m;
    const pw = c * m * f;
    const bias = p.use_bias ? f : 0;
    return {
      params: `${kh} × ${kw} × ${c} × ${m} depthwise + ${c * m} × ${f} pointwise${
        bias ? ` + ${f} biases` : ''
      } = ${explain.count(dw + pw + bias)}`,
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

/**
 * Keras `SeparableConv2D`: a depthwise convolution (kernel `(kh, kw, in, depth_multiplier)`,
 * with the strides and padding) then a 1×1 pointwise one (kernel `(1, 1, in * depth_multiplier,
 * filters)`) and one bias `(filters)`. Fixed: dilation_rate 1, data_format channels_last.
 */
export const SeparableConv2DLayer: LayerDef = {
  type: 'SeparableConv2D',
  group: 'Convolution',
  kerasName: 'SeparableConv2D',
  torchName: 'nn.Conv2d ×2',
  summary:
    'A cheaper Conv2D in two steps: filter each channel on its own, then mix channels with 1×1 filters.',
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', default: 32, min: 1, max: 65_536 },
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
      help: 'depthwise output channels per input channel',
    },
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('SeparableConv2D', input!);
    if (bad) return bad;
    const slid = slideWindow(
      'SeparableConv2D',
      input!,
      p.kernel_size as number[],
      p.strides as number[],
      p.padding as string,
    );
    return slid.ok ? ok([slid.h, slid.w, p.filters as number]) : slid.result;
  },
  // keras/src/layers/convolutional/base_separable_conv.py build(): depthwise_kernel
  // (*kernel_size, input_channel, depth_multiplier), pointwise_kernel
  // (1, 1, depth_multiplier * input_channel, filters), bias (filters,).
  paramCount: ([input], p) => {
    const [kh, kw] = p.kernel_size as number[];
    const filters = p.filters as number;
    const mid = (input![2] ?? 0) * (p.depth_multiplier as number);
    return {
      trainable: kh! * kw! * mid + mid * filters + (p.use_bias ? filters : 0),
      nonTrainable: 0,
    };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
