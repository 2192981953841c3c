import type { AgentEvent } from './contract';

/** What the agent is doing while a turn runs, as a person would put it. */
export type TurnActivity = 'thinking' | 'searching' | 'remembering' | 'writing' | 'working';

export const ACTIVITY_LABELS: Record<TurnActivity, string> = {
  thinking: 'Thinking…',
  searching: 'Searching memory…',
  remembering: 'Updating memory…',
  writing: 'Writing…',
  working: 'Working…',
};

const SEARCH_TOOLS = new Set(['archival_memory_search', 'conversation_search']);
const MEMORY_TOOLS = new Set([
  'core_memory_append',
  'core_memory_replace',
  'memory_replace',
  'memory_insert',
  'memory_rethink',
  'archival_memory_insert',
]);

/** The activity after an event of the running turn; null once the turn is over. */
export function nextActivity(current: TurnActivity | null, event: AgentEvent): TurnActivity | null {
  switch (event.type) {
    case 'step':
      return 'thinking';
    case 'tool':
      if (event.name === 'send_message') return 'writing';
      if (SEARCH_TOOLS.has(event.name)) return 'searching';
      if (MEMORY_TOOLS.has(event.name)) return 'remembering';
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
