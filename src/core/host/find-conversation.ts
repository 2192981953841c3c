import type { Handlers } from '../../shared/contract';
import type { Conversation } from '../../shared/entities';
import { LocusError } from '../../shared/errors';

/**
 * The agent's conversation a client names, by id or by name. A name that is
 * new starts a conversation of that name when `create` is set (an API client
 * keeping its own thread); otherwise it is an error naming the choices.
 */
export async function findConversation(
  handlers: Handlers,
  agentId: string,
  wanted: string,
  options: { create: boolean },
): Promise<Conversation> {
  const name = wanted.trim().slice(0, 200);
  const conversations = await handlers['conversations.list']({ agentId });
  const found =
    conversations.find((c) => c.id === name) ?? conversations.find((c) => c.name === name);
  if (found) return found;
  if (options.create && name) return handlers['conversations.create']({ agentId, name });
  throw new LocusError(
    'CONVERSATION_NOT_FOUND',
    `This agent has no conversation "${name}". Conversations: ${conversations.map((c) => `${c.name} (${c.id})`).join(', ') || 'none'}.`,
    { conversation: name },
  );
}
