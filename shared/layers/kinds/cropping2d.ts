import { formatShape } from '../../shape.ts';
import { requireImage } from '../common.ts';
import { edgesParam, readEdges } from '../conv1d-common.ts';
import { croppingImport, edgesDigest, kerasEdges } from '../conv1d-hooks.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

// The block's `cropping` is Keras's own, ((top, bottom), (left, right)); Keras's int and (h, w)
// forms are read by kerasEdges.
const kerasHooks: keras.Hooks = {
  classNames: ['Cropping2D'],
  config: (op) => ({
    className: 'Cropping2D',
    config: {
      name: op.name,
      cropping: readEdges(op.params.cropping).map((e) => keras.tuple(e)),
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
    return { params: { cropping: [h, w] } };
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
    const [[top, bottom], [left, right]] = readEdges(ctx.op.params.cropping);
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
      cropping: readEdges(op.params.cropping),
    }),
  ],
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Slice the NHWC map on axes 1 (height) and 2 (width).
  export: ({ g, op, ins }) => {
    const [h, w] = op.inputShapes[0]!;
    const [[top, bottom], [left, right]] = readEdges(op.params.cropping);
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
    const [[top, bottom], [left, right]] = readEdges(p.cropping);
    return {
      params: 'no weights',
      shape: [
        `height: ${input![0]} − ${top} − ${bottom} = ${input![0]! - top! - bottom!}`,
        `width: ${input![1]} − ${left} − ${right} = ${input![1]! - left! - right!}`,
      ],
    };
  },
  // e.g. `crop 1`, `crop 1+0, 0+2` (top+bottom, left+right).
  digest: (p) => edgesDigest('crop', p.cropping),
  featureMapOutput: true,
};

// ─── end explain ───

/**
 * Keras 3 `Cropping2D(cropping=((0, 0), (0, 0)))`
 * (keras.io/api/layers/reshaping_layers/cropping2d/): `(H, W, C)` →
 * `(H - top - bottom, W - left - right, C)`; no weights. The param is Keras's `cropping`, stored as
 * ((top, bottom), (left, right)); projects saved with the older pair of params
 * (height, width) are migrated on load (`shared/graph/legacy-params.ts`). Keras refuses a cropping
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
    edgesParam(
      'cropping',
      'Cropping',
      0,
      '(top, bottom), (left, right): rows to cut at the top, bottom; columns at the left, right',
    ),
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('Cropping2D', input!);
    if (bad) return bad;
    const [[top, bottom], [left, right]] = readEdges(p.cropping);
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
