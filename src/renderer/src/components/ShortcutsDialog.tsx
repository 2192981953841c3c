import { SHORTCUTS } from '../views/view-list';
import { ModalDialog } from './ModalDialog';

export function ShortcutsDialog(props: { onClose: () => void }): React.JSX.Element {
  return (
    <ModalDialog
      title="Keyboard shortcuts"
      onCancel={props.onClose}
      actions={
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      }
    >
      <dl className="facts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys} className="fact">
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </ModalDialog>
  );
}
