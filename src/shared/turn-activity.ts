import type { AgentEvent } from './contract';
import { MEMORY_EDIT_TOOLS, MEMORY_SEARCH_TOOLS } from './tool-kinds';

/** What the agent is doing while a turn runs, as a person would put it. */
export type TurnActivity = 'thinking' | 'searching' | 'remembering' | 'writing' | 'working';

export const ACTIVITY_LABELS: Record<TurnActivity, string> = {
  thinking: 'Thinking…',
  searching: 'Searching memory…',
  remembering: 'Updating memory…',
  writing: 'Writing…',
  working: 'Working…',
};

/** The activity after an event of the running turn; null once the turn is over. */
export function nextActivity(current: TurnActivity | null, event: AgentEvent): TurnActivity | null {
  switch (event.type) {
    case 'step':
      return 'thinking';
    case 'tool':
      if (event.name === 'send_message') return 'writing';
      if (MEMORY_SEARCH_TOOLS.has(event.name)) return 'searching';
      if (MEMORY_EDIT_TOOLS.has(event.name)) return 'remembering';
      return 'working';
    case 'token':
      return 'writing';
    case 'done':
    case 'error':
      return null;
    default:
      return current;
  }
}
