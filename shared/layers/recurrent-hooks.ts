/**
 * The back-end hooks shared by the recurrent kinds: SimpleRNN, LSTM and GRU (one direction) and
 * Bidirectional over one of them (two directions merged). Each kind module picks its hooks from
 * here; the front half is in `recurrent-common.ts`, the weight layouts in `recurrent-weights.ts`.
 *
 * One direction's Keras arrays (and TF.js's, which are the same): `kernel` `(features, G·units)`,
 * `recurrent_kernel` `(units, G·units)`, `bias` `(G·units)` or for GRU `(2, G·units)`.
 * Bidirectional holds the forward layer's arrays, then the backward layer's, named as Keras's
 * weight paths: `forward_lstm/kernel`, …, `backward_lstm/bias`.
 */
import * as explain from './backends/explain.ts';
import * as keras from './backends/keras.ts';
import * as onnx from './backends/onnx.ts';
import * as tfjs from './backends/tfjs.ts';
import * as torch from './backends/torch.ts';
import type { IrOp } from '../ir/lower.ts';
import { resetAfterGru } from '../tfjs/gru-reset-after.ts';
import {
  GATES,
  TORCH_RECURRENT,
  kerasRecurrentCount,
  torchRecurrentCount,
  type RecurrentKind,
} from './recurrent-common.ts';
import {
  ONNX_GATES_FROM_KERAS,
  TORCH_GATES_FROM_KERAS,
  gateArraysFromKeras,
  gateRowsToKeras,
  gateVectorToKeras,
} from './recurrent-weights.ts';

/** What a recurrent op is: its cell kind and, for Bidirectional, its merge mode. */
interface Shape {
  kind: RecurrentKind;
  /** null: one direction; else Bidirectional's merge_mode. */
  merge: 'concat' | 'sum' | 'mul' | 'ave' | null;
}

const KERAS_SNAKE: Record<RecurrentKind, string> = {
  SimpleRNN: 'simple_rnn',
  LSTM: 'lstm',
  GRU: 'gru',
};

/** The weight-name prefixes of each direction: `''`, or `forward_lstm/` and `backward_lstm/`. */
function directionPrefixes(s: Shape): string[] {
  if (s.merge === null) return [''];
  const k = KERAS_SNAKE[s.kind];
  return [`forward_${k}/`, `backward_${k}/`];
}

function unitsOf(op: Pick<IrOp, 'params'>): number {
  return op.params.units as number;
}

function featuresOf(op: Pick<IrOp, 'inputShapes'>): number {
  return op.inputShapes[0]![1]!;
}

function useBias(s: Shape, op: Pick<IrOp, 'params'>): boolean {
  return s.merge !== null || (op.params.use_bias as boolean);
}

/** SimpleRNN's activation (a param); Bidirectional's inner SimpleRNN keeps Keras's tanh. */
function simpleActivation(s: Shape, op: Pick<IrOp, 'params'>): string {
  return s.merge === null && s.kind === 'SimpleRNN' ? (op.params.activation as string) : 'tanh';
}

// ─── Keras ───

/** The Keras config of one (inner) recurrent layer. */
function innerConfig(s: Shape, op: IrOp, name: string): keras.KerasLayerConfig {
  const p = op.params;
  const config: Record<string, keras.KerasValue> = { name, units: unitsOf(op) };
  if (s.kind === 'SimpleRNN') config.activation = simpleActivation(s, op);
  else {
    config.activation = 'tanh';
    config.recurrent_activation = 'sigmoid';
  }
  config.use_bias = useBias(s, op);
  config.return_sequences = p.return_sequences as boolean;
  if (s.kind === 'GRU') config.reset_after = true;
  return { className: s.kind, config };
}

const INNER_STYLE: keras.CallStyle = {
  positional: ['units'],
  defaults: {
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    return_sequences: false,
    reset_after: true,
  },
};

/** A Keras recurrent config → `{ units, use_bias, return_sequences, activation? }`, or Unsupported. */
function innerParams(kind: RecurrentKind, c: keras.Json): Record<string, unknown> {
  const activation = keras.activationOf(c.activation ?? 'tanh');
  if (kind !== 'SimpleRNN' && activation !== 'tanh')
    throw new keras.Unsupported(`${kind} with activation ${activation} (Netwright runs tanh)`);
  if (kind === 'SimpleRNN' && activation !== 'tanh' && activation !== 'relu')
    throw new keras.Unsupported(`SimpleRNN with activation ${activation} (tanh or relu)`);
  if (kind !== 'SimpleRNN') {
    const rec = keras.activationOf(c.recurrent_activation ?? 'sigmoid');
    if (rec !== 'sigmoid')
      throw new keras.Unsupported(
        `${kind} with recurrent_activation ${rec} (Netwright runs sigmoid)`,
      );
  }
  if (kind === 'GRU' && c.reset_after === false)
    throw new keras.Unsupported(
      "GRU with reset_after=False (Netwright runs Keras 3's reset_after=True)",
    );
  for (const key of ['go_backwards', 'stateful', 'return_state', 'unroll'])
    if (c[key] === true) throw new keras.Unsupported(`${kind} with ${key}=True`);
  for (const key of ['dropout', 'recurrent_dropout'])
    if (typeof c[key] === 'number' && c[key] !== 0)
      throw new keras.Unsupported(`${kind} with ${key} ${String(c[key])}`);
  const params: Record<string, unknown> = {
    units: c.units,
    use_bias: c.use_bias ?? true,
    return_sequences: c.return_sequences ?? false,
  };
  if (kind === 'SimpleRNN') params.activation = activation;
  return params;
}

/** Keras hooks of SimpleRNN, LSTM or GRU. */
export function recurrentKeras(kind: RecurrentKind): keras.Hooks {
  const s: Shape = { kind, merge: null };
  return {
    // TF.js saves Netwright's GRU as NetwrightGRU (tfjs-layers' own GRU is reset_after=False).
    classNames: kind === 'GRU' ? ['GRU', 'NetwrightGRU'] : [kind],
    config: (op) => innerConfig(s, op, op.name),
    callStyle: INNER_STYLE,
    // keras.io: SimpleRNN(units, activation, use_bias, …); LSTM/GRU(units, activation, recurrent_activation, use_bias, …).
    signature:
      kind === 'SimpleRNN'
        ? ['units', 'activation', 'use_bias']
        : ['units', 'activation', 'recurrent_activation', 'use_bias'],
    fromConfig: (c) => ({ params: innerParams(kind, c) }),
    weightOrder: ['kernel', 'recurrent_kernel', 'bias'],
  };
}

/** Keras hooks of Bidirectional. */
export const bidirectionalKeras: keras.Hooks = {
  classNames: ['Bidirectional'],
  config: (op) => {
    const s = shapeOf(op);
    // Keras 3 Bidirectional.get_config nests the wrapped layer ({"layer": {...}, "merge_mode"});
    // a KerasValue cannot nest objects, so the wrapped class and its settings are flat here.
    return {
      className: 'Bidirectional',
      config: {
        name: op.name,
        layer: s.kind,
        units: unitsOf(op),
        return_sequences: op.params.return_sequences as boolean,
        merge_mode: op.params.merge_mode as string,
      },
    };
  },
  callStyle: { positional: [], defaults: { merge_mode: 'concat' } },
  signature: ['layer', 'merge_mode'],
  expression: (op) => {
    const s = shapeOf(op);
    const inner = innerConfig(s, op, '');
    delete inner.config.name;
    const args = [keras.writeCall(inner, INNER_STYLE)];
    if (op.params.merge_mode !== 'concat')
      args.push(`merge_mode=${JSON.stringify(op.params.merge_mode)}`);
    args.push(`name=${JSON.stringify(op.name)}`);
    return `layers.Bidirectional(${args.join(', ')})`;
  },
  fromConfig: (c) => {
    // Keras nests the wrapped layer ({"layer": {"class_name", "config"}}); Netwright's own
    // config (`config` above) names it flat, with units and return_sequences beside it.
    const flat = typeof c.layer === 'string';
    const layer = (flat ? undefined : c.layer) as keras.Json | undefined;
    const className = flat ? String(c.layer) : String(layer?.class_name ?? layer?.className ?? '');
    const kind = (className === 'NetwrightGRU' ? 'GRU' : className) as RecurrentKind;
    if (!['SimpleRNN', 'LSTM', 'GRU'].includes(kind))
      throw new keras.Unsupported(`Bidirectional over ${className || 'an unknown layer'}`);
    const innerJson = flat
      ? { units: c.units, return_sequences: c.return_sequences }
      : ((layer!.config ?? {}) as keras.Json);
    const inner = innerParams(kind, innerJson);
    if (inner.use_bias === false) throw new keras.Unsupported('Bidirectional without bias');
    if (kind === 'SimpleRNN' && inner.activation !== 'tanh')
      throw new keras.Unsupported('Bidirectional SimpleRNN with activation other than tanh');
    const merge = c.merge_mode ?? 'concat';
    if (!['concat', 'sum', 'mul', 'ave'].includes(String(merge)))
      throw new keras.Unsupported(`Bidirectional merge_mode ${String(merge)}`);
    return {
      params: {
        layer: kind,
        units: inner.units,
        return_sequences: inner.return_sequences,
        merge_mode: merge,
      },
    };
  },
  weightOrder: [],
};

// ─── PyTorch ───

/**
 * `gru_gates(a)`, written once into a file with a GRU: Keras's gate blocks z, r, h (along the
 * first axis of a transposed kernel or a bias row) in PyTorch's order r, z, n.
 */
const GRU_GATES: torch.Helper = {
  name: 'gru_gates',
  write: (w) => {
    w.block('def gru_gates(a):', () => {
      w.line('"""Keras GRU gate blocks z, r, h (first axis) in PyTorch\'s order r, z, n."""');
      w.line('z, r, h = np.split(a, 3)');
      w.line('return np.concatenate([r, z, h])');
    });
  },
};

/** The Python expression putting Keras's gate blocks of `a` in PyTorch's order, if they differ. */
function torchGateExpr(kind: RecurrentKind): ((a: string) => string) | undefined {
  const order = TORCH_GATES_FROM_KERAS[kind];
  if (order.every((g, i) => g === i)) return undefined;
  // Only GRU reorders (r, z, n ← z, r, h): the gru_gates helper.
  return (a) => `gru_gates(${a})`;
}

function torchModule(s: Shape, op: IrOp): string {
  const args = [String(featuresOf(op)), String(unitsOf(op)), 'batch_first=True'];
  if (s.kind === 'SimpleRNN' && simpleActivation(s, op) === 'relu')
    args.push('nonlinearity="relu"');
  if (!useBias(s, op)) args.push('bias=False');
  if (s.merge !== null) args.push('bidirectional=True');
  return `${TORCH_RECURRENT[s.kind]}(${args.join(', ')})`;
}

/**
 * PyTorch's trainable count: SimpleRNN and LSTM keep a second bias vector per direction
 * (`bias_hh`, which load_weights sets to 0) where Keras keeps one; GRU (reset_after) agrees.
 */
function torchCount(s: Shape, op: IrOp): { trainable: number; why: string } {
  const dirs = s.merge === null ? 1 : 2;
  const bias = useBias(s, op);
  return {
    trainable: dirs * torchRecurrentCount(s.kind, featuresOf(op), unitsOf(op), bias),
    why: `${TORCH_RECURRENT[s.kind]} keeps two bias vectors (bias_ih, bias_hh) where Keras keeps one; load_weights sets bias_hh to 0`,
  };
}

const BIDIRECTIONAL_HELPER: torch.Helper = {
  name: 'BidirectionalRNN',
  write: (w) => {
    w.block('class BidirectionalRNN(nn.Module):', () => {
      w.line('"""A bidirectional PyTorch RNN (batch_first) merged as Keras\'s Bidirectional does:');
      w.line("the backward direction's outputs in time order; without return_sequences, the");
      w.line(
        'forward direction at the last step and the backward one at the first (where it ends)."""',
      );
      w.blank();
      w.block('def __init__(self, rnn, merge_mode, return_sequences):', () => {
        w.line('super().__init__()');
        w.line('self.rnn = rnn');
        w.line('self.merge_mode = merge_mode');
        w.line('self.return_sequences = return_sequences');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('forward, backward = self.rnn(x)[0].chunk(2, dim=-1)  # (N, steps, units) each');
        w.block('if not self.return_sequences:', () => {
          w.line('forward, backward = forward[:, -1], backward[:, 0]');
        });
        w.block('if self.merge_mode == "concat":', () => {
          w.line('return torch.cat([forward, backward], dim=-1)');
        });
        w.block('if self.merge_mode == "sum":', () => w.line('return forward + backward'));
        w.block('if self.merge_mode == "mul":', () => w.line('return forward * backward'));
        w.line('return (forward + backward) / 2');
      });
    });
  },
};

function torchPlan(s: Shape): torch.Hooks['plan'] {
  return ({ op }) => {
    const rnn = torchModule(s, op);
    const seq = op.params.return_sequences as boolean;
    const notes: string[] = [];
    // load_weights puts GRU gates in PyTorch's order with the gru_gates helper.
    const helpers: torch.Step[] = s.kind === 'GRU' ? [{ helper: GRU_GATES }] : [];
    if (s.kind === 'GRU')
      notes.push('nn.GRU runs its gates r, z, n where Keras runs z, r, h: load_weights reorders.');
    if (s.merge === null) {
      return {
        steps: [
          {
            module: rnn,
            weights: true,
            // nn.RNN/LSTM/GRU return (outputs, state); Keras returns every step or the last.
            call: (m, v) => (seq ? `${m}(${v})[0]` : `${m}(${v})[0][:, -1]`),
          },
          ...helpers,
        ],
        notes,
      };
    }
    const merge = JSON.stringify(op.params.merge_mode);
    return {
      steps: [
        {
          module: `BidirectionalRNN(${rnn}, ${merge}, return_sequences=${seq ? 'True' : 'False'})`,
          weights: true,
          helper: BIDIRECTIONAL_HELPER,
        },
        ...helpers,
      ],
      notes,
    };
  };
}

function torchWeights(s: Shape): NonNullable<torch.Hooks['weights']> {
  return ({ op }) => {
    const gates = torchGateExpr(s.kind);
    const arrays: Record<string, torch.WeightCopy[]> = {};
    const owner = s.merge === null ? '' : 'rnn.';
    directionPrefixes(s).forEach((prefix, d) => {
      const suffix = d === 0 ? '_l0' : '_l0_reverse';
      const at = (name: string) => `${owner}${name}${suffix}`;
      arrays[`${prefix}kernel`] = [{ attr: at('weight_ih'), axes: [1, 0], expr: gates }];
      arrays[`${prefix}recurrent_kernel`] = [{ attr: at('weight_hh'), axes: [1, 0], expr: gates }];
      if (!useBias(s, op)) return;
      arrays[`${prefix}bias`] =
        s.kind === 'GRU'
          ? [
              { attr: at('bias_ih'), expr: (a) => (gates ? gates(`${a}[0]`) : `${a}[0]`) },
              { attr: at('bias_hh'), expr: (a) => (gates ? gates(`${a}[1]`) : `${a}[1]`) },
            ]
          : [{ attr: at('bias_ih') }, { attr: at('bias_hh'), expr: (a) => `np.zeros_like(${a})` }];
    });
    const kind = s.kind;
    return {
      note:
        kind === 'GRU'
          ? 'GRU: Keras kernels [in, 3·units] (gates z, r, h) → weight_ih/weight_hh [3·units, in] (gates r, z, n); bias row 0 → bias_ih, row 1 → bias_hh.'
          : `${kind}: Keras kernels [in, ${GATES[kind] > 1 ? `${GATES[kind]}·` : ''}units] → weight_ih/weight_hh transposed (same gate order); the Keras bias → bias_ih, bias_hh = 0.`,
      arrays,
    };
  };
}

// ─── TF.js ───

function tfjsInner(
  tf: tfjs.Tf,
  s: Shape,
  op: IrOp,
  ctx: tfjs.LayerContext,
  name?: string,
): tfjs.Layer {
  const units = unitsOf(op);
  const returnSequences = op.params.return_sequences as boolean;
  const bias = useBias(s, op);
  // Keras's initialisers (glorot uniform, orthogonal), seeded when the build is.
  const seed = ctx.seed === undefined ? {} : { seed: ctx.seed };
  const kernelInitializer = tf.initializers.glorotUniform(seed);
  const recurrentInitializer = tf.initializers.orthogonal(seed);
  const common = {
    ...(name === undefined ? {} : { name }),
    units,
    useBias: bias,
    returnSequences,
    kernelInitializer,
    recurrentInitializer,
  };
  switch (s.kind) {
    case 'SimpleRNN':
      return tf.layers.simpleRNN({
        ...common,
        activation: simpleActivation(s, op) as tfjs.ActivationIdentifier,
      });
    case 'LSTM':
      return tf.layers.lstm({
        ...common,
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        unitForgetBias: true,
      });
    case 'GRU':
      // Initialisers from the seed, which Bidirectional's copies of the layer keep.
      return resetAfterGru(tf, {
        ...(name === undefined ? {} : { name }),
        units,
        useBias: bias,
        returnSequences,
        ...(ctx.seed === undefined ? {} : { seed: ctx.seed }),
      });
  }
}

/**
 * `layer` with its `build` run inside `tf.tidy`: tfjs-layers 4.22's LSTMCell builds its
 * unit_forget_bias initial bias from three tensors and two concatenations it never frees (4
 * tensors per LSTM, found by tests/shared/backends-train.test.ts). The weights survive the tidy
 * (variables are never disposed by it); Bidirectional builds its two copies inside its own build.
 */
function tidyBuild(tf: tfjs.Tf, layer: tfjs.Layer): tfjs.Layer {
  const build = layer.build.bind(layer);
  layer.build = (inputShape) => tf.tidy(() => build(inputShape));
  return layer;
}

function tfjsWeightSpecs(s: Shape, op: tfjs.OpShapes): tfjs.WeightSpec[] {
  const u = op.params.units as number;
  const f = op.inputShapes[0]![1]!;
  const g = GATES[s.kind];
  return directionPrefixes(s).flatMap((prefix) => {
    const out = [
      { name: `${prefix}kernel`, shape: [f, g * u] },
      { name: `${prefix}recurrent_kernel`, shape: [u, g * u] },
    ];
    if (s.merge !== null || op.params.use_bias)
      out.push({ name: `${prefix}bias`, shape: s.kind === 'GRU' ? [2, g * u] : [g * u] });
    return out;
  });
}

/**
 * FLOPs of one example, forward: per step and direction the two products `2·G·units·(features +
 * units)`, plus about `(G + 3)·units` element-wise operations (bias adds, gate nonlinearities and
 * the state update); Bidirectional adds its merge (`outSize`).
 */
function recurrentFlops(s: Shape, op: tfjs.OpShapes): number {
  const [steps, f] = op.inputShapes[0] as [number, number];
  const u = op.params.units as number;
  const g = GATES[s.kind];
  const dirs = s.merge === null ? 1 : 2;
  const perStep = 2 * g * u * (f + u) + (g + 3) * u;
  return dirs * steps * perStep + (s.merge === null ? 0 : tfjs.outSize(op));
}

/** Values kept for backprop per example: every step's gate values and state, per direction. */
function recurrentKept(s: Shape, op: tfjs.OpShapes): number {
  const steps = op.inputShapes[0]![0]!;
  const u = op.params.units as number;
  const dirs = s.merge === null ? 1 : 2;
  return dirs * steps * (GATES[s.kind] + 1) * u + tfjs.outSize(op);
}

function tfjsHooksOf(s: Shape | ((op: Pick<IrOp, 'params'>) => Shape)): tfjs.Hooks {
  const at = (op: Pick<IrOp, 'params'>) => (typeof s === 'function' ? s(op) : s);
  return {
    layers: (tf, op, ctx) => {
      const shape = at(op);
      if (shape.merge === null) return [tidyBuild(tf, tfjsInner(tf, shape, op, ctx, op.name))];
      // The wrapped layer named as Keras names it (`lstm`): TF.js calls its copies
      // `forward_lstm` and `backward_lstm`, the prefixes of the weight names above.
      const inner = tfjsInner(tf, shape, op, ctx, KERAS_SNAKE[shape.kind]);
      return [
        tidyBuild(
          tf,
          tf.layers.bidirectional({
            name: op.name,
            layer: inner as unknown as tfjs.Tf['RNN']['prototype'],
            mergeMode: shape.merge,
          }),
        ),
      ];
    },
    weights: (op) => tfjsWeightSpecs(at(op), op),
    forwardFlops: (op) => recurrentFlops(at(op), op),
    keptValues: (op) => recurrentKept(at(op), op),
  };
}

// ─── ONNX ───

const ONNX_OP: Record<RecurrentKind, string> = { SimpleRNN: 'RNN', LSTM: 'LSTM', GRU: 'GRU' };

function onnxExport(s: Shape): onnx.Hooks['export'] {
  return ({ g, op, ins, weight }) => {
    const n = op.name;
    const f = featuresOf(op);
    const u = unitsOf(op);
    const gu = GATES[s.kind] * u;
    const prefixes = directionPrefixes(s);
    const dirs = prefixes.length;
    const per = prefixes.map((prefix) => {
      const bias = useBias(s, op) ? weight(`${prefix}bias`).data : undefined;
      return gateArraysFromKeras(
        s.kind,
        {
          kernel: weight(`${prefix}kernel`).data,
          recurrentKernel: weight(`${prefix}recurrent_kernel`).data,
          ...(bias ? { bias } : {}),
        },
        f,
        u,
        ONNX_GATES_FROM_KERAS[s.kind],
      );
    });
    const cat = (parts: Float32Array[]) => {
      const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    };
    const W = g.floats(`${n}/W`, [dirs, gu, f], cat(per.map((p) => p.inputWeights)));
    const R = g.floats(`${n}/R`, [dirs, gu, u], cat(per.map((p) => p.recurrentWeights)));
    const inputs = [`${n}/steps_first`, W, R];
    if (useBias(s, op))
      inputs.push(
        g.floats(`${n}/B`, [dirs, 2 * gu], cat(per.flatMap((p) => [p.inputBias, p.recurrentBias]))),
      );
    // ONNX recurrent ops read (steps, N, features) (layout 0: onnxruntime runs no other).
    g.node(`${n}/ToStepsFirst`, 'Transpose', [ins[0]!], `${n}/steps_first`, [
      onnx.ints('perm', [1, 0, 2]),
    ]);
    const attrs = [
      onnx.int('hidden_size', u),
      onnx.string('direction', dirs === 2 ? 'bidirectional' : 'forward'),
    ];
    if (s.kind === 'GRU') attrs.push(onnx.int('linear_before_reset', 1));
    if (s.kind === 'SimpleRNN' && simpleActivation(s, op) === 'relu')
      attrs.push(onnx.strings('activations', new Array<string>(dirs).fill('Relu')));
    const seq = op.params.return_sequences as boolean;
    const y = `${n}/Y`;
    const yh = `${n}/Y_h`;
    g.nodes.push({
      name: `${n}/${ONNX_OP[s.kind]}`,
      opType: ONNX_OP[s.kind],
      inputs,
      outputs: seq ? [y] : ['', yh],
      attrs,
    });
    // Y: (steps, dirs, N, units) → (N, steps, dirs, units); Y_h: (dirs, N, units) → (N, dirs, units).
    const t = seq
      ? g.node(`${n}/BatchFirst`, 'Transpose', [y], `${n}/batch_first`, [
          onnx.ints('perm', [2, 0, 1, 3]),
        ])
      : g.node(`${n}/BatchFirst`, 'Transpose', [yh], `${n}/batch_first`, [
          onnx.ints('perm', [1, 0, 2]),
        ]);
    const dirAxis = seq ? 2 : 1;
    const merge = s.merge ?? 'concat';
    if (merge === 'concat') {
      // Forward then backward along the last axis, as Keras concatenates them.
      const shape = g.int64s(`${n}/shape`, seq ? [0, 0, -1] : [0, -1]);
      return g.node(`${n}/Merge`, 'Reshape', [t, shape], n);
    }
    // The importer tells the merge modes apart by these initializers (see recurrentImport).
    if (merge === 'mul')
      return g.node(`${n}/Merge`, 'ReduceProd', [t], n, [
        onnx.ints('axes', [dirAxis]),
        onnx.int('keepdims', 0),
      ]);
    const sum = g.node(
      `${n}/Merge`,
      'ReduceSum',
      [t, g.int64s(`${n}/axes`, [dirAxis])],
      merge === 'sum' ? n : `${n}/sum`,
      [onnx.int('keepdims', 0)],
    );
    if (merge === 'sum') return sum;
    // ave: (forward + backward) · 0.5.
    return g.node(`${n}/Half`, 'Mul', [sum, g.floats(`${n}/half`, [], Float32Array.of(0.5))], n);
  };
}

const ONNX_KIND: Readonly<Record<string, RecurrentKind>> = {
  RNN: 'SimpleRNN',
  LSTM: 'LSTM',
  GRU: 'GRU',
};

/**
 * ONNX import of Netwright's own recurrent pattern (the export above): Transpose to
 * (steps, N, features) → RNN/LSTM/GRU → Transpose → merge (Reshape, ReduceSum, ReduceSum + Mul
 * 0.5, ReduceProd) → the tensor named after the block. The recurrent node makes the whole block:
 * its layer's output is that last tensor, and the nodes between (which read Y or Y_h, tensors
 * with no state) are skipped by the importer. The merge mode is read from the initializers the
 * export writes (`<block>/shape`: concat, `<block>/half`: ave, `<block>/axes`: sum, none: mul).
 * A recurrent node from another exporter (torch.onnx.export of `nn.LSTM`, `nn.GRU`, `nn.RNN` with
 * `batch_first=True`, one direction, zero initial state) is read when its output is used as
 * `foreignEnd` describes; the ONNX gate orders (LSTM i,o,f,c; GRU z,r,h) and the two biases are the
 * same as in Netwright's own files, and PyTorch's GRU writes `linear_before_reset=1` (Keras's
 * `reset_after=True`). Other forms are refused by name.
 */
function recurrentImportOf(): onnx.Importer[] {
  return [
    {
      ops: ['RNN', 'LSTM', 'GRU'],
      match: (node, ctx) => {
        const kind = ONNX_KIND[node.opType]!;
        const s = ctx.stateOf(node, node.inputs[0]);
        if (!onnx.samePerm(s.perm, [1, 0, 2]) || s.shape.length !== 2)
          throw new onnx.Unsupported(`${node.opType} on a tensor that is not (steps, N, features)`);
        const n = ctx.layerNameOf(node);
        const direction = ctx.attr(node, 'direction')?.s ?? 'forward';
        if (direction !== 'forward' && direction !== 'bidirectional')
          throw new onnx.Unsupported(`${node.opType} direction ${direction}`);
        const dirs = direction === 'bidirectional' ? 2 : 1;
        if (
          ctx.attr(node, 'layout')?.i ||
          ctx.attr(node, 'clip') ||
          ctx.attr(node, 'input_forget')?.i
        )
          throw new onnx.Unsupported(`${node.opType} with layout, clip or input_forget`);
        if (kind === 'GRU' && ctx.attr(node, 'linear_before_reset')?.i !== 1)
          throw new onnx.Unsupported("GRU with linear_before_reset=0 (Keras's reset_after=False)");
        if (node.inputs.slice(4).some((i) => i))
          throw new onnx.Unsupported(`${node.opType} with sequence lengths or initial states`);
        const acts = ctx.attr(node, 'activations')?.strings;
        const relu = kind === 'SimpleRNN' && acts?.[0] === 'Relu';
        const u = ctx.attr(node, 'hidden_size')?.i ?? 0;
        const f = s.shape[1]!;
        const g = GATES[kind] * u;
        const W = ctx.floatsOf(node.inputs[1], 'W');
        const R = ctx.floatsOf(node.inputs[2], 'R');
        const B = node.inputs[3] ? ctx.floatsOf(node.inputs[3], 'B') : undefined;
        const order = ONNX_GATES_FROM_KERAS[kind];
        const merge =
          dirs === 1
            ? null
            : !ctx.ours || ctx.inits.has(`${n}/shape`)
              ? 'concat'
              : ctx.inits.has(`${n}/half`)
                ? 'ave'
                : ctx.inits.has(`${n}/axes`)
                  ? 'sum'
                  : 'mul';
        const shape: Shape = { kind, merge };
        const weights: onnx.WeightTensor[] = [];
        directionPrefixes(shape).forEach((prefix, d) => {
          const kernel = gateRowsToKeras(
            W.floats.subarray(d * g * f, (d + 1) * g * f),
            f,
            u,
            order,
          );
          const rec = gateRowsToKeras(R.floats.subarray(d * g * u, (d + 1) * g * u), u, u, order);
          weights.push({ name: `${prefix}kernel`, shape: [f, g], data: kernel });
          weights.push({ name: `${prefix}recurrent_kernel`, shape: [u, g], data: rec });
          if (!B && dirs === 1) return;
          const b = B ? B.floats.subarray(d * 2 * g, (d + 1) * 2 * g) : new Float32Array(2 * g);
          const wb = gateVectorToKeras(b.subarray(0, g), u, order);
          const rb = gateVectorToKeras(b.subarray(g), u, order);
          if (kind === 'GRU') {
            const both = new Float32Array(2 * g);
            both.set(wb);
            both.set(rb, g);
            weights.push({ name: `${prefix}bias`, shape: [2, g], data: both });
          } else {
            // One Keras bias: the two ONNX biases are always added together.
            weights.push({ name: `${prefix}bias`, shape: [g], data: wb.map((v, i) => v + rb[i]!) });
          }
        });
        const returnSequences = Boolean(node.outputs[0]) && ctx.consumers(node.outputs[0]) > 0;
        if (!ctx.ours) {
          if (dirs === 2 && relu)
            throw new onnx.Unsupported(
              'bidirectional RNN with Relu (Bidirectional wraps tanh cells)',
            );
          const end = foreignEnd(node, ctx, returnSequences, dirs);
          const last = end.nodes.at(-1)!;
          ctx.addLayer(
            { ...node, outputs: [last.outputs[0]!] },
            dirs === 2 ? 'Bidirectional' : kind,
            dirs === 2
              ? { layer: kind, units: u, return_sequences: true, merge_mode: 'concat' }
              : {
                  units: u,
                  use_bias: Boolean(B),
                  return_sequences: returnSequences,
                  ...(kind === 'SimpleRNN' ? { activation: relu ? 'relu' : 'tanh' } : {}),
                },
            [s],
            returnSequences ? [1, 0, 2] : [0, 1],
            weights,
          );
          ctx.take(end.nodes);
          return;
        }
        const params =
          merge === null
            ? {
                units: u,
                use_bias: Boolean(B),
                return_sequences: returnSequences,
                ...(kind === 'SimpleRNN' ? { activation: relu ? 'relu' : 'tanh' } : {}),
              }
            : { layer: kind, units: u, return_sequences: returnSequences, merge_mode: merge };
        // The block's output is the pattern's last tensor, named after the block.
        ctx.addLayer(
          { ...node, outputs: [n] },
          merge === null ? kind : 'Bidirectional',
          params,
          [s],
          null,
          weights,
        );
      },
    },
    {
      // The merge nodes of the pattern read a tensor without state (skipped); any other
      // ReduceSum, ReduceProd or Mul is not a block Netwright has.
      ops: ['ReduceSum', 'ReduceProd', 'Mul'],
      match: (node, ctx) => {
        ctx.stateOf(node, node.inputs[0]);
        return false;
      },
    },
  ];
}

/**
 * Where a recurrent node of another exporter (PyTorch's `nn.LSTM/GRU/RNN(batch_first=True)`)
 * ends as a block, and the nodes that make that end (taken with the block). One direction: `Y`
 * `(steps, 1, N, hidden)` read only by a `Squeeze` of axis 1 (the block's output,
 * `(steps, N, hidden)`, which PyTorch's following Transpose [1, 0, 2] makes batch-first), or
 * `Y_h` `(1, N, hidden)` read only by a `Gather` of index 0 or −1 on axis 0 or a `Squeeze` of
 * axis 0 (`h[-1]`: the last step, Keras's `return_sequences=False`). Two directions (a Keras
 * Bidirectional, merge_mode 'concat'): `Y` read only by a `Transpose` [0, 2, 1, 3] then a
 * `Reshape` to `[0, 0, -1]` (forward ‖ backward per step). Unsupported for other uses (`Y_c`,
 * both outputs, slices of Y, a bidirectional last state).
 */
function foreignEnd(
  node: onnx.DecodedNode,
  ctx: onnx.ImportContext,
  returnSequences: boolean,
  dirs: number,
): { nodes: onnx.DecodedNode[] } {
  const used = node.outputs.filter((o) => o && ctx.consumers(o) > 0);
  const out = node.outputs[returnSequences ? 0 : 1];
  const only = (t: string | undefined) => {
    const r = t ? ctx.readers(t) : [];
    return r.length === 1 && ctx.consumers(t) === 1 ? r[0] : undefined;
  };
  const end = only(out);
  const axes = (n: onnx.DecodedNode) => ctx.attr(n, 'axes')?.ints ?? ctx.intsOf(n.inputs[1]);
  const index = end?.opType === 'Gather' ? ctx.intsOf(end.inputs[1]) : undefined;
  if (used.length === 1 && end && dirs === 2 && returnSequences) {
    const reshape = only(end.outputs[0]);
    if (
      end.opType === 'Transpose' &&
      onnx.samePerm(ctx.attr(end, 'perm')?.ints ?? [], [0, 2, 1, 3]) &&
      reshape?.opType === 'Reshape' &&
      onnx.samePerm(ctx.intsOf(reshape.inputs[1]) ?? [], [0, 0, -1]) &&
      !ctx.attr(reshape, 'allowzero')?.i
    )
      return { nodes: [end, reshape] };
  }
  const ok =
    used.length === 1 &&
    end !== undefined &&
    dirs === 1 &&
    (returnSequences
      ? end.opType === 'Squeeze' && onnx.samePerm(axes(end) ?? [], [1])
      : (end.opType === 'Squeeze' && onnx.samePerm(axes(end) ?? [], [0])) ||
        (end.opType === 'Gather' &&
          (ctx.attr(end, 'axis')?.i ?? 0) === 0 &&
          index?.length === 1 &&
          ctx.inits.get(end.inputs[1] ?? '')?.dims.length === 0 &&
          [0, -1].includes(index[0]!)));
  if (!ok || !end)
    throw new onnx.Unsupported(
      dirs === 2
        ? `bidirectional ${node.opType} whose outputs are not read as PyTorch's batch_first output y (Transpose and Reshape of Y)`
        : `${node.opType} whose outputs are not read as PyTorch's batch_first output y (Squeeze of Y) or its last state h[-1] (Gather of Y_h)`,
    );
  return { nodes: [end] };
}

/** The recurrent import claims; listed on SimpleRNN (the first recurrent kind in the palette). */
export const recurrentImport: readonly onnx.Importer[] = recurrentImportOf();

// ─── Explanation ───

function arithmetic(
  s: Shape | ((p: Record<string, unknown>) => Shape),
): NonNullable<explain.Hooks['arithmetic']> {
  return (p, [input]) => {
    const shape = typeof s === 'function' ? s(p) : s;
    const f = input![1] ?? 0;
    const u = p.units as number;
    const g = GATES[shape.kind];
    const bias = shape.merge !== null || (p.use_bias as boolean);
    const one = kerasRecurrentCount(shape.kind, f, u, bias);
    const gates = g > 1 ? `${g} × ` : '';
    const biasText = !bias ? '' : shape.kind === 'GRU' ? ` + 2 × ${g} × ${u}` : ` + ${gates}${u}`;
    const line = `${gates}(${f} × ${u} + ${u} × ${u})${biasText} = ${explain.count(one)}`;
    const torchCount = torchRecurrentCount(shape.kind, f, u, bias);
    const torchText =
      torchCount === one
        ? ''
        : ` (PyTorch ${TORCH_RECURRENT[shape.kind]}: ${explain.count(
            (shape.merge === null ? 1 : 2) * torchCount,
          )}, two bias vectors)`;
    return {
      params:
        (shape.merge === null ? line : `2 directions × [${line}] = ${explain.count(2 * one)}`) +
        torchText,
    };
  };
}

/** The recurrent shape of a SimpleRNN, LSTM or GRU op. */
export function single(kind: RecurrentKind): Shape {
  return { kind, merge: null };
}

/** The recurrent shape of a Bidirectional op. */
export function shapeOf(op: Pick<IrOp, 'params'>): Shape {
  return {
    kind: op.params.layer as RecurrentKind,
    merge: op.params.merge_mode as Shape['merge'],
  };
}

export const recurrentTorch = (kind: RecurrentKind): torch.Hooks => ({
  plan: torchPlan(single(kind)),
  weights: torchWeights(single(kind)),
  paramCount: (ctx) => torchCount(single(kind), ctx.op),
});

export const bidirectionalTorch: torch.Hooks = {
  plan: (ctx) => torchPlan(shapeOf(ctx.op))(ctx),
  weights: (ctx) => torchWeights(shapeOf(ctx.op))(ctx),
  paramCount: (ctx) => torchCount(shapeOf(ctx.op), ctx.op),
};

export const recurrentTfjs = (kind: RecurrentKind): tfjs.Hooks => tfjsHooksOf(single(kind));
export const bidirectionalTfjs: tfjs.Hooks = tfjsHooksOf(shapeOf);

export const recurrentOnnx = (kind: RecurrentKind): onnx.Hooks => ({
  export: onnxExport(single(kind)),
  // One set of claims makes every recurrent block (SimpleRNN, LSTM, GRU, Bidirectional).
  import:
    kind === 'SimpleRNN'
      ? recurrentImport
      : onnx.claimsNothing(
          `its ONNX ${ONNX_OP[kind]} node is read by the recurrent claims listed on SimpleRNN`,
        ),
});
export const bidirectionalOnnx: onnx.Hooks = {
  export: (ctx) => onnxExport(shapeOf(ctx.op))(ctx),
  import: onnx.claimsNothing(
    'its bidirectional RNN/LSTM/GRU node is read by the recurrent claims listed on SimpleRNN',
  ),
};

export const recurrentArithmetic = (
  kind: RecurrentKind,
): NonNullable<explain.Hooks['arithmetic']> => arithmetic(single(kind));
export const bidirectionalArithmetic: NonNullable<explain.Hooks['arithmetic']> = arithmetic((p) =>
  shapeOf({ params: p }),
);
