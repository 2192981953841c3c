import type { ReactNode } from 'react';
import { ModalDialog } from './ModalDialog';

/** A modal question. Destructive actions name what they destroy in the confirm button. */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}): React.JSX.Element {
  return (
    <ModalDialog
      title={props.title}
      onCancel={props.onCancel}
      actions={
        <>
          <button type="button" className="quiet" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className={props.danger ? 'danger' : ''}
            disabled={props.busy}
            onClick={props.onConfirm}
          >
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-body">{props.children}</div>
    </ModalDialog>
  );
}
