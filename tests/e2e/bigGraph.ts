import { emptyProject, type GraphEdge, type GraphNode, type Project } from '../../shared/index.ts';
import { assertKnownParams } from '../shared/graph-builder.ts';

/**
 * A valid project of `size` blocks: Input, then residual units (Dense relu → Dense → Add with the
 * unit's input), laid out in columns, ending in a Dense softmax head.
 */
export function bigProject(size = 300): Project {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const place = (i: number) => ({ x: Math.floor(i / 25) * 300, y: (i % 25) * 130 });
  const add = (type: string, params: Record<string, unknown>): string => {
    const id = `n${nodes.length}`;
    nodes.push({ id, type, params, position: place(nodes.length) });
    return id;
  };
  const link = (source: string, target: string, targetHandle?: string) =>
    edges.push({
      id: `e${edges.length}`,
      source,
      target,
      ...(targetHandle === undefined ? {} : { targetHandle }),
    });
  let prev = add('Input', { shape: [64] });
  while (nodes.length + 3 <= size - 1) {
    const a = add('Dense', { units: 64, activation: 'relu', use_bias: true });
    link(prev, a);
    const b = add('Dense', { units: 64, activation: 'linear', use_bias: true });
    link(a, b);
    const sum = add('Add', {});
    link(b, sum, '0');
    link(prev, sum, '1');
    prev = sum;
  }
  while (nodes.length < size - 1) {
    const n = add('Dropout', { rate: 0.1 });
    link(prev, n);
    prev = n;
  }
  const head = add('Dense', { units: 10, activation: 'softmax', use_bias: true });
  link(prev, head);
  return { ...emptyProject('300 blocks'), graph: assertKnownParams({ nodes, edges }) };
}
