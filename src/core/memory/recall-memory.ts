import type {
  Message,
  MessageKind,
  MessageRole,
  Page,
  ScoredMessage,
  ToolCall,
} from '../../shared/entities';
import { spokenText } from '../../shared/message-text';
import { LocusError } from '../../shared/errors';
import type { Quotes } from '../../shared/search-quotes';
import type { Clock } from '../clock';
import type { Embedder } from '../models/embedder';
import { candidatesFor, type SearchMode } from '../storage/repos/fusion-sql';
import { VECTOR_OVERFETCH } from '../storage/repos/rows';
import { newId } from '../ids';
import { parseDateRange } from './date-bounds';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import { createMessagesRepo } from '../storage/repos/messages-repo';
import { createPastSourcesRepo } from '../storage/repos/past-sources-repo';
import type { AutoAnalyze } from '../storage/auto-analyze';
import type { Sql } from '../storage/sql';
import type { Conversations } from './conversations';
import { createRelevance, type Relevance } from './relevance';
import { withSnippets } from './search-hits';
import type { SignIndex } from './sign-index';

export interface RecallMemoryOptions {
  db: Sql;
  clock: Clock;
  /** Where a message that names no conversation goes (the agent's most recent). */
  conversations: Conversations;
  /** Embeds queries; messages are embedded by the message indexer. */
  embedder: Embedder;
  /** Counts writes; the analysis itself runs later, outside any transaction. */
  autoAnalyze?: AutoAnalyze;
  /** Shared with archival memory, so the reference sentences are embedded once. */
  relevance?: Relevance;
  /** PGlite's: the candidates by signs come from the process (see sign-index.ts). */
  signs?: SignIndex | null;
}

export interface NewMessageInput {
  /** Defaults to the agent's most recently active conversation. */
  conversationId?: string;
  role: MessageRole;
  content: string;
  kind?: MessageKind;
  toolCalls?: ToolCall[] | null;
  toolCallId?: string | null;
  name?: string | null;
  /** Defaults to now; imports keep the original time. */
  createdAt?: string;
  /** A search tool's result: the memories it quoted, and where (shared/search-quotes.ts). */
  quotes?: Quotes | null;
}

export interface RecallQuery {
  query?: string;
  /** ISO date or datetime; inclusive. */
  start?: string;
  /** ISO date or datetime; exclusive. A bare date (2026-05-01) means the end of that day. */
  end?: string;
  roles?: MessageRole[];
  /** Defaults to 10. */
  limit?: number;
  offset?: number;
  /** Defaults to hybrid (words and meaning); text and vector exist for comparison. */
  mode?: SearchMode;
  /** Messages searched as if they were not there (the question of the turn that asks). */
  excludeMessages?: string[];
  /**
   * When the query's words find fewer results than asked for (words only:
   * no sentence model), the rest of the memory that shares a common word
   * with it ("my", "can") follows, weakest last (commonWordTail). For the
   * searches the agent and the person run (tools, app, CLI); defaults to
   * false, so what surfacing and consolidation read stays clear matches.
   * The same searches count query words that stand together as a phrase
   * where the text has them so (rows.ts, PHRASES), and a question's "I",
   * "me", "my", "myself" as words of the person's own (SELF), in any mode.
   */
  commonWords?: boolean;
  /**
   * Also search conversations the user asked not to remember. Defaults to
   * false: only the person's own history view passes true, never the model.
   */
  includeNotRemembered?: boolean;
}

/**
 * Recall memory: every message ever exchanged, kept forever, searchable by
 * words, meaning and dates.
 */
export function createRecallMemory(options: RecallMemoryOptions) {
  const { db, clock, embedder } = options;

  /** A broken embedder must not break search: the words still rank. */
  async function queryVector(text: string): Promise<Float32Array | null> {
    try {
      return (await embedder.embed([text]))[0] ?? null;
    } catch {
      return null;
    }
  }
  const repo = createMessagesRepo(db);
  const relevance = options.relevance ?? createRelevance(embedder);

  async function write(
    agentId: string,
    inputs: NewMessageInput[],
    sql: Sql,
    intoContext: boolean,
  ): Promise<Message[]> {
    options.autoAnalyze?.noteWrites(inputs.length);
    const now = clock.now().toISOString();
    const fallback = inputs.every((input) => input.conversationId !== undefined)
      ? undefined
      : (await options.conversations.resolve(agentId, undefined, sql)).id;
    return createMessagesRepo(sql).insertMany(
      inputs.map((input) => ({
        id: newId('message'),
        agentId,
        conversationId: input.conversationId ?? (fallback as string),
        role: input.role,
        kind: input.kind ?? 'chat',
        content: input.content,
        toolCalls: input.toolCalls ?? null,
        toolCallId: input.toolCallId ?? null,
        name: input.name ?? null,
        createdAt: input.createdAt ?? now,
        quotes: input.quotes ?? null,
      })),
      { intoContext },
    );
  }

  return {
    /** `sql` lets the agent loop persist a message inside its own transaction. */
    async append(agentId: string, input: NewMessageInput, sql: Sql = db): Promise<Message> {
      const [message] = await write(agentId, [input], sql, false);
      return message as Message;
    },
    /** Stores messages, in this order, outside the context window, in one write (imports, benchmarks). */
    appendMany(agentId: string, inputs: NewMessageInput[]): Promise<Message[]> {
      return write(agentId, inputs, db, false);
    },
    /**
     * Stores messages, in this order, at the end of one conversation's context
     * window, in one atomic write.
     */
    appendManyToContext(
      agentId: string,
      conversationId: string,
      inputs: NewMessageInput[],
    ): Promise<Message[]> {
      return write(
        agentId,
        inputs.map((input) => ({ ...input, conversationId })),
        db,
        true,
      );
    },
    async get(id: string): Promise<Message> {
      const message = await repo.get(id);
      if (!message) throw new LocusError('MESSAGE_NOT_FOUND', `No message has id "${id}".`, { id });
      return message;
    },
    getMany(ids: string[]): Promise<Message[]> {
      return repo.getMany(ids);
    },
    /** The newest messages, oldest first: of one conversation, or of all the agent's. */
    recent(
      agentId: string,
      limit: number,
      beforeSeq?: number,
      conversationId?: string,
    ): Promise<Message[]> {
      return repo.listBefore(agentId, limit, beforeSeq, conversationId);
    },
    count(agentId: string): Promise<number> {
      return repo.count(agentId);
    },
    /** Messages of every agent together. */
    countAll(): Promise<number> {
      return repo.countAll();
    },
    /**
     * Of these messages, those whose facts have all been replaced, each with
     * the date the last of them stopped being true: a search shows them as
     * past, as it does the facts.
     */
    pastUntil(agentId: string, messageIds: string[]): Promise<Map<string, string>> {
      return createPastSourcesRepo(db).untilOf(agentId, messageIds);
    },
    async search(agentId: string, query: RecallQuery): Promise<Page<ScoredMessage>> {
      const limit = query.limit ?? 10;
      const offset = query.offset ?? 0;
      const { start, end } = parseDateRange(query);
      const text = query.query ?? '';
      const mode = query.mode ?? 'hybrid';
      // The fallback embedder's vectors hash the same words full text ranks:
      // fused, they only add collisions (LoCoMo: hybrid below words alone).
      const useVector =
        text.trim() !== '' && (mode === 'vector' || (mode === 'hybrid' && !embedder.lexical));
      const embedded = useVector ? await queryVector(text) : null;
      // Without its calibration a vector's similarities mean nothing: words only.
      const calibration = embedded ? await relevance.calibrate(embedded).catch(() => null) : null;
      const vector = calibration ? embedded : null;
      // The messages repo's own default: at least 100, or the page's end.
      const candidates = candidatesFor(offset + limit + 1);
      const nearest =
        vector && mode !== 'text' && options.signs
          ? await options.signs.nearest('messages', agentId, vector, candidates * VECTOR_OVERFETCH)
          : null;
      const hidden = query.includeNotRemembered
        ? []
        : await createConversationsRepo(db).notRemembered(agentId);
      const rows = await repo.search({
        ...(hidden.length > 0 ? { excludeConversations: hidden } : {}),
        agentId,
        text,
        vector,
        ...(calibration ? { calibration } : {}),
        mode,
        ...(start ? { start } : {}),
        ...(end ? { end } : {}),
        ...(query.roles ? { roles: query.roles } : {}),
        ...(query.excludeMessages?.length ? { excludeMessages: query.excludeMessages } : {}),
        commonWords: query.commonWords ?? false,
        candidates,
        nearest,
        limit: limit + 1,
        offset,
      });
      return {
        items: await withSnippets(db, text, rows.slice(0, limit), spokenText),
        nextOffset: rows.length > limit ? offset + limit : null,
      };
    },
  };
}
export type RecallMemory = ReturnType<typeof createRecallMemory>;
