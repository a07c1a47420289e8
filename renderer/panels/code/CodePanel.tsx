import './code.css';
import { useReactFlow } from '@xyflow/react';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type Diagnostic, type Project } from '../../../shared/index.ts';
import { editorStore, useEditor } from '../../store/index.ts';
import { DiagnosticList } from '../DiagnosticList.tsx';
import { useRevealNode } from '../ProblemsPanel.tsx';
import { copyText } from './clipboard.ts';
import { useCodeEdit, type Draft } from './codeEdit.ts';
import { codeEdit, codeStore, useCodeState } from './codeState.ts';
import { createCodeEditor, type CodeEditor } from './editor.ts';
import { exportCode } from './exportCode.ts';
import {
  buildCodeView,
  FRAMEWORK_TITLES,
  FRAMEWORKS,
  lineCount,
  logitsHint,
  ownedLineRanges,
  ownerAtLine,
  sameCodeInput,
  type CodeOptions,
  type Framework,
} from './model.ts';
import type { GeneratedCode } from '../../../shared/codegen/index.ts';
import '../../code-import/code-import.css';
import { diagnosticText } from '../../code-import/model.ts';
import type { SourceDiagnostic } from '../../../shared/import/python/index.ts';

/** Regenerate this long after the last edit (typing in the inspector, dragging). */
const DEBOUNCE_MS = 150;
/** Both scripts side by side from this panel width; tabs below it. */
const SIDE_BY_SIDE_MIN_WIDTH = 620;

/** The project as the code sees it: updates after a pause, and ignores moves. */
function useCodeProject(): Project {
  const project = useEditor((s) => s.project);
  const [settled, setSettled] = useState(project);
  useEffect(() => {
    if (sameCodeInput(settled, project)) return;
    const timer = setTimeout(() => setSettled(project), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [project, settled]);
  return settled;
}

function usePanelWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * Keras and PyTorch code generated live from the graph: side by side when the panel is wide
 * (the expand button widens it), tabs otherwise. The selected block's lines are marked in both
 * scripts; clicking a line selects its block.
 */
export function CodePanel() {
  const project = useCodeProject();
  const options = useCodeState((s) => s.options);
  const wide = useCodeState((s) => s.wide);
  const tab = useCodeState((s) => s.tab);
  const editing = useCodeEdit(codeEdit, (s) => s.editing);
  const view = useMemo(() => buildCodeView(project, options), [project, options]);
  const rootRef = useRef<HTMLDivElement>(null);
  const width = usePanelWidth(rootRef);
  const sideBySide = width >= SIDE_BY_SIDE_MIN_WIDTH;
  const shown: readonly Framework[] = sideBySide ? FRAMEWORKS : [tab];
  const flow = useReactFlow();
  const toggleWide = () => {
    codeStore.getState().setWide(!wide);
    // The canvas changes width with the side panel: frame the graph again.
    setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1.1, duration: 250 }), 60);
  };

  return (
    <div
      ref={rootRef}
      className={`code-panel${wide ? ' is-wide' : ''}${sideBySide ? ' is-split' : ''}`}
      data-testid="code-panel"
      data-layout={sideBySide ? 'split' : 'tabs'}
    >
      <div className="code-panel__bar">
        {!sideBySide && (
          <div className="code-seg" role="tablist" aria-label="Framework">
            {FRAMEWORKS.map((f) => (
              <button
                key={f}
                type="button"
                role="tab"
                aria-selected={tab === f}
                className={`code-seg__item${tab === f ? ' is-active' : ''}`}
                data-testid={`code-tab-${f}`}
                onClick={() => codeStore.getState().setTab(f)}
              >
                {FRAMEWORK_TITLES[f]}
              </button>
            ))}
          </div>
        )}
        {sideBySide && (
          <span className="code-panel__title">
            {editing
              ? 'Edit either script: the graph and the other script follow'
              : 'Generated from the graph as you edit'}
          </span>
        )}
        <span className="code-panel__spacer" />
        <button
          type="button"
          className={`code-btn${editing ? ' is-done' : ''}`}
          data-testid="code-edit-toggle"
          aria-pressed={editing}
          title={
            editing
              ? 'Stop editing: the scripts are generated from the graph again'
              : 'Edit the code: the graph and the other script follow (the code is read, never run)'
          }
          onClick={() => codeEdit.getState().setEditing(!editing)}
        >
          <EditIcon />
          {editing ? 'Editing' : 'Edit'}
        </button>
        <button
          type="button"
          className="code-btn code-btn--ghost"
          data-testid="code-wide-toggle"
          aria-pressed={wide}
          title={wide ? 'Narrow the panel back' : 'Widen the panel: both scripts side by side'}
          onClick={toggleWide}
        >
          <WideIcon wide={wide} />
          {wide ? 'Narrow' : 'Side by side'}
        </button>
      </div>
      <Options options={options} isChain={view.ok ? view.isChain : true} />
      {view.ok ? (
        <div className="code-panes">
          {shown.map((f) => (
            <CodePane
              key={f}
              framework={f}
              code={view[f]}
              editing={editing}
              hint={f === 'pytorch' ? logitsHint(view.logitsActivation) : null}
            />
          ))}
        </div>
      ) : (
        <CodeProblems diagnostics={view.diagnostics} project={project} />
      )}
    </div>
  );
}

function Options({ options, isChain }: { options: CodeOptions; isChain: boolean }) {
  const set = codeStore.getState().setOption;
  const check = (
    key: 'includeTraining' | 'distributed' | 'tensorboard',
    text: string,
    title: string,
  ) => (
    <label className={`code-chip${options[key] ? ' is-on' : ''}`} title={title}>
      <input
        type="checkbox"
        checked={options[key]}
        data-testid={`code-opt-${key}`}
        onChange={(e) => set(key, e.target.checked)}
      />
      {text}
    </label>
  );
  return (
    <div className="code-options" data-testid="code-options">
      {check('includeTraining', 'Training run', 'A training run on the dataset under __main__')}
      {check(
        'distributed',
        'Distributed',
        'PyTorch DistributedDataParallel under torchrun; Keras MirroredStrategy',
      )}
      {check('tensorboard', 'TensorBoard', 'Log loss and metrics to TensorBoard under logs/')}
      <label
        className="code-style"
        title={
          isChain
            ? 'How the PyTorch model is written'
            : 'nn.Sequential needs a single chain: this graph branches, so it stays a class'
        }
      >
        <span>PyTorch</span>
        <select
          value={options.style}
          data-testid="code-opt-style"
          onChange={(e) => set('style', e.target.value === 'sequential' ? 'sequential' : 'module')}
        >
          <option value="module">nn.Module class</option>
          <option value="sequential">nn.Sequential</option>
        </select>
      </label>
    </div>
  );
}

function CodePane({
  framework,
  code,
  editing,
  hint,
}: {
  framework: Framework;
  code: GeneratedCode;
  editing: boolean;
  hint: string | null;
}) {
  const draft = useCodeEdit(codeEdit, (s) => s.drafts[framework]);
  const hasDraft = draft !== undefined;
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<CodeEditor | null>(null);
  const ownersRef = useRef(code.lineOwners);
  ownersRef.current = code.lineOwners;
  const selected = useEditor((s) => s.selectedNodeIds);
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);

  useLayoutEffect(() => {
    const editor = createCodeEditor(
      hostRef.current!,
      `${FRAMEWORK_TITLES[framework]} code`,
      (line) => {
        const owner = ownerAtLine(ownersRef.current, line);
        if (owner) editorStore.getState().select([owner], []);
      },
      { onEdit: (text) => codeEdit.getState().edit(framework, text) },
    );
    editorRef.current = editor;
    return () => {
      editor.destroy();
      editorRef.current = null;
    };
  }, [framework]);

  const ranges = useMemo(
    () => ownedLineRanges(code.lineOwners, selected),
    [code.lineOwners, selected],
  );
  useLayoutEffect(() => {
    // While the user's own text is there, the graph's code waits (it comes back on a graph change).
    if (!hasDraft) editorRef.current?.update(code.code, code.lineOwners, ranges);
  }, [code, ranges, hasDraft]);
  useLayoutEffect(() => {
    editorRef.current?.setEditable(editing);
  }, [editing, framework]);
  useEffect(() => {
    editorRef.current?.setProblems(draft?.problems ?? []);
  }, [draft?.problems]);

  // Bring the selected block's first line into view when the selection changes.
  const first = ranges[0]?.from ?? 0;
  const selectionKey = selected.join('\n');
  useEffect(() => {
    if (first > 0) editorRef.current?.reveal(first);
    // Only on a new selection, not on every regeneration.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectionKey]);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 1600);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <section
      className={`code-pane code-pane--${framework}`}
      data-testid={`code-pane-${framework}`}
      aria-label={`${FRAMEWORK_TITLES[framework]} code`}
    >
      <header className="code-pane__head">
        <span className={`code-pane__badge code-pane__badge--${framework}`}>
          {FRAMEWORK_TITLES[framework]}
        </span>
        <span className="code-pane__file" data-testid={`code-file-${framework}`}>
          {code.filename}
        </span>
        <span className="code-pane__lines">{lineCount(code.code)}</span>
        <span className="code-panel__spacer" />
        <button
          type="button"
          className={`code-btn${copied === 'ok' ? ' is-done' : ''}`}
          data-testid={`code-copy-${framework}`}
          title={`Copy ${code.filename} to the clipboard`}
          onClick={() => void copyText(code.code).then((ok) => setCopied(ok ? 'ok' : 'failed'))}
        >
          <CopyIcon />
          {copied === 'ok' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy'}
        </button>
        <button
          type="button"
          className="code-btn"
          data-testid={`code-export-${framework}`}
          title={`Save ${code.filename}`}
          onClick={() => void exportCode(framework)}
        >
          <ExportIcon />
          Export
        </button>
      </header>
      {hint && (
        <p className="code-hint" data-testid="code-hint-logits">
          <span className="code-hint__icon" aria-hidden>
            i
          </span>
          <span>{hint}</span>
        </p>
      )}
      {editing && (
        <EditStatus
          framework={framework}
          draft={draft}
          onFix={(fix) => editorRef.current?.applyFix(fix)}
        />
      )}
      <div className="code-pane__editor" ref={hostRef} data-testid={`code-editor-${framework}`} />
    </section>
  );
}

function CodeProblems({ diagnostics, project }: { diagnostics: Diagnostic[]; project: Project }) {
  const reveal = useRevealNode();
  const n = diagnostics.length;
  return (
    <div className="code-problems" data-testid="code-diagnostics">
      <div className="code-problems__head">
        <span className="code-problems__icon" aria-hidden>
          !
        </span>
        <div>
          <strong>No code while the graph is invalid</strong>
          <span>
            {n === 0
              ? 'The graph needs exactly one Input and one output block.'
              : `Fix ${n === 1 ? 'this problem' : `these ${n} problems`} and the Keras and PyTorch code comes back.`}
          </span>
        </div>
      </div>
      {n > 0 && (
        <DiagnosticList
          diagnostics={diagnostics}
          graph={project.graph}
          onReveal={reveal}
          className="problems code-problems__list"
          itemTestId="code-problem"
        />
      )}
    </div>
  );
}

/** What became of the last edit of a script: read into the graph, or its problems. */
function EditStatus({
  framework,
  draft,
  onFix,
}: {
  framework: Framework;
  draft: Draft | undefined;
  onFix: (fix: NonNullable<SourceDiagnostic['fix']>) => void;
}) {
  const state = draft?.state ?? 'idle';
  const errors = draft?.problems.filter((p) => p.severity === 'error') ?? [];
  const warnings = draft?.problems.filter((p) => p.severity === 'warning') ?? [];
  const name = FRAMEWORK_TITLES[framework];
  const text =
    state === 'idle'
      ? `Edit the ${name} code: the graph and the other script follow as you type.`
      : state === 'pending'
        ? 'Reading the code…'
        : state === 'applied'
          ? `Graph updated from the ${name} code. ${platformUndo()} outside the editor undoes it.`
          : state === 'unchanged'
            ? 'The code reads as the graph there is: nothing to change.'
            : `${errors.length} problem${errors.length === 1 ? '' : 's'} in the ${name} code: the graph is kept until ${errors.length === 1 ? 'it is' : 'they are'} fixed.`;
  const listed = state === 'error' ? errors : warnings;
  return (
    <div
      className={`code-edit-status ${state === 'error' ? 'is-error' : state === 'applied' || state === 'unchanged' ? 'is-ok' : 'is-pending'}`}
      data-testid={`code-edit-status-${framework}`}
      data-state={state}
      role="status"
    >
      {text}
      {listed.length > 0 && (
        <ul>
          {listed.slice(0, MAX_EDIT_PROBLEMS).map((p, i) => (
            <li key={i} data-testid={`code-edit-problem-${framework}`} data-line={p.line}>
              {diagnosticText(p)}
              {p.fix && (
                <button
                  type="button"
                  className="code-btn code-edit-fix"
                  data-testid={`code-edit-fix-${framework}`}
                  onClick={() => onFix(p.fix!)}
                >
                  {p.fix.title}
                </button>
              )}
            </li>
          ))}
          {listed.length > MAX_EDIT_PROBLEMS && (
            <li className="muted">
              …and {listed.length - MAX_EDIT_PROBLEMS} more (marked in the code)
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

/** The edit status lists this many problems; the editor marks them all. */
const MAX_EDIT_PROBLEMS = 4;

const platformUndo = () => (/Mac/.test(globalThis.navigator?.platform ?? '') ? 'Cmd+Z' : 'Ctrl+Z');

function EditIcon() {
  return (
    <svg width="13" height="13" viewBox="0 0 16 16" aria-hidden>
      <path
        d="M10.5 2.5l3 3-8 8H2.5v-3l8-8zM9 4l3 3"
        fill="none"
        stroke="currentColor"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function WideIcon({ wide }: { wide: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden>
      <rect x="1.5" y="2.5" width="13" height="11" rx="2" fill="none" stroke="currentColor" />
      {wide ? (
        <path d="M8 2.5v11" stroke="currentColor" />
      ) : (
        <path d="M5 8h6M5 8l2-2M5 8l2 2M11 8l-2-2M11 8l-2 2" stroke="currentColor" fill="none" />
      )}
    </svg>
  );
}

function CopyIcon() {
  return (
    <svg width="13" height="13" viewBox="0 0 16 16" aria-hidden>
      <rect x="5.5" y="5.5" width="8" height="9" rx="1.5" fill="none" stroke="currentColor" />
      <path d="M3.5 10.5h-1v-8a1 1 0 0 1 1-1h7v1" fill="none" stroke="currentColor" />
    </svg>
  );
}

function ExportIcon() {
  return (
    <svg width="13" height="13" viewBox="0 0 16 16" aria-hidden>
      <path d="M8 2v8M5 7l3 3 3-3M2.5 11v2.5h11V11" fill="none" stroke="currentColor" />
    </svg>
  );
}
