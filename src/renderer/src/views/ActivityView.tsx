import { useCallback, useEffect, useState } from 'react';
import type { ConsolidationStatus } from '../../../shared/contract';
import type { Agent, MemoryActivity, MemorySettings } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { onMemoryChange } from '../api/memory-changes';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { when } from '../components/format';
import { tookEffectSentence } from '../../../shared/took-effect';

const PAGE = 50;

const ACTORS: Record<MemoryActivity['actor'], string> = {
  agent: 'agent',
  user: 'you',
  consolidation: 'consolidation',
  import: 'import',
  mcp: 'MCP client',
  api: 'API',
};

function ActivityItem(props: { entry: MemoryActivity; onUndo: (id: number) => void }) {
  const { entry } = props;
  return (
    <li className="activity-item" data-id={entry.id} data-action={entry.action}>
      <span className="muted activity-when">{when(entry.at)}</span>
      <span className={`badge actor-${entry.actor}`}>{ACTORS[entry.actor] ?? entry.actor}</span>
      <span className="activity-summary">{entry.summary}</span>
      {entry.undoneBy !== null && <span className="tag">undone</span>}
      {entry.undoable && (
        <button type="button" className="quiet" onClick={() => props.onUndo(entry.id)}>
          Undo
        </button>
      )}
    </li>
  );
}

/** How the harness carries memory for this agent: consolidation and the tool set. */
function MemorySettingsBar(props: {
  agent: Agent;
  status: ConsolidationStatus | null;
  onChange: (patch: Partial<MemorySettings>) => void;
  onConsolidate: () => void;
  busy: boolean;
}) {
  const { agent, status } = props;
  const paused = agent.memory.consolidation === 'paused';
  return (
    <div className="memory-settings">
      <p>
        <strong>Consolidation</strong>{' '}
        <span className="muted" data-testid="consolidation-status">
          {paused ? 'paused' : status?.running ? 'running now' : 'on'}
          {status ? ` · ${status.pending} message${status.pending === 1 ? '' : 's'} waiting` : ''}
          {status?.lastError ? ` · last run failed: ${status.lastError}` : ''}
        </span>
      </p>
      <p className="muted">
        After each conversation turn, when the model is idle, Locus reads what was said and keeps
        the lasting facts: about you in the human block, the rest in archival memory.
      </p>
      <div className="row">
        <button type="button" disabled={props.busy} onClick={props.onConsolidate}>
          {props.busy ? 'Consolidating…' : 'Consolidate now'}
        </button>
        <button
          type="button"
          className="quiet"
          onClick={() => props.onChange({ consolidation: paused ? 'on' : 'paused' })}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <label className="row">
          Tools
          <select
            aria-label="Tool set"
            value={agent.memory.toolProfile}
            onChange={(e) =>
              props.onChange({ toolProfile: e.target.value as MemorySettings['toolProfile'] })
            }
          >
            <option value="small">Small model (6 tools, short prompt)</option>
            <option value="letta">Letta&apos;s full tool set</option>
          </select>
        </label>
      </div>
    </div>
  );
}

/**
 * Memory activity: every change to the agent's memory (its tools,
 * consolidation, your edits, imports), newest first, with undo where a
 * change can be undone.
 */
export function ActivityView(props: { agentId: string }): React.JSX.Element {
  const client = useClient();
  const [agent, setAgent] = useState<Agent | null>(null);
  const [entries, setEntries] = useState<MemoryActivity[]>([]);
  const [more, setMore] = useState(false);
  const [status, setStatus] = useState<ConsolidationStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<CallError | null>(null);

  // Bumped to reload: after a change here, or a change pushed by the core.
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let live = true;
    Promise.all([
      client.call('activity.list', { agentId: props.agentId, limit: PAGE }),
      client.call('consolidation.status', { agentId: props.agentId }),
      client.call('agents.get', { agentId: props.agentId }),
    ])
      .then(([page, next, current]) => {
        if (!live) return;
        setEntries(page);
        setMore(page.length === PAGE);
        setStatus(next);
        setAgent(current);
      })
      .catch((e: unknown) => setError(toCallError(e)));
    return () => {
      live = false;
    };
  }, [client, props.agentId, version]);

  useEffect(() => {
    const offMemory = client.on('memory', ({ agentId }) => {
      if (agentId === props.agentId) reload();
    });
    const offAgent = client.on('agent', ({ agentId, event }) => {
      if (agentId === props.agentId && event.type === 'done') reload();
    });
    // And what another Locus sharing the memory server did.
    const offOthers = onMemoryChange(client, props.agentId, ['memory_activity'], reload);
    return () => {
      offMemory();
      offAgent();
      offOthers();
    };
  }, [client, props.agentId, reload]);

  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(toCallError(e));
    }
    reload();
  };

  const loadMore = async () => {
    try {
      const page = await client.call('activity.list', {
        agentId: props.agentId,
        limit: PAGE,
        ...(entries.length ? { before: entries[entries.length - 1]!.id } : {}),
      });
      setEntries((all) => [...all, ...page]);
      setMore(page.length === PAGE);
    } catch (e) {
      setError(toCallError(e));
    }
  };

  return (
    <section className="activity-view">
      <h2>Memory activity</h2>
      {agent && (
        <MemorySettingsBar
          agent={agent}
          status={status}
          busy={busy}
          onChange={(patch) =>
            void run(() => client.call('agents.update', { agentId: props.agentId, memory: patch }))
          }
          onConsolidate={() => {
            setBusy(true);
            setNotice(null);
            void run(async () => {
              try {
                const result = await client.call('consolidation.run', { agentId: props.agentId });
                // Upcoming changes take effect without a model or a new message.
                const tookEffect = tookEffectSentence(result.tookEffect);
                const read =
                  result.stopped === 'no_model'
                    ? 'Load a model in Models & settings first: consolidation runs on it.'
                    : result.messages === 0
                      ? tookEffect
                        ? 'No new messages to consolidate.'
                        : 'Nothing new to consolidate.'
                      : `Read ${result.messages} messages: ${result.added} added, ${result.replaced} corrected, ${result.saved} saved to archival memory.`;
                setNotice(tookEffect ? `${tookEffect} ${read}` : read);
              } finally {
                setBusy(false);
              }
            });
          }}
        />
      )}
      {notice && (
        <p className="muted" role="status">
          {notice}
        </p>
      )}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {entries.length === 0 ? (
        <p className="muted">No memory changes yet.</p>
      ) : (
        <ul className="activity-list" data-testid="activity">
          {entries.map((entry) => (
            <ActivityItem
              key={entry.id}
              entry={entry}
              onUndo={(id) => void run(() => client.call('activity.undo', { activityId: id }))}
            />
          ))}
        </ul>
      )}
      {more && (
        <button type="button" className="quiet" onClick={() => void loadMore()}>
          Show older changes
        </button>
      )}
    </section>
  );
}
