import './teach.css';
import { explainCard } from '../../shared/explain/cards.ts';
import type { GraphNode } from '../../shared/graph/types.ts';
import { frameworkNames } from '../canvas/blockInfo.ts';
import { analysisOf, lossTakesActivation, useEditor } from '../store/index.ts';
import { arithmeticOf } from './explain.ts';

/**
 * A block's explanation: what it computes, the formula, when to use it, its Keras and PyTorch
 * names, and the arithmetic of its parameter count and output shape. `large` for presenter mode.
 */
export function ExplainCard({ node, large = false }: { node: GraphNode; large?: boolean }) {
  const card = explainCard(node.type);
  const graph = useEditor((s) => s.project.graph);
  const loss = useEditor((s) => s.project.training.loss);
  const arithmetic = arithmeticOf(analysisOf(graph), node.id);
  const shapeLines = arithmetic.shape ?? [];
  return (
    <section
      className={`explain${large ? ' explain--large' : ''}`}
      data-testid={large ? 'presenter-card' : 'explain-card'}
      data-node-id={node.id}
      aria-label={`About ${card?.title ?? node.type}`}
    >
      <div className="explain__main">
        <h3 className="explain__title">{card?.title ?? node.type}</h3>
        <div className="explain__names" data-testid="explain-names">
          {frameworkNames(node, lossTakesActivation(graph, loss) === node.id)}
        </div>
        {card && <p className="explain__what">{card.what}</p>}
      </div>
      <div className="explain__side">
        {card && (
          <>
            <div className="explain__label">Formula</div>
            <code className="explain__formula" data-testid="explain-formula">
              {card.formula}
            </code>
            <div className="explain__label">When to use it</div>
            <p className="explain__when">{card.when}</p>
          </>
        )}
        {(arithmetic.params || shapeLines.length > 0) && (
          <>
            <div className="explain__label">The arithmetic</div>
            <ul className="explain__math" data-testid="explain-arithmetic">
              {arithmetic.params && (
                <li data-testid="explain-params">
                  <span>params</span> {arithmetic.params}
                </li>
              )}
              {shapeLines.map((line) => (
                <li key={line} data-testid="explain-shape">
                  <span>shape</span> {line}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
