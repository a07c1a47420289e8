/**
 * Block params saved under names older versions used. ZeroPadding2D and Cropping2D once held
 * Keras's one `padding` / `cropping` ((top, bottom), (left, right)) as two pairs,
 * `height_padding` (top, bottom) and `width_padding` (left, right) (`height_cropping`,
 * `width_cropping`); they now hold Keras's own name and nested form. Applied on every load
 * (project files, templates, lessons, clipboard fragments), whatever the format version: files
 * of format version 1 were written with either spelling.
 */
import type { GraphNode } from './types.ts';

/** One old pair of params merged into one Keras param. */
interface EdgeMerge {
  /** The Keras config name now stored. */
  into: string;
  /** The old (top, bottom) and (left, right) params. */
  height: string;
  width: string;
  /** Keras's default for one side, used for an old pair missing from the file. */
  side: number;
}

const EDGE_MERGES: Readonly<Record<string, EdgeMerge>> = {
  ZeroPadding2D: { into: 'padding', height: 'height_padding', width: 'width_padding', side: 1 },
  Cropping2D: { into: 'cropping', height: 'height_cropping', width: 'width_cropping', side: 0 },
};

/** An old pair value as saved (a pair, one number for both sides, or text) → a pair if it is one. */
function oldPair(v: unknown, side: number): unknown {
  if (v === undefined) return [side, side];
  if (typeof v === 'number') return [v, v];
  if (typeof v === 'string') {
    const parts = v
      .replace(/[()[\]]/g, '')
      .split(/[\s,]+/)
      .filter((p) => p !== '')
      .map(Number);
    if (parts.length === 1) return [parts[0], parts[0]];
    if (parts.length === 2) return parts;
  }
  // Anything else is kept as it is: validation then reports it on the new param (E008).
  return v;
}

/**
 * `params` of a block of `type` with old param names moved to the current ones: ZeroPadding2D
 * `height_padding` [t, b] + `width_padding` [l, r] → `padding` [[t, b], [l, r]] (Cropping2D
 * likewise into `cropping`); a missing half takes Keras's default side (1 for padding, 0 for
 * cropping). Returns `params` itself when there is nothing to move, or when the new name is
 * already there (the old keys are then left for W109 to report). Never mutates its argument.
 */
export function migrateLegacyParams(
  type: string,
  params: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merge = EDGE_MERGES[type];
  if (!merge || merge.into in params) return params as Record<string, unknown>;
  if (!(merge.height in params) && !(merge.width in params))
    return params as Record<string, unknown>;
  const { [merge.height]: h, [merge.width]: w, ...rest } = params;
  return { ...rest, [merge.into]: [oldPair(h, merge.side), oldPair(w, merge.side)] };
}

/**
 * The blocks of a parsed graph with `migrateLegacyParams` applied to each; the same array when
 * no block changed. Never mutates its argument.
 */
export function migrateLegacyNodes<T extends Pick<GraphNode, 'type' | 'params'>>(
  nodes: readonly T[],
): T[] {
  let changed = false;
  const out = nodes.map((node) => {
    const params = migrateLegacyParams(node.type, node.params);
    if (params === node.params) return node;
    changed = true;
    return { ...node, params };
  });
  return changed ? out : (nodes as T[]);
}
