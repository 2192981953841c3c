import type { Handlers } from '../../shared/contract';
import type { Consolidator } from '../consolidation/consolidator';
import type { EventBus } from '../events';
import type { MemoryActivityFeed } from '../memory/activity';
import type { Agents } from '../memory/agents';
import type { Forget } from '../memory/forget';

export interface ActivityHandlerDeps {
  agents: Agents;
  activity: MemoryActivityFeed;
  consolidator: Consolidator;
  forget: Forget;
  events: EventBus;
}

type ActivityHandlers = Pick<
  Handlers,
  'activity.list' | 'activity.undo' | 'consolidation.run' | 'consolidation.status' | 'memory.forget'
>;

/** The memory activity feed, consolidation on demand, and forgetting: calls a person makes. */
export function createActivityHandlers(deps: ActivityHandlerDeps): ActivityHandlers {
  const { agents, activity, consolidator, forget, events } = deps;
  return {
    'activity.list': async ({ agentId, limit, before }) => {
      await agents.get(agentId);
      return activity.list(agentId, limit ?? 50, before);
    },
    'activity.undo': ({ activityId }) => activity.undo(activityId, 'user'),
    'consolidation.run': async ({ agentId }) => {
      await agents.get(agentId);
      const result = await consolidator.run(agentId);
      if (!result) {
        return {
          stopped: 'busy',
          messages: 0,
          added: 0,
          replaced: 0,
          saved: 0,
          superseded: 0,
          moved: 0,
        };
      }
      const { added, replaced, saved, superseded, moved } = result.facts;
      return {
        stopped: result.stopped,
        messages: result.messages,
        added,
        replaced,
        saved,
        superseded,
        moved,
      };
    },
    'consolidation.status': async ({ agentId }) => {
      await agents.get(agentId);
      return consolidator.status(agentId);
    },
    'memory.forget': async ({ agentId, target }) => {
      await agents.get(agentId);
      const report = await forget(agentId, target, 'user');
      events.emit('memory', { agentId });
      return report;
    },
  };
}
