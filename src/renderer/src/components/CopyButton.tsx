import { useEffect, useState } from 'react';
import { copyText } from './copy-text';

/** A small "Copy" button that says "Copied" (to screen readers too) for a moment. */
export function CopyButton(props: {
  text: () => string;
  label?: string;
  className?: string;
}): React.JSX.Element {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  const label = props.label ?? 'Copy';
  return (
    <button
      type="button"
      className={`quiet small ${props.className ?? ''}`}
      aria-label={state === 'idle' ? label : undefined}
      onClick={() => void copyText(props.text()).then((ok) => setState(ok ? 'copied' : 'failed'))}
    >
      <span aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
      </span>
    </button>
  );
}
