import { useEffect, useRef, useState, type ReactNode } from 'react';

/** A toolbar drop-down: closes on a click outside, Esc, or a choice. */
export function Menu({
  label,
  testId,
  listTestId = `${testId}-menu`,
  primary = false,
  alignRight = false,
  open: controlledOpen,
  onOpenChange,
  children,
}: {
  label: string;
  testId: string;
  listTestId?: string;
  /** The accent-coloured button (the New menu). */
  primary?: boolean;
  /** Opens leftwards from the button's right edge (menus at the right of the toolbar). */
  alignRight?: boolean;
  /** Open state kept by the caller (e.g. in the store, so a command can open the menu). */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  children: (close: () => void) => ReactNode;
}) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = controlledOpen ?? ownOpen;
  const setOpen = onOpenChange ?? setOwnOpen;
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
  }, [open, setOpen]);
  return (
    <div className="menu" ref={root}>
      <button
        type="button"
        className={primary ? 'btn btn--primary' : 'btn'}
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
          data-testid={listTestId}
        >
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}
