import { useEffect, useRef, useState, type ReactNode } from 'react';

/** A toolbar drop-down like the New menu: closes on a click outside, Esc, or a choice. */
export function Menu({
  label,
  testId,
  alignRight = false,
  children,
}: {
  label: string;
  testId: string;
  /** Opens leftwards from the button's right edge (menus at the right of the toolbar). */
  alignRight?: boolean;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      const outside =
        e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node);
      if (outside) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  return (
    <div className="menu" ref={root}>
      <button
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid={testId}
      >
        {label} <span aria-hidden>▾</span>
      </button>
      {open && (
        <div
          className={`menu__list${alignRight ? ' menu__list--right' : ''}`}
          role="menu"
          data-testid={`${testId}-menu`}
        >
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}
