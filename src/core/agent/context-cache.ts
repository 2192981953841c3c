import type { Message } from '../../shared/entities';

export type FetchMessages = (ids: string[]) => Promise<Message[]>;

/**
 * The messages of each conversation's context window, by id. Recall memory is
 * append-only (a message never changes once written; forgetting, which
 * rewrites the surfaced blocks that held a forgotten memory, drops the cache),
 * so a step re-reads only the list of ids and fetches the messages it has
 * not seen yet:
 * re-reading all ~200 in-context messages cost ~7 ms per step at 10k stored
 * messages (bench/ scale suite).
 */
export function createContextCache() {
  const byConversation = new Map<string, Map<string, Message>>();
  return {
    /** The messages with these ids, in this order; ids no message has are skipped. */
    async resolve(conversationId: string, ids: string[], fetch: FetchMessages): Promise<Message[]> {
      const known = byConversation.get(conversationId) ?? new Map<string, Message>();
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0)
        for (const message of await fetch(missing)) known.set(message.id, message);
      const messages = ids.flatMap((id) => {
        const message = known.get(id);
        return message ? [message] : [];
      });
      // Only what is in context now stays: evicted messages are not asked for again.
      byConversation.set(conversationId, new Map(messages.map((m) => [m.id, m])));
      return messages;
    },
    /** Forgets every message held: the next step reads them again. */
    clear(): void {
      byConversation.clear();
    },
    /** A message just written into the conversation's context; saves the next step a read. */
    remember(conversationId: string, message: Message): void {
      byConversation.get(conversationId)?.set(message.id, message);
    },
  };
}
export type ContextCache = ReturnType<typeof createContextCache>;
