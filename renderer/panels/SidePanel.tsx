import { useEditor, editorStore } from '../store/index.ts';
import { PANELS } from './registry.ts';

/** The right-hand tabs built from the panel registry. */
export function SidePanel() {
  const active = useEditor((s) => s.activePanel);
  const panel = PANELS.find((p) => p.id === active) ?? PANELS[0];
  const Body = panel?.component;
  return (
    <aside className="side" data-testid="side-panel">
      <div className="side__tabs" role="tablist" aria-label="Panels">
        {PANELS.map((p) => {
          const Badge = p.badge;
          return (
            <button
              key={p.id}
              type="button"
              role="tab"
              aria-selected={p.id === panel?.id}
              className={`side__tab${p.id === panel?.id ? ' is-active' : ''}`}
              data-testid={`tab-${p.id}`}
              onClick={() => editorStore.getState().setActivePanel(p.id)}
            >
              {p.title}
              {Badge && <Badge />}
            </button>
          );
        })}
      </div>
      {panel && Body && (
        <div className="side__body" role="tabpanel" data-testid={`panel-${panel.id}`}>
          <Body />
        </div>
      )}
    </aside>
  );
}
