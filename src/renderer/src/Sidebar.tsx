import type { Agent } from '../../shared/entities';
import { shortWhen, when } from './components/format';
import type { ConversationsState } from './hooks/useConversations';
import { VIEWS, type ViewId } from './views/view-list';

/** The agent switcher, the agent's conversations (newest first) and the views. */
export function Sidebar(props: {
  hidden: boolean;
  view: ViewId;
  onView: (view: ViewId) => void;
  agents: Agent[];
  agent: Agent;
  onAgent: (agent: Agent) => void;
  conversations: ConversationsState;
  onConversation: (id: string) => void;
  onNewConversation: () => void;
}): React.JSX.Element {
  const { conversations } = props;
  return (
    <nav id="sidebar" className="sidebar" aria-label="Locus" hidden={props.hidden}>
      <div className="agent-switch">
        <label htmlFor="agent-switch" className="muted">
          Agent
        </label>
        <select
          id="agent-switch"
          value={props.agent.id}
          onChange={(e) => {
            const next = props.agents.find((a) => a.id === e.target.value);
            if (next) props.onAgent(next);
          }}
        >
          {props.agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
      <ul className="views" aria-label="Views">
        {VIEWS.map(([id, label], index) => (
          <li key={id}>
            <button
              type="button"
              className={props.view === id ? 'active' : ''}
              aria-current={props.view === id ? 'page' : undefined}
              aria-keyshortcuts={`Alt+${index + 1}`}
              onClick={() => props.onView(id)}
            >
              {label}
            </button>
          </li>
        ))}
      </ul>
      <section className="conversations" aria-labelledby="conversations-title">
        <div className="row between">
          <h2 id="conversations-title" className="muted small-heading">
            Conversations
          </h2>
          <button
            type="button"
            className="quiet small"
            aria-keyshortcuts="Control+Shift+O"
            onClick={props.onNewConversation}
          >
            + New
          </button>
        </div>
        <ul data-testid="conversation-list">
          {conversations.conversations.map((c) => {
            const active = props.view === 'chat' && conversations.current?.id === c.id;
            return (
              <li key={c.id}>
                <button
                  type="button"
                  className={`conversation ${conversations.current?.id === c.id ? 'active' : ''}`}
                  aria-current={active ? 'true' : undefined}
                  data-conversation={c.name}
                  onClick={() => props.onConversation(c.id)}
                >
                  <span className="conversation-name">{c.name}</span>
                  <time
                    className="muted"
                    dateTime={c.lastMessageAt ?? c.createdAt}
                    title={
                      c.lastMessageAt ? `Last message ${when(c.lastMessageAt)}` : 'No messages yet'
                    }
                  >
                    {c.lastMessageAt ? shortWhen(c.lastMessageAt) : 'new'}
                  </time>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
      <p className="muted shortcuts-hint">Press ? for keyboard shortcuts</p>
    </nav>
  );
}
