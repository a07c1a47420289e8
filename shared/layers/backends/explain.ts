/**
 * The explain hooks every layer kind provides (`LayerDef.explain`), and the helpers kinds use to write
 * them. Kind modules import this file as a namespace (`import * as explain from '../backends/explain.ts'`)
 * and reach everything they need for this back-end through it.
 */

/** Placeholder until the explain back-end reads its per-kind knowledge from the kinds. */
export type Hooks = Readonly<Record<never, never>>;

/** Placeholder hooks; every kind must replace it. */
export const TODO: Hooks = {};
