import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import type { AgentRuntime } from '../agent/agent-runtime';
import { inspectContext } from '../agent/context-inspection';
import { takeBackLastTurn } from '../agent/retry-turn';
import type { EventBus } from '../events';
import type { Agents } from '../memory/agents';
import type { RecallMemory } from '../memory/recall-memory';
import type { ChatModel } from '../models/chat-model';
import type { Db } from '../storage/sql';

type ChatHandlers = Pick<
  Handlers,
  'chat.send' | 'chat.cancel' | 'chat.context' | 'chat.inspect' | 'chat.retry'
>;

export interface ChatHandlerDeps {
  db: Db;
  agents: Agents;
  recall: RecallMemory;
  getModel: () => ChatModel | null;
}

/** Chat calls: each turn streams its events on the bus under its turnId and can be cancelled by it. */
export function createChatHandlers(
  runtime: AgentRuntime,
  events: EventBus,
  deps: ChatHandlerDeps,
): ChatHandlers {
  const running = new Map<string, { agentId: string; controller: AbortController }>();

  const run = async (agentId: string, text: string, turnId: string) => {
    const controller = new AbortController();
    running.set(turnId, { agentId, controller });
    try {
      const result = await runtime.send(agentId, text, {
        signal: controller.signal,
        onEvent: (event) => events.emit('agent', { agentId, turnId, event }),
      });
      return { turnId, ...result };
    } finally {
      running.delete(turnId);
    }
  };

  return {
    'chat.send': ({ agentId, text, turnId = randomUUID() }) => run(agentId, text, turnId),
    'chat.cancel': async ({ turnId }) => {
      const turn = running.get(turnId);
      turn?.controller.abort();
      return { cancelled: turn !== undefined };
    },
    'chat.context': async ({ agentId }) => ({
      messages: await runtime.contextMessages(agentId),
      prompt: await runtime.preview(agentId),
    }),
    'chat.inspect': async ({ agentId }) => {
      const agent = await deps.agents.get(agentId);
      return inspectContext({
        prompt: await runtime.preview(agentId),
        model: deps.getModel(),
        contextSize: agent.model.contextSize,
      });
    },
    'chat.retry': async ({ agentId, turnId = randomUUID() }) => {
      if ([...running.values()].some((turn) => turn.agentId === agentId)) {
        throw new LocusError(
          'BUSY',
          'A reply is still being written. Wait for it, or stop it, then retry.',
        );
      }
      // Refuse before touching the context when no reply could be made.
      if (!deps.getModel()) {
        throw new LocusError(
          'MODEL_NOT_CONFIGURED',
          'No language model is loaded yet. Choose or download one in Models & settings, then retry.',
        );
      }
      const text = await takeBackLastTurn(deps, agentId);
      return run(agentId, text, turnId);
    },
  };
}
