import { requireImage } from '../common.ts';
import { edgesParam, readEdges } from '../conv1d-common.ts';
import type { LayerDef } from '../types.ts';
import { edgesDigest, kerasEdges, onnxString, zeroPaddingImport } from '../conv1d-hooks.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

// The block's `padding` is Keras's own, ((top, bottom), (left, right)); Keras's int and (h, w)
// forms are read by kerasEdges.
const kerasHooks: keras.Hooks = {
  classNames: ['ZeroPadding2D'],
  config: (op) => ({
    className: 'ZeroPadding2D',
    config: {
      name: op.name,
      padding: readEdges(op.params.padding).map((e) => keras.tuple(e)),
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
    return { params: { padding: [h, w] } };
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
      return {
        params: {
          padding: [
            [top, bottom],
            [left, right],
          ],
        },
      };
    },
  },
  plan: (ctx) => {
    const pads = readEdges(ctx.op.params.padding);
    return { steps: [{ module: `nn.ZeroPad2d(${torch.pyTuple(torch.torchPads(pads))})` }] };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [
    tf.layers.zeroPadding2d({
      name: op.name,
      padding: readEdges(op.params.padding),
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
    const [[top, bottom], [left, right]] = readEdges(op.params.padding);
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
    const [[top, bottom], [left, right]] = readEdges(p.padding);
    return {
      params: 'no weights',
      shape: [
        `height: ${input![0]} + ${top} + ${bottom} = ${input![0]! + top! + bottom!}`,
        `width: ${input![1]} + ${left} + ${right} = ${input![1]! + left! + right!}`,
      ],
    };
  },
  // e.g. `pad 1`, `pad 2+0, 1+3` (top+bottom, left+right).
  digest: (p) => edgesDigest('pad', p.padding),
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras 3 `ZeroPadding2D(padding=(1, 1))` (keras.io/api/layers/reshaping_layers/zero_padding2d/):
 * `(H, W, C)` → `(H + top + bottom, W + left + right, C)`, zeros around the border; no weights.
 * The param is Keras's `padding`, stored as ((top, bottom), (left, right)); an int or (h, w) read
 * from a file or typed in the inspector is turned into that form. Projects saved with the older
 * pair of params (height, width) are migrated on load (`shared/graph/legacy-params.ts`).
 */
export const ZeroPadding2DLayer: LayerDef = {
  type: 'ZeroPadding2D',
  group: 'Convolution',
  kerasName: 'ZeroPadding2D',
  torchName: 'nn.ZeroPad2d',
  summary: 'Adds rows and columns of zeros around the border of an image.',
  params: [
    edgesParam(
      'padding',
      'Padding',
      1,
      '(top, bottom), (left, right): rows of zeros above, below; columns left, right',
    ),
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('ZeroPadding2D', input!);
    if (bad) return bad;
    const [[top, bottom], [left, right]] = readEdges(p.padding);
    return ok([input![0]! + top! + bottom!, input![1]! + left! + right!, input![2]!]);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
