import { useState } from 'react';
import type { Status } from '../../../shared/contract';
import { BUILTIN_EMBEDDER_NAME, embedderLabel } from '../../../shared/embedder-label';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { ProgressBar } from '../components/ProgressBar';
import { useProgress } from '../hooks/useProgress';

/**
 * What finds memories by meaning: the built-in sentence model, a downloaded
 * one, or (started with --embedder fake) basic word matching.
 */
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
  const downloadButton = (label: string) => (
    <button type="button" disabled={busy} onClick={() => void download()}>
      {busy ? 'Downloading…' : label}
    </button>
  );
  const fetching = progress['embedder-download'];
  const reembedding = progress.reembed;
  return (
    <div className="embedder" data-testid="embedder">
      {!embedder ? (
        <p className="muted">…</p>
      ) : embedder.kind === 'basic' ? (
        <>
          <p>
            <strong>Basic word matching</strong>. Memory is found by its words only; an embedding
            model also finds it by meaning.
          </p>
          {downloadButton('Download the embedding model (about 25 MB)')}
        </>
      ) : (
        <>
          <p>
            <strong>{embedderLabel(embedder.name)}</strong>{' '}
            <span className="muted">({embedder.dimensions} dimensions, runs on this computer)</span>
          </p>
          {embedder.name === BUILTIN_EMBEDDER_NAME && (
            <>
              <p className="muted">
                It comes with Locus: nothing to download. You can use all-MiniLM-L6-v2 instead
                (about 25 MB, downloaded once); memory is then embedded again with it.
              </p>
              {downloadButton('Download all-MiniLM-L6-v2')}
            </>
          )}
        </>
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
