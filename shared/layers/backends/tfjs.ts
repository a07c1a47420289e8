/**
 * The tfjs hooks every layer kind provides (`LayerDef.tfjs`), and the helpers kinds use to write
 * them. Kind modules import this file as a namespace (`import * as tfjs from '../backends/tfjs.ts'`)
 * and reach everything they need for this back-end through it.
 */

/** Placeholder until the tfjs back-end reads its per-kind knowledge from the kinds. */
export type Hooks = Readonly<Record<never, never>>;

/** Placeholder hooks; every kind must replace it. */
export const TODO: Hooks = {};
