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
export function pool1DOnnx(opType: 'MaxPool' | 'AveragePool'): onnx.Hooks {
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
  onnx: onnx.Hooks;
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
