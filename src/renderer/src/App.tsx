import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Preferences } from '../../shared/contract';
import type { Agent } from '../../shared/entities';
import type { CallError } from './api/client';
import { useClient } from './api/context';
import { ErrorNotice, toCallError } from './components/ErrorNotice';
import { ShortcutsDialog } from './components/ShortcutsDialog';
import { useConversations } from './hooks/useConversations';
import { useShortcuts } from './hooks/useShortcuts';
import { useStatus } from './hooks/useStatus';
import { Sidebar } from './Sidebar';
import { TopBar } from './TopBar';
import { AgentsView } from './views/AgentsView';
import { ActivityView } from './views/ActivityView';
import { ChatView } from './views/ChatView';
import { ContextView } from './views/ContextView';
import { FilesView } from './views/FilesView';
import { HistoryView } from './views/HistoryView';
import { MemoryView } from './views/MemoryView';
import { ModelsView } from './views/ModelsView';
import { OnboardingView } from './views/OnboardingView';
import { VIEWS, type ViewId } from './views/view-list';

const NARROW = '(max-width: 760px)';

/** The app: boot, the first-run screen, then the sidebar, the top bar and one view. */
export function App(): React.JSX.Element {
  const client = useClient();
  const [agents, setAgents] = useState<Agent[]>([]);
  const [agent, setAgent] = useState<Agent | null>(null);
  const [preferences, setPreferences] = useState<Preferences | null>(null);
  const [view, setView] = useState<ViewId>('chat');
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW).matches);
  const [sidebarOpen, setSidebarOpen] = useState(() => !window.matchMedia(NARROW).matches);
  const [focusRequest, setFocusRequest] = useState(0);
  const [showHelp, setShowHelp] = useState(false);
  // Bumped after a restore: every view reloads from the reopened memory.
  const [generation, setGeneration] = useState(0);
  const [error, setError] = useState<CallError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { status, refresh: refreshStatus } = useStatus();
  const conversations = useConversations(agent?.id ?? null, generation);
  const newConversation = conversations.create;

  const loadAgents = useCallback(async () => {
    const current = await client.call('agents.getDefault', {});
    setAgents(await client.call('agents.list', {}));
    setAgent(current);
  }, [client]);

  useEffect(() => {
    // The default agent first: on a new data folder that call creates it.
    client
      .call('agents.getDefault', {})
      .then(async (current) => {
        const [list, prefs] = await Promise.all([
          client.call('agents.list', {}),
          client.call('preferences.get', {}),
        ]);
        setAgents(list);
        setAgent(current);
        setPreferences(prefs);
      })
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client, generation]);

  useEffect(() => {
    const query = window.matchMedia(NARROW);
    const change = () => {
      setNarrow(query.matches);
      setSidebarOpen(!query.matches);
    };
    query.addEventListener('change', change);
    return () => query.removeEventListener('change', change);
  }, []);

  const go = useCallback(
    (next: ViewId) => {
      setView(next);
      if (narrow) setSidebarOpen(false);
    },
    [narrow],
  );
  const switchAgent = useCallback(
    async (next: Agent) => {
      setAgent(next);
      await client.call('agents.setDefault', { agentId: next.id }).catch(() => undefined);
    },
    [client],
  );

  const openAgent = useCallback(
    async (agentId: string) => {
      const next = await client.call('agents.get', { agentId });
      await loadAgents();
      await switchAgent(next);
      go('chat');
    },
    [client, loadAgents, switchAgent, go],
  );

  const actions = useMemo(
    () => ({
      view: (index: number) => {
        const target = VIEWS[index];
        if (target) go(target[0]);
      },
      focusComposer: () => {
        setView('chat');
        setFocusRequest((n) => n + 1);
      },
      toggleSidebar: () => setSidebarOpen((open) => !open),
      help: () => setShowHelp(true),
      newConversation: () => {
        void newConversation().then(() => {
          setView('chat');
          setFocusRequest((n) => n + 1);
        });
      },
    }),
    [go, newConversation],
  );
  useShortcuts(actions);

  if (!agent || !preferences) {
    return (
      <main className="boot" id="main">
        <h1>Locus</h1>
        {error ? (
          <ErrorNotice
            error={error}
            action={{ label: 'Try again', run: () => location.reload() }}
          />
        ) : (
          <p className="muted" role="status">
            Opening your memory…
          </p>
        )}
      </main>
    );
  }

  // People who chose a model before this screen existed have done its job already.
  if (!preferences.onboardingDone && !agent.model.modelPath) {
    return (
      <OnboardingView
        agent={agent}
        status={status}
        onStatusChanged={refreshStatus}
        onDone={async () =>
          setPreferences(await client.call('preferences.update', { onboardingDone: true }))
        }
      />
    );
  }

  const agentChanged = (changed: Agent) => {
    setAgent(changed);
    void loadAgents();
  };
  return (
    <div
      className={`app ${sidebarOpen ? 'sidebar-open' : 'sidebar-closed'} ${narrow ? 'narrow' : ''}`}
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar
        agent={agent}
        status={status}
        sidebarOpen={sidebarOpen}
        onToggleSidebar={() => setSidebarOpen((open) => !open)}
        onOpenModels={() => go('models')}
      />
      {sidebarOpen && narrow && (
        <div className="scrim" aria-hidden="true" onClick={() => setSidebarOpen(false)} />
      )}
      <Sidebar
        hidden={!sidebarOpen}
        view={view}
        onView={go}
        agents={agents}
        agent={agent}
        onAgent={(next) => void switchAgent(next)}
        conversations={conversations}
        onConversation={(id) => {
          conversations.select(id);
          go('chat');
        }}
        onNewConversation={actions.newConversation}
      />
      <main id="main" tabIndex={-1} key={`${generation}:${agent.id}`}>
        {notice && (
          <div className="banner" role="status" data-testid="app-notice">
            <span>{notice}</span>
            <button type="button" className="quiet small" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </div>
        )}
        {view === 'chat' && conversations.current && (
          <ChatView
            key={conversations.current.id}
            agent={agent}
            conversation={conversations.current}
            onRename={(name) => conversations.rename(conversations.current?.id ?? '', name)}
            onDelete={() => conversations.remove(conversations.current?.id ?? '')}
            status={status}
            focusRequest={focusRequest}
            onChooseModel={() => go('models')}
          />
        )}
        {view === 'memory' && <MemoryView agentId={agent.id} />}
        {view === 'history' && <HistoryView agentId={agent.id} agentName={agent.name} />}
        {view === 'activity' && <ActivityView agentId={agent.id} />}
        {view === 'context' && conversations.current && (
          <ContextView agentId={agent.id} conversation={conversations.current} />
        )}
        {view === 'files' && (
          <FilesView
            agent={agent}
            status={status}
            onImported={() => void loadAgents()}
            onOpen={(agentId) => void openAgent(agentId)}
            onRestored={(result) => {
              setNotice(
                `Restored ${result.agents} ${result.agents === 1 ? 'agent' : 'agents'} and ${result.messages} messages from the backup. ${result.previous ? ` The memory it replaced is kept at ${result.previous}.` : ''}`,
              );
              refreshStatus();
              setGeneration((g) => g + 1);
            }}
          />
        )}
        {view === 'agents' && (
          <AgentsView
            agents={agents}
            current={agent}
            onChanged={() => void loadAgents()}
            onOpen={(next) => {
              void switchAgent(next);
              go('chat');
            }}
          />
        )}
        {view === 'models' && (
          <ModelsView
            agent={agent}
            status={status}
            onAgentChanged={agentChanged}
            onStatusChanged={refreshStatus}
          />
        )}
      </main>
      {showHelp && <ShortcutsDialog onClose={() => setShowHelp(false)} />}
    </div>
  );
}
