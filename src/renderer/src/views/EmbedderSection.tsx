import { useState } from 'react';
import type { Status } from '../../../shared/contract';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { ProgressBar } from '../components/ProgressBar';
import { useProgress } from '../hooks/useProgress';

/** What finds memories by meaning: the embedding model, or the basic fallback until it is here. */
export function EmbedderSection(props: {
  status: Status | null;
  onChanged: () => void;
}): React.JSX.Element {
  const client = useClient();
  const progress = useProgress();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const embedder = props.status?.embedder;
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      await client.call('models.downloadEmbedder', {});
      props.onChanged();
    } catch (e) {
      setError(toCallError(e));
    } finally {
      setBusy(false);
    }
  };
  const fetching = progress['embedder-download'];
  const reembedding = progress.reembed;
  return (
    <div className="embedder" data-testid="embedder">
      {!embedder ? (
        <p className="muted">…</p>
      ) : embedder.kind === 'basic' ? (
        <>
          <p>
            <strong>Basic word matching</strong> (no embedding model yet). Memory is found by its
            words only; the embedding model (about 25 MB, downloaded once) also finds it by meaning.
          </p>
          <button type="button" disabled={busy} onClick={() => void download()}>
            {busy ? 'Downloading…' : 'Download the embedding model'}
          </button>
        </>
      ) : (
        <p>
          <strong>{embedder.name.replace(/^transformers:/, '').replace(/:q8$|:fp32$/, '')}</strong>{' '}
          <span className="muted">({embedder.dimensions} dimensions, runs on this computer)</span>
        </p>
      )}
      {busy && fetching && fetching.total > 0 && (
        <ProgressBar label="Downloading" done={fetching.done} total={fetching.total} bytes />
      )}
      {busy && reembedding && reembedding.total > 0 && (
        <ProgressBar
          label="Re-embedding memory"
          done={reembedding.done}
          total={reembedding.total}
        />
      )}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}
