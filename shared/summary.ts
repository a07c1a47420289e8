import type { GraphAnalysis } from './graph/analyze.ts';
import { blockNameMap } from './ir/names.ts';
import { formatShape } from './shape.ts';

/** One row of the model summary, as in Keras's `model.summary()`. */
export interface SummaryRow {
  nodeId: string;
  name: string;
  type: string;
  outputShape: string;
  params: number | null;
  connectedTo: string[];
}

export interface ModelSummary {
  rows: SummaryRow[];
  total: number;
  trainable: number;
  nonTrainable: number;
}

/** `109386` → `109,386`, Keras's formatting of counts. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Summary rows in model order for every block the analysis could place; each row's `name` is the
 * block's one name (`blockNames` in `shared/ir/names.ts`), the same as in the generated code.
 */
export function summarizeModel(analysis: GraphAnalysis): ModelSummary {
  const infos = analysis.order.map((id) => analysis.nodes.get(id)!).filter((i) => i.def);
  const nameOf = blockNameMap([...analysis.nodes.values()].map((i) => i.node));
  const rows = infos.map((info) => ({
    nodeId: info.node.id,
    name: nameOf.get(info.node.id)!,
    type: info.node.type === 'Input' ? 'InputLayer' : info.node.type,
    outputShape: info.shape ? formatShape(info.shape) : '?',
    params: info.count ? info.count.trainable + info.count.nonTrainable : null,
    connectedTo: info.inputs.map((e) => nameOf.get(e.source) ?? e.source),
  }));
  return {
    rows,
    total: analysis.totals.total,
    trainable: analysis.totals.trainable,
    nonTrainable: analysis.totals.nonTrainable,
  };
}

const pad = (text: string, width: number) =>
  text.length >= width ? `${text.slice(0, width - 1)} ` : text.padEnd(width);

/** Text like Keras 2's `model.summary()`; adds "Connected to" when the model branches. */
export function formatSummary(summary: ModelSummary, title = 'model'): string {
  const branched = summary.rows.some((r) => r.connectedTo.length > 1);
  const widths = branched ? [34, 22, 10, 24] : [33, 26, 10];
  const width = widths.reduce((a, b) => a + b, 0);
  const line = (cells: string[]) =>
    cells
      .slice(0, widths.length)
      .map((c, i) => pad(c, widths[i]!))
      .join('')
      .trimEnd();
  const head = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'].slice(0, widths.length);
  const out = [`Model: "${title}"`, '_'.repeat(width), line(head), '='.repeat(width)];
  summary.rows.forEach((row, i) => {
    const params = row.params === null ? '?' : String(row.params);
    out.push(
      line([`${row.name} (${row.type})`, row.outputShape, params, row.connectedTo[0] ?? '']),
    );
    if (branched) for (const extra of row.connectedTo.slice(1)) out.push(line(['', '', '', extra]));
    out.push(i === summary.rows.length - 1 ? '='.repeat(width) : '');
  });
  if (summary.rows.length === 0) out.push('='.repeat(width));
  out.push(`Total params: ${formatCount(summary.total)}`);
  out.push(`Trainable params: ${formatCount(summary.trainable)}`);
  out.push(`Non-trainable params: ${formatCount(summary.nonTrainable)}`);
  out.push('_'.repeat(width));
  return out.join('\n');
}
