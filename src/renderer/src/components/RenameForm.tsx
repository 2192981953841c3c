import { useState, type ReactNode } from 'react';

/** Edits a name in place: Save is enabled once the name holds more than spaces. */
export function RenameForm(props: {
  initial: string;
  label: string;
  onSave: (name: string) => void;
  onCancel: () => void;
  /** Shown inside the form, e.g. the heading it replaces for screen readers. */
  children?: ReactNode;
}): React.JSX.Element {
  const [name, setName] = useState(props.initial);
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(name.trim());
      }}
    >
      {props.children}
      <input
        aria-label={props.label}
        value={name}
        autoFocus
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" disabled={!name.trim()}>
        Save name
      </button>
      <button type="button" className="quiet" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
