import { useEffect, useRef, type ReactNode } from 'react';

/** A centred modal card: title, body, buttons; Escape and the backdrop close it when allowed. */
export function Dialog(props: {
  title: string;
  testId: string;
  onClose?: () => void;
  tone?: 'error';
  wide?: boolean;
  /** Extra class on the card (a dialog's own size and layout). */
  className?: string;
  children: ReactNode;
  actions: ReactNode;
}) {
  const { onClose } = props;
  const card = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    card.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => previous?.focus?.();
  }, []);
  useEffect(() => {
    if (!onClose) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose?.();
      }}
    >
      <div
        ref={card}
        className={`dialog${props.wide ? ' dialog--wide' : ''}${props.tone === 'error' ? ' dialog--error' : ''}${props.className ? ` ${props.className}` : ''}`}
        role={props.tone === 'error' ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby={`${props.testId}-title`}
        data-testid={props.testId}
      >
        <h2 className="dialog__title" id={`${props.testId}-title`}>
          {props.title}
        </h2>
        <div className="dialog__body">{props.children}</div>
        <div className="dialog__actions">{props.actions}</div>
      </div>
    </div>
  );
}
