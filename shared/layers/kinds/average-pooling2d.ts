import { pooling2DFront } from '../pooling-common.ts';
import type { LayerDef } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = keras.pooling2D(['AveragePooling2D', 'AvgPool2D']);

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/** Average pooling over TF 'same' pads that are uneven, averaging only the cells inside. */
const AVG_POOL_SAME: torch.Helper = {
  name: 'AvgPool2dSame',
  functional: true,
  write: (w) => {
    w.block('class AvgPool2dSame(nn.Module):', () => {
      w.line(
        '"""Average pooling with TensorFlow\'s \'same\' padding (padding = (left, right, top,',
      );
      w.line('bottom)): like Keras, each window averages only the cells inside the image."""');
      w.blank();
      w.block('def __init__(self, kernel_size, stride, padding):', () => {
        w.line('super().__init__()');
        w.line('self.padding = padding');
        w.line('self.pool = nn.AvgPool2d(kernel_size, stride)');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('inside = torch.ones_like(x[:, :1])  # 1 inside the image, 0 in the padding');
        w.line('return self.pool(F.pad(x, self.padding)) / self.pool(F.pad(inside, self.padding))');
      });
    });
  },
};

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.AvgPool2d(kernel_size, stride=None, padding=0, …), F.avg_pool2d(input, …): pytorch.org/docs/stable/generated/torch.nn.AvgPool2d.html
    modules: {
      AvgPool2d: [
        'kernel_size',
        'stride',
        'padding',
        'ceil_mode',
        'count_include_pad',
        'divisor_override',
      ],
    },
    functions: {
      avg_pool2d: [
        'kernel_size',
        'stride',
        'padding',
        'ceil_mode',
        'count_include_pad',
        'divisor_override',
      ],
    },
    read: ({ args, input }) => {
      torch.onlyDefault(args, 'dilation', 1, [1, 1]);
      torch.onlyDefault(args, 'ceil_mode', false);
      torch.onlyDefault(args, 'return_indices', false);
      const pool = torch.readPair(args.kernel_size, 'kernel_size');
      const given =
        args.stride === undefined || args.stride === null
          ? null
          : torch.readPair(args.stride, 'stride');
      const strides = given && given.some((s, i) => s !== pool[i]) ? given : null;
      const padding = torch.readPadding(args.padding, pool, strides ?? pool, input, 2);
      return { params: { pool_size: pool, strides, padding } };
    },
  },
  plan: (ctx) => {
    const p = ctx.op.params;
    const pool = p.pool_size as number[];
    const strides = (p.strides as number[] | null) ?? pool;
    const args = [torch.size(pool)];
    if (strides.some((s, i) => s !== pool[i])) args.push(`stride=${torch.size(strides)}`);
    const pads = torch.windowPads(ctx.inputs[0]!.shape, 2, pool, strides, p.padding as string);
    const notes: string[] = [];
    if (pads.symmetric) {
      if (pads.any) {
        args.push(`padding=${pads.padding}`);
        notes.push("Like TensorFlow's 'same', average only the cells inside the image.");
        args.push('count_include_pad=False');
      }
      return { notes, steps: [{ module: `nn.AvgPool2d(${args.join(', ')})` }] };
    }
    return {
      notes: ["TensorFlow's 'same' pads more at the bottom and right; see AvgPool2dSame."],
      steps: [
        {
          module: `AvgPool2dSame(${torch.size(pool)}, ${torch.size(strides)}, ${pads.fPad})`,
          helper: AVG_POOL_SAME,
        },
      ],
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [tf.layers.averagePooling2d(tfjs.pooling2dArgs(op))],
  forwardFlops: (op) => {
    const [ph, pw] = tfjs.pair(op.params.pool_size, [2, 2]);
    return ph * pw * tfjs.outSize(op); // ph·pw − 1 adds and one multiply by 1/(ph·pw)
  },
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  export: onnx.exportPool2D('AveragePool'),
  import: [onnx.importPool2D('AveragePool', 'AveragePooling2D')],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Average pooling',
    what: 'Averages each window, shrinking the feature map smoothly.',
    formula: 'y[i, j, c] = mean of x over the window at (i, j) in channel c',
    when: 'After convolutions when a smoother summary than max is wanted.',
  },
  arithmetic: (p, [input]) => {
    const pool = p.pool_size as number[];
    return {
      params: 'no weights: pooling only compares or averages values',
      shape: explain.windowShape(
        input!,
        pool,
        (p.strides as number[] | null) ?? pool,
        p.padding as string,
      ),
    };
  },
  digest: (p) => `pool ${explain.dims(p.pool_size)}`,
  featureMapOutput: true,
};

// ─── end explain ───

export const AveragePooling2DLayer: LayerDef = {
  ...pooling2DFront(
    'AveragePooling2D',
    'nn.AvgPool2d',
    'Averages each window, shrinking the feature map.',
  ),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
