import { ActivationLayer } from './activation.ts';
import { Conv2DLayer } from './conv2d.ts';
import { DenseLayer } from './dense.ts';
import { DropoutLayer } from './dropout.ts';
import { FlattenLayer } from './flatten.ts';
import { InputLayer } from './input.ts';
import { AddLayer, ConcatenateLayer } from './merge.ts';
import { BatchNormalizationLayer, LayerNormalizationLayer } from './normalization.ts';
import {
  AveragePooling2DLayer,
  GlobalAveragePooling2DLayer,
  MaxPooling2DLayer,
} from './pooling.ts';
import { ReshapeLayer } from './reshape.ts';
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

/**
 * Fills defaults and validates every param. Unknown keys are kept as they are (a project file
 * may carry fields a later version understands), but never read by back-ends.
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
