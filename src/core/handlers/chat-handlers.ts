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
import { noModelError } from '../models/no-model';

type ChatHandlers = Pick<
  Handlers,
  | 'chat.send'
  | 'chat.cancel'
  | 'chat.running'
  | 'chat.context'
  | 'chat.inspect'
  | 'chat.retry'
  | 'chat.resetContext'
>;

export interface ChatHandlerDeps {
  db: Db;
  agents: Agents;
  recall: RecallMemory;
  getModel: () => ChatModel | null;
  /** Why the last model load failed, while no model is loaded (noModelError). */
  modelLoadFailure?: () => string | null;
}

/** Chat calls: each turn streams its events on the bus under its turnId and can be cancelled by it. */
export function createChatHandlers(
  runtime: AgentRuntime,
  events: EventBus,
  deps: ChatHandlerDeps,
  /** When it aborts (the host is closing), every running turn is cancelled. */
  stop?: AbortSignal,
): ChatHandlers {
  const running = new Map<
    string,
    { agentId: string; conversationId: string; controller: AbortController }
  >();
  stop?.addEventListener('abort', () => {
    for (const turn of running.values()) turn.controller.abort();
  });

  /** One turn of a conversation (already resolved, so every event can name it). */
  const run = async (
    thread: { agentId: string; conversationId: string },
    text: string,
    turnId: string,
    notSurfaced: readonly string[] = [],
  ) => {
    const { agentId, conversationId } = thread;
    const controller = new AbortController();
    if (stop?.aborted) controller.abort();
    running.set(turnId, { agentId, conversationId, controller });
    try {
      const result = await runtime.send(agentId, text, {
        conversationId,
        signal: controller.signal,
        notSurfaced,
        onEvent: (event) => events.emit('agent', { agentId, conversationId, turnId, event }),
      });
      return { turnId, ...result };
    } finally {
      running.delete(turnId);
    }
  };

  return {
    'chat.send': async ({ agentId, conversationId, text, turnId = randomUUID() }) =>
      run(await runtime.threadOf(agentId, conversationId), text, turnId),
    'chat.cancel': async ({ turnId }) => {
      const turn = running.get(turnId);
      turn?.controller.abort();
      return { cancelled: turn !== undefined };
    },
    'chat.running': async ({ agentId, conversationId }) => {
      const thread = await runtime.threadOf(agentId, conversationId);
      for (const [turnId, turn] of running) {
        if (turn.agentId === agentId && turn.conversationId === thread.conversationId)
          return { turnId };
      }
      return { turnId: null };
    },
    'chat.context': async ({ agentId, conversationId }) => {
      const thread = await runtime.threadOf(agentId, conversationId);
      return {
        conversationId: thread.conversationId,
        messages: await runtime.contextMessages(agentId, thread.conversationId),
        prompt: await runtime.preview(agentId, thread.conversationId),
      };
    },
    'chat.resetContext': async ({ agentId, conversationId }) => {
      const thread = await runtime.threadOf(agentId, conversationId);
      const { removed } = await runtime.resetContext(agentId, thread.conversationId);
      return { conversationId: thread.conversationId, removed };
    },
    'chat.inspect': async ({ agentId, conversationId }) => {
      const thread = await runtime.threadOf(agentId, conversationId);
      const agent = await deps.agents.get(agentId);
      return {
        conversationId: thread.conversationId,
        ...(await inspectContext({
          prompt: await runtime.preview(agentId, thread.conversationId),
          model: deps.getModel(),
          contextSize: agent.model.contextSize,
        })),
      };
    },
    'chat.retry': async ({ agentId, conversationId, turnId = randomUUID() }) => {
      if ([...running.values()].some((turn) => turn.agentId === agentId)) {
        throw new LocusError(
          'BUSY',
          'A reply is still being written. Wait for it, or stop it, then retry.',
        );
      }
      if (!deps.getModel()) throw noModelError(deps.modelLoadFailure?.() ?? null);
      const thread = await runtime.threadOf(agentId, conversationId);
      const { text, takenBack } = await takeBackLastTurn(deps, thread);
      return run(thread, text, turnId, takenBack);
    },
  };
}
