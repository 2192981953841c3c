import type { Handlers } from '../../shared/contract';
import type { Agents } from '../memory/agents';
import type { Conversations } from '../memory/conversations';

type ConversationHandlers = Pick<
  Handlers,
  'conversations.list' | 'conversations.create' | 'conversations.rename' | 'conversations.delete'
>;

export function createConversationHandlers(deps: {
  agents: Agents;
  conversations: Conversations;
}): ConversationHandlers {
  const { agents, conversations } = deps;
  return {
    'conversations.list': async ({ agentId }) => {
      // An unknown agent is an error, not an empty list.
      await agents.get(agentId);
      return conversations.list(agentId);
    },
    'conversations.create': async ({ agentId, name }) => {
      await agents.get(agentId);
      return conversations.create(agentId, name);
    },
    'conversations.rename': ({ conversationId, name }) =>
      conversations.rename(conversationId, name),
    'conversations.delete': async ({ conversationId }) => {
      await conversations.remove(conversationId);
      return { deleted: true };
    },
  };
}
