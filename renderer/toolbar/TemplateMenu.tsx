import { TEMPLATES } from '../../shared/index.ts';
import type { EditorCommands } from '../commands.ts';
import { editorStore, useEditor } from '../store/index.ts';
import { Menu } from '../teach/Menu.tsx';

/** "New" menu: an empty graph or any template. Its open state lives in the store. */
export function TemplateMenu({ commands }: { commands: EditorCommands }) {
  const open = useEditor((s) => s.templateMenuOpen);
  return (
    <Menu
      label="New"
      testId="toolbar-new"
      listTestId="template-menu"
      primary
      open={open}
      onOpenChange={(value) => editorStore.getState().setTemplateMenuOpen(value)}
    >
      {(close) => {
        const choose = (load: () => void) => {
          close();
          load();
        };
        return (
          <>
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
          </>
        );
      }}
    </Menu>
  );
}
