import { formatShape } from '../../shape.ts';
import { requireImage } from '../common.ts';
import { edgesParam } from '../conv1d-common.ts';
import { croppingImport, edgesDigest, kerasEdges } from '../conv1d-hooks.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

// Keras's one `cropping` ((top, bottom), (left, right)) ↔ the block's height_cropping and width_cropping.
const kerasHooks: keras.Hooks = {
  classNames: ['Cropping2D'],
  config: (op) => ({
    className: 'Cropping2D',
    config: {
      name: op.name,
      cropping: [keras.tuple(op.params.height_cropping), keras.tuple(op.params.width_cropping)],
    },
  }),
  callStyle: {
    positional: [],
    defaults: {
      cropping: [
        [0, 0],
        [0, 0],
      ],
    },
  },
  signature: ['cropping', 'data_format'],
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    const [h, w] = kerasEdges(
      c.cropping ?? [
        [0, 0],
        [0, 0],
      ],
      'cropping',
    );
    return { params: { height_cropping: h, width_cropping: w } };
  },
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

// The map is held (N, C, H, W): slice rows and columns. nn.Sequential has no crop module; a
// negative nn.ZeroPad2d crops (torch.nn.functional.pad docs: negative padding removes).
const torchHooks: torch.Hooks = {
  plan: (ctx) => {
    const [h, w] = ctx.op.inputShapes[0]!;
    const [top, bottom] = ctx.op.params.height_cropping as number[];
    const [left, right] = ctx.op.params.width_cropping as number[];
    const negative = torch.pyTuple([-left!, -right!, -top!, -bottom!]);
    return {
      steps: [
        {
          fn: (v) => `${v}[:, :, ${top}:${h! - bottom!}, ${left}:${w! - right!}]`,
          seq: [`nn.ZeroPad2d(${negative})`],
        },
      ],
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [
    tf.layers.cropping2D({
      name: op.name,
      cropping: [
        op.params.height_cropping as [number, number],
        op.params.width_cropping as [number, number],
      ],
    }),
  ],
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Slice the NHWC map on axes 1 (height) and 2 (width).
  export: ({ g, op, ins }) => {
    const [h, w] = op.inputShapes[0]!;
    const [top, bottom] = op.params.height_cropping as number[];
    const [left, right] = op.params.width_cropping as number[];
    const n = op.name;
    return g.node(
      `${n}/Slice`,
      'Slice',
      [
        ins[0]!,
        g.int64s(`${n}/starts`, [top!, left!]),
        g.int64s(`${n}/ends`, [h! - bottom!, w! - right!]),
        g.int64s(`${n}/axes`, [1, 2]),
      ],
      n,
    );
  },
  import: [croppingImport],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Cropping2D',
    what: 'Cuts rows and columns off the border of the image. No weights.',
    formula: '(H, W, C) → (H − top − bottom, W − left − right, C)',
    when: 'To drop a border that carries no information, or to make two maps the same size before merging them (U-Net skip connections).',
  },
  arithmetic: (p, [input]) => {
    const [top, bottom] = p.height_cropping as number[];
    const [left, right] = p.width_cropping as number[];
    return {
      params: 'no weights',
      shape: [
        `height: ${input![0]} − ${top} − ${bottom} = ${input![0]! - top! - bottom!}`,
        `width: ${input![1]} − ${left} − ${right} = ${input![1]! - left! - right!}`,
      ],
    };
  },
  // e.g. `crop 1`, `crop 1+0, 0+2` (top+bottom, left+right).
  digest: (p) => edgesDigest('crop', p.height_cropping, p.width_cropping),
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras 3 `Cropping2D(cropping=((0, 0), (0, 0)))`
 * (keras.io/api/layers/reshaping_layers/cropping2d/): `(H, W, C)` →
 * `(H - top - bottom, W - left - right, C)`; no weights. Keras's one `cropping` is two params here,
 * `height_cropping` (top, bottom) and `width_cropping` (left, right). Keras refuses a cropping
 * that leaves no rows or columns (keras/src/layers/reshaping/cropping2d.py
 * `compute_output_shape`); so does Netwright (E011).
 */
export const Cropping2DLayer: LayerDef = {
  type: 'Cropping2D',
  group: 'Convolution',
  kerasName: 'Cropping2D',
  torchName: 'tensor slicing',
  summary: 'Cuts rows and columns off the border of an image.',
  params: [
    edgesParam('height_cropping', 'Top, bottom', [0, 0], 'rows to cut at the top, bottom'),
    edgesParam('width_cropping', 'Left, right', [0, 0], 'columns to cut at the left, right'),
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('Cropping2D', input!);
    if (bad) return bad;
    const [top, bottom] = p.height_cropping as number[];
    const [left, right] = p.width_cropping as number[];
    const h = input![0]! - top! - bottom!;
    const w = input![1]! - left! - right!;
    if (h < 1 || w < 1)
      return {
        ok: false,
        code: 'E011',
        message: `Cropping2D cuts ${top! + bottom!} rows and ${left! + right!} columns off ${formatShape(input!)}, leaving ${h}×${w}; crop less than the height and width`,
      };
    return ok([h, w, input![2]!]);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
