import { useEffect } from 'react';
import { editorStore, useEditor } from './store/index.ts';

/** A short message at the bottom of the canvas (refused wires, saved files...). */
export function Notice() {
  const notice = useEditor((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => editorStore.getState().dismissNotice(), 5000);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice) return null;
  return (
    <div
      className={`notice notice--${notice.kind}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      data-testid="notice"
    >
      {notice.text}
      <button
        type="button"
        aria-label="Dismiss"
        onClick={() => editorStore.getState().dismissNotice()}
      >
        ×
      </button>
    </div>
  );
}
