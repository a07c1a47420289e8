import { requireImage } from '../common.ts';
import { edgesParam } from '../conv1d-common.ts';
import type { LayerDef } from '../types.ts';
import { edgesDigest, kerasEdges, onnxString, zeroPaddingImport } from '../conv1d-hooks.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

// Keras's one `padding` ((top, bottom), (left, right)) ↔ the block's height_padding and width_padding.
const kerasHooks: keras.Hooks = {
  classNames: ['ZeroPadding2D'],
  config: (op) => ({
    className: 'ZeroPadding2D',
    config: {
      name: op.name,
      padding: [keras.tuple(op.params.height_padding), keras.tuple(op.params.width_padding)],
    },
  }),
  callStyle: {
    positional: [],
    defaults: {
      padding: [
        [1, 1],
        [1, 1],
      ],
    },
  },
  signature: ['padding', 'data_format'],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    const [h, w] = kerasEdges(
      c.padding ?? [
        [1, 1],
        [1, 1],
      ],
      'padding',
    );
    return { params: { height_padding: h, width_padding: w } };
  },
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

// The map is held (N, C, H, W); nn.ZeroPad2d takes (left, right, top, bottom).
const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.ZeroPad2d(padding): an int, or (left, right, top, bottom): pytorch.org/docs/stable/generated/torch.nn.ZeroPad2d.html
    modules: { ZeroPad2d: ['padding'] },
    read: ({ args }) => {
      const p = args.padding;
      const four =
        typeof p === 'number'
          ? [p, p, p, p]
          : Array.isArray(p) && p.length === 4 && p.every((v) => typeof v === 'number')
            ? (p as number[])
            : undefined;
      if (!four || four.some((v) => !Number.isInteger(v) || v < 0))
        throw new Error('padding must be an int or (left, right, top, bottom) of ints ≥ 0');
      const [left, right, top, bottom] = four as [number, number, number, number];
      return { params: { height_padding: [top, bottom], width_padding: [left, right] } };
    },
  },
  plan: (ctx) => {
    const pads = [ctx.op.params.height_padding, ctx.op.params.width_padding] as [number, number][];
    return { steps: [{ module: `nn.ZeroPad2d(${torch.pyTuple(torch.torchPads(pads))})` }] };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [
    tf.layers.zeroPadding2d({
      name: op.name,
      padding: [
        op.params.height_padding as [number, number],
        op.params.width_padding as [number, number],
      ],
    }),
  ],
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Pad on the NHWC map: pads (all begins, then all ends) = (0, top, left, 0, 0, bottom, right, 0).
  // The constant value is −0.0, not the default +0.0: equal as numbers (Keras's ZeroPadding2D
  // pads with zeros, and −0 = +0 under every comparison, sum and max a later layer can apply),
  // but its bytes are not all zero, so onnxruntime's PadFusion (core/optimizer/pad_fusion.cc:
  // it fuses only a Pad whose constant_value bytes are all 0) leaves the Pad alone. Fused into a
  // following MaxPool, the Pad would become MaxPool pads, which onnxruntime refuses when they are
  // not smaller than the window ("Pad should be smaller than kernel") and which pad with −∞,
  // not 0 (a different function for negative inputs).
  export: ({ g, op, ins }) => {
    const [top, bottom] = op.params.height_padding as number[];
    const [left, right] = op.params.width_padding as number[];
    const pads = g.int64s(`${op.name}/pads`, [0, top!, left!, 0, 0, bottom!, right!, 0]);
    const value = g.floats(`${op.name}/value`, [], Float32Array.of(-0));
    return g.node(`${op.name}/Pad`, 'Pad', [ins[0]!, pads, value], op.name, [
      onnxString('mode', 'constant'),
    ]);
  },
  import: [zeroPaddingImport],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'ZeroPadding2D',
    what: 'Adds rows and columns of zeros around the border of the image. No weights.',
    formula: '(H, W, C) → (H + top + bottom, W + left + right, C), zeros outside the input',
    when: "Before a 'valid' convolution or pooling, to keep the border or to make the sizes fit.",
  },
  arithmetic: (p, [input]) => {
    const [top, bottom] = p.height_padding as number[];
    const [left, right] = p.width_padding as number[];
    return {
      params: 'no weights',
      shape: [
        `height: ${input![0]} + ${top} + ${bottom} = ${input![0]! + top! + bottom!}`,
        `width: ${input![1]} + ${left} + ${right} = ${input![1]! + left! + right!}`,
      ],
    };
  },
  // e.g. `pad 1`, `pad 2+0, 1+3` (top+bottom, left+right).
  digest: (p) => edgesDigest('pad', p.height_padding, p.width_padding),
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras 3 `ZeroPadding2D(padding=(1, 1))` (keras.io/api/layers/reshaping_layers/zero_padding2d/):
 * `(H, W, C)` → `(H + top + bottom, W + left + right, C)`, zeros around the border; no weights.
 * Keras's one `padding` ((top, bottom), (left, right)) is two params here, `height_padding`
 * (top, bottom) and `width_padding` (left, right), so that the inspector edits each as a pair.
 */
export const ZeroPadding2DLayer: LayerDef = {
  type: 'ZeroPadding2D',
  group: 'Convolution',
  kerasName: 'ZeroPadding2D',
  torchName: 'nn.ZeroPad2d',
  summary: 'Adds rows and columns of zeros around the border of an image.',
  params: [
    edgesParam('height_padding', 'Top, bottom', [1, 1], 'rows of zeros above, below'),
    edgesParam('width_padding', 'Left, right', [1, 1], 'columns of zeros left, right'),
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('ZeroPadding2D', input!);
    if (bad) return bad;
    const [top, bottom] = p.height_padding as number[];
    const [left, right] = p.width_padding as number[];
    return ok([input![0]! + top! + bottom!, input![1]! + left! + right!, input![2]!]);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
