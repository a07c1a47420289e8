import { Handle, Position, useStore, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { formatShape, getLayer, nodeDisplayName, type GraphNode } from '../../shared/index.ts';
import { analysisOf, diagnosticsByNode, lossTakesActivation, useEditor } from '../store/index.ts';
import { arithmeticOf } from '../teach/explain.ts';
import { csvFactsOf, findingsOf, markerFor } from '../teach/findings.ts';
import { useTeach } from '../teach/teachStore.ts';
import { useTrainingSelect } from '../training/client.ts';
import { frameworkNames, groupClass, paramDigest, paramsText } from './blockInfo.ts';

export type LayerFlowNode = Node<{ node: GraphNode }, 'layer'>;

/** A block's warning or problem callout: its width and the gap to the block, px at zoom 1. */
const CALLOUT_WIDTH = 240;
const CALLOUT_GAP = 12;

/**
 * Which side of its block a callout goes so that the canvas edge (and the side panel beyond it)
 * never cuts it: right when it fits there, else left, else below the block.
 */
function useCalloutSide(id: string, shown: boolean): 'right' | 'left' | 'below' {
  return useStore((s) => {
    if (!shown) return 'right';
    const node = s.nodeLookup.get(id);
    if (!node) return 'right';
    const [tx, , zoom] = s.transform;
    const x = node.internals.positionAbsolute.x * zoom + tx;
    const width = (node.measured.width ?? 230) * zoom;
    const reach = (CALLOUT_GAP + CALLOUT_WIDTH) * zoom;
    if (x + width + reach <= s.width) return 'right';
    if (x - reach >= 0) return 'left';
    return 'below';
  });
}

/**
 * One block. It subscribes only to primitive facts about itself (shape text, count, problems),
 * so it re-renders when those change, not on every store update.
 */
function LayerNodeView({ id, data, selected }: NodeProps<LayerFlowNode>) {
  const node = data.node;
  const def = getLayer(node.type);
  const shape = useEditor((s) => {
    const sh = analysisOf(s.project.graph).nodes.get(id)?.shape;
    return sh ? formatShape(sh) : undefined;
  });
  const count = useEditor((s) => {
    const c = analysisOf(s.project.graph).nodes.get(id)?.count;
    return c ? c.trainable + c.nonTrainable : undefined;
  });
  const problems = useEditor((s) =>
    (diagnosticsByNode(s.project.graph).get(id) ?? [])
      .filter((d) => d.severity === 'error')
      .map((d) => d.message)
      .join('\n'),
  );
  // The arithmetic behind the count and the shape, shown on hover.
  const paramsTip = useEditor((s) => arithmeticOf(analysisOf(s.project.graph), id).params ?? '');
  const shapeTip = useEditor(
    (s) => arithmeticOf(analysisOf(s.project.graph), id).shape?.join('\n') ?? '',
  );
  // Lint findings (warnings, hints): a marker distinct from the error badge.
  const lastRun = useTeach((s) => s.lastRun);
  const csv = useTrainingSelect(csvFactsOf);
  const lint = useEditor((s) => {
    const m = markerFor(findingsOf(s.project.graph, s.project.training, lastRun, csv), id);
    return m ? `${m.severity}\n${m.text}` : '';
  });
  const lintSeverity = lint.slice(0, lint.indexOf('\n'));
  const lintText = lint.slice(lint.indexOf('\n') + 1);
  // The PyTorch loss applies this block's activation: its subtitle names none, as the code.
  const lossTakes = useEditor(
    (s) => lossTakesActivation(s.project.graph, s.project.training.loss) === id,
  );
  const digest = paramDigest(node);
  const title = nodeDisplayName(node);
  const hasError = problems !== '';
  const calloutSide = useCalloutSide(id, hasError || lintSeverity === 'warning');
  return (
    <div
      className={`block block--${groupClass(def?.group)}${selected ? ' is-selected' : ''}${
        hasError ? ' has-error' : ''
      }`}
      data-testid={`node-${id}`}
      data-node-type={node.type}
      title={def?.summary}
    >
      {def && def.inputs.max > 0 && (
        <Handle
          type="target"
          position={Position.Top}
          id="in"
          className={def.inputs.max > 1 ? 'handle handle--merge' : 'handle'}
          data-testid={`handle-in-${id}`}
        />
      )}
      <div className="block__head">
        <span className="block__title">{title}</span>
        {digest && <span className="block__digest">{digest}</span>}
      </div>
      <div className="block__names" data-testid="node-names">
        {frameworkNames(node, lossTakes)}
      </div>
      <div className="block__foot">
        <span
          className={`block__shape${shapeTip ? ' tip' : ''}`}
          data-testid="node-shape"
          data-tip={shapeTip || undefined}
        >
          {shape ?? '(?)'}
        </span>
        <span
          className={`block__count${paramsTip ? ' tip tip--end' : ''}`}
          data-testid="node-params"
          data-tip={paramsTip || undefined}
        >
          {paramsText(count)}
        </span>
      </div>
      {hasError && (
        <div
          className="block__badge"
          data-testid="node-error-badge"
          title={problems}
          role="img"
          aria-label={`Problem: ${problems}`}
        >
          !
        </div>
      )}
      {hasError && (
        <div
          className={`block__problem callout callout--${calloutSide}`}
          data-testid="node-error"
          data-side={calloutSide}
        >
          {problems.split('\n')[0]}
        </div>
      )}
      {!hasError && lint && (
        <div
          className={`block__lint block__lint--${lintSeverity}`}
          data-testid="node-lint-marker"
          data-severity={lintSeverity}
          title={lintText}
          role="img"
          aria-label={`${lintSeverity === 'hint' ? 'Hint' : 'Warning'}: ${lintText}`}
        >
          {lintSeverity === 'hint' ? 'i' : '!'}
        </div>
      )}
      {!hasError && lintSeverity === 'warning' && (
        <div
          className={`block__lintmsg callout callout--${calloutSide}`}
          data-testid="node-lint"
          data-side={calloutSide}
        >
          {lintText.split('\n')[0]}
        </div>
      )}
      <Handle
        type="source"
        position={Position.Bottom}
        id="out"
        className="handle"
        data-testid={`handle-out-${id}`}
      />
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);

/** Declared at module scope so React Flow never sees a new object. */
export const NODE_TYPES = { layer: LayerNode };
