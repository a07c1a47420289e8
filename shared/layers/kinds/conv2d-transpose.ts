import { activationParam, pairParam, paddingParam, requireImage } from '../common.ts';
import { transposeCrop, transposeOutputSize } from '../layout.ts';
import type { LayerDef } from '../types.ts';
import { ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Conv2DTranspose', 'Convolution2DTranspose'],
  config: (op) => {
    const p = op.params;
    return {
      className: 'Conv2DTranspose',
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
    'output_padding',
    'data_format',
    'dilation_rate',
    'activation',
    'use_bias',
  ],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    keras.checkNoDilation(c);
    if (c.output_padding !== undefined && c.output_padding !== null)
      throw new keras.Unsupported(`output_padding ${JSON.stringify(c.output_padding)}`);
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

/** Keeps the first (height, width) rows and columns of an (N, C, H, W) tensor. */
const CROP: torch.Helper = {
  name: 'CropBottomRight',
  write: (w) => {
    w.block('class CropBottomRight(nn.Module):', () => {
      w.line('"""Keeps the first `height` rows and `width` columns of (N, C, H, W): TensorFlow\'s');
      w.line("'same' transposed convolution trims one more row/column at the bottom/right than");
      w.line('at the top/left, which the symmetric padding of nn.ConvTranspose2d cannot."""');
      w.blank();
      w.block('def __init__(self, height, width):', () => {
        w.line('super().__init__()');
        w.line('self.height = height');
        w.line('self.width = width');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('return x[:, :, :self.height, :self.width]');
      });
    });
  },
};

/**
 * nn.ConvTranspose2d for Keras's Conv2DTranspose: per axis, TensorFlow cuts `[before, after]`
 * from the full output (`transposeCrop`); PyTorch's `padding` cuts the same amount at both ends
 * and `output_padding` adds at the end, so `padding = before`, `output_padding = −after` when
 * `after < 0`, and a crop when `after = before + 1`.
 */
const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    // output_padding=0, groups=1, bias=True, dilation=1): pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html
    // Keras's Conv2DTranspose output: valid (in - 1)·s + k; same in·s. PyTorch's:
    // (in - 1)·s - 2p + k + output_padding. `valid` is p = 0, output_padding = max(s - k, 0).
    modules: {
      ConvTranspose2d: [
        'in_channels',
        'out_channels',
        'kernel_size',
        'stride',
        'padding',
        'output_padding',
        'groups',
        'bias',
        'dilation',
      ],
    },
    read: ({ args }) => {
      torch.onlyDefault(args, 'dilation', 1, [1, 1]);
      torch.onlyDefault(args, 'groups', 1);
      const inFeatures = torch.needInt(args, 'in_channels');
      const kernel = torch.readPair(args.kernel_size, 'kernel_size');
      const strides = torch.readPair(args.stride ?? 1, 'stride');
      const pad = torch.readPair(args.padding ?? 0, 'padding');
      const outPad = torch.readPair(args.output_padding ?? 0, 'output_padding');
      // Per axis: in·s = (in - 1)·s - 2p + k + op  ⇔  2p - op = k - s (the same rule as Keras's 'same').
      const same = [0, 1].every((i) => 2 * pad[i]! - outPad[i]! === kernel[i]! - strides[i]!);
      const valid = [0, 1].every(
        (i) => pad[i] === 0 && outPad[i] === Math.max(strides[i]! - kernel[i]!, 0),
      );
      if (!same && !valid)
        throw new Error(
          `padding=${JSON.stringify(args.padding ?? 0)}, output_padding=${JSON.stringify(args.output_padding ?? 0)} give neither Keras's 'valid' nor 'same' output size`,
        );
      return {
        params: {
          filters: torch.needInt(args, 'out_channels'),
          kernel_size: kernel,
          strides,
          padding: valid ? 'valid' : 'same',
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
    const out = ctx.output.shape;
    const kernel = p.kernel_size as number[];
    const strides = p.strides as number[];
    const crops = [0, 1].map((i) =>
      transposeCrop(input[i]!, kernel[i]!, strides[i]!, p.padding as string),
    );
    const padding = crops.map(([before]) => before);
    const outputPadding = crops.map(([, after]) => Math.max(-after, 0));
    const trim = crops.some(([before, after]) => after > before);
    const args = [`${input[2]}`, `${p.filters}`, `kernel_size=${torch.size(kernel)}`];
    if (strides.some((s) => s !== 1)) args.push(`stride=${torch.size(strides)}`);
    if (padding.some(Boolean)) args.push(`padding=${torch.size(padding)}`);
    if (outputPadding.some(Boolean)) args.push(`output_padding=${torch.size(outputPadding)}`);
    if (!p.use_bias) args.push('bias=False');
    const steps: torch.Step[] = [
      { module: `nn.ConvTranspose2d(${args.join(', ')})`, weights: true },
    ];
    const notes: string[] = [];
    if (outputPadding.some(Boolean))
      notes.push(
        'With a kernel smaller than the stride, Keras keeps input × stride rows/columns: output_padding adds the last ones.',
      );
    if (trim) {
      notes.push(
        "TensorFlow's 'same' trims one more row/column at the bottom/right than at the top/left: crop after the convolution.",
      );
      steps.push({
        fn: (v) => `${v}[:, :, :${out[0]}, :${out[1]}]`,
        seq: [`CropBottomRight(${out[0]}, ${out[1]})`],
        helper: CROP,
      });
    }
    return torch.join({ steps, notes }, ctx.activation(p.activation as string, true));
  },
  weights: () => ({
    note: 'Conv2DTranspose kernels: Keras [height, width, out, in] → nn.ConvTranspose2d [in, out, height, width].',
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
      tf.layers.conv2dTranspose({
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
  // kernel [kh, kw, filters, in channels] (Keras's transposed layout), bias [filters].
  weights: (op) => {
    const [kh, kw] = op.params.kernel_size as [number, number];
    const filters = op.params.filters as number;
    const kernel = { name: 'kernel', shape: [kh, kw, filters, tfjs.lastAxis(op)] };
    return op.params.use_bias ? [kernel, { name: 'bias', shape: [filters] }] : [kernel];
  },
  // Every input value stamps its kh × kw × filters patch: one multiply-add per kernel entry.
  forwardFlops: (op) => {
    const [kh, kw] = tfjs.pair(op.params.kernel_size, [3, 3]);
    const input = op.inputShapes[0] ?? [];
    const filters = op.params.filters as number;
    return 2 * kh * kw * filters * tfjs.shapeSize(input) + tfjs.biasAndActivationFlops(op);
  },
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Transpose NHWC → NCHW, ConvTranspose (kernel (kh, kw, out, in) → (in, out, kh, kw); pads and
  // output_padding from transposeCrop), Transpose back, activation.
  export: ({ g, op, ins, weight }) => {
    const n = op.name;
    const p = op.params;
    const act = p.activation as string;
    const k = p.kernel_size as number[];
    const strides = p.strides as number[];
    const input = op.inputShapes[0]!;
    const kernel = weight('kernel');
    const crops = [0, 1].map((i) =>
      transposeCrop(input[i]!, k[i]!, strides[i]!, p.padding as string),
    );
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
    const c = g.node(`${n}/ConvTranspose`, 'ConvTranspose', convIns, `${n}/ConvTranspose`, [
      onnx.ints('kernel_shape', k),
      onnx.ints('strides', strides),
      onnx.ints(
        'pads',
        onnx.layout.onnxPads(crops.map(([b, a]) => [Math.max(b, 0), Math.max(a, 0)])),
      ),
      onnx.ints(
        'output_padding',
        crops.map(([, a]) => Math.max(-a, 0)),
      ),
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
      // ConvTranspose on an NCHW map whose pads and output_padding are Keras's 'valid' or 'same'
      // (as `export` writes them, or PyTorch's ConvTranspose2d where they agree).
      ops: ['ConvTranspose'],
      channelsFirst: ['ConvTranspose'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        ctx.requireChannelsFirst(s, 'ConvTranspose');
        const w = ctx.floatsOf(node.inputs[1], 'a kernel');
        if (s.shape.length !== 3 || w.dims.length !== 4)
          throw new onnx.Unsupported('ConvTranspose that is not 2-D');
        const [cin, cout, kh, kw] = w.dims as [number, number, number, number];
        if ((ctx.attr(node, 'group')?.i ?? 1) !== 1)
          throw new onnx.Unsupported('grouped ConvTranspose');
        if ((ctx.attr(node, 'dilations')?.ints ?? [1, 1]).some((d) => d !== 1))
          throw new onnx.Unsupported('dilated ConvTranspose');
        if (ctx.attr(node, 'output_shape'))
          throw new onnx.Unsupported('ConvTranspose output_shape');
        const autoPad = ctx.attr(node, 'auto_pad')?.s;
        if (autoPad && autoPad !== 'NOTSET')
          throw new onnx.Unsupported(`ConvTranspose auto_pad ${autoPad}`);
        if (cin !== s.shape[2])
          throw new onnx.Unsupported(`ConvTranspose kernel for ${cin} channels on ${s.shape[2]}`);
        const k = [kh, kw];
        const strides = ctx.attr(node, 'strides')?.ints ?? [1, 1];
        const pads = ctx.attr(node, 'pads')?.ints ?? [0, 0, 0, 0];
        const extra = ctx.attr(node, 'output_padding')?.ints ?? [0, 0];
        const fits = (padding: string) =>
          [0, 1].every((i) => {
            const [before, after] = transposeCrop(s.shape[i]!, k[i]!, strides[i]!, padding);
            return (
              pads[i] === Math.max(before, 0) &&
              pads[i + 2] === Math.max(after, 0) &&
              extra[i] === Math.max(-after, 0)
            );
          });
        const padding = fits('valid') ? 'valid' : fits('same') ? 'same' : null;
        if (!padding)
          throw new onnx.Unsupported(
            `ConvTranspose pads [${pads.join(', ')}], output_padding [${extra.join(', ')}]: neither Keras 'valid' nor 'same'`,
          );
        const toKeras = onnx.layout.inversePermutation(onnx.layout.kernelToChannelsFirst(2));
        const weights: onnx.WeightTensor[] = [
          {
            name: 'kernel',
            shape: [kh, kw, cout, cin],
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
          'Conv2DTranspose',
          {
            filters: cout,
            kernel_size: k,
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

/** One spatial axis of a transposed convolution, e.g. `height: 7 × 2 = 14 (padding same)`. */
function transposeLine(axis: string, size: number, k: number, s: number, padding: string): string {
  const out = transposeOutputSize(size, k, s, padding);
  return padding === 'same'
    ? `${axis}: ${size} × ${s} = ${out} (padding same)`
    : `${axis}: ${size} × ${s} + max(${k} − ${s}, 0) = ${out}`;
}

const explainHooks: explain.Hooks = {
  card: {
    title: 'Conv2DTranspose (transposed convolution)',
    what: 'Runs a convolution backwards: every input pixel stamps a learned k×k pattern, scaled by its value, onto a larger output; overlapping stamps add up.',
    formula: 'y[i·s + a, j·s + b, f] += x[i, j, c] · W[a, b, f, c], then y = activation(y + b_f)',
    when: 'To upsample with learned filters: decoders, autoencoders, segmentation nets (stride 2 doubles height and width).',
  },
  arithmetic: (p, [input]) => {
    const [kh, kw] = p.kernel_size as number[];
    const [sh, sw] = p.strides as number[];
    const c = input![2] ?? 0;
    const f = p.filters as number;
    const weights = kh! * kw! * f * c;
    return {
      params: p.use_bias
        ? `${kh} × ${kw} × ${f} filters × ${c} channels + ${f} biases = ${explain.count(weights + f)}`
        : `${kh} × ${kw} × ${f} filters × ${c} channels = ${explain.count(weights)} (no bias)`,
      shape:
        input!.length === 3
          ? [
              transposeLine('height', input![0]!, kh!, sh!, p.padding as string),
              transposeLine('width', input![1]!, kw!, sw!, p.padding as string),
            ]
          : undefined,
    };
  },
  digest: (p) =>
    explain.joinDigest([p.filters, explain.dims(p.kernel_size), explain.nonLinear(p.activation)]),
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras `Conv2DTranspose`: kernel `(kh, kw, filters, in)`, output size per axis from
 * `transposeOutputSize` (Keras's deconv_output_length with output_padding None). Fixed:
 * output_padding None, dilation_rate 1, data_format channels_last.
 */
export const Conv2DTransposeLayer: LayerDef = {
  type: 'Conv2DTranspose',
  group: 'Convolution',
  kerasName: 'Conv2DTranspose',
  torchName: 'nn.ConvTranspose2d',
  summary:
    'A convolution run backwards: each input pixel stamps a learned filter onto a larger output, e.g. to upsample 7×7 to 14×14 with stride 2.',
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', default: 32, min: 1, max: 65_536 },
    pairParam('kernel_size', 'Kernel size', [3, 3]),
    pairParam('strides', 'Strides', [1, 1]),
    {
      ...paddingParam,
      help: 'valid: output = input × stride + max(kernel − stride, 0); same: output = input × stride',
    },
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('Conv2DTranspose', input!);
    if (bad) return bad;
    const [kh, kw] = p.kernel_size as number[];
    const [sh, sw] = p.strides as number[];
    const padding = p.padding as string;
    return ok([
      transposeOutputSize(input![0]!, kh!, sh!, padding),
      transposeOutputSize(input![1]!, kw!, sw!, padding),
      p.filters as number,
    ]);
  },
  // keras/src/layers/convolutional/base_conv_transpose.py build(): kernel
  // (*kernel_size, filters, input_channel) and bias (filters,).
  paramCount: ([input], p) => {
    const [kh, kw] = p.kernel_size as number[];
    const filters = p.filters as number;
    const channels = input![2] ?? 0;
    return {
      trainable: kh! * kw! * filters * channels + (p.use_bias ? filters : 0),
      nonTrainable: 0,
    };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
