/**
 * Keras layer configs as plain data: one source for the Keras generator and for tests that
 * compare generated code with the TF.js model built from the same IR. Each kind writes its own
 * config (`LayerDef.keras.config`, see `shared/layers/backends/keras.ts`).
 */
import type { IrOp } from '../ir/lower.ts';
import type { Hooks, KerasLayerConfig } from '../layers/backends/keras.ts';
import { getLayer } from '../layers/registry.ts';

export type { KerasLayerConfig, KerasValue } from '../layers/backends/keras.ts';

/** The keras hooks of an op's kind. Throws when the op's type is no known kind. */
export function kerasHooks(op: Pick<IrOp, 'type'>): Hooks {
  const def = getLayer(op.type);
  if (!def) throw new Error(`Keras back-end: no layer for block type "${op.type}"`);
  return def.keras;
}

/**
 * The Keras config of one op, with every parameter spelled out (defaults included). Reshape gets
 * the IR-resolved target shape (a `-1` replaced by its size, as Keras computes it); pooling
 * `strides` stays `null` when it means "same as pool_size", as in Keras. Throws for an op type
 * that is no known kind.
 */
export function kerasLayerConfig(op: IrOp): KerasLayerConfig {
  return kerasHooks(op).config(op);
}
