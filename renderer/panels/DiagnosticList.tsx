import {
  diagnosticNodeIds,
  nodeDisplayName,
  type Diagnostic,
  type Graph,
} from '../../shared/index.ts';

/**
 * Graph diagnostics as a list of buttons: code, block name, message; clicking one reveals its
 * block. Used by the Problems panel and by the Code panel when the graph is invalid.
 */
export function DiagnosticList({
  diagnostics,
  graph,
  onReveal,
  className = 'problems',
  listTestId,
  itemTestId,
  severityClass = false,
}: {
  diagnostics: readonly Diagnostic[];
  graph: Graph;
  onReveal: (nodeId: string) => void;
  className?: string;
  listTestId?: string;
  itemTestId: string;
  /** Colour each item by its severity (`problem--error`, ...). */
  severityClass?: boolean;
}) {
  const nameOf = (id: string) => {
    const node = graph.nodes.find((n) => n.id === id);
    return node ? nodeDisplayName(node) : id;
  };
  return (
    <ul className={className} data-testid={listTestId}>
      {diagnostics.map((d, i) => (
        <li key={`${d.code}-${d.nodeId ?? d.edgeId ?? ''}-${i}`}>
          <button
            type="button"
            className={severityClass ? `problem problem--${d.severity}` : 'problem'}
            data-testid={itemTestId}
            data-node-id={d.nodeId}
            disabled={!d.nodeId}
            onClick={() => d.nodeId && onReveal(d.nodeId)}
          >
            <span className="problem__code">{d.code}</span>
            <span className="problem__text">
              {d.nodeId && (
                <span className="problem__where">
                  {diagnosticNodeIds(d).map(nameOf).join(', ')}
                </span>
              )}
              {d.message}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
