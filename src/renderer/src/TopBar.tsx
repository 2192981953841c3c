import type { Status } from '../../shared/contract';
import type { Agent } from '../../shared/entities';

/** The agent, and the model answering it, always in view; the sidebar toggle. */
export function TopBar(props: {
  agent: Agent;
  status: Status | null;
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
  onOpenModels: () => void;
}): React.JSX.Element {
  const model = props.status?.model ?? null;
  return (
    <header className="topbar">
      <button
        type="button"
        className="quiet icon"
        aria-expanded={props.sidebarOpen}
        aria-controls="sidebar"
        aria-keyshortcuts="Alt+B"
        onClick={props.onToggleSidebar}
      >
        <span aria-hidden="true">☰</span>
        <span className="sr-only">{props.sidebarOpen ? 'Hide sidebar' : 'Show sidebar'}</span>
      </button>
      <h1 className="brand">Locus</h1>
      <span className="agent-title" title="Current agent">
        {props.agent.name}
      </span>
      <button
        type="button"
        className={`quiet model-chip ${model ? '' : 'missing'}`}
        data-testid="current-model"
        onClick={props.onOpenModels}
        title="Models & settings"
      >
        <span className="sr-only">Model: </span>
        {model ? model.name : 'No model'}
      </button>
    </header>
  );
}
