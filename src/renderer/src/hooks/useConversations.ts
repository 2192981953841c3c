import { useCallback, useEffect, useState } from 'react';
import type { Conversation } from '../../../shared/entities';
import { useClient } from '../api/context';

export interface ConversationsState {
  conversations: Conversation[];
  current: Conversation | null;
  select: (id: string) => void;
  create: () => Promise<void>;
  rename: (id: string, name: string) => Promise<void>;
  remove: (id: string) => Promise<void>;
  refresh: () => void;
}

/**
 * The agent's conversations, most recently active first, and the one shown.
 * It starts on the latest one (an agent without any gets a first one) and
 * follows turns, which move a conversation to the top.
 */
export function useConversations(agentId: string | null, generation: number): ConversationsState {
  const client = useClient();
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [currentId, setCurrentId] = useState<string | null>(null);

  /** The list, with a first conversation made for an agent that has none. */
  const fetchList = useCallback(async (): Promise<Conversation[]> => {
    if (!agentId) return [];
    const list = await client.call('conversations.list', { agentId });
    return list.length > 0 ? list : [await client.call('conversations.create', { agentId })];
  }, [client, agentId]);

  const show = useCallback((list: Conversation[], prefer?: string) => {
    setConversations(list);
    setCurrentId((current) => {
      const wanted = prefer ?? current;
      return wanted && list.some((c) => c.id === wanted) ? wanted : (list[0]?.id ?? null);
    });
  }, []);

  const load = useCallback(
    async (prefer?: string) => show(await fetchList(), prefer),
    [fetchList, show],
  );

  // A new agent's list has none of the old ids: it then starts on its latest.
  useEffect(() => {
    fetchList()
      .then((list) => show(list))
      .catch(() => undefined);
  }, [fetchList, show, generation]);

  useEffect(
    () =>
      client.on('agent', (e) => {
        if (e.agentId === agentId && e.event.type === 'done') load().catch(() => undefined);
      }),
    [client, agentId, load],
  );
  // A conversation kept out of memory, or remembered again, says so (memory event).
  useEffect(
    () =>
      client.on('memory', (e) => {
        if (e.agentId === agentId) load().catch(() => undefined);
      }),
    [client, agentId, load],
  );

  return {
    conversations,
    current: conversations.find((c) => c.id === currentId) ?? null,
    select: setCurrentId,
    create: async () => {
      if (!agentId) return;
      const made = await client.call('conversations.create', { agentId });
      await load(made.id);
    },
    rename: async (id, name) => {
      await client.call('conversations.rename', { conversationId: id, name });
      await load();
    },
    remove: async (id) => {
      await client.call('conversations.delete', { conversationId: id });
      await load(currentId === id ? undefined : (currentId ?? undefined));
    },
    refresh: () => void load().catch(() => undefined),
  };
}
