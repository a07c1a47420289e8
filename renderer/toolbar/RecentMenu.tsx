import { useEffect, useState } from 'react';
import type { EditorCommands } from '../commands.ts';
import { platform, type RecentFile } from '../platform/index.ts';
import { Menu } from '../teach/Menu.tsx';

/** The recent list, read when the menu opens. */
function RecentList({ commands, close }: { commands: EditorCommands; close: () => void }) {
  const [files, setFiles] = useState<RecentFile[] | null>(null);
  useEffect(() => {
    let live = true;
    void platform.listRecent?.().then((list) => live && setFiles(list));
    return () => {
      live = false;
    };
  }, []);
  if (files === null) return <div className="menu__hint">Loading…</div>;
  if (files.length === 0)
    return (
      <div className="menu__hint" data-testid="recent-empty">
        No recent files yet: files you open or save appear here.
      </div>
    );
  return (
    <>
      <div className="menu__sep menu__sep--first">Recent files</div>
      {files.map((f) => (
        <button
          key={f.id}
          type="button"
          role="menuitem"
          className="menu__item"
          data-testid="recent-item"
          data-name={f.name}
          onClick={() => {
            close();
            void commands.openRecent(f.id);
          }}
        >
          <strong>{f.name}</strong>
        </button>
      ))}
    </>
  );
}

/** "Recent" beside Open…: files opened or saved lately, where the browser keeps their handles. */
export function RecentMenu({ commands }: { commands: EditorCommands }) {
  if (!platform.listRecent) return null;
  return (
    <Menu label="Recent" testId="toolbar-recent">
      {(close) => <RecentList commands={commands} close={close} />}
    </Menu>
  );
}
