import { mixingLayers } from '../mixing-tfjs.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['ReLU'],
  config: (op) => ({
    className: 'ReLU',
    config: {
      name: op.name,
      max_value: op.params.max_value as number | null,
      negative_slope: op.params.negative_slope as number,
      threshold: op.params.threshold as number,
    },
  }),
  callStyle: {
    positional: [],
    defaults: { max_value: null, negative_slope: 0.0, threshold: 0.0 },
  },
  // TF.js model.json ReLU layers carry max_value only.
  signature: ['max_value', 'negative_slope', 'threshold'],
  fromConfig: (c) => ({
    params: {
      max_value: c.max_value ?? null,
      negative_slope: c.negative_slope ?? 0.0,
      threshold: c.threshold ?? 0.0,
    },
  }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/** keras.layers.ReLU in full, for the settings no stock PyTorch module has. */
const KERAS_RELU: torch.Helper = {
  name: 'KerasReLU',
  write: (w) =>
    w.block('class KerasReLU(nn.Module):', () => {
      w.line(
        '"""keras.layers.ReLU: min(x, max_value) above the threshold, negative_slope * (x - threshold) below."""',
      );
      w.blank();
      w.block('def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0):', () => {
        w.line('super().__init__()');
        w.line('self.max_value = max_value');
        w.line('self.negative_slope = negative_slope');
        w.line('self.threshold = threshold');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('above = x if self.max_value is None else x.clamp(max=self.max_value)');
        w.line(
          'return torch.where(x > self.threshold, above, self.negative_slope * (x - self.threshold))',
        );
      });
    }),
};

const torchHooks: torch.Hooks = {
  source: {
    // nn.ReLU(inplace=False) made in __init__ and called on its own line: a ReLU block, as the
    // generator writes one (pytorch.org/docs/stable/generated/torch.nn.ReLU.html). Folded into
    // the layer before it when called on that layer's call, self.relu(self.fc(x)), and in an
    // nn.Sequential; torch.relu / F.relu are the relu activation (torch-source-flow.ts).
    modules: { ReLU: ['inplace'] },
    read: () => ({ params: {} }),
  },
  plan: ({ op }) => {
    const max = op.params.max_value as number | null;
    const slope = op.params.negative_slope as number;
    const threshold = op.params.threshold as number;
    const f = torch.pyFloat;
    if (threshold === 0 && slope === 0) {
      return {
        steps: [
          max === null
            ? // A module, where the relu activation (Activation, Dense(relu)) is torch.relu:
              // the two read back as what they were.
              { module: 'nn.ReLU()' }
            : {
                fn: (v) => `torch.clamp(${v}, 0.0, ${f(max)})`,
                seq: [`nn.Hardtanh(0.0, ${f(max)})`],
              },
        ],
      };
    }
    if (threshold === 0 && max === null) {
      return {
        steps: [
          {
            fn: (v) => `F.leaky_relu(${v}, ${f(slope)})`,
            seq: [`nn.LeakyReLU(${f(slope)})`],
            functional: true,
          },
        ],
      };
    }
    const args = [
      ...(max === null ? [] : [`max_value=${f(max)}`]),
      ...(slope === 0 ? [] : [`negative_slope=${f(slope)}`]),
      ...(threshold === 0 ? [] : [`threshold=${f(threshold)}`]),
    ];
    return { steps: [{ module: `KerasReLU(${args.join(', ')})`, helper: KERAS_RELU }] };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // tfjs-layers' ReLU has max_value only: mixing-tfjs.ts's ReLU is Keras 3's in full.
  layers: (tf, op) => [
    new (mixingLayers(tf).ReLU)({
      name: op.name,
      maxValue: op.params.max_value as number | null,
      negativeSlope: op.params.negative_slope as number,
      threshold: op.params.threshold as number,
    }),
  ],
  forwardFlops: (op) => tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  export: ({ g, op, ins }) => {
    const n = op.name;
    const x = ins[0]!;
    const max = op.params.max_value as number | null;
    const slope = op.params.negative_slope as number;
    const threshold = op.params.threshold as number;
    const scalar = (part: string, v: number) => g.floats(`${n}/${part}`, [], Float32Array.of(v));
    if (threshold === 0 && slope === 0) {
      return max === null
        ? g.node(`${n}/Relu`, 'Relu', [x], n)
        : g.node(`${n}/Clip`, 'Clip', [x, scalar('min', 0), scalar('max', max)], n);
    }
    if (threshold === 0 && max === null) {
      return g.node(`${n}/LeakyRelu`, 'LeakyRelu', [x], n, [onnx.float('alpha', slope)]);
    }
    // Where(x > threshold, min(x, max_value), negative_slope · (x − threshold)).
    const above = max === null ? x : g.node(`${n}/Min`, 'Min', [x, scalar('max', max)], `${n}/Min`);
    const th = scalar('threshold', threshold);
    const cond = g.node(`${n}/Greater`, 'Greater', [x, th], `${n}/Greater`);
    const shifted = g.node(`${n}/Sub`, 'Sub', [x, th], `${n}/Sub`);
    const below = g.node(`${n}/Mul`, 'Mul', [shifted, scalar('slope', slope)], `${n}/Mul`);
    return g.node(`${n}/Where`, 'Where', [cond, above, below], n);
  },
  // Clip(x, 0, max) with constant bounds (relu6 from PyTorch's ReLU6/Hardtanh as well), and
  // Netwright's own Where form; the other forms (Relu, LeakyRelu) are the Activation and
  // LeakyReLU kinds'.
  import: [
    {
      // Netwright's own Where form (threshold or slope with a cap, the export above), read whole
      // at its first node (`<block>/Min` or `<block>/Greater`) from the scalars it wrote.
      ops: ['Min', 'Greater'],
      first: true,
      match: (node, ctx) => {
        const n = ctx.layerNameOf(node);
        if (!ctx.ours) return false;
        const block = ctx.blockNodes(node);
        const greater = block.find((b) => b.name === `${n}/Greater`);
        if (block[0] !== node || !greater || !block.some((b) => b.name === `${n}/Where`))
          return false;
        const value = (part: string) =>
          Number(ctx.floatsOf(`${n}/${part}`, `a ReLU ${part}`).floats[0]!.toPrecision(7));
        const s = ctx.stateOf(node, greater.inputs[0]);
        ctx.addLayer(
          { ...node, outputs: [n] },
          'ReLU',
          {
            max_value: ctx.inits.has(`${n}/max`) ? value('max') : null,
            negative_slope: value('slope'),
            threshold: value('threshold'),
          },
          [s],
          s.perm,
        );
        ctx.keepTorchIndex({ ...node, outputs: [n] }, s);
        ctx.take(block);
      },
    },
    {
      ops: ['Clip'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        const bound = (i: number, attr: string) =>
          node.inputs[i]
            ? ctx.floatsOf(node.inputs[i], `a Clip bound`).floats[0]
            : ctx.attr(node, attr)?.f;
        const [lo, hi] = [bound(1, 'min'), bound(2, 'max')];
        if (!onnx.near(lo, 0) || hi === undefined || hi < 0)
          throw new onnx.Unsupported(`Clip to [${lo}, ${hi}] (a ReLU clips to [0, max_value])`);
        ctx.addLayer(
          node,
          'ReLU',
          { max_value: Number(hi.toPrecision(7)), negative_slope: 0, threshold: 0 },
          [s],
          s.perm,
        );
        ctx.keepTorchIndex(node, s);
      },
    },
  ],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'ReLU',
    what: 'Sets negative values to 0 and keeps the rest; optionally caps them at max_value (relu6 for 6) and gives values below a threshold a small slope.',
    formula: 'y = min(x, max_value) if x > threshold, negative_slope · (x − threshold) otherwise',
    when: 'The default non-linearity; max_value 6 for mobile-style networks (MobileNet).',
  },
  digest: (p) =>
    explain.joinDigest([
      p.max_value !== null && p.max_value !== undefined && `max ${String(p.max_value)}`,
      p.negative_slope ? `slope ${String(p.negative_slope)}` : null,
      p.threshold ? `threshold ${String(p.threshold)}` : null,
    ]),
  featureMapOutput: true,
};

// ─── end explain ───

export const ReLULayer: LayerDef = {
  type: 'ReLU',
  group: 'Activations',
  kerasName: 'ReLU',
  torchName: 'nn.ReLU',
  summary:
    'max(0, x), optionally capped at max_value (relu6), with a slope below a threshold as in Keras.',
  params: [
    {
      name: 'max_value',
      label: 'Max value',
      kind: 'float',
      default: null,
      nullable: true,
      min: 0,
      help: 'Outputs are capped at this value; empty: no cap.',
    },
    {
      name: 'negative_slope',
      label: 'Negative slope',
      kind: 'float',
      default: 0,
      min: 0,
      help: 'Below the threshold: negative_slope · (x − threshold).',
    },
    {
      name: 'threshold',
      label: 'Threshold',
      kind: 'float',
      default: 0,
      min: 0,
      help: 'Values below it count as "negative".',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  torchNameFor: (p) =>
    p.negative_slope !== 0 || p.threshold !== 0
      ? 'torch.where'
      : p.max_value !== null
        ? 'nn.Hardtanh'
        : 'nn.ReLU',
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
