/**
 * Back-end hooks shared by MaxPooling1D and AveragePooling1D (they differ only in the operator)
 * and by GlobalAveragePooling1D and GlobalMaxPooling1D (they differ only in the reduction).
 *
 * Also the Keras helpers of the group: 1-D sizes (an int or a 1-tuple in Keras configs) and the
 * `((top, bottom), (left, right))` edges of ZeroPadding2D / Cropping2D.
 *
 * Shapes: the input is a sequence `(steps, C)` per example, channels last as Keras holds it;
 * PyTorch and ONNX pooling want `(N, C, steps)`, so their forms permute in and out with
 * `layout.toChannelsFirst(1)` / `toChannelsLast(1)` (`[0, 2, 1]`). Params: `pool_size` (int),
 * `strides` (int, or null for "same as pool_size"), `padding` ('valid' | 'same').
 */
import * as explain from './backends/explain.ts';
import * as keras from './backends/keras.ts';
import * as onnx from './backends/onnx.ts';
import * as tfjs from './backends/tfjs.ts';
import * as torch from './backends/torch.ts';
import { AttrType, type OnnxAttr } from '../onnx/proto.ts';
import type { ResolvedParams } from './types.ts';
import { parseEdges } from './params.ts';

/** An ONNX string attribute (e.g. Resize `mode`); the onnx kit has `int`/`ints`/`float`. */
export const onnxString = (name: string, s: string): OnnxAttr => ({
  name,
  type: AttrType.STRING,
  s,
});

/** `[pool, stride]` of a 1-D pooling op; a null `strides` means the pool size (Keras). */
export function poolAndStride(p: ResolvedParams): [number, number] {
  const pool = p.pool_size as number;
  return [pool, (p.strides as number | null) ?? pool];
}

/** Average pooling over uneven TF 'same' pads, averaging only the steps inside (as Keras). */
const AVG_POOL_1D_SAME: torch.Helper = {
  name: 'AvgPool1dSame',
  functional: true,
  write: (w) => {
    w.block('class AvgPool1dSame(nn.Module):', () => {
      w.line('"""Average pooling with TensorFlow\'s \'same\' padding (padding = (before, after)');
      w.line('steps) on (N, C, steps): like Keras, each window averages only the steps inside."""');
      w.blank();
      w.block('def __init__(self, kernel_size, stride, padding):', () => {
        w.line('super().__init__()');
        w.line('self.padding = padding');
        w.line('self.pool = nn.AvgPool1d(kernel_size, stride)');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('inside = torch.ones_like(x[:, :1])  # 1 inside the sequence, 0 in the padding');
        w.line('return self.pool(F.pad(x, self.padding)) / self.pool(F.pad(inside, self.padding))');
      });
    });
  },
};

/**
 * PyTorch plan of a 1-D pooling op on `(N, steps, C)`: permute to `(N, C, steps)`, pool, permute
 * back. TF 'same' pads that are uneven (stride > 1 or an even pool) become an explicit pad:
 * `-inf` for max (it never wins), `AvgPool1dSame` for averages; even pads go to `padding=`
 * (with `count_include_pad=False` for averages: TensorFlow averages the steps inside only).
 */
export function pool1DTorch(kind: 'max' | 'avg'): torch.Hooks {
  return {
    plan: (ctx) => {
      const [pool, stride] = poolAndStride(ctx.op.params);
      const cls = kind === 'max' ? 'nn.MaxPool1d' : 'nn.AvgPool1d';
      const args = [`${pool}`];
      if (stride !== pool) args.push(`stride=${stride}`);
      const pads = torch.windowPads(
        ctx.inputs[0]!.shape,
        1,
        [pool],
        [stride],
        ctx.op.params.padding as string,
      );
      const notes = [
        `Keras holds sequences as (N, steps, channels); ${cls} wants (N, channels, steps).`,
      ];
      let modules: torch.Step[];
      if (pads.symmetric) {
        if (pads.any) {
          args.push(`padding=${pads.padding}`);
          if (kind === 'avg') {
            notes.push("Like TensorFlow's 'same', average only the steps inside the sequence.");
            args.push('count_include_pad=False');
          }
        }
        modules = [{ module: `${cls}(${args.join(', ')})` }];
      } else if (kind === 'max') {
        notes.push("TensorFlow's 'same' pads more at the end; -inf never wins the max.");
        modules = [
          { module: `nn.ConstantPad1d(${pads.fPad}, float("-inf"))` },
          { module: `${cls}(${args.join(', ')})` },
        ];
      } else {
        notes.push("TensorFlow's 'same' pads more at the end; see AvgPool1dSame.");
        modules = [
          { module: `AvgPool1dSame(${pool}, ${stride}, ${pads.fPad})`, helper: AVG_POOL_1D_SAME },
        ];
      }
      return {
        notes,
        steps: [
          torch.permuteStep(torch.toChannelsFirst(1)),
          ...modules,
          torch.permuteStep(torch.toChannelsLast(1)),
        ],
      };
    },
  };
}

/** TF.js layers and cost of a 1-D pooling op. */
export function pool1DTfjs(kind: 'max' | 'avg'): tfjs.Hooks {
  return {
    layers: (tf, op) => {
      const [poolSize, strides] = poolAndStride(op.params);
      const args = {
        name: op.name,
        poolSize,
        strides,
        padding: op.params.padding as 'valid' | 'same',
      };
      return [kind === 'max' ? tf.layers.maxPooling1d(args) : tf.layers.averagePooling1d(args)];
    },
    // max: pool − 1 comparisons per output value; avg: pool − 1 adds and one multiply.
    forwardFlops: (op) =>
      (kind === 'max' ? poolAndStride(op.params)[0] - 1 : poolAndStride(op.params)[0]) *
      tfjs.outSize(op),
  };
}

/**
 * ONNX export of a 1-D pooling op: Transpose NWC → NCW, `MaxPool`/`AveragePool` with TF's pads
 * (`count_include_pad` 0 for averages), Transpose back.
 */
export function pool1DOnnx(opType: 'MaxPool' | 'AveragePool'): onnx.ExportHooks {
  return {
    export: ({ g, op, ins }) => {
      const n = op.name;
      const [pool, stride] = poolAndStride(op.params);
      const t = g.node(`${n}/ToNCW`, 'Transpose', [ins[0]!], `${n}/ToNCW`, [
        onnx.ints('perm', onnx.layout.toChannelsFirst(1)),
      ]);
      const pads = onnx.layout.onnxPads(
        onnx.layout.spatialPads(
          op.inputShapes[0]!,
          1,
          [pool],
          [stride],
          op.params.padding as string,
        ),
      );
      const attrs = [
        onnx.ints('kernel_shape', [pool]),
        onnx.ints('strides', [stride]),
        onnx.ints('pads', pads),
      ];
      if (opType === 'AveragePool') attrs.push(onnx.int('count_include_pad', 0));
      const y = g.node(`${n}/${opType}`, opType, [t], `${n}/${opType}`, attrs);
      return g.node(`${n}/ToNWC`, 'Transpose', [y], n, [
        onnx.ints('perm', onnx.layout.toChannelsLast(1)),
      ]);
    },
  };
}

/** Explanation arithmetic of a 1-D pooling op: no weights; the steps line. */
export function pool1DArithmetic(
  p: ResolvedParams,
  inputs: readonly (readonly number[])[],
): explain.BlockArithmetic {
  const [pool, stride] = poolAndStride(p);
  return {
    params: 'no weights: pooling only compares or averages values',
    shape: explain.windowShape(inputs[0]!, [pool], [stride], p.padding as string),
  };
}

/**
 * Hooks of a global 1-D pooling op, `(steps, C)` → `(C)`: PyTorch reduces dim 1 of the
 * `(N, steps, C)` value (`mean` / `amax`), ONNX `ReduceMean` / `ReduceMax` over axis 1 without
 * kept axes, TF.js `globalAveragePooling1d` / `globalMaxPooling1d`.
 */
export function globalPool1DHooks(kind: 'max' | 'avg'): {
  torch: torch.Hooks;
  tfjs: tfjs.Hooks;
  onnx: onnx.ExportHooks;
} {
  const reduce = kind === 'max' ? 'amax' : 'mean';
  const adaptive = kind === 'max' ? 'nn.AdaptiveMaxPool1d(1)' : 'nn.AdaptiveAvgPool1d(1)';
  const onnxOp = kind === 'max' ? 'ReduceMax' : 'ReduceMean';
  return {
    torch: {
      plan: () => ({
        steps: [
          {
            fn: (v) => `${v}.${reduce}(dim=1)`,
            seq: [`Permute(${torch.dims(torch.toChannelsFirst(1))})`, adaptive, 'nn.Flatten()'],
          },
        ],
      }),
    },
    tfjs: {
      layers: (tf, op) => [
        kind === 'max'
          ? tf.layers.globalMaxPooling1d({ name: op.name })
          : tf.layers.globalAveragePooling1d({ name: op.name }),
      ],
      // steps − 1 comparisons (or adds, plus one multiply) per channel.
      forwardFlops: (op) => tfjs.shapeSize(op.inputShapes[0] ?? []),
    },
    onnx: {
      export: ({ g, op, ins }) =>
        g.node(`${op.name}/${onnxOp}`, onnxOp, [ins[0]!], op.name, [
          onnx.ints('axes', [1]),
          onnx.int('keepdims', 0),
        ]),
    },
  };
}

/**
 * A Keras 1-D size setting (`kernel_size`, `strides`, `pool_size` of Conv1D / Pooling1D): an int
 * or a 1-tuple (Keras 3 configs write `(3,)`, TF.js `[3]`) → the int. Throws `keras.Unsupported`
 * naming `what` for anything else.
 */
export function kerasSize1D(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return v[0];
  throw new keras.Unsupported(`${what} ${JSON.stringify(v)}`);
}

/** `keras.writeCall` with 1-tuples written as plain ints (`Conv1D(32, 3)`, as Keras's docs do). */
export function writeCall1D(config: keras.KerasLayerConfig, style: keras.CallStyle): string {
  const plain = Object.fromEntries(
    Object.entries(config.config).map(([k, v]) => [
      k,
      Array.isArray(v) && v.length === 1 && typeof v[0] === 'number' ? (v[0] as number) : v,
    ]),
  );
  return keras.writeCall({ className: config.className, config: plain }, style);
}

/**
 * The Keras hooks of a 1-D pooling kind (Keras 3 `MaxPooling1D(pool_size=2, strides=None,
 * padding="valid")`): config `pool_size` and `strides` as 1-tuples (`strides` null = pool size),
 * `padding`; imported strides equal to the pool size become null.
 */
export function pool1DKeras(classNames: readonly [string, ...string[]]): keras.Hooks {
  const className = classNames[0];
  const callStyle: keras.CallStyle = {
    positional: ['pool_size'],
    defaults: { strides: null, padding: 'valid' },
  };
  const config = (op: Parameters<keras.Hooks['config']>[0]): keras.KerasLayerConfig => {
    const strides = op.params.strides as number | null;
    return {
      className,
      config: {
        name: op.name,
        pool_size: [op.params.pool_size as number],
        strides: strides === null ? null : [strides],
        padding: op.params.padding as string,
      },
    };
  };
  return {
    classNames,
    config,
    callStyle,
    expression: (op) => writeCall1D(config(op), callStyle),
    signature: ['pool_size', 'strides', 'padding', 'data_format'],
    fromConfig: (c) => {
      keras.checkChannelsLast(c);
      const pool = kerasSize1D(c.pool_size ?? 2, 'pool_size');
      const strides =
        c.strides === null || c.strides === undefined ? null : kerasSize1D(c.strides, 'strides');
      if (c.padding !== undefined && c.padding !== 'valid' && c.padding !== 'same')
        throw new keras.Unsupported(`padding ${String(c.padding)}`);
      return {
        params: {
          pool_size: pool,
          strides: strides === pool ? null : strides,
          padding: c.padding ?? 'valid',
        },
      };
    },
    weightOrder: [],
  };
}

/**
 * The Keras hooks of a global pooling kind (no settings; `keepdims` True and channels_first are
 * not represented). `classNames`: canonical first, then Keras's alias (`GlobalMaxPool1D`).
 */
export function globalPoolKeras(classNames: readonly [string, ...string[]]): keras.Hooks {
  return {
    classNames,
    config: keras.nameOnly(classNames[0]),
    callStyle: { positional: [], defaults: {} },
    signature: ['data_format', 'keepdims'],
    fromConfig: (c) => {
      keras.checkChannelsLast(c);
      if (c.keepdims) throw new keras.Unsupported('keepdims');
      return { params: {} };
    },
    weightOrder: [],
  };
}

/**
 * A Keras ZeroPadding2D `padding` / Cropping2D `cropping` setting → `[[top, bottom], [left,
 * right]]`: an int means the same on all four sides, `(h, w)` means `((h, h), (w, w))`, and
 * `((top, bottom), (left, right))` is itself (keras.io ZeroPadding2D / Cropping2D). Throws
 * `keras.Unsupported` naming `what` for anything else or a negative entry.
 */
export function kerasEdges(v: unknown, what: string): [[number, number], [number, number]] {
  const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (isInt(v))
    return [
      [v, v],
      [v, v],
    ];
  if (Array.isArray(v) && v.length === 2) {
    const [h, w] = v as unknown[];
    if (isInt(h) && isInt(w))
      return [
        [h, h],
        [w, w],
      ];
    if (v.every((e) => Array.isArray(e) && e.length === 2 && e.every(isInt)))
      return v as [[number, number], [number, number]];
  }
  throw new keras.Unsupported(`${what} ${JSON.stringify(v)}`);
}

/**
 * The short line on a ZeroPadding2D / Cropping2D block from its stored `padding` / `cropping`
 * ((top, bottom), (left, right)), or any Keras form of it (`parseEdges`): `pad 1` when all four sides are equal, else `pad 2+0, 1+3`
 * (top+bottom, left+right); `pad ?, ?` for a value that is none of those (the digest gets stored
 * params).
 */
export function edgesDigest(word: string, edges: unknown): string {
  const [h, w] = parseEdges(edges) ?? [null, null];
  if (h && w && [...h, ...w].every((v) => v === h[0])) return `${word} ${String(h[0])}`;
  const text = (v: number[] | null) => (v ? `${String(v[0])}+${String(v[1])}` : '?');
  return `${word} ${text(h)}, ${text(w)}`;
}

// ─── ONNX import claims ───

/**
 * The channels-last axis (batch 0) that each axis of a tensor in state `s` holds: a tensor laid
 * out by `perm` has channels-last axis `perm[a]` at its axis `a` (see `onnx.TensorState.perm`).
 */
const clAxis = (s: onnx.TensorState, actual: number): number =>
  s.perm[actual < 0 ? actual + s.perm.length : actual]!;

/** Import claim of a 1-D pooling kind: ONNX `opType` on an NCW sequence → `type`. */
export function pool1DImport(opType: 'MaxPool' | 'AveragePool', type: string): onnx.Importer {
  return {
    ops: [opType],
    match: (node, ctx) => {
      const s = ctx.stateOf(node, node.inputs[0]);
      if (s.shape.length !== 2) return false;
      ctx.requireChannelsFirst(s, opType);
      const k = ctx.attr(node, 'kernel_shape')?.ints ?? [];
      const strides = ctx.attr(node, 'strides')?.ints ?? [1];
      if (k.length !== 1) throw new onnx.Unsupported(`${opType} with kernel [${k.join(', ')}]`);
      if (ctx.attr(node, 'ceil_mode')?.i) throw new onnx.Unsupported(`${opType} with ceil_mode`);
      if ((ctx.attr(node, 'dilations')?.ints ?? [1]).some((d) => d !== 1))
        throw new onnx.Unsupported(`dilated ${opType}`);
      if (node.outputs[1] && ctx.consumers(node.outputs[1]))
        throw new onnx.Unsupported('MaxPool indices');
      const padding = ctx.windowPadding(node, s, k, strides);
      if (opType === 'AveragePool' && padding === 'same' && ctx.attr(node, 'count_include_pad')?.i)
        throw new onnx.Unsupported('AveragePool that counts padding (TensorFlow does not)');
      ctx.addLayer(
        node,
        type,
        { pool_size: k[0], strides: strides[0] === k[0] ? null : strides[0], padding },
        [s],
        onnx.layout.toChannelsFirst(1),
      );
    },
  };
}

/**
 * Import claim of a global pooling kind: `ReduceMax`/`ReduceMean` over the spatial axes
 * (`spatialRank` 1: steps; 2: height and width) without kept axes, in either layout; declines
 * (returns false) other reductions so that other kinds may claim them.
 */
export function globalPoolImport(
  opType: 'ReduceMax' | 'ReduceMean',
  type: string,
  spatialRank: 1 | 2,
): onnx.Importer {
  return {
    ops: [opType],
    match: (node, ctx) => {
      const s = ctx.stateOf(node, node.inputs[0]);
      if (s.shape.length !== spatialRank + 1 || s.torchIndex) return false;
      const axes = ctx.attr(node, 'axes')?.ints ?? ctx.intsOf(node.inputs[1]) ?? [];
      const keep = ctx.attr(node, 'keepdims')?.i ?? 1;
      const spatial = axes.map((a) => clAxis(s, a)).sort();
      const want = Array.from({ length: spatialRank }, (_, i) => i + 1);
      if (keep !== 0 || spatial.join() !== want.join()) return false;
      ctx.addLayer(node, type, {}, [s], null);
    },
  };
}

/**
 * `[before, after]` for the height (channels-last axis 1) and width (axis 2) of a 4-D tensor in
 * state `s`, from per-actual-axis `begins`/`ends`; Unsupported when the batch or channel axis has
 * any (`what` names the operator).
 */
function edgesOf(
  s: onnx.TensorState,
  begins: readonly number[],
  ends: readonly number[],
  what: string,
): [[number, number], [number, number]] {
  const out: [number, number][] = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  begins.forEach((b, a) => (out[clAxis(s, a)] = [b, ends[a]!]));
  if (out[0]!.some((v) => v !== 0) || out[3]!.some((v) => v !== 0))
    throw new onnx.Unsupported(`${what} of the batch or channel axis`);
  return [out[1]!, out[2]!];
}

/** ZeroPadding2D's claim: a constant-zero `Pad` of the height and width of an image. */
export const zeroPaddingImport: onnx.Importer = {
  ops: ['Pad'],
  match: (node, ctx) => {
    const s = ctx.stateOf(node, node.inputs[0]);
    if (s.shape.length !== 3) return false;
    const mode = ctx.attr(node, 'mode')?.s ?? 'constant';
    if (mode !== 'constant') throw new onnx.Unsupported(`Pad mode ${mode}`);
    const value = node.inputs[2] ? ctx.floatsOf(node.inputs[2], 'a pad value').floats[0] : 0;
    if (value !== 0 && value !== undefined) throw new onnx.Unsupported(`Pad with value ${value}`);
    if (node.inputs[3]) throw new onnx.Unsupported('Pad with axes');
    const pads = ctx.attr(node, 'pads')?.ints ?? ctx.intsOf(node.inputs[1]);
    if (!pads || pads.length !== 8) throw new onnx.Unsupported('Pad without 8 constant pads');
    if (pads.some((p) => p < 0)) throw new onnx.Unsupported('Pad with negative pads');
    const [h, w] = edgesOf(s, pads.slice(0, 4), pads.slice(4), 'Pad');
    ctx.addLayer(node, 'ZeroPadding2D', { padding: [h, w] }, [s], s.perm);
  },
};

/**
 * Cropping2D's claim: a `Slice` of the height and width of an image with step 1 (ends past the
 * size or negative, as PyTorch writes `x[:, :, 1:-1]`, are clamped as ONNX defines them).
 */
export const croppingImport: onnx.Importer = {
  ops: ['Slice'],
  match: (node, ctx) => {
    const s = ctx.stateOf(node, node.inputs[0]);
    if (s.shape.length !== 3) return false;
    const starts = ctx.attr(node, 'starts')?.ints ?? ctx.intsOf(node.inputs[1]);
    const ends = ctx.attr(node, 'ends')?.ints ?? ctx.intsOf(node.inputs[2]);
    if (!starts || !ends) throw new onnx.Unsupported('Slice without constant starts and ends');
    const axes =
      ctx.attr(node, 'axes')?.ints ??
      (node.inputs[3] ? ctx.intsOf(node.inputs[3]) : starts.map((_, i) => i));
    const steps = node.inputs[4] ? ctx.intsOf(node.inputs[4]) : undefined;
    if (!axes || (steps && steps.some((v) => v !== 1)))
      throw new onnx.Unsupported('Slice with steps other than 1');
    const begins = [0, 0, 0, 0];
    const cut = [0, 0, 0, 0];
    axes.forEach((axis, i) => {
      const a = axis < 0 ? axis + 4 : axis;
      const cl = clAxis(s, a);
      if (cl === 0) {
        // The batch axis: only a slice that keeps all of it (0 to "the end", INT64_MAX).
        if (starts[i] !== 0 || ends[i]! < 2 ** 31 - 1)
          throw new onnx.Unsupported('Slice of the batch axis');
        return;
      }
      const size = s.shape[cl - 1]!;
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
      begins[a] = clamp(starts[i]!);
      cut[a] = size - clamp(ends[i]!);
    });
    const [h, w] = edgesOf(s, begins, cut, 'Slice');
    ctx.addLayer(node, 'Cropping2D', { cropping: [h, w] }, [s], s.perm);
  },
};

/**
 * UpSampling2D's claim: a nearest `Resize` by whole factors of height and width (scales, or
 * sizes that are whole multiples), source index ⌊i / factor⌋ ('asymmetric' + 'floor', as TF.js;
 * PyTorch's `nn.Upsample(mode="nearest")` exports so), in either layout.
 */
export const upSamplingImport: onnx.Importer = {
  ops: ['Resize'],
  match: (node, ctx) => {
    const s = ctx.stateOf(node, node.inputs[0]);
    if (s.shape.length !== 3) return false;
    const mode = ctx.attr(node, 'mode')?.s ?? 'nearest';
    const transform = ctx.attr(node, 'coordinate_transformation_mode')?.s ?? 'half_pixel';
    const nearest = ctx.attr(node, 'nearest_mode')?.s ?? 'round_prefer_floor';
    if (mode !== 'nearest') throw new onnx.Unsupported(`Resize mode ${mode}`);
    if (transform !== 'asymmetric' || nearest !== 'floor')
      throw new onnx.Unsupported(
        `Resize with ${transform} coordinates and ${nearest} rounding (UpSampling2D repeats values: asymmetric, floor)`,
      );
    const scalesName = ctx.opset < 11 ? node.inputs[1] : node.inputs[2];
    const scales =
      scalesName && ctx.inits.get(scalesName)?.floats?.length
        ? Array.from(ctx.inits.get(scalesName)!.floats!)
        : undefined;
    const sizes = node.inputs[3] ? ctx.intsOf(node.inputs[3]) : undefined;
    if (!scales && !sizes) throw new onnx.Unsupported('Resize without constant scales or sizes');
    const factor = [1, 1, 1, 1];
    for (let a = 0; a < 4; a++) {
      const cl = clAxis(s, a);
      if (cl === 0) factor[0] = scales ? scales[a]! : 1;
      else factor[cl] = scales ? scales[a]! : sizes![a]! / s.shape[cl - 1]!;
    }
    if (factor.some((f) => !Number.isInteger(f) || f < 1) || factor[0] !== 1 || factor[3] !== 1)
      throw new onnx.Unsupported(
        `Resize by [${factor.join(', ')}] (UpSampling2D repeats height and width whole times)`,
      );
    ctx.addLayer(
      node,
      'UpSampling2D',
      { size: [factor[1], factor[2]], interpolation: 'nearest' },
      [s],
      s.perm,
    );
  },
};

/**
 * Conv1D's claim: a 1-D `Conv` (kernel `(out, in, k)`) on an NCW sequence → Conv1D with the kernel
 * in Keras layout `(k, in, out)`; grouped or dilated convolutions are refused.
 */
export const conv1DImport: onnx.Importer = {
  ops: ['Conv'],
  match: (node, ctx) => {
    const s = ctx.stateOf(node, node.inputs[0]);
    if (s.shape.length !== 2) return false;
    ctx.requireChannelsFirst(s, 'Conv');
    const w = ctx.floatsOf(node.inputs[1], 'a kernel');
    if (w.dims.length !== 3) throw new onnx.Unsupported('Conv that is not 1-D on a sequence');
    const [cout, cin, k] = w.dims as [number, number, number];
    if ((ctx.attr(node, 'group')?.i ?? 1) !== 1) throw new onnx.Unsupported('grouped Conv');
    if ((ctx.attr(node, 'dilations')?.ints ?? [1]).some((d) => d !== 1))
      throw new onnx.Unsupported('dilated Conv');
    if (cin !== s.shape[1])
      throw new onnx.Unsupported(`Conv kernel for ${cin} channels on ${s.shape[1]}`);
    const strides = ctx.attr(node, 'strides')?.ints ?? [1];
    const padding = ctx.windowPadding(node, s, [k], strides);
    const toKeras = onnx.layout.inversePermutation(onnx.layout.kernelToChannelsFirst(1));
    const weights: onnx.WeightTensor[] = [
      {
        name: 'kernel',
        shape: [k, cin, cout],
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
      'Conv1D',
      {
        filters: cout,
        kernel_size: k,
        strides: strides[0],
        padding,
        activation: 'linear',
        use_bias: weights.length === 2,
      },
      [s],
      onnx.layout.toChannelsFirst(1),
      weights,
    );
  },
};
