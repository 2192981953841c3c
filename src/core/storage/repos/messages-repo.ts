import type { Message, MessageKind, MessageRole, ToolCall } from '../../../shared/entities';
import { queryPrepared } from '../prepared-statements';
import type { Sql } from '../sql';
import { Params, bm25Scores, bm25TuningFor, iso } from './rows';

interface RawMessage {
  id: string;
  agent_id: string;
  seq: number | string;
  role: MessageRole;
  kind: MessageKind;
  content: string;
  tool_calls: ToolCall[] | null;
  tool_call_id: string | null;
  name: string | null;
  created_at: Date;
}

const COLUMNS =
  'm.id, m.agent_id, m.seq, m.role, m.kind, m.content, m.tool_calls, m.tool_call_id, m.name, m.created_at';

function toMessage(row: RawMessage): Message {
  return {
    id: row.id,
    agentId: row.agent_id,
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

export type NewMessage = Omit<Message, 'seq'>;

export interface MessageSearch {
  agentId: string;
  /** Words to look for; empty lists by date alone. */
  text: string;
  start?: Date;
  end?: Date;
  roles?: MessageRole[];
  limit: number;
  offset: number;
}

export function createMessagesRepo(sql: Sql) {
  /**
   * Messages in one statement, in the order given (their seq follows it).
   * `intoContext` also appends them to their agent's context window in the
   * same statement: atomic without a transaction's extra round trips (the
   * agent loop writes a step's messages together).
   */
  async function insertMany(
    messages: NewMessage[],
    options: { intoContext?: boolean } = {},
  ): Promise<Message[]> {
    if (messages.length === 0) return [];
    const agentId = messages[0]?.agentId as string;
    if (options.intoContext && messages.some((m) => m.agentId !== agentId)) {
      throw new RangeError("messages written into a context must all be of that context's agent");
    }
    const insert = `INSERT INTO messages AS m (id, agent_id, role, kind, content, tool_calls, tool_call_id, name, created_at)
         SELECT r.id, r.agent_id, r.role, r.kind, r.content, r.tool_calls::jsonb, r.tool_call_id, r.name, r.created_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::timestamptz[]) WITH ORDINALITY
           AS r(id, agent_id, role, kind, content, tool_calls, tool_call_id, name, created_at, ord)
         ORDER BY r.ord
         RETURNING ${COLUMNS}`;
    const result = await sql.query<RawMessage>(
      options.intoContext
        ? `WITH m AS (${insert}), context AS (
             INSERT INTO context_entries (agent_id, position, message_id)
             SELECT $10, last.position + e.position, e.message_id
             FROM unnest($1::text[]) WITH ORDINALITY AS e(message_id, position),
                  (SELECT coalesce(max(position), 0) AS position
                   FROM context_entries WHERE agent_id = $10) last)
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
        ...(options.intoContext ? [agentId] : []),
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
    /** Newest `limit` messages before `beforeSeq` (all when omitted), returned oldest first. */
    async listBefore(agentId: string, limit: number, beforeSeq?: number): Promise<Message[]> {
      const result = await sql.query<RawMessage>(
        `SELECT * FROM (
           SELECT ${COLUMNS} FROM messages m
           WHERE m.agent_id = $1 AND ($2::bigint IS NULL OR m.seq < $2)
           ORDER BY m.seq DESC LIMIT $3) recent
         ORDER BY seq`,
        [agentId, beforeSeq ?? null, limit],
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
     * Full-text search over every message ever exchanged, best match first
     * (newest first when only a date range is given).
     */
    async search(search: MessageSearch): Promise<Message[]> {
      const params = new Params();
      const clauses = [`m.agent_id = ${params.add(search.agentId)}`];
      if (search.start) clauses.push(`m.created_at >= ${params.add(search.start)}`);
      if (search.end) clauses.push(`m.created_at < ${params.add(search.end)}`);
      if (search.roles && search.roles.length > 0) {
        clauses.push(`m.role = ANY(${params.add(search.roles)}::text[])`);
      }
      const where = clauses.join(' AND ');
      const hasText = search.text.trim().length > 0;
      const statement = hasText
        ? `SELECT ${COLUMNS} FROM (
             SELECT s.id, s.score, s.tiebreak FROM (${bm25Scores('messages', 'm', where, params.add(search.text), 'seq', bm25TuningFor(search.limit))}) s
             ORDER BY s.score DESC, s.tiebreak DESC
             LIMIT ${params.add(search.limit)} OFFSET ${params.add(search.offset)}) s
           JOIN messages m ON m.id = s.id ORDER BY s.score DESC, s.tiebreak DESC`
        : `SELECT ${COLUMNS} FROM messages m WHERE ${where} ORDER BY m.seq DESC
           LIMIT ${params.add(search.limit)} OFFSET ${params.add(search.offset)}`;
      const result = await queryPrepared<RawMessage>(sql, statement, params.values);
      return result.rows.map(toMessage);
    },
  };
}
export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
