import { useReactFlow } from '@xyflow/react';
import {
  Fragment,
  memo,
  useCallback,
  useMemo,
  useState,
  type DragEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
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

/**
 * A name that may wrap only where a reader expects: after "/", "." or "(" (`nn.LSTM(|bidirectional=True)`), and between a lower-case
 * letter or digit and the capital that starts the next word ("GlobalAverage|Pooling2D").
 */
export function breakable(name: string): ReactNode {
  const parts = name.split(/(?<=[/.(])|(?<=[a-z0-9])(?=[A-Z])/);
  return parts.map((part, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {part}
    </Fragment>
  ));
}

function onDragStart(event: DragEvent<HTMLElement>, type: string) {
  event.dataTransfer.setData(LAYER_MIME, type);
  event.dataTransfer.setData('text/plain', type);
  event.dataTransfer.effectAllowed = 'copy';
}

/**
 * Layer blocks by group, with a search box; a group's heading folds it away. Drag a block onto
 * the canvas, or press Enter on it.
 */
export const Palette = memo(function Palette() {
  const [query, setQuery] = useState('');
  // Collapsed groups; a search shows every group with a match, collapsed or not.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const searching = query.trim() !== '';
  const toggle = (group: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (!next.delete(group)) next.add(group);
      return next;
    });
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
        {groups.map(({ group, layers }) => {
          const open = searching || !collapsed.has(group);
          const listId = `palette-list-${group.replace(/\W+/g, '-')}`;
          return (
            <section key={group} className="palette__group" data-testid={`palette-group-${group}`}>
              <h3>
                <button
                  type="button"
                  className="palette__heading"
                  aria-expanded={open}
                  aria-controls={listId}
                  disabled={searching}
                  onClick={() => toggle(group)}
                  data-testid={`palette-heading-${group}`}
                  title={open ? `Hide the ${group} blocks` : `Show the ${group} blocks`}
                >
                  <span className="palette__chevron" aria-hidden>
                    {open ? '▾' : '▸'}
                  </span>
                  <span className="palette__groupname">{breakable(group)}</span>
                  <span className="palette__count">{layers.length}</span>
                </button>
              </h3>
              {open && (
                <ul id={listId}>
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
                        <span className="palette__name">{breakable(def.kerasName)}</span>
                        <span className="palette__torch">{breakable(def.torchName)}</span>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
        {groups.length === 0 && <p className="palette__none">No layer matches “{query}”.</p>}
      </div>
      <p className="palette__hint">Drag a block onto the canvas · Enter adds it</p>
    </aside>
  );
});
