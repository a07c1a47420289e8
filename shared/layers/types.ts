import type { Shape } from '../shape.ts';
import type { ParamSpec } from './params.ts';
import type * as explain from './backends/explain.ts';
import type * as keras from './backends/keras.ts';
import type * as onnx from './backends/onnx.ts';
import type * as tfjs from './backends/tfjs.ts';
import type * as torch from './backends/torch.ts';

export type LayerGroup =
  | 'Core'
  | 'Activations'
  | 'Normalisation/Regularisation'
  | 'Convolution'
  | 'Recurrent'
  | 'Attention'
  | 'Merge';

export const LAYER_GROUPS: readonly LayerGroup[] = [
  'Core',
  'Activations',
  'Normalisation/Regularisation',
  'Convolution',
  'Recurrent',
  'Attention',
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
 * The front half of a layer kind: what the editor and shape inference need (params, shapes,
 * Keras parameter count). Back-ends read the hooks in `LayerDef`.
 */
export interface LayerFront {
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
  /**
   * True for kinds that read integer token ids (Embedding): their input must come straight from
   * an Input of dtype int32, and an int32 Input may feed only such kinds (`analyzeGraph`, E002).
   */
  readsTokenIds?: boolean;
  /** Torch name shown on a block when it depends on params (e.g. Activation relu → nn.ReLU). */
  torchNameFor?(params: ResolvedParams): string;
}

/**
 * One layer kind: everything the project knows about it. A new layer kind is one file in
 * `shared/layers/kinds/` exporting a `LayerDef` and one line in `registry.ts`; each back-end's
 * hooks are required, so `npm run typecheck` names every back-end a new kind still lacks.
 */
export interface LayerDef extends LayerFront {
  keras: keras.Hooks;
  torch: torch.Hooks;
  tfjs: tfjs.Hooks;
  onnx: onnx.Hooks;
  explain: explain.Hooks;
}

export const ok = (shape: Shape): ShapeResult => ({ ok: true, shape });
export const NO_PARAMS: ParamCount = { trainable: 0, nonTrainable: 0 };

/**
 * Keras sets no limit on how many tensors a merge layer takes; neither does Netwright (one merge
 * port takes any number of wires).
 */
export const ANY_NUMBER_OF_INPUTS = Number.POSITIVE_INFINITY;
