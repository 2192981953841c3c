import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../shared/contract';
import type { AgentRuntime } from '../agent/agent-runtime';
import type { EventBus } from '../events';

type ChatHandlers = Pick<Handlers, 'chat.send' | 'chat.cancel' | 'chat.context'>;

/** Chat calls: each turn streams its events on the bus under its turnId and can be cancelled by it. */
export function createChatHandlers(runtime: AgentRuntime, events: EventBus): ChatHandlers {
  const running = new Map<string, AbortController>();
  return {
    'chat.send': async ({ agentId, conversationId, text, turnId = randomUUID() }) => {
      const controller = new AbortController();
      running.set(turnId, controller);
      try {
        // Resolved first so every event of the turn can name its conversation.
        const thread = await runtime.threadOf(agentId, conversationId);
        const result = await runtime.send(agentId, text, {
          conversationId: thread.conversationId,
          signal: controller.signal,
          onEvent: (event) =>
            events.emit('agent', {
              agentId,
              conversationId: thread.conversationId,
              turnId,
              event,
            }),
        });
        return { turnId, ...result };
      } finally {
        running.delete(turnId);
      }
    },
    'chat.cancel': async ({ turnId }) => {
      const controller = running.get(turnId);
      controller?.abort();
      return { cancelled: controller !== undefined };
    },
    'chat.context': async ({ agentId, conversationId }) => {
      const thread = await runtime.threadOf(agentId, conversationId);
      return {
        conversationId: thread.conversationId,
        messages: await runtime.contextMessages(agentId, thread.conversationId),
        prompt: await runtime.preview(agentId, thread.conversationId),
      };
    },
  };
}
