import type { Passage, PassageSource } from '../../../shared/entities';
import { queryPrepared } from '../prepared-statements';
import type { Sql } from '../sql';
import {
  PAST_FACT_WEIGHT,
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
import {
  Params,
  VECTOR_TYPE,
  anyWordMatches,
  bm25Scores,
  overflowHeld,
  commonWordTail,
  bm25TuningFor,
  asksAboutSelf,
  iso,
  toVectorLiteral,
} from './rows';

interface RawPassage {
  id: string;
  agent_id: string;
  text: string;
  tags: string[];
  source_kind: PassageSource['kind'];
  source_ref: string | null;
  created_at: Date;
  embedded: boolean;
  superseded_by: string | null;
  valid_until: Date | null;
}

const COLUMNS =
  'p.id, p.agent_id, p.text, p.tags, p.source_kind, p.source_ref, p.created_at, (p.embedding IS NOT NULL) AS embedded, p.superseded_by, p.valid_until';

function toPassage(row: RawPassage): Passage {
  return {
    id: row.id,
    agentId: row.agent_id,
    text: row.text,
    tags: row.tags,
    source: { kind: row.source_kind, ref: row.source_ref },
    createdAt: iso(row.created_at),
    embedded: row.embedded,
    supersededBy: row.superseded_by,
    validUntil: row.valid_until === null ? null : iso(row.valid_until),
  };
}

export interface PassageFilter {
  agentId: string;
  tags?: string[];
  /** any: a passage with at least one of the tags; all: with every tag. Defaults to any. */
  tagMode?: 'any' | 'all';
  /** Inclusive lower bound on created_at. */
  start?: Date;
  /** Exclusive upper bound on created_at. */
  end?: Date;
}

export type { SearchMode } from './fusion-sql';

export interface PassageSearch extends Fusion {
  filter: PassageFilter;
  text: string;
  /** The query's embedding; without it only full-text ranking is used. */
  vector: Float32Array | null;
  /** What the vector's similarities mean (required with a vector). */
  calibration?: VectorCalibration;
  mode: SearchMode;
  limit: number;
  offset: number;
  /** How many candidates each ranker contributes to the fusion. */
  candidates: number;
  /**
   * The searches the agent and the person run: words only, rows sharing
   * only common words follow the matches (commonWordTail); and query
   * phrases count (rows.ts, PHRASES).
   */
  commonWords?: boolean;
  /**
   * The rows nearest the vector by their signs, chosen in the process
   * (memory/sign-index.ts), and whether they are every embedded row of the
   * agent; without them the sign graph (a server's) is walked.
   */
  nearest?: ChosenRows | null;
}

function filterSql(filter: PassageFilter, params: Params, alias = 'p'): string {
  const clauses = [`${alias}.agent_id = ${params.add(filter.agentId)}`];
  if (filter.tags && filter.tags.length > 0) {
    const op = filter.tagMode === 'all' ? '@>' : '&&';
    clauses.push(`${alias}.tags ${op} ${params.add(filter.tags)}::text[]`);
  }
  if (filter.start) clauses.push(`${alias}.created_at >= ${params.add(filter.start)}`);
  if (filter.end) clauses.push(`${alias}.created_at < ${params.add(filter.end)}`);
  return clauses.join(' AND ');
}

export function createPassagesRepo(sql: Sql) {
  /** Many rows in one statement: per-row round trips dominated bulk writes. */
  async function insertMany(
    rows: Array<{ passage: Passage; embedding: Float32Array | null }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await sql.query(
      `INSERT INTO passages (id, agent_id, text, tags, source_kind, source_ref, created_at, embedding,
                             superseded_by, valid_until)
       SELECT r.id, r.agent_id, r.text, ARRAY(SELECT jsonb_array_elements_text(r.tags)),
              r.source_kind, r.source_ref, r.created_at, r.embedding::${VECTOR_TYPE},
              r.superseded_by, r.valid_until
       FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[],
                   $7::timestamptz[], $8::text[], $9::text[], $10::timestamptz[])
         AS r(id, agent_id, text, tags, source_kind, source_ref, created_at, embedding,
              superseded_by, valid_until)`,
      [
        rows.map((r) => r.passage.id),
        rows.map((r) => r.passage.agentId),
        rows.map((r) => r.passage.text),
        rows.map((r) => JSON.stringify(r.passage.tags)),
        rows.map((r) => r.passage.source.kind),
        rows.map((r) => r.passage.source.ref),
        rows.map((r) => r.passage.createdAt),
        rows.map((r) => (r.embedding ? toVectorLiteral(r.embedding) : null)),
        rows.map((r) => r.passage.supersededBy ?? null),
        rows.map((r) => r.passage.validUntil ?? null),
      ],
    );
  }

  return {
    async insert(passage: Passage, embedding: Float32Array | null): Promise<void> {
      await insertMany([{ passage, embedding }]);
    },
    insertMany,
    async findBySource(kind: Passage['source']['kind'], ref: string): Promise<Passage | undefined> {
      const result = await sql.query<RawPassage>(
        `SELECT ${COLUMNS} FROM passages p WHERE p.source_kind = $1 AND p.source_ref = $2 LIMIT 1`,
        [kind, ref],
      );
      return result.rows[0] ? toPassage(result.rows[0]) : undefined;
    },
    async get(id: string): Promise<Passage | undefined> {
      const result = await sql.query<RawPassage>(
        `SELECT ${COLUMNS} FROM passages p WHERE p.id = $1`,
        [id],
      );
      return result.rows[0] ? toPassage(result.rows[0]) : undefined;
    },
    async update(
      id: string,
      patch: { text?: string; tags?: string[] },
      embedding: Float32Array | null | undefined,
    ): Promise<boolean> {
      const result = await sql.query(
        `UPDATE passages SET
           text = coalesce($2, text),
           tags = coalesce($3::text[], tags),
           embedding = CASE WHEN $4::boolean THEN $5::${VECTOR_TYPE} ELSE embedding END
         WHERE id = $1`,
        [
          id,
          patch.text ?? null,
          patch.tags ?? null,
          embedding !== undefined,
          embedding ? toVectorLiteral(embedding) : null,
        ],
      );
      return (result.affectedRows ?? 0) > 0;
    },
    /** Marks a passage as past: replaced by `by` (a passage or block id), true until `until`. */
    async setSuperseded(id: string, by: string | null, until: string | null): Promise<boolean> {
      const result = await sql.query(
        'UPDATE passages SET superseded_by = $2, valid_until = $3 WHERE id = $1',
        [id, by, until],
      );
      return (result.affectedRows ?? 0) > 0;
    },
    /**
     * Passages these replaced become current again (what replaced them is
     * gone); returns the ids made current.
     */
    async unsupersede(agentId: string, successorIds: string[]): Promise<string[]> {
      if (successorIds.length === 0) return [];
      const result = await sql.query<{ id: string }>(
        `UPDATE passages SET superseded_by = NULL, valid_until = NULL
         WHERE agent_id = $1 AND superseded_by = ANY($2::text[]) RETURNING id`,
        [agentId, successorIds],
      );
      return result.rows.map((row) => row.id);
    },
    async getMany(ids: string[]): Promise<Passage[]> {
      if (ids.length === 0) return [];
      const result = await sql.query<RawPassage>(
        `SELECT ${COLUMNS} FROM passages p WHERE p.id = ANY($1::text[]) ORDER BY p.created_at, p.id`,
        [ids],
      );
      return result.rows.map(toPassage);
    },
    /** An agent's passages that came from any of these messages (saved by the agent or consolidated). */
    async fromMessages(agentId: string, messageIds: string[]): Promise<Passage[]> {
      const result = await sql.query<RawPassage>(
        `SELECT ${COLUMNS} FROM passages p
         WHERE p.agent_id = $1 AND p.source_kind IN ('message', 'agent')
           AND p.source_ref = ANY($2::text[])`,
        [agentId, messageIds],
      );
      return result.rows.map(toPassage);
    },
    /** An agent's passages whose text is exactly one of these (copies of block lines). */
    async withTexts(
      agentId: string,
      texts: string[],
      kind: PassageSource['kind'],
    ): Promise<Passage[]> {
      const result = await sql.query<RawPassage>(
        `SELECT ${COLUMNS} FROM passages p
         WHERE p.agent_id = $1 AND p.source_kind = $3 AND p.text = ANY($2::text[])`,
        [agentId, texts, kind],
      );
      return result.rows.map(toPassage);
    },
    async deleteMany(ids: string[]): Promise<number> {
      if (ids.length === 0) return 0;
      const result = await sql.query('DELETE FROM passages WHERE id = ANY($1::text[])', [ids]);
      return result.affectedRows ?? 0;
    },
    async delete(id: string): Promise<boolean> {
      const result = await sql.query('DELETE FROM passages WHERE id = $1', [id]);
      return (result.affectedRows ?? 0) > 0;
    },
    /** Totals come from the trigger-kept memory_counts; pending rows from their partial index. */
    async count(agentId?: string): Promise<{ total: number; pending: number }> {
      const result = await sql.query<{ total: number; pending: number }>(
        `SELECT (SELECT coalesce(sum(passages), 0)::int FROM memory_counts
                  WHERE $1::text IS NULL OR agent_id = $1) AS total,
                (SELECT count(*)::int FROM passages
                  WHERE embedding IS NULL AND ($1::text IS NULL OR agent_id = $1)) AS pending`,
        [agentId ?? null],
      );
      return result.rows[0] ?? { total: 0, pending: 0 };
    },
    /** Newest first, for browsing without a query. */
    async list(filter: PassageFilter, limit: number, offset: number): Promise<Passage[]> {
      const params = new Params();
      const where = filterSql(filter, params);
      const result = await sql.query<RawPassage>(
        `SELECT ${COLUMNS} FROM passages p WHERE ${where}
         ORDER BY p.created_at DESC, p.id LIMIT ${params.add(limit)} OFFSET ${params.add(offset)}`,
        params.values,
      );
      return result.rows.map(toPassage);
    },
    /**
     * Ranks passages by a fusion of a cosine HNSW scan and a full-text
     * ranking, in one statement, above the relevance floor (fusedPage).
     * Either ranker can be switched off (mode) for comparison; passages not
     * yet embedded still match by text.
     */
    async search(search: PassageSearch): Promise<Array<Passage & { score: number }>> {
      const params = new Params();
      const candidates = `${params.add(search.candidates)}::int`;
      const text = params.add(search.text);
      // Asked before the statement is built, so a memory without overflow
      // runs the statement it always ran (rows.ts, OVERFLOW).
      const overflow = await overflowHeld(sql, 'passages', search.filter.agentId);
      const queryVector = search.mode !== 'text' ? search.vector : null;
      const vectorParam = queryVector ? params.add(toVectorLiteral(queryVector)) : null;
      const vec =
        queryVector && vectorParam
          ? nearestRanked({
              table: 'passages',
              alias: 'p',
              tiebreak: 'created_at',
              where: filterSql(search.filter, params),
              vectorParam,
              vector: queryVector,
              candidates,
              ...pickedOption(
                search.nearest,
                params,
                Boolean(search.filter.tags?.length) ||
                  search.filter.start !== undefined ||
                  search.filter.end !== undefined,
              ),
            })
          : null;
      // One bound for the word search and its common-word tail: the tail
      // reads as many recent rows as the words may match. Phrases and the
      // person's own words ride with the tail: all are for the searches the
      // agent and the person run (rows.ts, bm25TuningFor).
      // A question in the first person reads lengths and weak word lists its
      // own way (rows.ts, ABOUT SELF).
      const aboutSelf = (search.commonWords ?? false) && asksAboutSelf(search.text);
      const tuning = bm25TuningFor(search.limit, search.commonWords ?? false, aboutSelf);
      const fts =
        search.mode !== 'vector' || vec === null
          ? scoreRanked(
              bm25Scores(
                'passages',
                'p',
                filterSql(search.filter, params),
                params.add(search.filter.agentId),
                text,
                'created_at',
                tuning,
                overflow,
              ),
              candidates,
            )
          : null;
      const page = fusedPage({
        params,
        table: 'passages',
        vec,
        fts,
        ...(vectorParam ? { vectorParam } : {}),
        ...(fts === null
          ? {
              lexicalSupport: anyWordMatches(
                'passages',
                'w',
                filterSql(search.filter, params, 'w'),
                text,
                overflow,
              ),
            }
          : {}),
        ...(search.calibration ? { calibration: search.calibration } : {}),
        ...(search.commonWords && vec === null
          ? {
              tail: (head: string, end: string) =>
                commonWordTail({
                  table: 'passages',
                  where: (alias) => filterSql(search.filter, params, alias),
                  textParam: text,
                  tiebreak: 'created_at',
                  head,
                  end,
                  window: tuning.maxHits,
                }),
            }
          : {}),
        fusion: search,
        ...(aboutSelf ? { weakWords: WEAK_WORDS } : {}),
        pastWeight: PAST_FACT_WEIGHT,
        limit: search.limit,
        offset: search.offset,
      });
      // Prepared: planning this statement cost as much as running it.
      const result = await queryPrepared<RawPassage & { score: number }>(
        sql,
        `WITH ${page}
         SELECT ${COLUMNS}, hits.score FROM hits JOIN passages p ON p.id = hits.id
         ORDER BY hits.rank`,
        params.values,
      );
      return result.rows.map((row) => ({ ...toPassage(row), score: Number(row.score) }));
    },
    /**
     * The true nearest neighbours by a full scan: `+ 0` keeps the planner off
     * the HNSW index, so benchmarks can measure the index's recall against it.
     */
    async nearestExact(filter: PassageFilter, vector: Float32Array, k: number): Promise<string[]> {
      const params = new Params();
      const v = params.add(toVectorLiteral(vector));
      const result = await sql.query<{ id: string }>(
        `SELECT p.id FROM passages p
         WHERE p.embedding IS NOT NULL AND ${filterSql(filter, params)}
         ORDER BY (p.embedding <=> ${v}::${VECTOR_TYPE}) + 0, p.id LIMIT ${params.add(k)}`,
        params.values,
      );
      return result.rows.map((row) => row.id);
    },
  };
}
export type PassagesRepo = ReturnType<typeof createPassagesRepo>;
