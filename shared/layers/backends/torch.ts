/**
 * The torch hooks every layer kind provides (`LayerDef.torch`), and the helpers kinds use to write
 * them. Kind modules import this file as a namespace (`import * as torch from '../backends/torch.ts'`)
 * and reach everything they need for this back-end through it.
 */

/** Placeholder until the torch back-end reads its per-kind knowledge from the kinds. */
export type Hooks = Readonly<Record<never, never>>;

/** Placeholder hooks; every kind must replace it. */
export const TODO: Hooks = {};
