import { useCallback, useEffect, useState } from 'react';
import type { ModelsOverview, Status } from '../../../shared/contract';
import type { Agent } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { gigabytes } from '../components/format';
import { DatabaseSettings } from '../components/DatabaseSettings';

interface Progress {
  phase: string;
  done: number;
  total: number;
}

/** Models and settings: choose or download a model, tune threads and context, see where data lives. */
export function ModelsView(props: {
  agent: Agent;
  onAgentChanged: (agent: Agent) => void;
}): React.JSX.Element {
  const client = useClient();
  const { agent } = props;
  const [overview, setOverview] = useState<ModelsOverview | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [localPath, setLocalPath] = useState('');
  const [threads, setThreads] = useState(agent.model.threads);
  const [contextSize, setContextSize] = useState(agent.model.contextSize);
  const [error, setError] = useState<CallError | null>(null);
  const [saved, setSaved] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setOverview(await client.call('models.list', {}));
      setStatus(await client.call('status.get', {}));
    } catch (e) {
      setError(toCallError(e));
    }
  }, [client]);
  useEffect(() => {
    Promise.all([client.call('models.list', {}), client.call('status.get', {})])
      .then(([models, current]) => {
        setOverview(models);
        setStatus(current);
      })
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client]);
  useEffect(
    () =>
      client.on('progress', (p) => {
        const id = p.task.startsWith('model-download:')
          ? p.task.slice('model-download:'.length)
          : p.task;
        setProgress((all) => ({ ...all, [id]: { phase: p.phase, done: p.done, total: p.total } }));
      }),
    [client],
  );

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
      props.onAgentChanged(await client.call('agents.get', { agentId: agent.id }));
    });

  return (
    <section className="models">
      <h2>Language model</h2>
      <p data-testid="loaded-model">
        {overview?.loaded
          ? `Loaded: ${overview.loaded.name} (${overview.loaded.contextSize} tokens of context)`
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
                <div
                  className="progress"
                  role="progressbar"
                  aria-valuenow={Math.round((p.done / Math.max(1, p.total)) * 100)}
                >
                  <div style={{ width: `${(p.done / Math.max(1, p.total)) * 100}%` }} />
                  <span>
                    {p.phase === 'verify' ? 'Checking' : 'Downloading'} {gigabytes(p.done)} of{' '}
                    {gigabytes(p.total)}
                  </span>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (localPath.trim()) void load(localPath.trim());
        }}
      >
        <input
          aria-label="Path to a .gguf file"
          placeholder="/path/to/model.gguf"
          value={localPath}
          onChange={(e) => setLocalPath(e.target.value)}
        />
        <button type="submit" disabled={!localPath.trim() || busy !== null}>
          Use this file
        </button>
      </form>

      <h2>Settings</h2>
      <form
        className="settings"
        onSubmit={(e) => {
          e.preventDefault();
          void run('settings', async () => {
            props.onAgentChanged(
              await client.call('agents.update', {
                agentId: agent.id,
                model: { threads, contextSize },
              }),
            );
            setSaved(true);
          });
        }}
      >
        <label>
          CPU threads
          <input
            type="number"
            min={1}
            max={256}
            value={threads}
            onChange={(e) => setThreads(Number(e.target.value))}
          />
        </label>
        <label>
          Context size (tokens)
          <input
            type="number"
            min={512}
            step={512}
            value={contextSize}
            onChange={(e) => setContextSize(Number(e.target.value))}
          />
        </label>
        <button type="submit">Save settings</button>
        {saved && <span className="muted">Saved; they apply the next time a model loads.</span>}
      </form>
      <dl className="facts">
        <dt>Embedder</dt>
        <dd>
          {status ? `${status.embedder.name} (${status.embedder.dimensions} dimensions)` : '…'}
        </dd>
        <dt>Archival passages</dt>
        <dd>
          {status
            ? `${status.passages.total} (${status.passages.pending} waiting for embedding)`
            : '…'}
        </dd>
        <dt>Conversation messages</dt>
        <dd>
          {status
            ? `${status.messages.total} (${status.messages.pending} waiting to be searchable by meaning)`
            : '…'}
        </dd>
        <dt>Data folder</dt>
        <dd>{status?.dataDir ?? 'in memory (nothing is saved)'}</dd>
        <dt>Models folder</dt>
        <dd>{overview?.modelsDir ?? '—'}</dd>
      </dl>
      <DatabaseSettings />
    </section>
  );
}
