import './teach.css';
import { useReactFlow } from '@xyflow/react';
import { useEffect, useLayoutEffect } from 'react';
import { dialogStore } from '../dialogs/dialogStore.ts';
import { PANELS } from '../panels/registry.ts';
import { isTextField } from '../shortcuts.ts';
import { analysisOf, editorStore, useEditor } from '../store/index.ts';
import { ExplainCard } from './ExplainCard.tsx';
import { teachStore, useTeach } from './teachStore.ts';
import { stepWalk, walkOrder } from './walk.ts';

/** The zoom the walk shows a block at. */
const WALK_ZOOM = 1.5;

export function togglePresenter(on = !teachStore.getState().presenter) {
  if (on === teachStore.getState().presenter) return;
  teachStore.getState().setPresenter(on);
  if (on) teachStore.getState().setPresenterPanel(editorStore.getState().activePanel);
}

/**
 * Moves the presenter walk one block forward or back (model order), or to the first or last
 * block, and selects that block.
 */
export function stepPresenter(delta: number | 'first' | 'last') {
  const { project } = editorStore.getState();
  const order = walkOrder(project.graph, analysisOf(project.graph));
  const next =
    delta === 'first'
      ? (order[0] ?? null)
      : delta === 'last'
        ? (order[order.length - 1] ?? null)
        : stepWalk(order, teachStore.getState().presenterNodeId, delta);
  teachStore.getState().setPresenterNode(next);
  if (next) editorStore.getState().select([next], []);
}

/**
 * F5 toggles presenter mode; in it, Esc leaves, arrow keys walk the blocks, Home/End jump to the
 * ends. Listens in the capture phase so the canvas does not also move the selected block.
 */
function usePresenterKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'F5') {
        e.preventDefault();
        togglePresenter();
        return;
      }
      if (!teachStore.getState().presenter || dialogStore.getState().dialog) return;
      if (isTextField(document.activeElement)) return;
      const step = (delta: number | 'first' | 'last') => {
        e.preventDefault();
        e.stopPropagation();
        stepPresenter(delta);
      };
      switch (e.key) {
        case 'Escape':
          e.preventDefault();
          return togglePresenter(false);
        case 'ArrowRight':
        case 'ArrowDown':
        case 'PageDown':
        case ' ':
          return step(1);
        case 'ArrowLeft':
        case 'ArrowUp':
        case 'PageUp':
          return step(-1);
        case 'Home':
          return step('first');
        case 'End':
          return step('last');
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}

/** Presenter mode's page class, its bar (walk position, panel choice, exit) and its big card. */
export function Presenter() {
  usePresenterKeys();
  const on = useTeach((s) => s.presenter);
  const nodeId = useTeach((s) => s.presenterNodeId);
  const panel = useTeach((s) => s.presenterPanel);
  const node = useEditor((s) =>
    nodeId ? s.project.graph.nodes.find((n) => n.id === nodeId) : undefined,
  );
  const graph = useEditor((s) => s.project.graph);
  const flow = useReactFlow();

  useEffect(() => {
    const root = document.documentElement;
    root.classList.toggle('presenter', on);
    root.classList.toggle('presenter--no-panel', on && panel === null);
    return () => root.classList.remove('presenter', 'presenter--no-panel');
  }, [on, panel]);

  // Entering or leaving re-frames the graph for the new canvas size.
  useEffect(() => {
    const timer = setTimeout(
      () => void flow.fitView({ padding: 0.15, maxZoom: on ? 1.6 : 1.1, duration: 200 }),
      60,
    );
    return () => clearTimeout(timer);
  }, [on, panel, flow]);

  // Each step centres its block in the part of the canvas above the card.
  useLayoutEffect(() => {
    if (!on || !node) return;
    const card = document.querySelector('[data-testid="presenter-card"]');
    const size = editorStore.getState().measured[node.id] ?? { width: 230, height: 80 };
    const below = (card?.getBoundingClientRect().height ?? 0) + 24;
    void flow.setCenter(
      node.position.x + size.width / 2,
      node.position.y + size.height / 2 + below / 2 / WALK_ZOOM,
      { zoom: WALK_ZOOM, duration: 250 },
    );
  }, [on, node, flow]);

  if (!on) return null;
  const order = walkOrder(graph, analysisOf(graph));
  const index = nodeId ? order.indexOf(nodeId) : -1;
  return (
    <>
      <div className="presenter-bar" data-testid="presenter-bar" role="toolbar">
        <strong>Presenter</strong>
        <span data-testid="presenter-position">
          {index >= 0 ? `Block ${index + 1} of ${order.length}` : `${order.length} blocks`}
        </span>
        <span className="presenter-bar__hint">← → walk the blocks · Esc leaves</span>
        <label>
          Panel{' '}
          <select
            value={panel ?? ''}
            data-testid="presenter-panel"
            onChange={(e) => {
              const id = e.target.value || null;
              teachStore.getState().setPresenterPanel(id);
              if (id) editorStore.getState().setActivePanel(id);
            }}
          >
            <option value="">None</option>
            {PANELS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          onClick={() => stepPresenter(-1)}
          aria-label="Previous block"
        >
          ←
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => stepPresenter(1)}
          aria-label="Next block"
          data-testid="presenter-next"
        >
          →
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => togglePresenter(false)}
          data-testid="presenter-exit"
        >
          Exit (Esc)
        </button>
      </div>
      {node && (
        <div className="presenter-card-wrap">
          <ExplainCard node={node} large />
        </div>
      )}
    </>
  );
}
