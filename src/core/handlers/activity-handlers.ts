import type { Handlers } from '../../shared/contract';
import type { Consolidator } from '../consolidation/consolidator';
import type { MemoryActivityFeed } from '../memory/activity';
import type { Agents } from '../memory/agents';

export interface ActivityHandlerDeps {
  agents: Agents;
  activity: MemoryActivityFeed;
  consolidator: Consolidator;
}

type ActivityHandlers = Pick<
  Handlers,
  'activity.list' | 'activity.undo' | 'consolidation.run' | 'consolidation.status'
>;

/** The memory activity feed and consolidation on demand: calls a person makes. */
export function createActivityHandlers(deps: ActivityHandlerDeps): ActivityHandlers {
  const { agents, activity, consolidator } = deps;
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
          tookEffect: [],
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
        tookEffect: result.tookEffect,
      };
    },
    'consolidation.status': async ({ agentId }) => {
      await agents.get(agentId);
      return consolidator.status(agentId);
    },
  };
}
