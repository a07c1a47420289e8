import { ActivationLayer } from './kinds/activation.ts';
import { AddLayer } from './kinds/add.ts';
import { AveragePooling2DLayer } from './kinds/average-pooling2d.ts';
import { BatchNormalizationLayer } from './kinds/batch-normalization.ts';
import { ConcatenateLayer } from './kinds/concatenate.ts';
import { Conv2DLayer } from './kinds/conv2d.ts';
import { DenseLayer } from './kinds/dense.ts';
import { DropoutLayer } from './kinds/dropout.ts';
import { FlattenLayer } from './kinds/flatten.ts';
import { GlobalAveragePooling2DLayer } from './kinds/global-average-pooling2d.ts';
import { InputLayer } from './kinds/input.ts';
import { LayerNormalizationLayer } from './kinds/layer-normalization.ts';
import { MaxPooling2DLayer } from './kinds/max-pooling2d.ts';
import { ReshapeLayer } from './kinds/reshape.ts';
// ── imports: sequence kinds (Embedding, recurrent layers) ──
import { BidirectionalLayer } from './kinds/bidirectional.ts';
import { EmbeddingLayer } from './kinds/embedding.ts';
import { GRULayer } from './kinds/gru.ts';
import { LSTMLayer } from './kinds/lstm.ts';
import { SimpleRNNLayer } from './kinds/simple-rnn.ts';
// ── end imports: sequence ──
// ── imports: conv1d kinds (1-D convolution, pooling, 2-D resizing) ──
import { AveragePooling1DLayer } from './kinds/average-pooling1d.ts';
import { Conv1DLayer } from './kinds/conv1d.ts';
import { Cropping2DLayer } from './kinds/cropping2d.ts';
import { GlobalAveragePooling1DLayer } from './kinds/global-average-pooling1d.ts';
import { GlobalMaxPooling1DLayer } from './kinds/global-max-pooling1d.ts';
import { GlobalMaxPooling2DLayer } from './kinds/global-max-pooling2d.ts';
import { MaxPooling1DLayer } from './kinds/max-pooling1d.ts';
import { UpSampling2DLayer } from './kinds/up-sampling2d.ts';
import { ZeroPadding2DLayer } from './kinds/zero-padding2d.ts';
// ── end imports: conv1d ──
// ── imports: conv2d kinds (2-D convolution family, noise, rescaling, reshaping) ──
import { Conv2DTransposeLayer } from './kinds/conv2d-transpose.ts';
import { SeparableConv2DLayer } from './kinds/separable-conv2d.ts';
import { DepthwiseConv2DLayer } from './kinds/depthwise-conv2d.ts';
import { SpatialDropout2DLayer } from './kinds/spatial-dropout2d.ts';
import { GaussianNoiseLayer } from './kinds/gaussian-noise.ts';
import { RescalingLayer } from './kinds/rescaling.ts';
import { PermuteLayer } from './kinds/permute.ts';
import { RepeatVectorLayer } from './kinds/repeat-vector.ts';
// ── end imports: conv2d ──
// ── imports: mixing kinds (merges, attention, activation layers) ──
import { MultiplyLayer } from './kinds/multiply.ts';
import { SubtractLayer } from './kinds/subtract.ts';
import { AverageLayer } from './kinds/average.ts';
import { MaximumLayer } from './kinds/maximum.ts';
import { MinimumLayer } from './kinds/minimum.ts';
import { DotLayer } from './kinds/dot.ts';
import { MultiHeadAttentionLayer } from './kinds/multi-head-attention.ts';
import { LeakyReLULayer } from './kinds/leaky-relu.ts';
import { PReLULayer } from './kinds/prelu.ts';
import { ELULayer } from './kinds/elu.ts';
import { ReLULayer } from './kinds/relu.ts';
import { SoftmaxLayer } from './kinds/softmax.ts';
// ── end imports: mixing ──
import type { LayerDef, ResolvedParams } from './types.ts';
import { validateParam } from './params.ts';

/** Every layer kind, in palette order. A new layer is one file and one line here. */
export const LAYERS: readonly LayerDef[] = [
  InputLayer,
  DenseLayer,
  FlattenLayer,
  ReshapeLayer,
  ActivationLayer,
  DropoutLayer,
  BatchNormalizationLayer,
  LayerNormalizationLayer,
  Conv2DLayer,
  MaxPooling2DLayer,
  AveragePooling2DLayer,
  GlobalAveragePooling2DLayer,
  AddLayer,
  ConcatenateLayer,
  // ── sequence kinds ──
  EmbeddingLayer,
  SimpleRNNLayer,
  LSTMLayer,
  GRULayer,
  BidirectionalLayer,
  // ── end sequence ──
  // ── conv1d kinds ──
  Conv1DLayer,
  MaxPooling1DLayer,
  AveragePooling1DLayer,
  GlobalAveragePooling1DLayer,
  GlobalMaxPooling1DLayer,
  GlobalMaxPooling2DLayer,
  UpSampling2DLayer,
  ZeroPadding2DLayer,
  Cropping2DLayer,
  // ── end conv1d ──
  // ── conv2d kinds ──
  Conv2DTransposeLayer,
  SeparableConv2DLayer,
  DepthwiseConv2DLayer,
  SpatialDropout2DLayer,
  GaussianNoiseLayer,
  RescalingLayer,
  PermuteLayer,
  RepeatVectorLayer,
  // ── end conv2d ──
  // ── mixing kinds ──
  MultiplyLayer,
  SubtractLayer,
  AverageLayer,
  MaximumLayer,
  MinimumLayer,
  DotLayer,
  MultiHeadAttentionLayer,
  LeakyReLULayer,
  PReLULayer,
  ELULayer,
  ReLULayer,
  SoftmaxLayer,
  // ── end mixing ──
];

const BY_TYPE = new Map(LAYERS.map((l) => [l.type, l]));

export function getLayer(type: string): LayerDef | undefined {
  return BY_TYPE.get(type);
}

export const LAYER_TYPES: readonly string[] = LAYERS.map((l) => l.type);

/** The default params of a layer kind, as stored in a new block. */
export function defaultParams(def: LayerDef): ResolvedParams {
  return Object.fromEntries(
    def.params.map((p) => [p.name, Array.isArray(p.default) ? [...p.default] : p.default]),
  );
}

export interface ParamProblem {
  param: string;
  message: string;
}

/** A params key that the layer kind does not define, with the known name it probably means. */
export interface UnknownParam {
  param: string;
  /** The known param whose snake_case spelling this key is, e.g. `kernel_size` for `kernelSize`. */
  suggestion?: string;
}

/** `kernelSize` → `kernel_size`; already snake_case names come back unchanged. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * The keys of `raw` that `def` does not define, in the order they appear. A key whose snake_case
 * spelling (or its spelling ignoring case and underscores) is a known param gets that param as
 * its suggestion:
 * Keras Python configs use snake_case (`kernel_size`), TF.js configs camelCase (`kernelSize`).
 */
export function unknownParams(def: LayerDef, raw: Record<string, unknown>): UnknownParam[] {
  const known = def.params.map((p) => p.name);
  const out: UnknownParam[] = [];
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    const snake = snakeCase(key);
    const loose = key.toLowerCase().replace(/_/g, '');
    const suggestion = known.find((k) => k === snake || k.replace(/_/g, '') === loose);
    out.push(suggestion ? { param: key, suggestion } : { param: key });
  }
  return out;
}

/**
 * Fills defaults and validates every param. Unknown keys are kept as they are (a project file
 * may carry fields a later version understands), but never read by back-ends; `analyzeGraph`
 * reports each one as warning W109 (see `unknownParams`).
 */
export function resolveParams(
  def: LayerDef,
  raw: Record<string, unknown>,
): { params: ResolvedParams; problems: ParamProblem[] } {
  const params: ResolvedParams = { ...raw };
  const problems: ParamProblem[] = [];
  for (const spec of def.params) {
    const value = spec.name in raw ? raw[spec.name] : spec.default;
    const result = validateParam(spec, value);
    if (result.ok) params[spec.name] = result.value;
    else {
      problems.push({ param: spec.name, message: result.message });
      params[spec.name] = spec.default;
    }
  }
  return { params, problems };
}
