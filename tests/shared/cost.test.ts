import { describe, expect, it } from 'vitest';
import {
  budgetDiagnostics,
  formatBytes,
  formatCost,
  modelCost,
  MODEL_BUDGET,
} from '../../shared/cost/cost.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { LAYER_TYPES } from '../../shared/layers/registry.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { graphOf } from './graph-builder.ts';

function irOf(graph: Parameters<typeof lowerGraph>[0]): ModelIR {
  const lowered = lowerGraph(graph);
  if (!lowered.ok) throw new Error(JSON.stringify(lowered.diagnostics));
  return lowered.ir;
}

// Every expected number below is worked out by hand in the comments, not by the code under test.
describe('cost model', () => {
  it('MNIST MLP 784→128→64→10: params, FLOPs, memory by hand', () => {
    const ir = irOf(loadTemplate('mnist-mlp').graph);
    const cost = modelCost(ir.ops, { batchSize: 64, optimizer: 'adam' });
    // Keras: 784·128+128 + 128·64+64 + 64·10+10 = 100,480 + 8,256 + 650 = 109,386.
    expect(cost.params.total).toBe(109_386);
    // Multiply-adds 784·128 + 128·64 + 64·10 = 100,352 + 8,192 + 640 = 109,184 → 218,368 FLOPs;
    // biases 128 + 64 + 10 = 202; relu 128 + relu 64 + softmax 3·10 = 222. Sum 218,792.
    expect(cost.forwardFlops).toBe(2 * (784 * 128 + 128 * 64 + 64 * 10) + 202 + 222);
    expect(cost.forwardFlops).toBe(218_792);
    // Training: 3 × forward = 656,376.
    expect(cost.trainingFlops).toBe(656_376);
    // Weights 109,386 · 4 = 437,544 B; Adam keeps 2 slots: 875,088 B; gradients 437,544 B.
    expect(cost.weightBytes).toBe(437_544);
    expect(cost.optimizerStateBytes).toBe(875_088);
    expect(cost.gradientBytes).toBe(437_544);
    // Kept per example: 784 + 128 + 64 + 10 = 986 values; × 64 × 4 B = 252,416 B.
    expect(cost.activationBytesPerBatch).toBe(252_416);
    expect(cost.trainingBytes).toBe(437_544 * 2 + 875_088 + 252_416);
    // Per layer: dense_1 = 2·784·128 + 128 + 128 = 200,960.
    expect(cost.layers.map((l) => l.forwardFlops)).toEqual([0, 200_960, 16_512, 1_320]);
    expect(cost.secondsPerEpoch).toBeNull();
  });

  it('predicts time per epoch only from a measured rate', () => {
    const ir = irOf(loadTemplate('mnist-mlp').graph);
    // 54,000 training examples at 12,000 samples/s: 4.5 s.
    const timed = modelCost(ir.ops, {
      batchSize: 64,
      optimizer: 'sgd',
      samplesPerSecond: 12_000,
      samplesPerEpoch: 54_000,
    });
    expect(timed.secondsPerEpoch).toBe(4.5);
    expect(timed.optimizerStateBytes).toBe(0);
    expect(
      modelCost(ir.ops, { batchSize: 64, optimizer: 'sgd', samplesPerEpoch: 54_000 })
        .secondsPerEpoch,
    ).toBeNull();
    expect(
      modelCost(ir.ops, {
        batchSize: 64,
        optimizer: 'sgd',
        samplesPerSecond: 0,
        samplesPerEpoch: 54_000,
      }).secondsPerEpoch,
    ).toBeNull();
    expect(formatCost(timed)).toContain('Time per epoch: 4.5 s at 12,000 samples/s (measured)');
  });

  it('MNIST CNN: conv, max pooling, flatten, dropout by hand', () => {
    const ir = irOf(loadTemplate('mnist-cnn').graph);
    const cost = modelCost(ir.ops, { batchSize: 128, optimizer: 'momentum' });
    // conv_1: 3×3×1 → 32 on 28×28 valid: out 26·26·32 = 21,632; 2·9·1·21,632 = 389,376
    //   + bias 21,632 + relu 21,632 = 432,640.
    // pool_1: out 13·13·32 = 5,408; 2×2 window = 3 comparisons each: 16,224.
    // conv_2: 3×3×32 → 64, out 11·11·64 = 7,744; 2·9·32·7,744 = 4,460,544 + 7,744 + 7,744
    //   = 4,476,032.
    // pool_2: out 5·5·64 = 1,600; 3·1,600 = 4,800. flatten 0. dropout 0 (inference).
    // dense: 2·1,600·10 = 32,000 + bias 10 + softmax 30 = 32,040.
    expect(cost.layers.map((l) => l.forwardFlops)).toEqual([
      0, 432_640, 16_224, 4_476_032, 4_800, 0, 0, 32_040,
    ]);
    // 432,640 + 16,224 + 4,476,032 + 4,800 + 32,040 = 4,961,736.
    expect(cost.forwardFlops).toBe(4_961_736);
    // 3 · 4,961,736 = 14,885,208, plus dropout's mask 1,600 forward + 1,600 backward = 14,888,408.
    expect(cost.trainingFlops).toBe(14_888_408);
    // Keras: conv_1 9·32+32 = 320; conv_2 9·32·64+64 = 18,496; dense 1,600·10+10 = 16,010.
    expect(cost.params.total).toBe(320 + 18_496 + 16_010);
    // Momentum: one slot per weight: 34,826 · 4 = 139,304 B.
    expect(cost.optimizerStateBytes).toBe(139_304);
    // Kept: 784 + 21,632 + 5,408 + 7,744 + 1,600 + 0 (flatten is a view) + 1,600 + 10 = 38,778.
    expect(cost.activationBytesPerBatch).toBe(38_778 * 128 * 4);
  });

  it('strided same-padded conv, average pooling, normalisations, merges by hand', () => {
    const conv = irOf(
      graphOf(
        [
          ['in', 'Input', { shape: [4, 4, 2] }],
          ['c', 'Conv2D', { filters: 3, strides: [2, 2], padding: 'same', use_bias: false }],
          ['p', 'AveragePooling2D', {}],
        ],
        ['in->c', 'c->p'],
      ),
    );
    const convCost = modelCost(conv.ops, { batchSize: 1, optimizer: 'sgd' });
    // c: same, stride 2 → 2×2×3 = 12 outputs, each 3·3·2 = 18 multiply-adds: 2·18·12 = 432.
    // p: 2×2 window → 1×1×3 = 3 outputs, 4 FLOPs each (3 adds, 1 multiply) = 12.
    expect(convCost.layers.map((l) => l.forwardFlops)).toEqual([0, 432, 12]);

    const ir = irOf(
      graphOf(
        [
          ['in', 'Input', { shape: [3, 3, 2] }],
          ['bn', 'BatchNormalization'],
          ['gap', 'GlobalAveragePooling2D'],
          ['ln', 'LayerNormalization'],
          ['act', 'Activation', { activation: 'tanh' }],
          ['d', 'Dense', { units: 2, use_bias: false }],
          ['add', 'Add'],
          ['cat', 'Concatenate'],
          ['r', 'Reshape', { target_shape: [2, 2] }],
          ['f', 'Flatten'],
          ['drop', 'Dropout'],
        ],
        [
          'in->bn',
          'bn->gap',
          'gap->ln',
          'ln->act',
          'act->d',
          'act->add:0',
          'd->add:1',
          'add->cat:0',
          'act->cat:1',
          'cat->r',
          'r->f',
          'f->drop',
        ],
      ),
    );
    const cost = modelCost(ir.ops, { batchSize: 2, optimizer: 'momentum' });
    // bn 4·18 = 72; gap 3·3·2 = 18; ln 8·2 = 16; tanh 2; d 2·2·2 = 8; add (2−1)·2 = 2;
    // cat, reshape, flatten, dropout 0.
    expect(cost.layers.map((l) => [l.id, l.forwardFlops])).toEqual([
      ['in', 0],
      ['bn', 72],
      ['gap', 18],
      ['ln', 16],
      ['act', 2],
      ['d', 8],
      ['add', 2],
      ['cat', 0],
      ['r', 0],
      ['f', 0],
      ['drop', 0],
    ]);
    expect(cost.forwardFlops).toBe(118);
    // 3 · 118 = 354, plus dropout's 2 · 4 = 8.
    expect(cost.trainingFlops).toBe(362);
    // bn: 2·2 trainable + 2·2 moving stats; ln 2·2; d 2·2 → 16 total, 12 trainable.
    expect(cost.params).toEqual({ trainable: 12, nonTrainable: 4, total: 16 });
    expect(cost.weightBytes).toBe(64);
    expect(cost.optimizerStateBytes).toBe(48);
    // Kept: in 18 + bn 18 + gap 2 + ln 2 + act 2 + d 2 + add 2 + cat 4 + r 0 + f 0 + drop 4 = 54;
    // × 2 examples × 4 B = 432.
    expect(cost.activationBytesPerBatch).toBe(432);
  });

  it('covers every catalogue layer kind', () => {
    // The two hand-worked graphs above use these kinds; a new kind must get a cost and a test.
    const tested = [
      'Input',
      'Dense',
      'Flatten',
      'Reshape',
      'Activation',
      'Dropout',
      'BatchNormalization',
      'LayerNormalization',
      'Conv2D',
      'MaxPooling2D',
      'AveragePooling2D',
      'GlobalAveragePooling2D',
      'Add',
      'Concatenate',
      // ── conv1d kinds (hand-worked in tests/shared/kinds-conv1d.test.ts) ──
      'Conv1D',
      'MaxPooling1D',
      'AveragePooling1D',
      'GlobalAveragePooling1D',
      'GlobalMaxPooling1D',
      'GlobalMaxPooling2D',
      'UpSampling2D',
      'ZeroPadding2D',
      'Cropping2D',
      // ── end conv1d ──
      // ── sequence kinds (hand-worked in tests/shared/kinds-sequence.test.ts) ──
      ...['Embedding', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional'],
      // ── end sequence ──
      // conv2d kinds: tests/shared/cost-conv2d.test.ts
      ...['Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'SpatialDropout2D'],
      ...['GaussianNoise', 'Rescaling', 'Permute', 'RepeatVector'],
      // mixing kinds: tests/shared/kinds-mixing.test.ts ("forward FLOPs by hand")
      ...['Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum', 'Dot', 'MultiHeadAttention'],
      ...['LeakyReLU', 'PReLU', 'ELU', 'ReLU', 'Softmax'],
    ];
    expect([...LAYER_TYPES].sort()).toEqual([...tested].sort());
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(2 ** 31)).toBe('2.00 GiB');
  });
});

describe('model-size budget (E017)', () => {
  const huge = graphOf(
    [
      ['in', 'Input', { shape: [100_000] }],
      ['big', 'Dense', { units: 1_000_000 }],
      ['out', 'Dense', { units: 10 }],
    ],
    ['in->big', 'big->out'],
  );

  it('names the Dense block that makes the weights too big', () => {
    const analysis = analyzeGraph(huge);
    const e017 = analysis.diagnostics.filter((d) => d.code === 'E017');
    expect(e017).toHaveLength(1);
    expect(e017[0]!.nodeId).toBe('big');
    expect(e017[0]!.severity).toBe('error');
    // 1e5 · 1e6 + 1e6 = 100,001,000,000 parameters; the limit 2^31 / 4 = 536,870,912.
    expect(e017[0]!.message).toContain('100,001,000,000 parameters');
    expect(e017[0]!.message).toContain('536,870,912 parameters');
    const lowered = lowerGraph(huge);
    expect(lowered.ok).toBe(false);
  });

  it('names the block whose output makes one example too big', () => {
    // 4096·4096·64 = 1,073,741,824 values = 4 GiB for the conv's output alone.
    const analysis = analyzeGraph(
      graphOf(
        [
          ['in', 'Input', { shape: [4096, 4096, 3] }],
          ['conv', 'Conv2D', { filters: 64, padding: 'same' }],
          ['gap', 'GlobalAveragePooling2D'],
        ],
        ['in->conv', 'conv->gap'],
      ),
    );
    const e017 = analysis.diagnostics.filter((d) => d.code === 'E017');
    expect(e017.map((d) => d.nodeId)).toEqual(['conv']);
    expect(e017[0]!.message).toContain('1,073,741,824 values per example');
  });

  it('accepts a model exactly at the budget and refuses one value over it', () => {
    const ir = irOf(loadTemplate('mnist-mlp').graph);
    expect(analyzeGraph(loadTemplate('mnist-mlp').graph).diagnostics).toEqual([]);
    // 109,386 params · 4 = 437,544 B; 986 values per example · 4 = 3,944 B; · 10 = 39,440 B.
    const at = { weightBytes: 437_544, activationBytesPerBatch: 39_440 };
    expect(budgetDiagnostics(ir.ops, { batchSize: 10, budget: at })).toEqual([]);
    const over = budgetDiagnostics(ir.ops, {
      batchSize: 11,
      budget: { ...at, weightBytes: 437_543 },
    });
    expect(over.map((d) => [d.code, d.nodeId])).toEqual([
      ['E017', 'dense_1'], // 100,480 of the 109,386 weights
      ['E017', 'input'], // 784 of the 986 values kept per example
    ]);
    expect(over[1]!.message).toContain('a batch of 11');
    expect(MODEL_BUDGET).toEqual({ weightBytes: 2 ** 31, activationBytesPerBatch: 2 ** 31 });
  });
});
