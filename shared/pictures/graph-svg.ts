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

/**
 * Generous text widths, px per character (em fractions above the average glyph widths of the
 * common fallback fonts, Liberation Sans and DejaVu Sans Mono): texts cut to these fit their room.
 */
const CHAR_PX = {
  heading: 20 * 0.64,
  title: 14 * 0.62,
  small: 11 * 0.56,
  mono12: 12 * 0.61,
  mono11: 11 * 0.61,
};
/** Room for text inside a block: from the colour bar + 10 px to 12 px before the right edge. */
const TEXT_ROOM = BLOCK_WIDTH - 16 - 12;
/** A block whose shape and count do not fit on one line puts the count on a line of its own. */
const EXTRA_LINE = 16;

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
/**
 * Longest side of a graph picture, CSS pixels. Renderers draw in float32 (7 significant digits):
 * far beyond this, texts and wires land on the wrong pixels, and viewers hang on the size.
 * (Issue 14: a project with positions near ±1e308 passes the schema, and its picture had no
 * finite size.)
 */
export const MAX_PICTURE_SIDE = 1_000_000;

/** A graph picture that cannot be made; the message says why and what to do. */
export class PictureError extends Error {}

const meets = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * The graph as a standalone SVG document (a string; px, y down): blocks at their canvas positions
 * (`BLOCK_WIDTH` wide, `BLOCK_HEIGHT` tall, or one 16 px line taller when the output shape and
 * the parameter count cannot share a line), wires as curves labelled with their tensor shapes,
 * long vertical wires bowed out to the right, an optional title on top. No two texts overlap:
 * texts are cut (…) to the room they have by generous per-character widths, and a wire label that
 * would sit on a block or another label moves right until it is clear.
 *
 * Throws `PictureError` when the picture would be more than `MAX_PICTURE_SIDE` pixels a side (or
 * has no finite size: blocks near ±1e308), with a message that says to move the blocks together.
 */
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
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  // Each block's texts, and its height (one line more when shape and count cannot share one).
  const blocks = new Map(
    graph.nodes.map((node) => {
      const info = analysis.nodes.get(node.id);
      const def = info?.def;
      const torch = def
        ? torchNameOf({ type: node.type, params: info!.params }, node.id === lossTakes)
        : '?';
      const shape = info?.shape ? formatShape(info.shape) : '?';
      const params = info?.count
        ? `${formatCount(info.count.trainable + info.count.nonTrainable)} params`
        : '';
      const oneLine =
        shape.length * CHAR_PX.mono12 + 10 + params.length * CHAR_PX.small <= TEXT_ROOM;
      return [
        node.id,
        {
          def,
          shape,
          params,
          oneLine,
          title: truncate(nodeDisplayName(node), Math.floor(TEXT_ROOM / CHAR_PX.title)),
          names: truncate(
            `${def?.kerasName ?? node.type} / ${torch}`,
            Math.floor(TEXT_ROOM / CHAR_PX.small),
          ),
          height: BLOCK_HEIGHT + (oneLine ? 0 : EXTRA_LINE),
        },
      ] as const;
    }),
  );
  const blockRects: Rect[] = graph.nodes.map((n) => ({
    x: n.position.x,
    y: n.position.y,
    width: BLOCK_WIDTH,
    height: blocks.get(n.id)!.height,
  }));
  const labels: Rect[] = [];
  /** Where bowed wires reach, for the picture's extent. */
  const reach: Rect[] = [];
  const parts: string[] = [];
  for (const edge of graph.edges) {
    const s = byId.get(edge.source);
    const t = byId.get(edge.target);
    if (!s || !t) continue;
    const x1 = s.position.x + BLOCK_WIDTH / 2;
    const y1 = s.position.y + blocks.get(s.id)!.height;
    const x2 = t.position.x + BLOCK_WIDTH / 2;
    const y2 = t.position.y;
    const mid = (y1 + y2) / 2;
    // A long, nearly vertical wire (a skip connection) bows out to the right instead of running
    // behind the blocks it skips, as on the canvas (ShapeEdge.skipPath).
    const dy = y2 - y1;
    const bow = dy >= 200 && Math.abs(x2 - x1) <= 140 ? Math.min(300, 190 + dy * 0.1) : 0;
    if (bow) reach.push({ x: Math.max(x1, x2), y: mid, width: 0.75 * bow, height: 1 });
    parts.push(
      bow
        ? `<path d="M${x1},${y1} C${x1 + bow},${y1 + dy * 0.25} ${x2 + bow},${y2 - dy * 0.25} ${x2},${y2}" fill="none" stroke="#94a3b8" stroke-width="2"/>`
        : `<path d="M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}" fill="none" stroke="#94a3b8" stroke-width="2"/>`,
    );
    const shape = analysis.edgeShapes.get(edge.id);
    if (shape) {
      const label = formatShape(shape);
      const lw = label.length * CHAR_PX.mono11 + 12;
      const rect: Rect = {
        x: (x1 + x2) / 2 + 0.75 * bow - lw / 2,
        y: mid - 10,
        width: lw,
        height: 20,
      };
      // Never on a block or another label: step right past whatever it would cover.
      for (let i = 0; i < 50; i++) {
        const hit = [...blockRects, ...labels].find((r) => meets(rect, r));
        if (!hit) break;
        rect.x = hit.x + hit.width + 8;
      }
      labels.push(rect);
      parts.push(
        `<rect x="${rect.x}" y="${rect.y}" width="${lw}" height="20" rx="10" fill="#f1f5f9" stroke="#cbd5e1"/>`,
        `<text x="${rect.x + lw / 2}" y="${mid + 4}" font-size="11" text-anchor="middle" fill="#334155" font-family="ui-monospace, monospace">${escapeXml(label)}</text>`,
      );
    }
  }
  for (const node of graph.nodes) {
    const block = blocks.get(node.id)!;
    const color = block.def ? GROUP_COLORS[block.def.group] : '#6b7280';
    const { x, y } = node.position;
    const hasError = analysis.diagnostics.some(
      (d) => diagnosticNodeIds(d).includes(node.id) && d.severity === 'error',
    );
    const countY = y + (block.oneLine ? 60 : 60 + EXTRA_LINE);
    parts.push(
      `<g>`,
      `<rect x="${x}" y="${y}" width="${BLOCK_WIDTH}" height="${block.height}" rx="10" fill="#ffffff" stroke="${hasError ? '#dc2626' : '#d1d5db'}" stroke-width="${hasError ? 2 : 1}"/>`,
      `<rect x="${x}" y="${y}" width="6" height="${block.height}" rx="3" fill="${color}"/>`,
      `<text x="${x + 16}" y="${y + 22}" font-size="14" font-weight="600" fill="#111827">${escapeXml(block.title)}</text>`,
      `<text x="${x + 16}" y="${y + 40}" font-size="11" fill="#6b7280">${escapeXml(block.names)}</text>`,
      `<text x="${x + 16}" y="${y + 60}" font-size="12" fill="#111827" font-family="ui-monospace, monospace">${escapeXml(block.shape)}</text>`,
      `<text x="${x + BLOCK_WIDTH - 12}" y="${countY}" font-size="11" text-anchor="end" fill="#6b7280">${escapeXml(block.params)}</text>`,
      `</g>`,
    );
  }
  // The picture spans every block, label and bowed wire (and the origin), plus the margin.
  const all = [...blockRects, ...labels, ...reach, { x: 0, y: 0, width: BLOCK_WIDTH, height: 1 }];
  const minX = Math.min(...all.map((r) => r.x)) - margin;
  const minY = Math.min(...all.map((r) => r.y)) - margin - titleHeight;
  // Wide enough for the title too (a one-column graph is narrower than a long project name).
  const shownTitle = title ? truncate(title, 80) : '';
  const width = Math.max(
    Math.max(...all.map((r) => r.x + r.width)) - minX + margin,
    2 * margin + shownTitle.length * CHAR_PX.heading,
  );
  const height = Math.max(...all.map((r) => r.y + r.height)) - minY + margin;
  const problem = sizeProblem(width, height);
  if (problem) throw new PictureError(problem);
  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(width)}" height="${Math.round(height)}" viewBox="${minX} ${minY} ${width} ${height}" font-family="Inter, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    `<rect x="${minX}" y="${minY}" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (title) {
    head.push(
      `<text x="${minX + margin}" y="${minY + margin}" font-size="20" font-weight="600" fill="#111827">${escapeXml(shownTitle)}</text>`,
    );
  }
  parts.unshift(...head);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/**
 * Why a `width` × `height` picture (CSS pixels) cannot be made, or null: not finite, or a side over
 * `MAX_PICTURE_SIDE`.
 */
function sizeProblem(width: number, height: number): string | null {
  const fix = 'the blocks lie too far apart: move them together (Arrange) and export again';
  if (!Number.isFinite(width) || !Number.isFinite(height))
    return `The picture has no finite size; ${fix}`;
  if (width <= MAX_PICTURE_SIDE && height <= MAX_PICTURE_SIDE) return null;
  const fmt = (n: number) => (n < 1e9 ? Math.round(n).toLocaleString('en-US') : n.toExponential(1));
  return `The picture would be ${fmt(width)} × ${fmt(height)} pixels; a picture is limited to ${fmt(MAX_PICTURE_SIDE)} pixels a side: ${fix}`;
}
