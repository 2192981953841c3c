import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * The browser's modal <dialog>: focus stays inside, Esc asks to close, and
 * the focus goes back to what had it before.
 * Closing is the caller's decision (Esc calls onCancel), so the dialog never
 * disappears behind React's back.
 */
export function ModalDialog(props: {
  title: string;
  children: ReactNode;
  actions: ReactNode;
  onCancel: () => void;
}): React.JSX.Element {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const el = dialog.current;
    // The browser gives the focus back on close(), but not when React
    // removes the dialog first: the keyboard would start over at the top.
    const opener = document.activeElement;
    if (el && !el.open) el.showModal();
    return () => {
      el?.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby={titleId}
      // Not onClose: React's development double mount closes and reopens it.
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
      <div className="row end">{props.actions}</div>
    </dialog>
  );
}
