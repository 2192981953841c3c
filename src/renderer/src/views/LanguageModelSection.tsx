import { useCallback, useEffect, useState } from 'react';
import type { ModelsOverview } from '../../../shared/contract';
import type { Agent } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { ProgressBar } from '../components/ProgressBar';
import { gigabytes } from '../components/format';
import { useProgress } from '../hooks/useProgress';
import { contextInEffect } from '../../../shared/context-in-effect';
import { inDesktopShell } from '../platform';

/** Recommended models to download with progress, and a .gguf file of the user's own. */
export function LanguageModelSection(props: {
  agent: Agent;
  onLoaded: () => void;
}): React.JSX.Element {
  const client = useClient();
  const { agent } = props;
  const progress = useProgress();
  const [overview, setOverview] = useState<ModelsOverview | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [localPath, setLocalPath] = useState('');
  const [error, setError] = useState<CallError | null>(null);

  const refresh = useCallback(async () => {
    try {
      setOverview(await client.call('models.list', {}));
    } catch (e) {
      setError(toCallError(e));
    }
  }, [client]);
  useEffect(() => {
    client
      .call('models.list', {})
      .then(setOverview)
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client]);

  const run = async (label: string, work: () => Promise<unknown>) => {
    setBusy(label);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(toCallError(e));
    } finally {
      setBusy(null);
      await refresh();
    }
  };
  const load = (choice: string) =>
    run(`load:${choice}`, async () => {
      await client.call('models.load', { agentId: agent.id, choice });
      props.onLoaded();
    });
  const pickFile = async () => {
    try {
      const picked = await client.call('dialogs.openFile', { kind: 'gguf' });
      if (picked) await load(picked.path);
    } catch (e) {
      setError(toCallError(e));
    }
  };

  return (
    <>
      <p data-testid="loaded-model">
        {overview?.loaded
          ? `Loaded: ${overview.loaded.name} (${contextInEffect(overview.loaded, agent.model.contextSize)})`
          : 'No model loaded yet.'}
      </p>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <ul className="model-list">
        {overview?.models.map((m) => {
          const p = progress[m.id];
          const downloading = overview.downloading.includes(m.id) || busy === `download:${m.id}`;
          return (
            <li key={m.id} data-model={m.id}>
              <div className="row">
                <strong>{m.label}</strong>
                <span className="muted">{gigabytes(m.sizeBytes)}</span>
                {m.downloaded ? (
                  <button type="button" disabled={busy !== null} onClick={() => void load(m.id)}>
                    {busy === `load:${m.id}` ? 'Loading…' : 'Use'}
                  </button>
                ) : downloading ? (
                  <button
                    type="button"
                    className="quiet"
                    onClick={() => void client.call('models.cancelDownload', { id: m.id })}
                  >
                    Pause
                  </button>
                ) : (
                  <button
                    type="button"
                    disabled={busy !== null}
                    onClick={() =>
                      void run(`download:${m.id}`, () =>
                        client.call('models.download', { id: m.id }),
                      )
                    }
                  >
                    Download
                  </button>
                )}
              </div>
              {m.notes && <p className="muted">{m.notes}</p>}
              {downloading && p && (
                <ProgressBar
                  label={p.phase === 'verify' ? 'Checking' : 'Downloading'}
                  done={p.done}
                  total={p.total}
                  bytes
                />
              )}
            </li>
          );
        })}
      </ul>
      {inDesktopShell() ? (
        <button type="button" disabled={busy !== null} onClick={() => void pickFile()}>
          Use a .gguf file on this computer…
        </button>
      ) : (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (localPath.trim()) void load(localPath.trim());
          }}
        >
          <input
            className="grow"
            aria-label="Path to a .gguf file"
            placeholder="/path/to/model.gguf"
            value={localPath}
            onChange={(e) => setLocalPath(e.target.value)}
          />
          <button type="submit" disabled={!localPath.trim() || busy !== null}>
            Use this file
          </button>
        </form>
      )}
    </>
  );
}
