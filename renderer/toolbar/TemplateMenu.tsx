import { useEffect, useRef, useState } from 'react';
import { TEMPLATES } from '../../shared/index.ts';
import { editorStore } from '../store/index.ts';

/** "New" menu: an empty graph or any template. */
export function TemplateMenu() {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (
        e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)
      )
        setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const choose = (load: () => void) => {
    const state = editorStore.getState();
    if (state.dirty && state.project.graph.nodes.length > 0) {
      if (!window.confirm('Replace the current graph? Unsaved changes will be lost.')) return;
    }
    load();
    setOpen(false);
  };

  return (
    <div className="menu" ref={root}>
      <button
        type="button"
        className="btn btn--primary"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="toolbar-new"
      >
        New <span aria-hidden>▾</span>
      </button>
      {open && (
        <div className="menu__list" role="menu" data-testid="template-menu">
          <button
            type="button"
            role="menuitem"
            className="menu__item"
            onClick={() => choose(() => editorStore.getState().newEmpty())}
            data-testid="template-empty"
          >
            <strong>Empty graph</strong>
            <span>Start from a blank canvas</span>
          </button>
          <div className="menu__sep">From template</div>
          {TEMPLATES.map((t) => (
            <button
              key={t.id}
              type="button"
              role="menuitem"
              className="menu__item"
              onClick={() => choose(() => editorStore.getState().newFromTemplate(t.id))}
              data-testid={`template-${t.id}`}
            >
              <strong>{t.title}</strong>
              <span>{t.description}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
