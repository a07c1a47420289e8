import './code-import.css';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { createCodeEditor, type CodeEditor } from '../panels/code/editor.ts';
import { Dialog } from '../dialogs/Dialog.tsx';
import { closeDialog } from '../dialogs/dialogStore.ts';
import {
  diagnosticText,
  FRAMEWORK_NAMES,
  frameworkOf,
  previewCode,
  previewSummary,
  shapeFieldText,
  type CodePreview,
} from './model.ts';
import { openImportedProject } from './openImported.ts';
import type { SourceDiagnostic } from '../../shared/import/python/index.ts';

/** Re-import this long after the last keystroke. */
const PREVIEW_DEBOUNCE_MS = 250;
/** At most this many problems are listed. */
const MAX_LISTED = 30;

/**
 * "Paste code": a Python editor for Keras or PyTorch model code, the framework detected from its
 * imports, a live preview (blocks and parameters, or the problems at their lines), the input-shape
 * field when the code does not fix it, and Import, which replaces the graph (one undoable step).
 */
export function PasteCodeDialog({ text: initial, name }: { text: string; name?: string }) {
  const [text, setText] = useState(initial);
  const [shapeText, setShapeText] = useState<string | null>(null);
  const [preview, setPreview] = useState<CodePreview>(() => previewCode(initial, null, name));
  const [busy, setBusy] = useState(false);
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<CodeEditor | null>(null);

  useLayoutEffect(() => {
    const editor = createCodeEditor(hostRef.current!, 'Python model code', () => undefined, {
      editable: true,
      onEdit: setText,
      placeholder:
        'Paste a Keras model (Sequential, functional) or a PyTorch nn.Module / nn.Sequential here…',
    });
    editor.update(initial, [], []);
    editorRef.current = editor;
    // Opened with pasted code: show its top, or its first error, not the end.
    const firstError = preview.diagnostics.find((d) => d.severity === 'error');
    const start = Math.min(firstError?.from ?? 0, editor.view.state.doc.length);
    editor.view.dispatch({ selection: { anchor: start }, scrollIntoView: true });
    editor.view.focus();
    return () => {
      editor.destroy();
      editorRef.current = null;
    };
    // The editor is made once; later text comes from typing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const timer = setTimeout(
      () => setPreview(previewCode(text, shapeText, name)),
      PREVIEW_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [text, shapeText, name]);

  // The field appears, prefilled with what the code fixes, the first time the shape is asked for.
  const ask = !preview.ok ? preview.askShape : undefined;
  useEffect(() => {
    if (ask && shapeText === null) setShapeText(shapeFieldText(ask.known));
  }, [ask, shapeText]);

  useEffect(() => {
    editorRef.current?.setProblems(preview.diagnostics);
  }, [preview]);

  const detected = useMemo(() => preview.framework ?? frameworkOf(text), [preview, text]);
  const errors = preview.diagnostics.filter((d) => d.severity === 'error');
  const warnings = preview.diagnostics.filter((d) => d.severity === 'warning');

  const reveal = (d: SourceDiagnostic) => {
    const view = editorRef.current?.view;
    if (!view) return;
    const pos = Math.min(d.from, view.state.doc.length);
    view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    view.focus();
  };

  const importNow = async () => {
    // The preview may be up to a debounce behind the text: import what is there now.
    const now = previewCode(text, shapeText, name);
    setPreview(now);
    if (!now.ok) return;
    setBusy(true);
    try {
      await openImportedProject(now.project, {
        framework: now.framework,
        blocks: now.blocks,
        params: now.params,
      });
      closeDialog();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Import from code"
      testId="paste-code-dialog"
      className="paste-code"
      onClose={closeDialog}
      actions={
        <>
          <span className="paste-code__note">
            The code is read, never run. Import replaces the graph; Undo brings it back.
          </span>
          <button
            type="button"
            className="btn"
            onClick={closeDialog}
            data-testid="paste-code-cancel"
          >
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--primary"
            disabled={!preview.ok || busy}
            onClick={() => void importNow()}
            data-testid="paste-code-import"
          >
            Import
          </button>
        </>
      }
    >
      <div className="paste-code__head">
        <span
          className={`paste-code__framework${detected ? ` is-${detected}` : ''}`}
          data-testid="paste-code-framework"
          data-framework={detected ?? ''}
        >
          {detected ? FRAMEWORK_NAMES[detected] : 'Framework not detected'}
        </span>
        <span className="muted">
          {detected
            ? preview.diagnostics.some((d) => d.message.startsWith('no import lines'))
              ? 'detected from the names it uses (no import lines)'
              : `detected from the imports`
            : 'the code should import keras / tensorflow or torch'}
        </span>
      </div>
      <div className="paste-code__editor" ref={hostRef} data-testid="paste-code-editor" />
      {shapeText !== null && (
        <label className="paste-code__shape" data-testid="paste-code-shape-row">
          <span className="paste-code__shape-label">Input shape</span>
          <input
            type="text"
            className="input mono"
            value={shapeText}
            spellCheck={false}
            data-testid="paste-code-shape"
            aria-describedby="paste-code-shape-help"
            onChange={(e) => setShapeText(e.target.value)}
          />
          <span id="paste-code-shape-help" className="paste-code__shape-help">
            {!preview.ok && preview.shapeError
              ? preview.shapeError
              : (ask?.message ??
                'One example without the batch axis, Keras order (height, width, channels).')}
          </span>
        </label>
      )}
      <div
        className={`paste-code__result ${preview.ok ? 'is-ok' : 'is-error'}`}
        data-testid="paste-code-result"
        data-ok={preview.ok ? 'true' : 'false'}
      >
        {preview.ok ? (
          <strong data-testid="paste-code-summary">
            {previewSummary(preview.blocks, preview.params)}
          </strong>
        ) : (
          <strong>
            {ask && errors.length <= 1
              ? 'Give the input shape to import'
              : `${errors.length} problem${errors.length === 1 ? '' : 's'}: nothing is imported until ${errors.length === 1 ? 'it is' : 'they are'} fixed`}
          </strong>
        )}
        {(errors.length > 0 || warnings.length > 0) && (
          <ul className="paste-code__problems" data-testid="paste-code-problems">
            {[...errors, ...warnings].slice(0, MAX_LISTED).map((d, i) => (
              <li key={i} className={`is-${d.severity}`}>
                <button
                  type="button"
                  className="paste-code__problem"
                  onClick={() => reveal(d)}
                  data-testid="paste-code-problem"
                  data-line={d.line}
                >
                  {diagnosticText(d)}
                </button>
                {d.fix && (
                  <button
                    type="button"
                    className="btn paste-code__fix"
                    data-testid="paste-code-fix"
                    onClick={() => editorRef.current?.applyFix(d.fix!)}
                  >
                    {d.fix.title}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  );
}
