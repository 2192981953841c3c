import type { Handlers } from '../../shared/contract';
import type { EventBus } from '../events';
import type { Agents } from '../memory/agents';
import type { ConversationPrivacy } from '../memory/conversation-privacy';
import type { Forget } from '../memory/forget';

export interface PrivacyHandlerDeps {
  agents: Agents;
  forget: Forget;
  setRemember: ConversationPrivacy;
  events: EventBus;
  /** A conversation is remembered again: what waited in it is embedded and consolidated. */
  onRemembered: (agentId: string) => void;
}

type PrivacyHandlers = Pick<Handlers, 'memory.forget' | 'conversations.setRemember'>;

/** Forgetting, and conversations kept out of memory. */
export function createPrivacyHandlers(deps: PrivacyHandlerDeps): PrivacyHandlers {
  const { agents, forget, setRemember, events } = deps;
  return {
    'memory.forget': async ({ agentId, target }) => {
      await agents.get(agentId);
      const report = await forget(agentId, target, 'user');
      events.emit('memory', { agentId });
      return report;
    },
    'conversations.setRemember': async ({ conversationId, remember }) => {
      const conversation = await setRemember(conversationId, remember, 'user');
      if (remember) deps.onRemembered(conversation.agentId);
      events.emit('memory', { agentId: conversation.agentId });
      return conversation;
    },
  };
}
