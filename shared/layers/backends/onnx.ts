/**
 * The onnx hooks every layer kind provides (`LayerDef.onnx`), and the helpers kinds use to write
 * them. Kind modules import this file as a namespace (`import * as onnx from '../backends/onnx.ts'`)
 * and reach everything they need for this back-end through it.
 */

/** Placeholder until the onnx back-end reads its per-kind knowledge from the kinds. */
export type Hooks = Readonly<Record<never, never>>;

/** Placeholder hooks; every kind must replace it. */
export const TODO: Hooks = {};
