/** "From" and "To" date pickers; empty means open-ended. */
export function DateRangeInputs(props: {
  start: string;
  end: string;
  onStart: (value: string) => void;
  onEnd: (value: string) => void;
  /** Accessible names, e.g. "Passages from" / "Passages to". */
  labels: [string, string];
}): React.JSX.Element {
  return (
    <>
      <label>
        From{' '}
        <input
          type="date"
          aria-label={props.labels[0]}
          value={props.start}
          onChange={(e) => props.onStart(e.target.value)}
        />
      </label>
      <label>
        To{' '}
        <input
          type="date"
          aria-label={props.labels[1]}
          value={props.end}
          onChange={(e) => props.onEnd(e.target.value)}
        />
      </label>
    </>
  );
}
