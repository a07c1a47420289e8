import {
  kerasRecurrentCount,
  RECURRENT_KINDS,
  recurrentShape,
  returnSequencesParam,
  TORCH_RECURRENT,
  unitsParam,
  type RecurrentKind,
} from '../recurrent-common.ts';
import type { LayerDef } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';
import * as rh from '../recurrent-hooks.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = rh.bidirectionalKeras;

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const RECURRENT_KIND: Record<string, string> = { LSTM: 'LSTM', GRU: 'GRU', RNN: 'SimpleRNN' };

const torchHooks: torch.Hooks = {
  ...rh.bidirectionalTorch,
  source: {
    // The generator's helper BidirectionalRNN(nn.LSTM(…, bidirectional=True), merge_mode,
    // return_sequences=…) (recurrent-hooks.ts); the inner module as torch.recurrentSource reads it.
    helpers: { BidirectionalRNN: ['rnn', 'merge_mode', 'return_sequences'] },
    // Written by hand: nn.LSTM/GRU/RNN(…, batch_first=True, bidirectional=True). Its output
    // (N, steps, 2·units) is both directions side by side, the backward one in time order:
    // Keras's Bidirectional, merge_mode concat, return_sequences (pytorch.org/docs/stable/
    // generated/torch.nn.LSTM.html, "output"). The importer sets return_sequences false for
    // torch.cat((h[-2], h[-1]), dim=1) of the final states, and refuses output[:, -1] (there
    // the backward direction has seen one step only).
    modules: {
      LSTM: torch.recurrentSource('LSTM').modules!.LSTM!,
      GRU: torch.recurrentSource('GRU').modules!.GRU!,
      RNN: torch.recurrentSource('RNN').modules!.RNN!,
    },
    read: ({ args, callee }) => {
      if (!('rnn' in args)) {
        const module = callee.split('.').at(-1)!;
        const kind = RECURRENT_KIND[module];
        if (!kind) throw new Error(`${callee} is not nn.LSTM, nn.GRU or nn.RNN`);
        const { bidirectional, ...inner } = args;
        if (bidirectional !== true) throw new Error('bidirectional=True is not given');
        const read = torch
          .recurrentSource(module as 'LSTM' | 'GRU' | 'RNN')
          .read({ args: inner, callee });
        if (read.params.use_bias === false)
          throw new Error("bias=False: Netwright's Bidirectional wraps a layer with biases");
        if (module === 'RNN' && read.params.activation !== 'tanh')
          throw new Error(
            "nonlinearity='relu': Netwright's Bidirectional wraps a SimpleRNN with Keras's default tanh",
          );
        return {
          params: {
            layer: kind,
            units: read.params.units,
            return_sequences: true,
            merge_mode: 'concat',
          },
          inFeatures: read.inFeatures,
          inputShape: read.inputShape,
          returnsState: true,
        };
      }
      const rnn = args.rnn as { module?: string; args?: Record<string, unknown> } | undefined;
      const kind = rnn?.module ? RECURRENT_KIND[rnn.module] : undefined;
      if (!rnn?.args || !kind)
        throw new Error(
          'the first argument must be nn.LSTM, nn.GRU or nn.RNN(…, bidirectional=True)',
        );
      const { bidirectional, ...inner } = rnn.args;
      if (bidirectional !== true) throw new Error('the inner RNN must have bidirectional=True');
      const read = torch
        .recurrentSource(rnn.module as 'LSTM' | 'GRU' | 'RNN')
        .read({ args: inner, callee });
      const merge = args.merge_mode ?? 'concat';
      if (!['concat', 'sum', 'mul', 'ave'].includes(merge as string))
        throw new Error(`merge_mode ${JSON.stringify(merge)} is not one of Keras's`);
      return {
        params: {
          layer: kind,
          units: read.params.units,
          return_sequences: torch.readBool(args.return_sequences, 'return_sequences', false),
          merge_mode: merge,
        },
        inFeatures: read.inFeatures,
        inputShape: read.inputShape,
      };
    },
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = rh.bidirectionalTfjs;

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = rh.bidirectionalOnnx;

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Bidirectional (forwards and backwards)',
    what: 'Runs a recurrent layer over the sequence forwards and a copy with its own weights backwards, then merges the two, so each output knows what comes before and after it.',
    formula: 'y = merge(forward(x), backward(x)); merge: concat, sum, mul or ave',
    when: 'When the whole sequence is known at once, e.g. classifying a sentence; not for predicting the next step of a series.',
  },
  arithmetic: rh.bidirectionalArithmetic,
  digest: (p) =>
    explain.joinDigest([
      p.layer,
      p.units,
      p.merge_mode !== 'concat' && p.merge_mode,
      p.return_sequences && 'sequences',
    ]),
};

// ─── end explain ───

/**
 * Bidirectional (Keras 3 `keras.layers.Bidirectional`) over an LSTM, GRU or SimpleRNN of `units`:
 * one copy reads the sequence forwards, a second copy backwards; their outputs are merged by
 * `merge_mode` (concat: `2·units` wide, forward first; sum, mul, ave: `units` wide). With
 * `return_sequences` the backward outputs are put back in time order before merging. The wrapped
 * layer uses its Keras defaults (SimpleRNN tanh, use_bias true); see ../recurrent-common.ts.
 */
export const BidirectionalLayer: LayerDef = {
  type: 'Bidirectional',
  group: 'Recurrent',
  kerasName: 'Bidirectional',
  torchName: 'nn.LSTM(bidirectional=True)',
  summary:
    'Runs a recurrent layer over the sequence forwards and a second copy backwards, and merges the two.',
  params: [
    {
      name: 'layer',
      label: 'Layer',
      kind: 'enum',
      default: 'LSTM',
      options: RECURRENT_KINDS,
      help: 'the recurrent layer that runs in both directions',
    },
    unitsParam,
    returnSequencesParam,
    {
      name: 'merge_mode',
      label: 'Merge mode',
      kind: 'enum',
      default: 'concat',
      options: ['concat', 'sum', 'mul', 'ave'],
      help: 'concat: forward and backward outputs side by side (2 × units); sum, mul, ave: element-wise',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const units = p.units as number;
    const width = p.merge_mode === 'concat' ? 2 * units : units;
    return recurrentShape('Bidirectional', input!, width, p.return_sequences as boolean);
  },
  // Two copies of the wrapped layer (keras/src/layers/rnn/bidirectional.py: forward_layer and
  // backward_layer), each counted as that layer.
  paramCount: ([input], p) => ({
    trainable:
      2 * kerasRecurrentCount(p.layer as RecurrentKind, input![1] ?? 0, p.units as number, true),
    nonTrainable: 0,
  }),
  torchNameFor: (p) => `${TORCH_RECURRENT[p.layer as RecurrentKind]}(bidirectional=True)`,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
