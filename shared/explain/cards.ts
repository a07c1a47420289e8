/**
 * Plain-language explanation cards for every layer kind: what it computes, the formula, when to
 * use it. Shown in the inspector, on hover, and in presenter mode. Each card is its kind's
 * `explain.card` hook (`shared/layers/kinds/<kind>.ts`; type in `shared/layers/backends/explain.ts`).
 */
import type { Card } from '../layers/backends/explain.ts';
import { getLayer, LAYERS } from '../layers/registry.ts';

export interface ExplainCard extends Card {
  /** The layer kind, e.g. `Dense`. */
  type: string;
}

/** The explanation card of a layer kind; undefined for an unknown kind. */
export function explainCard(type: string): ExplainCard | undefined {
  const card = getLayer(type)?.explain.card;
  return card ? { type, ...card } : undefined;
}

/** Layer kinds that have a card (every kind in the catalogue: the hook is required). */
export const EXPLAINED_TYPES: readonly string[] = LAYERS.filter((l) => l.explain.card).map(
  (l) => l.type,
);
