import { CallError } from '../api/client';

export interface ErrorAction {
  label: string;
  run: () => void;
}

/** What the user can do about each failure the core reports. */
function hint(code: string): string | null {
  switch (code) {
    case 'MODEL_NOT_CONFIGURED':
    case 'MODEL_FILE_MISSING':
      return 'Choose or download a model to start chatting.';
    case 'MODEL_FILE_INVALID':
    case 'MODEL_LOAD_FAILED':
      return 'Pick another .gguf file or download a recommended model.';
    case 'MODEL_TOO_LARGE':
      return 'Choose a smaller model or a smaller context size.';
    case 'DATA_DIR_LOCKED':
      return 'Close the other Locus window or command, then restart Locus.';
    case 'CONTEXT_OVERFLOW':
      return 'Shorten the message or core memory, or raise the context size in Models.';
    default:
      return null;
  }
}

export function toCallError(error: unknown): CallError {
  if (error instanceof CallError) return error;
  return new CallError({ code: 'INTERNAL', message: (error as Error)?.message ?? String(error) });
}

export function ErrorNotice(props: {
  error: CallError;
  action?: ErrorAction | undefined;
  onDismiss?: () => void;
}): React.JSX.Element {
  const { error, action, onDismiss } = props;
  const advice = hint(error.code);
  return (
    <div className="error" role="alert" data-code={error.code}>
      <strong>{error.message}</strong>
      {advice && <p>{advice}</p>}
      <div className="row">
        {action && (
          <button type="button" onClick={action.run}>
            {action.label}
          </button>
        )}
        {onDismiss && (
          <button type="button" className="quiet" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
    </div>
  );
}
