import type { Agent } from '../../shared/entities';
import { VIEWS, type ViewId } from './views/view-list';

/** Agent switcher and the views; conversations are listed here too. */
export function Sidebar(props: {
  hidden: boolean;
  view: ViewId;
  onView: (view: ViewId) => void;
  agents: Agent[];
  agent: Agent;
  onAgent: (agent: Agent) => void;
}): React.JSX.Element {
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
      <ul className="views">
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
      <p className="muted shortcuts-hint">Press ? for keyboard shortcuts</p>
    </nav>
  );
}
