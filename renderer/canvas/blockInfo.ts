import { torchNameOf } from '../../shared/explain/torch-names.ts';
import { formatCount, getLayer, type GraphNode, type LayerGroup } from '../../shared/index.ts';

/** CSS class suffix for a palette group (colours live in styles/app.css). */
export function groupClass(group: LayerGroup | undefined): string {
  switch (group) {
    case 'Core':
      return 'core';
    case 'Activations':
      return 'activation';
    case 'Normalisation/Regularisation':
      return 'norm';
    case 'Convolution':
      return 'conv';
    case 'Recurrent':
      return 'recurrent';
    case 'Attention':
      return 'attention';
    case 'Merge':
      return 'merge';
    default:
      return 'unknown';
  }
}

/**
 * "Dense / nn.Linear", using the torch name that depends on params where there is one.
 * `lossTakesActivation`: the PyTorch loss applies this block's activation, so the generated module
 * has none and the name leaves it out ("nn.Linear", not "nn.Linear + nn.Softmax").
 */
export function frameworkNames(
  node: Pick<GraphNode, 'type' | 'params'>,
  lossTakesActivation = false,
): string {
  const def = getLayer(node.type);
  if (!def) return node.type;
  return `${def.kerasName} / ${torchNameOf(node, lossTakesActivation)}`;
}

/**
 * A short line of the params that matter most, e.g. "128 · relu" or "32 · 3×3 · same": the
 * kind's `explain.digest` hook; empty for a kind without one.
 */
export function paramDigest(node: Pick<GraphNode, 'type' | 'params'>): string {
  return getLayer(node.type)?.explain.digest?.(node.params) ?? '';
}

export function paramsText(count: number | undefined): string {
  if (count === undefined) return '? params';
  return `${formatCount(count)} ${count === 1 ? 'param' : 'params'}`;
}
