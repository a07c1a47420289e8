import { useState } from 'react';
import { useEditorCommands, useHostIntegration } from '../commands.ts';
import { useEditor } from '../store/index.ts';
import { TemplateMenu } from './TemplateMenu.tsx';

/** Project commands and view commands; also runs the desktop menu's commands. */
export function Toolbar() {
  const commands = useEditorCommands();
  useHostIntegration(commands);
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
        <button type="button" className="btn" onClick={commands.open} data-testid="toolbar-open">
          Open…
        </button>
        <button type="button" className="btn" onClick={commands.save} data-testid="toolbar-save">
          Save
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
      </div>
    </header>
  );
}
