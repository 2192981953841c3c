import type { Handlers, StopReason } from '../../shared/contract';
import type { Message } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import { call } from '../host/call';
import { lettaMessages } from './letta-shapes';

const PAGE = 200;

/** Letta's stop reasons for Locus's. */
export function lettaStopReason(reason: StopReason): string {
  switch (reason) {
    case 'max_steps':
      return 'max_steps';
    case 'cancelled':
      return 'cancelled';
    case 'error':
      return 'error';
    default:
      return 'end_turn';
  }
}

/** An agent's messages, newest first, read a page at a time. */
async function* newestFirst(
  handlers: Handlers,
  agentId: string,
  conversationId: string | undefined,
): AsyncGenerator<Message> {
  // A conversation the user asked not to remember is history for the user,
  // not memory for another program's model (as over MCP).
  const hidden = new Set(
    (await call(handlers, 'conversations.list', { agentId }))
      .filter((c) => !c.remember)
      .map((c) => c.id),
  );
  let beforeSeq: number | undefined;
  for (;;) {
    const page = await call(handlers, 'recall.recent', {
      agentId,
      ...(conversationId ? { conversationId } : {}),
      limit: PAGE,
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
    });
    for (const message of [...page].reverse()) {
      if (!hidden.has(message.conversationId)) yield message;
    }
    if (page.length < PAGE || !page[0]) return;
    beforeSeq = page[0].seq;
  }
}

/** As Letta answers a cursor naming no message (NoResultFound, 404), not an empty page that reads as "no more". */
function unknownCursor(name: 'after' | 'before', id: string): LocusError {
  return new LocusError(
    'MESSAGE_NOT_FOUND',
    `No message found with id ${id} (the ${name} cursor); use an id from this agent's message list.`,
    { [name]: id },
  );
}

export interface MessageListQuery {
  /** One conversation's messages; all the agent's when absent. */
  conversationId?: string;
  limit: number;
  /** The next page in the list's order: past this message id. */
  after?: string;
  /** The previous page: up to this message id. */
  before?: string;
  order: 'asc' | 'desc';
}

/**
 * GET /v1/agents/{id}/messages with Letta's cursors. One Locus message can
 * become two Letta messages with the same id (reasoning, then the reply),
 * so pages end on whole Locus messages and cursors name Locus messages.
 */
export async function listLettaMessages(
  handlers: Handlers,
  agentId: string,
  query: MessageListQuery,
): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const take = (message: Message): boolean => {
    const items = lettaMessages(message);
    out.push(...(query.order === 'asc' ? items : [...items].reverse()));
    return out.length >= query.limit;
  };
  if (query.order === 'desc') {
    let started = query.after === undefined;
    for await (const message of newestFirst(handlers, agentId, query.conversationId)) {
      if (message.id === query.before) {
        // "before" in newest-first order: the messages newer than it, nearest first.
        return out.slice(-query.limit);
      }
      if (!started) {
        started = message.id === query.after;
        continue;
      }
      if (query.before === undefined && take(message)) break;
      if (query.before !== undefined) take(message);
    }
    if (!started) throw unknownCursor('after', query.after ?? '');
    if (query.before !== undefined) throw unknownCursor('before', query.before);
    return out;
  }
  const all: Message[] = [];
  for await (const message of newestFirst(handlers, agentId, query.conversationId))
    all.push(message);
  all.reverse();
  let from = 0;
  let to = all.length;
  if (query.after !== undefined) {
    from = all.findIndex((m) => m.id === query.after) + 1;
    if (from === 0) throw unknownCursor('after', query.after);
  }
  if (query.before !== undefined) {
    const at = all.findIndex((m) => m.id === query.before);
    if (at < 0) throw unknownCursor('before', query.before);
    to = at;
    from = Math.max(from, to - query.limit);
  }
  for (const message of all.slice(from, to)) if (take(message)) break;
  return out;
}
