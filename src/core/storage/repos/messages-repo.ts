import type { Message, MessageKind, MessageRole, ToolCall } from '../../../shared/entities';
import { messageReply } from '../../../shared/message-text';
import type { Quotes } from '../../../shared/search-quotes';
import { queryPrepared } from '../prepared-statements';
import type { Sql } from '../sql';
import {
  HYBRID_FUSION,
  candidatesFor,
  WEAK_WORDS,
  fusedPage,
  nearestRanked,
  pickedOption,
  type ChosenRows,
  scoreRanked,
  type Fusion,
  type SearchMode,
  type VectorCalibration,
} from './fusion-sql';
import { MESSAGE_CONVERSATION } from './conversations-repo';
import {
  Params,
  anyWordMatches,
  bm25Scores,
  overflowHeld,
  bm25TuningFor,
  asksAboutSelf,
  commonWordTail,
  iso,
  toVectorLiteral,
} from './rows';

interface RawMessage {
  id: string;
  agent_id: string;
  conversation_id: string;
  seq: number | string;
  role: MessageRole;
  kind: MessageKind;
  content: string;
  tool_calls: ToolCall[] | null;
  tool_call_id: string | null;
  name: string | null;
  created_at: Date;
}

// See MESSAGE_CONVERSATION: older messages name their conversation by NULL.
const COLUMNS =
  'm.id, m.agent_id, coalesce(m.conversation_id, m.agent_id) AS conversation_id, m.seq, m.role, m.kind, m.content, m.tool_calls, m.tool_call_id, m.name, m.created_at';

function toMessage(row: RawMessage): Message {
  return {
    id: row.id,
    agentId: row.agent_id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    role: row.role,
    kind: row.kind,
    content: row.content,
    toolCalls: row.tool_calls,
    toolCallId: row.tool_call_id,
    name: row.name,
    createdAt: iso(row.created_at),
  };
}

/** `quotes`: what a search tool's result quoted (shared/search-quotes.ts); never read back with the message. */
export type NewMessage = Omit<Message, 'seq'> & { quotes?: Quotes | null };

export interface MessageSearch extends Partial<Fusion> {
  agentId: string;
  /** Words to look for; empty lists by date alone. */
  text: string;
  /** The query's embedding; without it only the words rank. */
  vector?: Float32Array | null;
  /** What the vector's similarities mean (see fusedPage's relevance floor). */
  calibration?: VectorCalibration;
  /** Defaults to hybrid; text and vector exist for comparison. */
  mode?: SearchMode;
  /** How many candidates each ranking contributes; defaults to the page's end, at least 100. */
  candidates?: number;
  start?: Date;
  end?: Date;
  roles?: MessageRole[];
  /** Conversations left out (those the user asked not to remember). */
  excludeConversations?: string[];
  /**
   * Messages left out before anything is ranked: neither matched, nor lent
   * to, nor lending, nor counted as the query's words occurring in memory.
   */
  excludeMessages?: string[];
  /**
   * The searches the agent and the person run: words only, messages sharing
   * only common words follow the matches (commonWordTail); and query
   * phrases count (rows.ts, PHRASES).
   */
  commonWords?: boolean;
  /** The messages nearest the vector by their signs (see PassageSearch.nearest). */
  nearest?: ChosenRows | null;
  limit: number;
  offset: number;
}

/**
 * Conversation context in recall search: each message that matches the
 * query lends part of its score to the NEIGHBOURS messages on either side,
 * a share that falls with distance (share / 1, / 2, ...), a little more to
 * the messages after it (the reply to a question holds its answer but not
 * its words). On LoCoMo this took the word ranking's evidence recall
 * @5/10/25/50 from 55.2/62.9/70.8/75.6 to 60.2/69.7/78.6/84.1 (61.5/70.9/
 * 79.4/85.1 with per-agent BM25 statistics); a window of
 * 2-6, shares of 0.3-0.8 and flat or squared decay were all within ~1.5
 * points (tuned on LoCoMo itself, which has no held-out split; see
 * docs/benchmarks.md). Neighbours are taken in the same filter (dates,
 * roles) and the same conversation, across session gaps: keeping them
 * within an hour scored lower. The benchmarks store each haystack as one
 * conversation, so keeping to the conversation does not move them.
 */
const NEIGHBOURS = 4;
const LATER_SHARE = 0.6;
const EARLIER_SHARE = 0.5;

/**
 * LENDING: a message lends its share scaled twice, by ratios of scores, so
 * no constant is added.
 *
 * - By its score over the query's best match: the best match lends all of
 *   it and a weak one (a word or two in a long text) almost nothing. Summed
 *   unscaled, several weak matches around a turn lifted it above a real
 *   match: on LongMemEval, whose assistant turns are long and share words
 *   with any question by chance, conversation_search ranked below meaning
 *   alone (R@5/10 79.0/92.0 against 82.9/93.6 for exact vector search).
 * - By its part of its own score and the neighbour's together (own / (own +
 *   theirs)): a neighbour without the query's words (the reply that answers
 *   it) takes the whole share, one that matches as well takes half, and one
 *   that matches better hardly anything. Lent in full, shares lifted the
 *   turns around a strong match past it and past other direct matches:
 *   LongMemEval's evidence sits in the user's turns, next to long assistant
 *   turns on the same subject, and conversation_search stayed under meaning
 *   alone at R@5 on the oracle form (82.1 vs 82.9). With the second ratio:
 *   oracle 83.3, padded 76.9 (from 75.8), LoCoMo R@1 28.8 -> 30.6 with R@5-50
 *   within 0.7 of before and above the reference on each half.
 *
 * Letting a turn take only its largest share met LongMemEval's figures but
 * cost LoCoMo 3-5 points at R@10; damping shares into long turns, by the
 * lender's and receiver's lengths, to the other speaker's turns only, or
 * lending only what the lender's score exceeds the neighbour's, cost LoCoMo
 * more than the issue allows (docs/benchmarks.md, issue 19).
 */
export function createMessagesRepo(sql: Sql) {
  /**
   * Messages in one statement, in the order given (their seq follows it).
   * `intoContext` also appends them to their conversation's context window
   * in the same statement: atomic without a transaction's extra round trips
   * (the agent loop writes a step's messages together).
   */
  async function insertMany(
    messages: NewMessage[],
    options: { intoContext?: boolean } = {},
  ): Promise<Message[]> {
    if (messages.length === 0) return [];
    const first = messages[0] as NewMessage;
    if (
      options.intoContext &&
      messages.some((m) => m.agentId !== first.agentId || m.conversationId !== first.conversationId)
    ) {
      throw new RangeError('messages written into a context must all be of that conversation');
    }
    // reply: what the message said to the user, which full text indexes
    // instead of the thinking in content (see the message_reply migration).
    const insert = `INSERT INTO messages AS m (id, agent_id, conversation_id, role, kind, content, tool_calls, tool_call_id, name, created_at, reply, quotes)
         SELECT r.id, r.agent_id, r.conversation_id, r.role, r.kind, r.content, r.tool_calls::jsonb, r.tool_call_id, r.name, r.created_at, r.reply, r.quotes::jsonb
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::timestamptz[], $10::text[], $11::text[], $12::text[]) WITH ORDINALITY
           AS r(id, agent_id, role, kind, content, tool_calls, tool_call_id, name, created_at, reply, conversation_id, quotes, ord)
         ORDER BY r.ord
         RETURNING ${COLUMNS}`;
    const result = await sql.query<RawMessage>(
      options.intoContext
        ? `WITH m AS (${insert}), context AS (
             INSERT INTO context_entries (agent_id, conversation_id, position, message_id)
             SELECT $13, $14, last.position + e.position, e.message_id
             FROM unnest($1::text[]) WITH ORDINALITY AS e(message_id, position),
                  (SELECT coalesce(max(position), 0) AS position
                   FROM context_entries WHERE conversation_id = $14) last)
           SELECT * FROM m ORDER BY m.seq`
        : `WITH m AS (${insert}) SELECT * FROM m ORDER BY m.seq`,
      [
        messages.map((m) => m.id),
        messages.map((m) => m.agentId),
        messages.map((m) => m.role),
        messages.map((m) => m.kind),
        messages.map((m) => m.content),
        messages.map((m) => (m.toolCalls ? JSON.stringify(m.toolCalls) : null)),
        messages.map((m) => m.toolCallId),
        messages.map((m) => m.name),
        messages.map((m) => m.createdAt),
        messages.map((m) => messageReply(m)),
        messages.map((m) => m.conversationId),
        messages.map((m) =>
          m.quotes && Object.keys(m.quotes).length ? JSON.stringify(m.quotes) : null,
        ),
        ...(options.intoContext ? [first.agentId, first.conversationId] : []),
      ],
    );
    return result.rows.map(toMessage);
  }

  return {
    async insert(message: NewMessage, options: { intoContext?: boolean } = {}): Promise<Message> {
      const [inserted] = await insertMany([message], options);
      return inserted as Message;
    },
    insertMany,
    async get(id: string): Promise<Message | undefined> {
      const result = await sql.query<RawMessage>(
        `SELECT ${COLUMNS} FROM messages m WHERE m.id = $1`,
        [id],
      );
      return result.rows[0] ? toMessage(result.rows[0]) : undefined;
    },
    /** The given messages in conversation order. */
    async getMany(ids: string[]): Promise<Message[]> {
      if (ids.length === 0) return [];
      const result = await sql.query<RawMessage>(
        // In the order asked for: an agent's context lists its summary first
        // although the summary was written after the messages it follows.
        // A LATERAL subquery with LIMIT is never flattened into a join, so
        // each id stays one primary-key lookup: as a join, the planner hashed
        // the whole table for ~150 ids (60 ms at 10k messages).
        `SELECT ${COLUMNS} FROM unnest($1::text[]) WITH ORDINALITY AS wanted(id, ord)
           CROSS JOIN LATERAL (SELECT * FROM messages WHERE id = wanted.id LIMIT 1) m
           ORDER BY wanted.ord`,
        [ids],
      );
      return result.rows.map(toMessage);
    },
    /** Each of the agent's search results that quotes memories, with its quotes (messages.quotes). */
    async quotesOf(agentId: string): Promise<Map<string, Quotes>> {
      const result = await sql.query<{ id: string; quotes: Quotes }>(
        'SELECT id, quotes FROM messages WHERE agent_id = $1 AND quotes IS NOT NULL',
        [agentId],
      );
      return new Map(result.rows.map((row) => [row.id, row.quotes]));
    },
    /**
     * Newest `limit` messages before `beforeSeq` (all when omitted), of one
     * conversation or of the whole agent, returned oldest first.
     */
    async listBefore(
      agentId: string,
      limit: number,
      beforeSeq?: number,
      conversationId?: string,
    ): Promise<Message[]> {
      const params = new Params();
      const where = [`m.agent_id = ${params.add(agentId)}`];
      if (beforeSeq !== undefined) where.push(`m.seq < ${params.add(beforeSeq)}`);
      // The same expression as messages_conversation_seq, so the index serves it.
      if (conversationId !== undefined)
        where.push(`${MESSAGE_CONVERSATION('m')} = ${params.add(conversationId)}`);
      const result = await sql.query<RawMessage>(
        `SELECT * FROM (
           SELECT ${COLUMNS} FROM messages m WHERE ${where.join(' AND ')}
           ORDER BY m.seq DESC LIMIT ${params.add(limit)}) recent
         ORDER BY seq`,
        params.values,
      );
      return result.rows.map(toMessage);
    },
    // Counts come from memory_counts, kept by triggers (see its migration).
    async countAll(): Promise<number> {
      const result = await sql.query<{ n: number }>(
        'SELECT coalesce(sum(messages), 0)::int AS n FROM memory_counts',
      );
      return result.rows[0]?.n ?? 0;
    },
    async count(agentId: string): Promise<number> {
      const result = await sql.query<{ n: number }>(
        'SELECT coalesce(sum(messages), 0)::int AS n FROM memory_counts WHERE agent_id = $1',
        [agentId],
      );
      return result.rows[0]?.n ?? 0;
    },
    /**
     * Search over every message ever exchanged, best match first (newest
     * first when only a date range is given): a word ranking with
     * conversation context (see NEIGHBOURS) and, with the query's vector, a
     * ranking by meaning over the embedded messages, fused as archival
     * search fuses them. Messages not embedded yet are found by words.
     */
    async search(search: MessageSearch): Promise<Array<Message & { score: number }>> {
      const params = new Params();
      const agent = params.add(search.agentId);
      const start = search.start ? params.add(search.start) : null;
      const end = search.end ? params.add(search.end) : null;
      const roles = search.roles && search.roles.length > 0 ? params.add(search.roles) : null;
      const hidden = search.excludeConversations?.length
        ? params.add(search.excludeConversations)
        : null;
      const skipped = search.excludeMessages?.length ? params.add(search.excludeMessages) : null;
      // Surfaced blocks only copy other memories (shared/surfaced-memories.ts).
      const filter = (alias: string) =>
        [
          `${alias}.agent_id = ${agent}`,
          `${alias}.kind <> 'memories'`,
          ...(start ? [`${alias}.created_at >= ${start}`] : []),
          ...(end ? [`${alias}.created_at < ${end}`] : []),
          ...(roles ? [`${alias}.role = ANY(${roles}::text[])`] : []),
          ...(hidden ? [`${MESSAGE_CONVERSATION(alias)} <> ALL(${hidden}::text[])`] : []),
          ...(skipped ? [`${alias}.id <> ALL(${skipped}::text[])`] : []),
        ].join(' AND ');
      if (search.text.trim().length === 0) {
        const result = await queryPrepared<RawMessage>(
          sql,
          `SELECT ${COLUMNS} FROM messages m WHERE ${filter('m')} ORDER BY m.seq DESC
           LIMIT ${params.add(search.limit)} OFFSET ${params.add(search.offset)}`,
          params.values,
        );
        // Listing by date: nothing is ranked.
        return result.rows.map((row) => ({ ...toMessage(row), score: 0 }));
      }
      const candidates = `${params.add(search.candidates ?? candidatesFor(search.offset + search.limit))}::int`;
      const text = params.add(search.text);
      // Asked before the statement is built, so a memory without overflow
      // runs the statement it always ran (rows.ts, OVERFLOW).
      const overflow = await overflowHeld(sql, 'messages', search.agentId);
      const vector = search.vector ?? null;
      const vectorParam =
        search.mode !== 'text' && vector !== null ? params.add(toVectorLiteral(vector)) : null;
      const vec =
        vector && vectorParam
          ? nearestRanked({
              table: 'messages',
              alias: 'm',
              tiebreak: 'seq',
              where: filter('m'),
              vectorParam,
              vector: vector,
              candidates,
              // Surfaced blocks (kind 'memories') are never embedded: not a narrowing.
              ...pickedOption(
                search.nearest,
                params,
                start !== null ||
                  end !== null ||
                  roles !== null ||
                  hidden !== null ||
                  skipped !== null,
              ),
            })
          : null;
      // One bound for the word search and its common-word tail: the tail
      // reads as many recent rows as the words may match. Phrases and the
      // person's own words ride with the tail: all are for the searches the
      // agent and the person run (rows.ts, bm25TuningFor).
      // A question in the first person reads a weak word list its own way;
      // lengths keep the usual b here, unlike archival's (rows.ts, ABOUT SELF).
      const aboutSelf = (search.commonWords ?? false) && asksAboutSelf(search.text);
      const tuning = bm25TuningFor(search.limit, search.commonWords ?? false);
      let context = '';
      let fts: string | null = null;
      if (search.mode !== 'vector' || vec === null) {
        const own = bm25Scores('messages', 'm', filter('m'), agent, text, 'seq', tuning, overflow);
        // One side's nearest NEIGHBOURS messages (same filter, same
        // conversation) with their share. In the agent's overall order the
        // last reply of one conversation sits next to the first question of
        // the next, which it does not answer. Through messages_conversation_seq.
        const side = (op: '<' | '>', order: 'ASC' | 'DESC') =>
          `SELECT id, seq, ${op === '>' ? LATER_SHARE : EARLIER_SHARE}::float8 / row_number() OVER (ORDER BY seq ${order}) AS share FROM (
             SELECT n.id, n.seq FROM messages n WHERE ${filter('n')} AND n.seq ${op} own.tiebreak
               AND ${MESSAGE_CONVERSATION('n')} = (
                 SELECT ${MESSAGE_CONVERSATION('c')} FROM messages c WHERE c.id = own.id)
             ORDER BY n.seq ${order} LIMIT ${NEIGHBOURS}) nearest`;
        context = `own AS MATERIALIZED (${own}),
         best AS MATERIALIZED (SELECT max(score) AS score FROM own),
         -- Each matching message lends part of its score to the messages
         -- around it (see NEIGHBOURS), in proportion to how close it comes
         -- to the best match and to its part of its own and the
         -- neighbour's own match together (see LENDING).
         lent AS MATERIALIZED (
           SELECT near.id, near.seq AS tiebreak,
                  own.score * (own.score / greatest(best.score, 1e-12))
                    * (own.score / greatest(own.score + coalesce(theirs.score, 0), 1e-12))
                    * near.share AS score
           FROM own CROSS JOIN best CROSS JOIN LATERAL (
             (${side('<', 'DESC')}) UNION ALL (${side('>', 'ASC')})) near
             LEFT JOIN own theirs ON theirs.id = near.id),`;
        fts = scoreRanked(
          `SELECT id, max(tiebreak) AS tiebreak, sum(score) AS score FROM (
             SELECT id, tiebreak, score FROM own UNION ALL SELECT id, tiebreak, score FROM lent
           ) parts GROUP BY id`,
          candidates,
        );
      }
      const page = fusedPage({
        params,
        table: 'messages',
        vec,
        fts,
        ...(vectorParam ? { vectorParam } : {}),
        ...(fts === null
          ? { lexicalSupport: anyWordMatches('messages', 'w', filter('w'), text, overflow) }
          : {}),
        ...(search.calibration ? { calibration: search.calibration } : {}),
        ...(search.commonWords && vec === null
          ? {
              tail: (head: string, end: string) =>
                commonWordTail({
                  table: 'messages',
                  where: filter,
                  textParam: text,
                  tiebreak: 'seq',
                  head,
                  end,
                  window: tuning.maxHits,
                }),
            }
          : {}),
        fusion: { ...HYBRID_FUSION, ...search },
        ...(aboutSelf ? { weakWords: WEAK_WORDS } : {}),
        limit: search.limit,
        offset: search.offset,
      });
      const result = await queryPrepared<RawMessage & { score: number }>(
        sql,
        `WITH ${context} ${page}
         SELECT ${COLUMNS}, s.score FROM hits s JOIN messages m ON m.id = s.id
         ORDER BY s.rank`,
        params.values,
      );
      return result.rows.map((row) => ({ ...toMessage(row), score: Number(row.score) }));
    },
  };
}
export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
