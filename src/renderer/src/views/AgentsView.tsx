import { useEffect, useState } from 'react';
import type { AgentTemplateInfo } from '../../../shared/contract';
import type { Agent } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { RenameForm } from '../components/RenameForm';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { when } from '../components/format';
import { inDesktopShell, saveTextFile } from '../platform';

function modelName(agent: Agent): string {
  const path = agent.model.modelPath;
  if (!path) return 'no model chosen';
  return path.split(/[\\/]/).pop() ?? path;
}

function CreateAgent(props: { onCreated: (agent: Agent) => void }) {
  const client = useClient();
  const [templates, setTemplates] = useState<AgentTemplateInfo[]>([]);
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('assistant');
  const [error, setError] = useState<CallError | null>(null);
  useEffect(() => {
    client
      .call('agents.templates', {})
      .then(setTemplates)
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client]);
  const chosen = templates.find((t) => t.id === template);
  const persona = chosen?.blocks.find((b) => b.label === 'persona')?.value;
  return (
    <form
      className="block create-agent"
      aria-labelledby="create-agent-title"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        client
          .call('agents.create', { name: name.trim(), template })
          .then((agent) => {
            setName('');
            props.onCreated(agent);
          })
          .catch((e: unknown) => setError(toCallError(e)));
      }}
    >
      <h3 id="create-agent-title">New agent</h3>
      <div className="row">
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Template{' '}
          <select value={template} onChange={(e) => setTemplate(e.target.value)}>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!name.trim()}>
          Create agent
        </button>
      </div>
      {chosen && (
        <p className="muted" data-testid="template-preview">
          {chosen.description}
          {persona ? ` Persona: “${persona}”` : ''}
        </p>
      )}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </form>
  );
}

function AgentCard(props: {
  agent: Agent;
  current: boolean;
  onOpen: () => void;
  onChanged: () => void;
}) {
  const client = useClient();
  const { agent } = props;
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [exported, setExported] = useState<string | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const fail = (e: unknown) => setError(toCallError(e));
  const exportFirst = async () => {
    try {
      const file = await client.call('agentfile.export', { agentId: agent.id });
      const where = await saveTextFile(client, file.fileName, file.text);
      if (where) setExported(inDesktopShell() ? `Saved to ${where}.` : `Downloaded ${where}.`);
    } catch (e) {
      fail(e);
    }
  };
  return (
    <li className="agent-card" data-agent={agent.name}>
      <div className="row">
        {renaming === null ? (
          <h3>{agent.name}</h3>
        ) : (
          <RenameForm
            initial={renaming}
            label={`New name for ${agent.name}`}
            onCancel={() => setRenaming(null)}
            onSave={(name) => {
              client
                .call('agents.update', { agentId: agent.id, name })
                .then(() => {
                  setRenaming(null);
                  props.onChanged();
                })
                .catch(fail);
            }}
          />
        )}
        {props.current && <span className="badge">open now</span>}
      </div>
      <p className="muted">
        {modelName(agent)} · {agent.blocks.length} memory blocks · created {when(agent.createdAt)}
      </p>
      <div className="row">
        {!props.current && (
          <button type="button" onClick={props.onOpen}>
            Open<span className="sr-only"> {agent.name}</span>
          </button>
        )}
        {renaming === null && (
          <button type="button" className="quiet" onClick={() => setRenaming(agent.name)}>
            Rename<span className="sr-only"> {agent.name}</span>
          </button>
        )}
        <button type="button" className="quiet" onClick={() => setDeleting(true)}>
          Delete<span className="sr-only"> {agent.name}</span>
        </button>
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${agent.name}?`}
          confirmLabel={`Delete ${agent.name} and its memory`}
          danger
          onCancel={() => {
            setDeleting(false);
            setExported(null);
          }}
          onConfirm={() => {
            client
              .call('agents.delete', { agentId: agent.id })
              .then(() => {
                setDeleting(false);
                props.onChanged();
              })
              .catch(fail);
          }}
        >
          <p>
            Its core memory, archival memory and every conversation are deleted for good. Export it
            first if you may want it back.
          </p>
          <button type="button" onClick={() => void exportFirst()}>
            Export {agent.name} first (.af)
          </button>
          {exported && (
            <p role="status" className="muted">
              {exported}
            </p>
          )}
        </ConfirmDialog>
      )}
    </li>
  );
}

/** Agents: each with its own memory and conversations; create, open, rename, delete. */
export function AgentsView(props: {
  agents: Agent[];
  current: Agent;
  onChanged: () => void;
  onOpen: (agent: Agent) => void;
}): React.JSX.Element {
  return (
    <section className="agents" aria-labelledby="agents-title">
      <h2 id="agents-title">Agents</h2>
      <p className="muted">
        Each agent has its own persona, memory and conversations. The one you open is also the one
        the command line uses.
      </p>
      <ul className="agent-list">
        {props.agents.map((a) => (
          <AgentCard
            key={`${a.id}:${a.updatedAt}`}
            agent={a}
            current={a.id === props.current.id}
            onOpen={() => props.onOpen(a)}
            onChanged={props.onChanged}
          />
        ))}
      </ul>
      <CreateAgent onCreated={() => props.onChanged()} />
    </section>
  );
}
