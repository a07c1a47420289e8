import { useId, useState } from 'react';
import {
  blockNameMap,
  formatCount,
  formatParamValue,
  formatShape,
  getLayer,
  type GraphNode,
  type ParamSpec,
} from '../../shared/index.ts';
import { frameworkNames, groupClass } from '../canvas/blockInfo.ts';
import {
  analysisOf,
  diagnosticsByNode,
  editorStore,
  lossTakesActivation,
  useEditor,
} from '../store/index.ts';
import { ExplainCard } from '../teach/ExplainCard.tsx';
import { csvFactsOf, findingsOf } from '../teach/findings.ts';
import { FindingList } from '../teach/FindingList.tsx';
import { useTeach } from '../teach/teachStore.ts';
import { useTrainingSelect } from '../training/client.ts';

interface FieldProps {
  node: GraphNode;
  spec: ParamSpec;
  /** A problem analysis found with the stored value (e.g. from a loaded file). */
  storedProblem?: string;
}

/**
 * A validated field: every keystroke is checked; a valid value is applied at once, an invalid one
 * is shown on the field (aria-invalid + message) and not applied.
 */
function ParamField({ node, spec, storedProblem }: FieldProps) {
  const id = useId();
  const value = node.params[spec.name] ?? spec.default;
  const [draft, setDraft] = useState(() => formatParamValue(value));
  const [error, setError] = useState<string | null>(null);
  // The stored value last seen, and the last one this field applied: a change that this field did
  // not make (undo, redo) replaces the draft.
  const [seen, setSeen] = useState(value);
  const [mine, setMine] = useState(value);
  if (seen !== value) {
    setSeen(value);
    if (formatParamValue(value) !== formatParamValue(mine)) {
      setMine(value);
      setDraft(formatParamValue(value));
      setError(null);
    }
  }
  const apply = (raw: unknown) => {
    const result = editorStore.getState().updateParam(node.id, spec.name, raw);
    if (result.ok) setMine(result.value);
    setError(result.ok ? null : result.message);
  };
  const message = error ?? storedProblem;
  const describedBy = message ? `${id}-error` : spec.help ? `${id}-help` : undefined;

  let control;
  if (spec.kind === 'enum') {
    control = (
      <select
        id={id}
        value={String(value)}
        onChange={(e) => apply(e.target.value)}
        data-testid={`param-${spec.name}`}
      >
        {spec.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (spec.kind === 'bool') {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        onChange={(e) => apply(e.target.checked)}
        data-testid={`param-${spec.name}`}
      />
    );
  } else {
    control = (
      <input
        id={id}
        type="text"
        inputMode={spec.kind === 'int' || spec.kind === 'float' ? 'decimal' : 'text'}
        spellCheck={false}
        autoComplete="off"
        value={draft}
        aria-invalid={message ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          setDraft(e.target.value);
          apply(e.target.value);
        }}
        onBlur={() => {
          if (!error)
            setDraft(
              formatParamValue(
                editorStore.getState().project.graph.nodes.find((n) => n.id === node.id)?.params[
                  spec.name
                ] ?? spec.default,
              ),
            );
        }}
        data-testid={`param-${spec.name}`}
      />
    );
  }
  return (
    <div className={`field field--${spec.kind}${message ? ' is-invalid' : ''}`}>
      <label htmlFor={id}>
        {spec.label} <code>{spec.name}</code>
      </label>
      {control}
      {message ? (
        <p className="field__error" id={`${id}-error`} data-testid={`param-error-${spec.name}`}>
          {message}
        </p>
      ) : (
        spec.help && (
          <p className="field__help" id={`${id}-help`}>
            {spec.help}
          </p>
        )
      )}
    </div>
  );
}

/**
 * The block's one name (Summary, Inside, code, weights): every keystroke is checked; a valid name is
 * applied at once, an empty, unusable or taken one is shown on the field and not applied.
 */
function NameField({ node, name }: { node: GraphNode; name: string }) {
  const id = useId();
  const [draft, setDraft] = useState(name);
  const [error, setError] = useState<string | null>(null);
  // A change this field did not make (undo, redo, a relabel elsewhere) replaces the draft.
  const [seen, setSeen] = useState(name);
  if (seen !== name) {
    setSeen(name);
    if (draft.trim() !== name) {
      setDraft(name);
      setError(null);
    }
  }
  const apply = (raw: string) => {
    setDraft(raw);
    const result = editorStore.getState().renameNode(node.id, raw);
    setError(result.ok ? null : `${result.message} The block keeps the name ${name}.`);
  };
  return (
    <div className={`field${error ? ' is-invalid' : ''}`}>
      <label htmlFor={id}>Name</label>
      <input
        id={id}
        type="text"
        className="mono"
        maxLength={200}
        spellCheck={false}
        autoComplete="off"
        value={draft}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : `${id}-help`}
        onChange={(e) => apply(e.target.value)}
        onBlur={() => {
          if (!error) setDraft(name);
        }}
        data-testid="name-input"
      />
      {error ? (
        <p className="field__error" id={`${id}-error`} data-testid="name-error">
          {error}
        </p>
      ) : (
        <p className="field__help" id={`${id}-help`}>
          The layer’s name in Summary, Inside, the Keras and PyTorch code and the weights.
        </p>
      )}
    </div>
  );
}

function LabelField({ node }: { node: GraphNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Label (title on the canvas)</label>
      <input
        id={id}
        type="text"
        maxLength={200}
        placeholder={node.type}
        value={node.label ?? ''}
        onChange={(e) => editorStore.getState().setLabel(node.id, e.target.value)}
        data-testid="label-input"
      />
    </div>
  );
}

function BlockInspector({ node }: { node: GraphNode }) {
  const def = getLayer(node.type);
  const graph = useEditor((s) => s.project.graph);
  const info = analysisOf(graph).nodes.get(node.id);
  const problems = diagnosticsByNode(graph).get(node.id) ?? [];
  const paramProblem = (name: string) => problems.find((d) => d.param === name)?.message;
  const count = info?.count;
  const name = blockNameMap(graph.nodes).get(node.id) ?? node.id;
  const training = useEditor((s) => s.project.training);
  const lastRun = useTeach((s) => s.lastRun);
  const csv = useTrainingSelect(csvFactsOf);
  const findings = findingsOf(graph, training, lastRun, csv).filter((f) => f.nodeId === node.id);
  return (
    <div className="inspector" data-testid="inspector" data-node-id={node.id}>
      <header className={`inspector__head block--${groupClass(def?.group)}`}>
        <span className="inspector__type">{node.type}</span>
        <span className="inspector__names">
          {frameworkNames(node, lossTakesActivation(graph, training.loss) === node.id)}
        </span>
        {def && <p className="inspector__summary">{def.summary}</p>}
        <div className="inspector__facts">
          <div>
            <span>Output</span>
            <strong className="mono" data-testid="inspector-shape">
              {info?.shape ? formatShape(info.shape) : '?'}
            </strong>
          </div>
          <div>
            <span>Params</span>
            <strong className="mono" data-testid="inspector-params">
              {count ? formatCount(count.trainable + count.nonTrainable) : '?'}
            </strong>
          </div>
          <div>
            <span>Name</span>
            <strong className="mono" data-testid="inspector-name" title={`id ${node.id}`}>
              {name}
            </strong>
          </div>
        </div>
      </header>
      <form
        className="inspector__form inspector__form--name"
        onSubmit={(e) => e.preventDefault()}
        noValidate
      >
        <NameField node={node} name={name} />
      </form>
      {findings.length > 0 && <FindingList findings={findings} graph={graph} />}
      <ExplainCard node={node} />
      <form className="inspector__form" onSubmit={(e) => e.preventDefault()} noValidate>
        <LabelField node={node} />
        {def?.params.map((spec) => (
          <ParamField
            key={spec.name}
            node={node}
            spec={spec}
            storedProblem={paramProblem(spec.name)}
          />
        ))}
        {def && def.params.length === 0 && <p className="muted">This block has no parameters.</p>}
      </form>
      {problems.length > 0 && (
        <ul className="inspector__problems" data-testid="inspector-problems">
          {problems.map((d, i) => (
            <li key={i}>
              <span className="problem__code">{d.code}</span> {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Edits the selected block's name, label and parameters. */
export function InspectorPanel() {
  const selectedIds = useEditor((s) => s.selectedNodeIds);
  const node = useEditor((s) =>
    s.selectedNodeIds.length === 1
      ? s.project.graph.nodes.find((n) => n.id === s.selectedNodeIds[0])
      : undefined,
  );
  if (!node) {
    return (
      <div className="empty-state" data-testid="inspector-empty">
        {selectedIds.length > 1
          ? `${selectedIds.length} blocks selected. Select one block to edit it.`
          : 'Select a block on the canvas to edit its parameters.'}
      </div>
    );
  }
  return <BlockInspector key={node.id} node={node} />;
}
