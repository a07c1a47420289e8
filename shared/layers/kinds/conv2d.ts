import { activationParam, pairParam, paddingParam, requireImage, slideWindow } from '../common.ts';
import type { LayerDef } from '../types.ts';
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

const torchHooks: torch.Hooks = {
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

const tfjsHooks: tfjs.Hooks = tfjs.TODO;

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = onnx.TODO;

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = explain.TODO;

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
