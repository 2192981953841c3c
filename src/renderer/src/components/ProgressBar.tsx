import { gigabytes } from './format';

/** A labelled progress bar; byte counts when `bytes`, else a percentage. */
export function ProgressBar(props: {
  label: string;
  done: number;
  total: number;
  bytes?: boolean;
}): React.JSX.Element {
  const percent = Math.min(100, Math.round((props.done / Math.max(1, props.total)) * 100));
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div style={{ width: `${percent}%` }} />
      <span>
        {props.label}{' '}
        {props.bytes && props.total > 0
          ? `${gigabytes(props.done)} of ${gigabytes(props.total)}`
          : `${percent}%`}
      </span>
    </div>
  );
}
