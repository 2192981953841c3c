import { useState } from 'react';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';

/**
 * The tray's quick-capture window: type, save, done. "Saved" appears only
 * after the core has the note on disk, and a failed save keeps the text.
 */
export function CaptureView(): React.JSX.Element {
  const client = useClient();
  const [text, setText] = useState('');
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<CallError | null>(null);

  const save = async () => {
    if (!text.trim() || state === 'saving') return;
    setState('saving');
    setError(null);
    try {
      await client.call('captures.add', { text, source: 'tray' });
      setText('');
      setState('saved');
    } catch (e) {
      setError(toCallError(e));
      setState('idle');
    }
  };

  return (
    <main className="capture">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <textarea
          aria-label="Quick note"
          placeholder="Jot something down… (Ctrl+Enter to save, Esc to close)"
          autoFocus
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (state === 'saved') setState('idle');
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void save();
            }
            if (e.key === 'Escape') window.close();
          }}
        />
        <div className="row">
          <button type="submit" disabled={!text.trim() || state === 'saving'}>
            {state === 'saving' ? 'Saving…' : 'Save note'}
          </button>
          {state === 'saved' && (
            <span className="muted" role="status">
              Saved
            </span>
          )}
        </div>
      </form>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </main>
  );
}
