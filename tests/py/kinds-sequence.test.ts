/**
 * Differential tests (TF.js = onnxruntime = PyTorch + weights.npz) for the sequence kinds:
 * Embedding at every id rank it takes (1 to 3 here), SimpleRNN / LSTM / GRU on their one input
 * rank `(steps, features)` with and without return_sequences, bias and relu, and Bidirectional
 * over each cell with every merge mode. See tests/py/kind-differential.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generatePytorch } from '../../shared/codegen/pytorch.ts';
import { emptyProject } from '../../shared/graph/project.ts';
import { graphOf } from '../shared/graph-builder.ts';
import { lower } from '../shared/onnx-helpers.ts';
import { kindDifferential } from './kind-differential.ts';
import { python, withPython } from './python.ts';

type Params = Record<string, unknown>;

/** Input `(steps, features)` → one block of `type`. */
const onSequence = (shape: number[], type: string, params: Params) =>
  graphOf(
    [
      ['in', 'Input', { shape }],
      ['k', type, params],
    ],
    ['in->k'],
  );

/** int32 Input of `shape` → Embedding → (optionally) one more block. */
const onIds = (shape: number[], embedding: Params, next?: [string, Params]) =>
  graphOf(
    [
      ['in', 'Input', { shape, dtype: 'int32' }],
      ['emb', 'Embedding', embedding],
      ...(next ? [['k', next[0], next[1]] as [string, string, Params]] : []),
    ],
    next ? ['in->emb', 'emb->k'] : ['in->emb'],
  );

kindDifferential('Embedding', [
  {
    title: 'Embedding 11 → 4 on (6) ids',
    graph: onIds([6], { input_dim: 11, output_dim: 4 }),
    intInput: { vocab: 11 },
  },
  {
    title: 'Embedding 7 → 3 on (2, 5) ids (output (2, 5, 3): channels first in PyTorch)',
    graph: onIds([2, 5], { input_dim: 7, output_dim: 3 }),
    intInput: { vocab: 7 },
  },
  {
    title: 'Embedding 5 → 2 on (2, 3, 2) ids (held channels first in PyTorch)',
    graph: onIds([2, 3, 2], { input_dim: 5, output_dim: 2 }),
    intInput: { vocab: 5 },
  },
  {
    title: 'Embedding 13 → 4 then LSTM 3 (a text model)',
    graph: onIds([5], { input_dim: 13, output_dim: 4 }, ['LSTM', { units: 3 }]),
    intInput: { vocab: 13, onnxInputType: 'int32' },
  },
]);

kindDifferential('SimpleRNN', [
  {
    title: 'SimpleRNN 4 tanh on (5, 3), last step',
    graph: onSequence([5, 3], 'SimpleRNN', { units: 4 }),
  },
  {
    title: 'SimpleRNN 3 relu on (4, 2), return_sequences',
    graph: onSequence([4, 2], 'SimpleRNN', {
      units: 3,
      activation: 'relu',
      return_sequences: true,
    }),
  },
  {
    title: 'SimpleRNN 2 without bias on (3, 3)',
    graph: onSequence([3, 3], 'SimpleRNN', { units: 2, use_bias: false }),
  },
]);

kindDifferential('LSTM', [
  { title: 'LSTM 4 on (6, 3), last step', graph: onSequence([6, 3], 'LSTM', { units: 4 }) },
  {
    title: 'LSTM 3 on (5, 2), return_sequences',
    graph: onSequence([5, 2], 'LSTM', { units: 3, return_sequences: true }),
  },
  {
    title: 'LSTM 2 without bias on (4, 3)',
    graph: onSequence([4, 3], 'LSTM', { units: 2, use_bias: false }),
  },
]);

kindDifferential('GRU', [
  { title: 'GRU 4 on (6, 3), last step', graph: onSequence([6, 3], 'GRU', { units: 4 }) },
  {
    title: 'GRU 3 on (5, 2), return_sequences',
    graph: onSequence([5, 2], 'GRU', { units: 3, return_sequences: true }),
  },
  {
    title: 'GRU 2 without bias on (4, 3)',
    graph: onSequence([4, 3], 'GRU', { units: 2, use_bias: false }),
  },
]);

kindDifferential('Bidirectional', [
  {
    title: 'Bidirectional LSTM 3 concat on (5, 2), last step',
    graph: onSequence([5, 2], 'Bidirectional', { layer: 'LSTM', units: 3 }),
  },
  {
    title: 'Bidirectional GRU 3 sum on (4, 3), return_sequences',
    graph: onSequence([4, 3], 'Bidirectional', {
      layer: 'GRU',
      units: 3,
      merge_mode: 'sum',
      return_sequences: true,
    }),
  },
  {
    title: 'Bidirectional SimpleRNN 2 mul on (4, 2), last step',
    graph: onSequence([4, 2], 'Bidirectional', { layer: 'SimpleRNN', units: 2, merge_mode: 'mul' }),
  },
  {
    title: 'Bidirectional LSTM 2 ave on (3, 2), return_sequences',
    graph: onSequence([3, 2], 'Bidirectional', {
      layer: 'LSTM',
      units: 2,
      merge_mode: 'ave',
      return_sequences: true,
    }),
  },
  {
    title: 'Bidirectional GRU 2 concat on (3, 3), return_sequences',
    graph: onSequence([3, 3], 'Bidirectional', {
      layer: 'GRU',
      units: 2,
      return_sequences: true,
    }),
  },
]);

/**
 * PyTorch's parameter counts, by torch itself, against hand values from the torch.nn docs
 * (weight_ih (G·h, in), weight_hh (G·h, h), bias_ih and bias_hh (G·h) per direction) — beside
 * Keras's (tests/shared/kinds-sequence.test.ts), which differ for LSTM and SimpleRNN.
 */
withPython.describe('sequence kinds: parameter counts in generated PyTorch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netwright-seq-count-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string, ReturnType<typeof graphOf>, number, number][] = [
    // LSTM 32 on 8: 4·(32·8 + 32·32) + 2·4·32 = 5,120 + 256; Keras 5,248.
    ['LSTM 32 on (10, 8)', onSequence([10, 8], 'LSTM', { units: 32 }), 5376, 5248],
    // SimpleRNN 32 on 8: 256 + 1,024 + 2·32; Keras 1,312.
    ['SimpleRNN 32 on (10, 8)', onSequence([10, 8], 'SimpleRNN', { units: 32 }), 1344, 1312],
    // GRU 32 on 8: 3·(256 + 1,024) + 2·3·32 = 4,032, as Keras (reset_after keeps 2 biases).
    ['GRU 32 on (10, 8)', onSequence([10, 8], 'GRU', { units: 32 }), 4032, 4032],
    // Two LSTM 64 on 128: 2·(4·(64·128 + 64·64) + 8·64) = 99,328; Keras 98,816 (keras.io).
    [
      'Bidirectional LSTM 64 on (20, 128)',
      onSequence([20, 128], 'Bidirectional', { layer: 'LSTM', units: 64 }),
      99_328,
      98_816,
    ],
    // Embedding 1000 × 16: one table in both.
    ['Embedding 1000 → 16', onIds([20], { input_dim: 1000, output_dim: 16 }), 16_000, 16_000],
  ];
  const titled = cases.map(
    ([title, graph, torchCount, keras]) =>
      [
        `${title}: torch counts ${torchCount} (Keras ${keras})`,
        title,
        graph,
        torchCount,
        keras,
      ] as const,
  );
  it.each(titled)(
    '%s',
    async (_name, title, graph, torchCount, keras) => {
      const ir = lower(graph);
      expect(ir.totals.trainable).toBe(keras);
      const project = emptyProject(title);
      const file = join(dir, `m${cases.findIndex((c) => c[0] === title)}.py`);
      writeFileSync(
        file,
        generatePytorch({ name: title, ir, training: project.training }, { includeTraining: false })
          .code,
      );
      const { stdout } = await python([
        '-c',
        'import importlib.util,sys; s=importlib.util.spec_from_file_location("m", sys.argv[1]); ' +
          'm=importlib.util.module_from_spec(s); s.loader.exec_module(m); ' +
          'print(sum(p.numel() for p in m.build_model().parameters()))',
        file,
      ]);
      expect(Number(stdout.trim())).toBe(torchCount);
    },
    120_000,
  );
});
