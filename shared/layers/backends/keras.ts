/**
 * The keras hooks every layer kind provides (`LayerDef.keras`), and the helpers kinds use to write
 * them. Kind modules import this file as a namespace (`import * as keras from '../backends/keras.ts'`)
 * and reach everything they need for this back-end through it.
 */

/** Placeholder until the keras back-end reads its per-kind knowledge from the kinds. */
export type Hooks = Readonly<Record<never, never>>;

/** Placeholder hooks; every kind must replace it. */
export const TODO: Hooks = {};
