import { useEffect, useState } from 'react';
import type { Status } from '../../../shared/contract';
import type { Agent } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { DatabaseSettings } from '../components/DatabaseSettings';
import { EmbedderSection } from './EmbedderSection';
import { LanguageModelSection } from './LanguageModelSection';
import { contextInEffect } from '../../../shared/context-in-effect';

/** Models and settings: the language model, the embedding model, threads and context, the data folder. */
export function ModelsView(props: {
  agent: Agent;
  status: Status | null;
  onAgentChanged: (agent: Agent) => void;
  onStatusChanged: () => void;
}): React.JSX.Element {
  const client = useClient();
  const { agent, status } = props;
  const [threads, setThreads] = useState(agent.model.threads);
  const [contextSize, setContextSize] = useState(agent.model.contextSize);
  const [error, setError] = useState<CallError | null>(null);
  const [saved, setSaved] = useState(false);
  const { onStatusChanged } = props;
  const differs = status?.model != null && status.model.contextSize !== agent.model.contextSize;
  // Counts change as the user chats elsewhere; show them as they are now.
  useEffect(onStatusChanged, [onStatusChanged]);

  return (
    <section className="models" aria-labelledby="models-title">
      <h2 id="models-title">Language model</h2>
      <LanguageModelSection
        agent={agent}
        onLoaded={() => {
          props.onStatusChanged();
          void client.call('agents.get', { agentId: agent.id }).then(props.onAgentChanged);
        }}
      />

      <h2>Embedding model</h2>
      <EmbedderSection status={status} onChanged={props.onStatusChanged} />

      <h2>Settings</h2>
      <form
        className="settings"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          client
            .call('agents.update', { agentId: agent.id, model: { threads, contextSize } })
            .then((updated) => {
              props.onAgentChanged(updated);
              setSaved(true);
            })
            .catch((e: unknown) => setError(toCallError(e)));
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
            aria-describedby={differs ? 'context-in-effect' : undefined}
            onChange={(e) => setContextSize(Number(e.target.value))}
          />
        </label>
        {differs && status?.model && (
          <p className="muted" id="context-in-effect" data-testid="context-in-effect">
            In effect now: {contextInEffect(status.model, agent.model.contextSize)}.
          </p>
        )}
        <button type="submit">Save settings</button>
        {saved && (
          <span className="muted" role="status">
            Saved; they apply the next time a model loads.
          </span>
        )}
      </form>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <dl className="facts">
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
      </dl>
      <DatabaseSettings />
    </section>
  );
}
