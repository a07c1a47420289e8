/**
 * Compile-time checks, run by `npm run typecheck` (tsc covers tests/): a layer kind that lacks
 * any back-end's hooks does not compile. Each `@ts-expect-error` below must see an error; if a
 * back-end's hooks became optional, the directive would be unused and tsc would fail here.
 * Not a vitest file: there is nothing to run.
 */
import { DenseLayer } from '../../shared/layers/kinds/dense.ts';
import type { LayerDef } from '../../shared/layers/types.ts';
import * as onnx from '../../shared/layers/backends/onnx.ts';

const { keras: _keras, ...noKeras } = DenseLayer;
const { torch: _torch, ...noTorch } = DenseLayer;
const { tfjs: _tfjs, ...noTfjs } = DenseLayer;
const { onnx: _onnx, ...noOnnx } = DenseLayer;
const { explain: _explain, ...noExplain } = DenseLayer;

// @ts-expect-error a kind without Keras hooks (config, call style, import) is not a LayerDef
export const missingKeras: LayerDef = noKeras;
// @ts-expect-error a kind without PyTorch hooks is not a LayerDef
export const missingTorch: LayerDef = noTorch;
// @ts-expect-error a kind without TF.js hooks is not a LayerDef
export const missingTfjs: LayerDef = noTfjs;
// @ts-expect-error a kind without ONNX hooks is not a LayerDef
export const missingOnnx: LayerDef = noOnnx;
// @ts-expect-error a kind without explanation hooks is not a LayerDef
export const missingExplain: LayerDef = noExplain;

const { import: _import, ...onnxExportOnly } = DenseLayer.onnx;
// @ts-expect-error a kind whose ONNX hooks make no import decision (claims or claimsNothing) is not a LayerDef
export const missingOnnxImport: LayerDef = { ...DenseLayer, onnx: onnxExportOnly };
/** An explicit decision not to claim compiles. */
export const claimsNothing: LayerDef = {
  ...DenseLayer,
  onnx: { ...DenseLayer.onnx, import: onnx.claimsNothing('a reason') },
};

/** The complete kind compiles (so the errors above come from the missing hooks alone). */
export const complete: LayerDef = DenseLayer;
