/**
 * Shape inference and parameter counts of the sequence kinds (Embedding, SimpleRNN, LSTM, GRU,
 * Bidirectional), and the int32 Input they read token ids from. Every expected count is worked
 * out by hand from the weight shapes in Keras 3's source (paths given per test) or copied from a
 * model summary printed on keras.io; PyTorch's counts from the shapes in the torch.nn docs.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { layerCost } from '../../shared/cost/cost.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { defaultParams, getLayer, resolveParams } from '../../shared/layers/registry.ts';
import { torchRecurrentCount } from '../../shared/layers/recurrent-common.ts';
import {
  gateArraysFromKeras,
  gateRowsFromKeras,
  gateRowsToKeras,
  gateVectorToKeras,
  ONNX_GATES_FROM_KERAS,
  TORCH_GATES_FROM_KERAS,
} from '../../shared/layers/recurrent-weights.ts';
import type { Shape } from '../../shared/shape.ts';
import { graphOf } from './graph-builder.ts';

function apply(type: string, inputs: Shape[], params: Record<string, unknown> = {}) {
  const def = getLayer(type)!;
  const resolved = resolveParams(def, { ...defaultParams(def), ...params });
  expect(resolved.problems).toEqual([]);
  const shape = def.inferShape(inputs, resolved.params);
  const count = shape.ok ? def.paramCount(inputs, resolved.params) : undefined;
  return { shape, count };
}

const trainable = (n: number) => ({ trainable: n, nonTrainable: 0 });

/** A kind's explain arithmetic on resolved params. */
function explainArithmetic(type: string, params: Record<string, unknown>, inputs: Shape[]) {
  const def = getLayer(type)!;
  const resolved = resolveParams(def, { ...defaultParams(def), ...params }).params;
  return def.explain.arithmetic!(resolved, inputs);
}

describe('Embedding', () => {
  // keras/src/layers/core/embedding.py: embeddings (input_dim, output_dim); output
  // input_shape + (output_dim,).
  it('(20) ids with input_dim 1000, output_dim 16 → (20, 16), 1000·16 = 16,000 params', () => {
    expect(apply('Embedding', [[20]], { input_dim: 1000, output_dim: 16 })).toEqual({
      shape: { ok: true, shape: [20, 16] },
      count: trainable(16_000),
    });
  });

  it('keeps every input axis: (4, 5) → (4, 5, 3); (2, 2, 2, 2) → rank 5', () => {
    expect(apply('Embedding', [[4, 5]], { input_dim: 7, output_dim: 3 })).toEqual({
      shape: { ok: true, shape: [4, 5, 3] },
      count: trainable(21),
    });
    expect(apply('Embedding', [[2, 2, 2, 2]], { output_dim: 3 }).shape).toEqual({
      ok: true,
      shape: [2, 2, 2, 2, 3],
    });
  });

  it('refuses an input that would make more than 5 axes per example (E003)', () => {
    const { shape } = apply('Embedding', [[2, 2, 2, 2, 2]]);
    expect(shape.ok).toBe(false);
    if (!shape.ok) {
      expect(shape.code).toBe('E003');
      expect(shape.message).toMatch(/^Embedding makes \(None, 2, 2, 2, 2, 2, 16\), 6 axes/);
    }
  });

  it('keras.io IMDB example: Embedding(20000, 128) has 2,560,000 params', () => {
    // https://keras.io/examples/nlp/bidirectional_lstm_imdb/ (model.summary()).
    expect(apply('Embedding', [[200]], { input_dim: 20_000, output_dim: 128 }).count).toEqual(
      trainable(2_560_000),
    );
  });
});

describe('SimpleRNN, LSTM, GRU', () => {
  // keras/src/layers/rnn/simple_rnn.py SimpleRNNCell.build: kernel (8, 32), recurrent_kernel
  // (32, 32), bias (32): 256 + 1024 + 32 = 1312.
  it('SimpleRNN 32 on (10, 8): (32), 1,312 params; (10, 32) with return_sequences', () => {
    expect(apply('SimpleRNN', [[10, 8]], { units: 32 })).toEqual({
      shape: { ok: true, shape: [32] },
      count: trainable(1312),
    });
    expect(apply('SimpleRNN', [[10, 8]], { units: 32, return_sequences: true }).shape).toEqual({
      ok: true,
      shape: [10, 32],
    });
    expect(apply('SimpleRNN', [[10, 8]], { units: 32, use_bias: false }).count).toEqual(
      trainable(1280),
    );
  });

  // keras/src/layers/rnn/lstm.py LSTMCell.build: kernel (8, 128), recurrent_kernel (32, 128),
  // bias (128): 1024 + 4096 + 128 = 5248.
  it('LSTM 32 on (10, 8): 5,248 params (4 gates)', () => {
    expect(apply('LSTM', [[10, 8]], { units: 32 })).toEqual({
      shape: { ok: true, shape: [32] },
      count: trainable(5248),
    });
    expect(apply('LSTM', [[10, 8]], { units: 32, use_bias: false }).count).toEqual(trainable(5120));
    expect(apply('LSTM', [[7, 3]], { units: 5, return_sequences: true }).shape).toEqual({
      ok: true,
      shape: [7, 5],
    });
  });

  // keras/src/layers/rnn/gru.py GRUCell.build with reset_after=True: kernel (8, 96),
  // recurrent_kernel (32, 96), bias (2, 96): 768 + 3072 + 192 = 4032.
  it('GRU 32 on (10, 8) with reset_after: 4,032 params (bias has 2 rows)', () => {
    expect(apply('GRU', [[10, 8]], { units: 32 })).toEqual({
      shape: { ok: true, shape: [32] },
      count: trainable(4032),
    });
    expect(apply('GRU', [[10, 8]], { units: 32, use_bias: false }).count).toEqual(trainable(3840));
  });

  it('defaults follow Keras 3: units 32, use_bias true, return_sequences false, SimpleRNN tanh', () => {
    const p = defaultParams(getLayer('GRU')!);
    expect(p).toEqual({ units: 32, use_bias: true, return_sequences: false });
    expect(defaultParams(getLayer('SimpleRNN')!).activation).toBe('tanh');
  });

  it.each(['SimpleRNN', 'LSTM', 'GRU', 'Bidirectional'])(
    '%s refuses anything but (timesteps, features), saying how to get there (E003)',
    (type) => {
      const vector = apply(type, [[784]]).shape;
      expect(vector).toEqual({
        ok: false,
        code: 'E003',
        message: `${type} needs a 2-D input (timesteps, features) but gets (None, 784); for token ids put an Embedding before it, for a series of numbers Reshape to (steps, 1)`,
      });
      const image = apply(type, [[28, 28, 1]]).shape;
      expect(image).toEqual({
        ok: false,
        code: 'E003',
        message: `${type} needs a 2-D input (timesteps, features) but gets (None, 28, 28, 1); an image can be read row by row after a Reshape to (28, 28)`,
      });
    },
  );
});

describe('Bidirectional', () => {
  // https://keras.io/examples/nlp/bidirectional_lstm_imdb/: Bidirectional(LSTM(64,
  // return_sequences=True)) on 128 features → (None, None, 128), 98,816 params, then
  // Bidirectional(LSTM(64)) → (None, 128), 98,816. By hand: 2 · 4·(128·64 + 64·64 + 64).
  it('keras.io IMDB example: Bidirectional LSTM 64 on 128 features has 98,816 params', () => {
    expect(apply('Bidirectional', [[200, 128]], { units: 64, return_sequences: true })).toEqual({
      shape: { ok: true, shape: [200, 128] },
      count: trainable(98_816),
    });
    expect(apply('Bidirectional', [[200, 128]], { units: 64 })).toEqual({
      shape: { ok: true, shape: [128] },
      count: trainable(98_816),
    });
  });

  it.each(['sum', 'mul', 'ave'])('merge_mode %s keeps units wide', (mode) => {
    // GRU 16 on 4: 3·(64 + 256) + 2·3·16 = 1056, two copies.
    expect(apply('Bidirectional', [[5, 4]], { layer: 'GRU', units: 16, merge_mode: mode })).toEqual(
      { shape: { ok: true, shape: [16] }, count: trainable(2112) },
    );
  });

  it('over SimpleRNN 8 on (5, 3): 2·(24 + 64 + 8) = 192 params, (5, 16) concatenated', () => {
    expect(
      apply('Bidirectional', [[5, 3]], {
        layer: 'SimpleRNN',
        units: 8,
        return_sequences: true,
      }),
    ).toEqual({ shape: { ok: true, shape: [5, 16] }, count: trainable(192) });
  });

  it('names the PyTorch module of the wrapped layer', () => {
    const def = getLayer('Bidirectional')!;
    expect(def.torchNameFor!({ layer: 'GRU' })).toBe('nn.GRU(bidirectional=True)');
  });
});

describe("PyTorch's parameter counts (two bias vectors per cell)", () => {
  // torch.nn.LSTM docs: weight_ih (4h, in), weight_hh (4h, h), bias_ih (4h), bias_hh (4h).
  it('LSTM 32 on 8: 4·(256 + 1024) + 2·128 = 5,376 (Keras 5,248)', () => {
    expect(torchRecurrentCount('LSTM', 8, 32, true)).toBe(5376);
  });
  it('SimpleRNN 32 on 8: 1,344 (Keras 1,312); GRU 32 on 8: 4,032 (as Keras)', () => {
    expect(torchRecurrentCount('SimpleRNN', 8, 32, true)).toBe(1344);
    expect(torchRecurrentCount('GRU', 8, 32, true)).toBe(4032);
    expect(torchRecurrentCount('LSTM', 8, 32, false)).toBe(5120);
  });
});

describe('token ids: Input dtype int32 and Embedding', () => {
  const codes = (graph: ReturnType<typeof graphOf>) =>
    analyzeGraph(graph).diagnostics.map((d) => `${d.code} ${d.nodeId}: ${d.message}`);

  it('an int32 Input into Embedding into LSTM analyses cleanly with the right shapes', () => {
    const graph = graphOf(
      [
        ['in', 'Input', { shape: [12], dtype: 'int32' }],
        ['emb', 'Embedding', { input_dim: 50, output_dim: 8 }],
        ['rnn', 'LSTM', { units: 4 }],
      ],
      ['in->emb', 'emb->rnn'],
    );
    const analysis = analyzeGraph(graph);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.nodes.get('rnn')!.shape).toEqual([4]);
    // 50·8 + 4·(8·4 + 4·4 + 4) = 400 + 208.
    expect(analysis.totals.trainable).toBe(608);
  });

  it('Input dtype defaults to float32 and accepts only float32 or int32', () => {
    expect(defaultParams(getLayer('Input')!).dtype).toBe('float32');
    expect(resolveParams(getLayer('Input')!, { dtype: 'int64' }).problems).toEqual([
      { param: 'dtype', message: 'Data type must be one of float32, int32' },
    ]);
  });

  it('Embedding fed float32 values is refused at the Embedding (E002)', () => {
    const graph = graphOf(
      [
        ['in', 'Input', { shape: [12] }],
        ['emb', 'Embedding', {}],
      ],
      ['in->emb'],
    );
    expect(codes(graph)).toEqual([
      'E002 emb: Embedding reads token ids (whole numbers from 0 to input_dim - 1) but Input gives float32 values: wire it straight from an Input whose data type is int32',
    ]);
  });

  it('Embedding after another block is refused too (only an Input gives ids)', () => {
    const graph = graphOf(
      [
        ['in', 'Input', { shape: [12] }],
        ['d', 'Dense', { units: 3 }],
        ['emb', 'Embedding', {}],
      ],
      ['in->d', 'd->emb'],
    );
    expect(codes(graph)[0]).toMatch(/^E002 emb: Embedding reads token ids .* but Dense gives/);
  });

  it('token ids into a float block are refused at that block (E002)', () => {
    const graph = graphOf(
      [
        ['in', 'Input', { shape: [12], dtype: 'int32' }],
        ['d', 'Dense', { units: 3 }],
      ],
      ['in->d'],
    );
    expect(codes(graph)).toEqual([
      "E002 d: Dense takes float32 values but Input gives int32 token ids: put an Embedding between them, or set the Input's data type to float32",
    ]);
  });
});

describe('recurrent weight layouts (Keras → ONNX / PyTorch gate order)', () => {
  const f32 = (...v: number[]) => Float32Array.from(v);

  it('LSTM kernel (2, 4·1), Keras gates i f c o → ONNX W rows i o f c, transposed', () => {
    // Keras kernel rows: feature 0 = [i f c o] = [1 2 3 4], feature 1 = [5 6 7 8].
    const kernel = f32(1, 2, 3, 4, 5, 6, 7, 8);
    const w = gateRowsFromKeras(kernel, 2, 1, ONNX_GATES_FROM_KERAS.LSTM);
    expect([...w]).toEqual([1, 5, 4, 8, 2, 6, 3, 7]);
    expect([...gateRowsToKeras(w, 2, 1, ONNX_GATES_FROM_KERAS.LSTM)]).toEqual([...kernel]);
    // PyTorch keeps Keras's LSTM order (g is c): only the transpose.
    expect([...gateRowsFromKeras(kernel, 2, 1, TORCH_GATES_FROM_KERAS.LSTM)]).toEqual([
      1, 5, 2, 6, 3, 7, 4, 8,
    ]);
  });

  it('GRU: PyTorch r z n ← Keras z r h; bias rows split into input and recurrent biases', () => {
    // units 2: Keras bias row 0 = [z z r r h h] = [1 2 3 4 5 6], row 1 = [7 … 12].
    const arrays = gateArraysFromKeras(
      'GRU',
      {
        kernel: f32(1, 2, 3, 4, 5, 6),
        recurrentKernel: new Float32Array(12),
        bias: f32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
      },
      1,
      2,
      TORCH_GATES_FROM_KERAS.GRU,
    );
    expect([...arrays.inputWeights]).toEqual([3, 4, 1, 2, 5, 6]);
    expect([...arrays.inputBias]).toEqual([3, 4, 1, 2, 5, 6]);
    expect([...arrays.recurrentBias]).toEqual([9, 10, 7, 8, 11, 12]);
    expect([...gateVectorToKeras(arrays.inputBias, 2, TORCH_GATES_FROM_KERAS.GRU)]).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it('LSTM and SimpleRNN: the Keras bias is the input bias, the recurrent bias is zero', () => {
    const arrays = gateArraysFromKeras(
      'SimpleRNN',
      { kernel: f32(1, 2), recurrentKernel: f32(3), bias: f32(4) },
      2,
      1,
      ONNX_GATES_FROM_KERAS.SimpleRNN,
    );
    expect(arrays).toEqual({
      inputWeights: f32(1, 2),
      recurrentWeights: f32(3),
      inputBias: f32(4),
      recurrentBias: f32(0),
    });
    const noBias = gateArraysFromKeras(
      'LSTM',
      { kernel: new Float32Array(4), recurrentKernel: new Float32Array(4) },
      1,
      1,
      ONNX_GATES_FROM_KERAS.LSTM,
    );
    expect([...noBias.inputBias, ...noBias.recurrentBias]).toEqual(new Array(8).fill(0));
  });
});

describe('sequence kinds: cost (FLOPs, kept values) and explanation', () => {
  const ir = (graph: ReturnType<typeof graphOf>) => {
    const r = lowerGraph(graph);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    return r.ir;
  };
  const onSeq = (type: string, params: Record<string, unknown>) =>
    ir(
      graphOf(
        [
          ['in', 'Input', { shape: [6, 3] }],
          ['k', type, params],
        ],
        ['in->k'],
      ),
    ).ops[1]!;

  it('LSTM 4 on (6, 3): per step 2·4·4·(3 + 4) + (4 + 3)·4 = 252 FLOPs, 6 steps = 1,512', () => {
    const cost = layerCost(onSeq('LSTM', { units: 4 }));
    expect(cost.forwardFlops).toBe(1512);
    expect(cost.trainingFlops).toBe(3 * 1512);
    // Kept for backprop: 6 steps × (4 gates + state) × 4 units + the (4) output.
    expect(cost.activationValues).toBe(6 * 5 * 4 + 4);
  });

  it('Bidirectional GRU 2 sum on (6, 3): two directions of 6·(2·3·2·5 + 6·2) plus the merge', () => {
    const cost = layerCost(onSeq('Bidirectional', { layer: 'GRU', units: 2, merge_mode: 'sum' }));
    expect(cost.forwardFlops).toBe(2 * 6 * (60 + 12) + 2);
  });

  it('Embedding: no arithmetic forward; the backward pass adds into the rows it read', () => {
    const op = ir(
      graphOf(
        [
          ['in', 'Input', { shape: [5], dtype: 'int32' }],
          ['e', 'Embedding', { input_dim: 9, output_dim: 3 }],
        ],
        ['in->e'],
      ),
    ).ops[1]!;
    expect(layerCost(op)).toMatchObject({ forwardFlops: 0, trainingFlops: 15 });
  });

  it('the arithmetic shows Keras’s count and, where it differs, PyTorch’s', () => {
    expect(explainArithmetic('LSTM', { units: 32, use_bias: true }, [[10, 8]]).params).toBe(
      '4 × (8 × 32 + 32 × 32) + 4 × 32 = 5,248 (PyTorch nn.LSTM: 5,376, two bias vectors)',
    );
    expect(explainArithmetic('GRU', { units: 32, use_bias: true }, [[10, 8]]).params).toBe(
      '3 × (8 × 32 + 32 × 32) + 2 × 3 × 32 = 4,032',
    );
    expect(
      explainArithmetic('Bidirectional', { layer: 'SimpleRNN', units: 8, merge_mode: 'concat' }, [
        [5, 3],
      ]).params,
    ).toBe(
      '2 directions × [(3 × 8 + 8 × 8) + 8 = 96] = 192 (PyTorch nn.RNN: 208, two bias vectors)',
    );
    expect(explainArithmetic('Embedding', { input_dim: 1000, output_dim: 16 }, [[20]]).params).toBe(
      '1,000 ids × 16 values = 16,000',
    );
  });
});

describe('sequence kinds: the TF.js model', () => {
  it('holds, per layer, the shape and the parameter count Keras gives (counted by TF.js)', async () => {
    await tf.setBackend('cpu');
    const r = lowerGraph(
      graphOf(
        [
          ['in', 'Input', { shape: [7], dtype: 'int32' }],
          ['emb', 'Embedding', { input_dim: 20, output_dim: 4 }],
          ['bi', 'Bidirectional', { layer: 'LSTM', units: 3, return_sequences: true }],
          [
            'bi_gru',
            'Bidirectional',
            { layer: 'GRU', units: 2, merge_mode: 'ave', return_sequences: true },
          ],
          ['rnn', 'SimpleRNN', { units: 3, return_sequences: true }],
          ['gru', 'GRU', { units: 2 }],
        ],
        ['in->emb', 'emb->bi', 'bi->bi_gru', 'bi_gru->rnn', 'rnn->gru'],
      ),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const model = buildModel(tf, r.ir, { seed: 3 });
    expect(model.inputs[0]!.dtype).toBe('int32');
    for (const op of r.ir.ops.slice(1)) {
      const layer = model.getLayer(op.name);
      expect([op.name, layer.outputShape.slice(1)]).toEqual([op.name, op.outputShape]);
      expect([op.name, layer.countParams()]).toEqual([op.name, op.count.trainable]);
    }
    // By hand: 20·4; 2·4·(4·3 + 3·3 + 3) = 192; 2·(3·(6·2 + 2·2) + 2·3·2) = 120;
    // 2·3 + 3·3 + 3 = 18; 3·(3·2 + 2·2) + 2·3·2 = 42.
    expect(r.ir.totals.trainable).toBe(80 + 192 + 120 + 18 + 42);
    const y = model.predict(tf.tensor2d([[1, 2, 3, 4, 5, 6, 19]], [1, 7], 'int32')) as tf.Tensor;
    expect(y.shape).toEqual([1, 2]);
    tf.dispose(y);
    model.dispose();
  });
});
