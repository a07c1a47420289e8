import type { Shape } from '../shape.ts';
import type { ParamSpec } from './params.ts';

export type LayerGroup =
  'Core' | 'Activations' | 'Normalisation/Regularisation' | 'Convolution' | 'Merge';

export const LAYER_GROUPS: readonly LayerGroup[] = [
  'Core',
  'Activations',
  'Normalisation/Regularisation',
  'Convolution',
  'Merge',
];

/** Parameters after validation and defaults: what every back-end reads. */
export type ResolvedParams = Record<string, unknown>;

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/** Shape inference result: the output shape, or a message saying why there is none. */
export type ShapeResult =
  { ok: true; shape: Shape } | { ok: false; code: 'E002' | 'E003' | 'E011'; message: string };

/**
 * One layer kind. A new layer is one file exporting a `LayerDef` and one line in `registry.ts`.
 */
export interface LayerDef {
  /** The Keras class name, also the node `type` in project files. */
  type: string;
  group: LayerGroup;
  /** e.g. `Dense`; and the PyTorch counterpart, e.g. `nn.Linear`. */
  kerasName: string;
  torchName: string;
  /** One plain-language sentence for the palette tooltip. */
  summary: string;
  params: readonly ParamSpec[];
  /** How many inputs the block takes. */
  inputs: { min: number; max: number };
  /** Output shape from the input shapes (ordered) and resolved params. */
  inferShape(inputs: readonly Shape[], params: ResolvedParams): ShapeResult;
  /** Parameter count as Keras counts it. */
  paramCount(inputs: readonly Shape[], params: ResolvedParams): ParamCount;
  /** Torch name shown on a block when it depends on params (e.g. Activation relu → nn.ReLU). */
  torchNameFor?(params: ResolvedParams): string;
}

export const ok = (shape: Shape): ShapeResult => ({ ok: true, shape });
export const NO_PARAMS: ParamCount = { trainable: 0, nonTrainable: 0 };
