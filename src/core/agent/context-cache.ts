import type { Message } from '../../shared/entities';

export type FetchMessages = (ids: string[]) => Promise<Message[]>;

/**
 * The messages of each conversation's context window, by id. Recall memory is
 * append-only but for rare rewrites in place (forgetting, deleting a
 * conversation and "don't remember" take memories out of the blocks surfaced
 * into other conversations), which the database counts per agent (migration
 * message_rewrites). So a step re-reads only the list of ids, with that count
 * in the same statement, and fetches the messages it has not seen yet; when
 * the count moved, in this process or in another one sharing a PostgreSQL
 * server, it reads them all again. Re-reading all ~200 in-context messages
 * cost ~7 ms per step at 10k stored messages (bench/ scale suite).
 */
export function createContextCache() {
  /** Per conversation: the rewrite count its messages were read under, and the messages. */
  const byConversation = new Map<string, { rewrites: number; messages: Map<string, Message> }>();
  return {
    /**
     * The messages with these ids, in this order; ids no message has are
     * skipped. `rewrites` is the agent's rewrite count, read before (or
     * with) `ids`, so what is fetched now is never older than it.
     */
    async resolve(
      conversationId: string,
      ids: string[],
      rewrites: number,
      fetch: FetchMessages,
    ): Promise<Message[]> {
      const held = byConversation.get(conversationId);
      const known = held?.rewrites === rewrites ? held.messages : new Map<string, Message>();
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0)
        for (const message of await fetch(missing)) known.set(message.id, message);
      const messages = ids.flatMap((id) => {
        const message = known.get(id);
        return message ? [message] : [];
      });
      // Only what is in context now stays: evicted messages are not asked for again.
      byConversation.set(conversationId, {
        rewrites,
        messages: new Map(messages.map((m) => [m.id, m])),
      });
      return messages;
    },
    /** A message just written into the conversation's context; saves the next step a read. */
    remember(conversationId: string, message: Message): void {
      byConversation.get(conversationId)?.messages.set(message.id, message);
    },
  };
}
