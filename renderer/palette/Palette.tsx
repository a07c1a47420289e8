import { useReactFlow } from '@xyflow/react';
import { memo, useCallback, useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { LAYER_GROUPS, LAYERS, type LayerDef } from '../../shared/index.ts';
import { groupClass } from '../canvas/blockInfo.ts';
import { DROP_OFFSET, LAYER_MIME } from '../canvas/dnd.ts';
import { boxOf, freeSpot } from '../canvas/placement.ts';
import { editorStore, useEditor } from '../store/index.ts';
import { allowedLayers } from '../teach/lessons.ts';

function matches(def: LayerDef, query: string): boolean {
  if (!query) return true;
  const q = query.toLowerCase();
  return [def.type, def.kerasName, def.torchName, def.group, def.summary].some((t) =>
    t.toLowerCase().includes(q),
  );
}

function onDragStart(event: DragEvent<HTMLElement>, type: string) {
  event.dataTransfer.setData(LAYER_MIME, type);
  event.dataTransfer.setData('text/plain', type);
  event.dataTransfer.effectAllowed = 'copy';
}

/** Layer blocks by group, with a search box. Drag one onto the canvas, or press Enter on it. */
export const Palette = memo(function Palette() {
  const [query, setQuery] = useState('');
  const { screenToFlowPosition } = useReactFlow();
  // A lesson may offer only some blocks.
  const lesson = useEditor((s) => s.project.lesson);
  const allowed = useMemo(() => allowedLayers(lesson), [lesson]);
  const groups = useMemo(
    () =>
      LAYER_GROUPS.map((group) => ({
        group,
        layers: LAYERS.filter(
          (l) => l.group === group && matches(l, query.trim()) && (!allowed || allowed.has(l.type)),
        ),
      })).filter((g) => g.layers.length > 0),
    [query, allowed],
  );

  /** Adds a block at the centre of the visible canvas, or the nearest spot hiding no block. */
  const addAtCentre = useCallback(
    (type: string) => {
      const el = document.querySelector('[data-testid="canvas"]');
      const box = el?.getBoundingClientRect();
      const centre = box
        ? screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 })
        : { x: 0, y: 0 };
      const { project, measured, addNode } = editorStore.getState();
      addNode(
        type,
        freeSpot(
          project.graph.nodes.map((n) => boxOf(n, measured)),
          { x: centre.x - DROP_OFFSET.x, y: centre.y - DROP_OFFSET.y },
        ),
      );
    },
    [screenToFlowPosition],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLElement>, type: string) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      addAtCentre(type);
    }
  };

  return (
    <aside className="palette" data-testid="palette" aria-label="Layer palette">
      <div className="palette__search">
        <input
          type="search"
          placeholder="Search layers…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-label="Search layers"
          data-testid="palette-search"
        />
      </div>
      {allowed && (
        <p className="palette__lesson" data-testid="palette-lesson">
          This lesson offers {allowed.size} kinds of block.
        </p>
      )}
      <div className="palette__groups">
        {groups.map(({ group, layers }) => (
          <section key={group} className="palette__group" data-testid={`palette-group-${group}`}>
            <h3>{group}</h3>
            <ul>
              {layers.map((def) => (
                <li key={def.type}>
                  <div
                    role="button"
                    tabIndex={0}
                    draggable
                    className={`palette__item palette__item--${groupClass(def.group)}`}
                    data-testid={`palette-item-${def.type}`}
                    title={`${def.summary}\nDrag onto the canvas, or press Enter to add.`}
                    onDragStart={(e) => onDragStart(e, def.type)}
                    onDoubleClick={() => addAtCentre(def.type)}
                    onKeyDown={(e) => onKeyDown(e, def.type)}
                  >
                    <span className="palette__swatch" aria-hidden />
                    <span className="palette__name">{def.kerasName}</span>
                    <span className="palette__torch">{def.torchName}</span>
                  </div>
                </li>
              ))}
            </ul>
          </section>
        ))}
        {groups.length === 0 && <p className="palette__none">No layer matches “{query}”.</p>}
      </div>
      <p className="palette__hint">Drag a block onto the canvas · Enter adds it</p>
    </aside>
  );
});
