/**
 * The graph as a standalone SVG picture for slides: blocks at their canvas positions with their
 * Keras/PyTorch names, output shapes and parameter counts, and wires labelled with shapes.
 * Every text from the project is XML-escaped.
 */
import { diagnosticNodeIds } from '../diagnostics.ts';
import type { LossSetting } from '../codegen/loss.ts';
import { lossTakesActivationOf, torchNameOf } from '../explain/torch-names.ts';
import type { GraphAnalysis } from '../graph/analyze.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import type { Graph } from '../graph/types.ts';
import { nodeDisplayName } from '../graph/types.ts';
import type { LayerGroup } from '../layers/types.ts';
import { formatShape } from '../shape.ts';
import { formatCount } from '../summary.ts';

export const BLOCK_WIDTH = 220;
export const BLOCK_HEIGHT = 76;

/** Block colours per palette group, shared with the canvas. */
export const GROUP_COLORS: Record<LayerGroup, string> = {
  Core: '#2563eb',
  Activations: '#d97706',
  'Normalisation/Regularisation': '#7c3aed',
  Convolution: '#059669',
  Recurrent: '#0e7490',
  Attention: '#c2410c',
  Merge: '#db2777',
};

export function escapeXml(text: string): string {
  return (
    text
      // XML 1.0 cannot carry control characters, not even escaped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const truncate = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

export function graphToSvg(
  graph: Graph,
  analysis: GraphAnalysis = analyzeGraph(graph),
  title?: string,
  loss: LossSetting = 'auto',
): string {
  // The block whose activation the PyTorch loss applies: its subtitle names no nn.Softmax.
  const lossTakes = lossTakesActivationOf(analysis, loss);
  const margin = 40;
  const titleHeight = title ? 40 : 0;
  const xs = graph.nodes.map((n) => n.position.x);
  const ys = graph.nodes.map((n) => n.position.y);
  const minX = Math.min(0, ...xs) - margin;
  const minY = Math.min(0, ...ys) - margin - titleHeight;
  const width = Math.max(BLOCK_WIDTH, ...xs.map((x) => x + BLOCK_WIDTH)) - minX + margin;
  const height = Math.max(BLOCK_HEIGHT, ...ys.map((y) => y + BLOCK_HEIGHT)) - minY + margin;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(width)}" height="${Math.round(height)}" viewBox="${minX} ${minY} ${width} ${height}" font-family="Inter, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    `<rect x="${minX}" y="${minY}" width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  if (title) {
    parts.push(
      `<text x="${minX + margin}" y="${minY + margin}" font-size="20" font-weight="600" fill="#111827">${escapeXml(truncate(title, 80))}</text>`,
    );
  }
  for (const edge of graph.edges) {
    const s = byId.get(edge.source);
    const t = byId.get(edge.target);
    if (!s || !t) continue;
    const x1 = s.position.x + BLOCK_WIDTH / 2;
    const y1 = s.position.y + BLOCK_HEIGHT;
    const x2 = t.position.x + BLOCK_WIDTH / 2;
    const y2 = t.position.y;
    const mid = (y1 + y2) / 2;
    parts.push(
      `<path d="M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}" fill="none" stroke="#94a3b8" stroke-width="2"/>`,
    );
    const shape = analysis.edgeShapes.get(edge.id);
    if (shape) {
      const label = formatShape(shape);
      const lx = (x1 + x2) / 2;
      const lw = label.length * 6.6 + 12;
      parts.push(
        `<rect x="${lx - lw / 2}" y="${mid - 10}" width="${lw}" height="20" rx="10" fill="#f1f5f9" stroke="#cbd5e1"/>`,
        `<text x="${lx}" y="${mid + 4}" font-size="11" text-anchor="middle" fill="#334155" font-family="ui-monospace, monospace">${escapeXml(label)}</text>`,
      );
    }
  }
  for (const node of graph.nodes) {
    const info = analysis.nodes.get(node.id);
    const def = info?.def;
    const color = def ? GROUP_COLORS[def.group] : '#6b7280';
    const { x, y } = node.position;
    const hasError = analysis.diagnostics.some(
      (d) => diagnosticNodeIds(d).includes(node.id) && d.severity === 'error',
    );
    const torch = def
      ? torchNameOf({ type: node.type, params: info!.params }, node.id === lossTakes)
      : '?';
    const shape = info?.shape ? formatShape(info.shape) : '?';
    const params = info?.count
      ? `${formatCount(info.count.trainable + info.count.nonTrainable)} params`
      : '';
    parts.push(
      `<g>`,
      `<rect x="${x}" y="${y}" width="${BLOCK_WIDTH}" height="${BLOCK_HEIGHT}" rx="10" fill="#ffffff" stroke="${hasError ? '#dc2626' : '#d1d5db'}" stroke-width="${hasError ? 2 : 1}"/>`,
      `<rect x="${x}" y="${y}" width="6" height="${BLOCK_HEIGHT}" rx="3" fill="${color}"/>`,
      `<text x="${x + 16}" y="${y + 22}" font-size="14" font-weight="600" fill="#111827">${escapeXml(truncate(nodeDisplayName(node), 26))}</text>`,
      `<text x="${x + 16}" y="${y + 40}" font-size="11" fill="#6b7280">${escapeXml(truncate(`${def?.kerasName ?? node.type} / ${torch}`, 34))}</text>`,
      `<text x="${x + 16}" y="${y + 60}" font-size="12" fill="#111827" font-family="ui-monospace, monospace">${escapeXml(shape)}</text>`,
      `<text x="${x + BLOCK_WIDTH - 12}" y="${y + 60}" font-size="11" text-anchor="end" fill="#6b7280">${escapeXml(params)}</text>`,
      `</g>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
