import { useReactFlow } from '@xyflow/react';
import { useState } from 'react';
import { parseProject, serializeProject } from '../../shared/index.ts';
import { layoutGraph } from '../canvas/layout.ts';
import { platform } from '../platform/index.ts';
import { editorStore, useEditor } from '../store/index.ts';
import { TemplateMenu } from './TemplateMenu.tsx';

const PROJECT_FILTERS = [{ name: 'Netwright project', extensions: ['netwright', 'json'] }];

function fileName(name: string): string {
  const base = name.replace(/[^\w.\- ]+/g, '').trim() || 'project';
  return `${base}.netwright.json`;
}

/** Project commands and view commands. */
export function Toolbar() {
  const { fitView } = useReactFlow();
  const name = useEditor((s) => s.project.name);
  const dirty = useEditor((s) => s.dirty);
  const [busy, setBusy] = useState(false);

  const autoLayout = async () => {
    setBusy(true);
    try {
      const { project, measured } = editorStore.getState();
      const positions = await layoutGraph(project.graph, measured);
      editorStore.getState().applyLayout(positions);
      setTimeout(() => void fitView({ padding: 0.2, maxZoom: 1.1, duration: 300 }), 30);
    } catch (e) {
      editorStore.getState().notify(`Auto layout failed: ${String(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const open = async () => {
    try {
      const file = await platform.openFile(PROJECT_FILTERS);
      if (!file) return;
      const result = parseProject(file.text);
      if (!result.ok) {
        editorStore
          .getState()
          .notify(`Could not open ${file.name}: ${result.errors.slice(0, 3).join('; ')}`, 'error');
        return;
      }
      editorStore.getState().loadProject(result.project);
      editorStore.getState().notify(`Opened ${file.name}`);
    } catch (e) {
      editorStore.getState().notify(`Could not open the file: ${String(e)}`, 'error');
    }
  };

  const save = async () => {
    try {
      const { project } = editorStore.getState();
      const result = await platform.saveFile(fileName(project.name), serializeProject(project));
      if (result.saved) {
        editorStore.getState().markSaved();
        editorStore.getState().notify(`Saved ${result.location ?? ''}`.trim());
      }
    } catch (e) {
      editorStore.getState().notify(`Could not save: ${String(e)}`, 'error');
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
      <div className="toolbar__project" data-testid="project-name" title={name}>
        {name}
        {dirty && (
          <span className="dirty-dot" title="Unsaved changes" aria-label="Unsaved changes" />
        )}
      </div>
      <div className="toolbar__group">
        <TemplateMenu />
        <button type="button" className="btn" onClick={open} data-testid="toolbar-open">
          Open…
        </button>
        <button type="button" className="btn" onClick={save} data-testid="toolbar-save">
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
        <button
          type="button"
          className="btn"
          onClick={() => void fitView({ padding: 0.2, maxZoom: 1.1, duration: 300 })}
          data-testid="toolbar-fit"
        >
          Fit view
        </button>
      </div>
    </header>
  );
}
