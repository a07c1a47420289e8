import { useState } from 'react';
import { mayDiscard, useEditorCommands, useHostIntegration } from '../commands.ts';
import { platform } from '../platform/index.ts';
import { useProjectSafety } from '../project/safety.ts';
import { useKeyboardShortcuts } from '../shortcuts.ts';
import { useEditor } from '../store/index.ts';
import { LessonMenu } from '../teach/LessonMenu.tsx';
import { ExportMenu } from './ExportMenu.tsx';
import { togglePresenter } from '../teach/Presenter.tsx';
import { RecentMenu } from './RecentMenu.tsx';
import { TemplateMenu } from './TemplateMenu.tsx';

/** Project commands and view commands; also runs the desktop menu's commands. */
export function Toolbar() {
  const commands = useEditorCommands();
  useHostIntegration(commands);
  useKeyboardShortcuts(commands);
  useProjectSafety();
  const canUndo = useEditor((s) => s.canUndo);
  const canRedo = useEditor((s) => s.canRedo);
  const mod = platform.modKey;
  const name = useEditor((s) => s.project.name);
  const dirty = useEditor((s) => s.dirty);
  const [busy, setBusy] = useState(false);

  const autoLayout = async () => {
    setBusy(true);
    try {
      await commands.autoLayout();
    } finally {
      setBusy(false);
    }
  };

  return (
    <header className="toolbar" data-testid="toolbar">
      <div className="brand">
        <span className="brand__mark" aria-hidden>
          <svg viewBox="0 0 24 24" width="22" height="22">
            <circle cx="5" cy="6" r="2.6" />
            <circle cx="5" cy="18" r="2.6" />
            <circle cx="19" cy="12" r="2.6" />
            <path d="M7.4 7 16.7 11M7.4 17l9.3-4" />
          </svg>
        </span>
        <span className="brand__name">Netwright</span>
      </div>
      <div className="toolbar__project" title={name}>
        <span data-testid="project-name">{name}</span>
        {dirty && (
          <span
            className="dirty-dot"
            title="Unsaved changes"
            aria-label="Unsaved changes"
            data-testid="dirty-mark"
          />
        )}
      </div>
      <div className="toolbar__group">
        <TemplateMenu commands={commands} />
        <LessonMenu mayDiscard={mayDiscard} />
        <button type="button" className="btn" onClick={commands.open} data-testid="toolbar-open">
          Open…
        </button>
        <RecentMenu commands={commands} />
        <button
          type="button"
          className="btn"
          onClick={commands.importModel}
          title="Import model… (ONNX, a TF.js / Keras model JSON with its .bin weight files, or a Keras / PyTorch .py)"
          data-testid="toolbar-import"
        >
          Import…
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => commands.pasteCode()}
          title="Import a Keras or PyTorch model from its Python code (or paste code on the canvas)"
          data-testid="toolbar-paste-code"
        >
          Paste code…
        </button>
        <button
          type="button"
          className="btn"
          onClick={commands.save}
          title={`Save (${mod}+S)`}
          data-testid="toolbar-save"
        >
          Save
        </button>
        <button
          type="button"
          className="btn"
          onClick={commands.saveAs}
          title={`Save as (${mod}+Shift+S)`}
          data-testid="toolbar-save-as"
        >
          Save as…
        </button>
      </div>
      <div className="toolbar__group">
        <button
          type="button"
          className="btn btn--icon"
          onClick={commands.undo}
          disabled={!canUndo}
          title={`Undo (${mod}+Z)`}
          aria-label="Undo"
          data-testid="toolbar-undo"
        >
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden>
            <path d="M7 5 3 9l4 4M3.5 9H12a4.5 4.5 0 0 1 0 9H9" />
          </svg>
        </button>
        <button
          type="button"
          className="btn btn--icon"
          onClick={commands.redo}
          disabled={!canRedo}
          title={`Redo (${mod}+Shift+Z)`}
          aria-label="Redo"
          data-testid="toolbar-redo"
        >
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden>
            <path d="m13 5 4 4-4 4M16.5 9H8a4.5 4.5 0 0 0 0 9h3" />
          </svg>
        </button>
      </div>
      <div className="toolbar__spacer" />
      <div className="toolbar__group">
        <button
          type="button"
          className="btn"
          onClick={autoLayout}
          disabled={busy}
          data-testid="toolbar-layout"
        >
          Auto layout
        </button>
        <button type="button" className="btn" onClick={commands.fitView} data-testid="toolbar-fit">
          Fit view
        </button>
        <ExportMenu />
        <button
          type="button"
          className="btn"
          onClick={() => togglePresenter(true)}
          title="Presenter mode (F5; Esc leaves)"
          data-testid="toolbar-present"
        >
          Present
        </button>
        <button
          type="button"
          className="btn btn--icon"
          onClick={commands.help}
          title="Keyboard shortcuts (F1)"
          aria-label="Keyboard shortcuts"
          data-testid="toolbar-help"
        >
          ?
        </button>
      </div>
    </header>
  );
}
