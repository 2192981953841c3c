import { useEffect, useState } from 'react';
import type { Agent } from '../../shared/entities';
import type { CallError } from './api/client';
import { useClient } from './api/context';
import { ErrorNotice, toCallError } from './components/ErrorNotice';
import { ActivityView } from './views/ActivityView';
import { ArchivalView } from './views/ArchivalView';
import { ChatView } from './views/ChatView';
import { CoreBlocksView } from './views/CoreBlocksView';
import { HistoryView } from './views/HistoryView';
import { ModelsView } from './views/ModelsView';

const TABS = [
  ['chat', 'Chat'],
  ['memory', 'Memory'],
  ['history', 'History'],
  ['activity', 'Activity'],
  ['models', 'Models & settings'],
] as const;
type Tab = (typeof TABS)[number][0];

export function App(): React.JSX.Element {
  const client = useClient();
  const [agent, setAgent] = useState<Agent | null>(null);
  const [tab, setTab] = useState<Tab>('chat');
  const [error, setError] = useState<CallError | null>(null);

  useEffect(() => {
    client
      .call('agents.getDefault', {})
      .then(setAgent)
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client]);

  if (!agent) {
    return (
      <main className="boot">
        <h1>Locus</h1>
        {error ? (
          <ErrorNotice
            error={error}
            action={{ label: 'Try again', run: () => location.reload() }}
          />
        ) : (
          <p className="muted">Opening your memory…</p>
        )}
      </main>
    );
  }
  return (
    <div className="app">
      <nav>
        <h1>Locus</h1>
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            className={tab === id ? 'active' : ''}
            aria-current={tab === id ? 'page' : undefined}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
        <p className="muted agent-name">{agent.name}</p>
      </nav>
      <main>
        {tab === 'chat' && <ChatView agent={agent} onChooseModel={() => setTab('models')} />}
        {tab === 'memory' && (
          <div className="memory">
            <CoreBlocksView agentId={agent.id} />
            <ArchivalView agentId={agent.id} />
          </div>
        )}
        {tab === 'history' && <HistoryView agentId={agent.id} />}
        {tab === 'activity' && <ActivityView agentId={agent.id} />}
        {tab === 'models' && <ModelsView agent={agent} onAgentChanged={setAgent} />}
      </main>
    </div>
  );
}
