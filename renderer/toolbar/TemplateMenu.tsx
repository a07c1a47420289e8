import { useEffect, useRef } from 'react';
import { TEMPLATES } from '../../shared/index.ts';
import type { EditorCommands } from '../commands.ts';
import { editorStore, useEditor } from '../store/index.ts';

/** "New" menu: an empty graph or any template. */
export function TemplateMenu({ commands }: { commands: EditorCommands }) {
  const open = useEditor((s) => s.templateMenuOpen);
  const setOpen = (value: boolean) => editorStore.getState().setTemplateMenuOpen(value);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      const outside =
        e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node);
      if (outside) editorStore.getState().setTemplateMenuOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const choose = (load: () => void) => {
    setOpen(false);
    load();
  };

  return (
    <div className="menu" ref={root}>
      <button
        type="button"
        className="btn btn--primary"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
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
            onClick={() => choose(commands.newEmpty)}
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
              onClick={() => choose(() => commands.newFromTemplate(t.id))}
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
