import type {
  MemoryActor,
  Page,
  Passage,
  PassageSource,
  ScoredPassage,
} from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import { localDay } from '../../shared/local-time';
import type { Clock } from '../clock';
import { newId } from '../ids';
import { parseDateRange } from './date-bounds';
import type { Embedder } from '../models/embedder';
import { HYBRID_FUSION, candidatesFor } from '../storage/repos/fusion-sql';
import { VECTOR_OVERFETCH } from '../storage/repos/rows';
import { bulkLoadPassages } from '../storage/repos/passages-bulk-load';
import { createPassagesRepo, type SearchMode } from '../storage/repos/passages-repo';
import type { AutoAnalyze } from '../storage/auto-analyze';
import { createActivityRepo, quote } from '../storage/repos/activity-repo';
import type { Db, Sql } from '../storage/sql';
import type { EmbedPendingOptions, VectorUpkeep } from './vector-upkeep';
import { createRelevance, type Relevance } from './relevance';
import { withSnippets } from './search-hits';
import type { SignIndex } from './sign-index';

export interface ArchivalMemoryOptions {
  db: Db;
  embedder: Embedder;
  /** Embeds passages still waiting for a vector (reembed). */
  upkeep: VectorUpkeep;
  clock: Clock;
  /** Told about bulk writes so the planner's statistics keep up. */
  autoAnalyze?: AutoAnalyze;
  /** Shared with recall memory, so the reference sentences are embedded once. */
  relevance?: Relevance;
  /** PGlite's: the candidates by signs come from the process (see sign-index.ts). */
  signs?: SignIndex | null;
}

export interface NewPassage {
  text: string;
  tags?: string[];
  source?: PassageSource;
  /** Defaults to now; imports and benchmarks keep the original time. */
  createdAt?: string;
  /** A past fact: what replaced it (passage or block id) and when it stopped being true. */
  supersededBy?: string | null;
  validUntil?: string | null;
}

/** How a write is made and recorded in the activity feed. */
export interface PassageWriteOptions {
  /** Defaults from the source: agent, user (also captures), import, consolidation. */
  actor?: MemoryActor;
  /** Run inside this open transaction. */
  tx?: Sql;
  /** Groups the change with others of one consolidation pass. */
  batchId?: string;
  /** False when the caller records the change itself. Defaults to true. */
  record?: boolean;
}

const ACTOR_BY_SOURCE: Record<PassageSource['kind'], MemoryActor> = {
  agent: 'agent',
  user: 'user',
  capture: 'user',
  import: 'import',
  message: 'consolidation',
  block: 'consolidation',
};

/** Inserts that carry undo data listing every passage; bigger ones (benchmarks) are not undoable. */
const MAX_UNDOABLE_INSERT = 1000;
// The end of a fact is a local midnight (resolve-date.ts): its local day is the one resolved.
const day = localDay;

export interface ArchivalQuery {
  query: string;
  tags?: string[];
  tagMode?: 'any' | 'all';
  /** ISO date or datetime; inclusive. */
  start?: string;
  /** ISO date or datetime; exclusive. */
  end?: string;
  /** Defaults to 10. */
  limit?: number;
  offset?: number;
  /** Defaults to hybrid; vector/text exist for comparison and debugging. */
  mode?: SearchMode;
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
}

/**
 * From this many passages in one call (an import), rows are written with one
 * binary COPY, and the word index's pending list is merged and the
 * statistics refreshed once the writes pause (see VectorUpkeep.noteBulkLoad).
 */
export const BULK_FROM = 1000;

function normalizeTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}

/**
 * Archival memory: unlimited passages, found by meaning (pgvector) and by
 * words (Postgres full text) fused with reciprocal rank fusion.
 */
export function createArchivalMemory(options: ArchivalMemoryOptions) {
  const { db, embedder, upkeep, clock } = options;
  const repo = createPassagesRepo(db);

  const relevance = options.relevance ?? createRelevance(embedder);

  /** A broken embedder must not break search: the words still rank (in every mode). */
  async function tryEmbedQuery(text: string): Promise<Float32Array | null> {
    try {
      return (await embedder.embed([text]))[0] ?? null;
    } catch {
      return null;
    }
  }

  /** A failed embedding must not lose the text: it is stored and embedded later. */
  async function tryEmbed(texts: string[]): Promise<Array<Float32Array | null>> {
    try {
      return await embedder.embed(texts);
    } catch {
      return texts.map(() => null);
    }
  }

  async function insertMany(
    agentId: string,
    inputs: NewPassage[],
    opts: PassageWriteOptions = {},
  ): Promise<Passage[]> {
    const vectors = await tryEmbed(inputs.map((input) => input.text));
    const passages = inputs.map((input, i): Passage => ({
      id: newId('passage'),
      agentId,
      text: input.text,
      tags: normalizeTags(input.tags),
      source: input.source ?? { kind: 'agent', ref: null },
      createdAt: input.createdAt ?? clock.now().toISOString(),
      embedded: (vectors[i] ?? null) !== null,
      supersededBy: input.supersededBy ?? null,
      validUntil: input.validUntil ?? null,
    }));
    if (passages.length === 0) return passages;
    const rows = passages.map((passage, i) => ({ passage, embedding: vectors[i] ?? null }));
    // Binary COPY for bulk loads (it writes no past-fact columns; bulk loads have none).
    const bulk =
      rows.length >= BULK_FROM &&
      !opts.tx &&
      passages.every((p) => p.supersededBy === null && p.validUntil === null);
    const write = async (sql: Sql) => {
      if (bulk) await bulkLoadPassages(sql, rows);
      else await createPassagesRepo(sql).insertMany(rows);
      if (opts.record === false) return;
      const first = passages[0] as Passage;
      await createActivityRepo(sql).insert({
        agentId,
        at: clock.now().toISOString(),
        actor: opts.actor ?? ACTOR_BY_SOURCE[first.source.kind],
        action: 'passage.insert',
        target: { kind: 'passage', id: passages.length === 1 ? first.id : null, label: null },
        summary:
          passages.length === 1
            ? `Saved to archival memory: ${quote(first.text)}`
            : `Saved ${passages.length} passages to archival memory`,
        undo:
          passages.length <= MAX_UNDOABLE_INSERT
            ? { type: 'passage.insert', passageIds: passages.map((p) => p.id) }
            : null,
        batchId: opts.batchId ?? null,
      });
    };
    if (opts.tx) await write(opts.tx);
    else if (opts.record === false || bulk) await write(db);
    else await db.transaction(write);
    // Noted once the rows are written: on a server the pause's analysis runs
    // on another connection, and started with the write it counted no rows.
    if (bulk) upkeep.noteBulkLoad('passages');
    options.autoAnalyze?.noteWrites(passages.length);
    // Analysing waits for the database, which an open transaction holds; a
    // bulk load is analysed once the bulk writes pause (noteBulkLoad above).
    if (!opts.tx && !bulk) await options.autoAnalyze?.maybeAnalyze();
    return passages;
  }

  async function get(id: string): Promise<Passage> {
    const passage = await repo.get(id);
    if (!passage) {
      throw new LocusError(
        'PASSAGE_NOT_FOUND',
        `No archival passage has id "${id}"; it may have been deleted.`,
        {
          id,
        },
      );
    }
    return passage;
  }

  return {
    /** Embeds every passage that has no vector yet, in batches, reporting progress. */
    reembed(run: EmbedPendingOptions = {}): Promise<{ embedded: number }> {
      return upkeep.embedPending('passages', run);
    },

    async insert(
      agentId: string,
      input: NewPassage,
      opts: PassageWriteOptions = {},
    ): Promise<Passage> {
      const [passage] = await insertMany(agentId, [input], opts);
      return passage as Passage;
    },
    insertMany,

    get,
    getMany(ids: string[]): Promise<Passage[]> {
      return repo.getMany(ids);
    },
    findBySource(kind: Passage['source']['kind'], ref: string): Promise<Passage | undefined> {
      return repo.findBySource(kind, ref);
    },

    async update(
      id: string,
      patch: { text?: string; tags?: string[] },
      opts: PassageWriteOptions = {},
    ): Promise<Passage> {
      const before = await get(id);
      const vector =
        patch.text === undefined ? undefined : ((await tryEmbed([patch.text]))[0] ?? null);
      const tags = patch.tags ? normalizeTags(patch.tags) : undefined;
      await db.transaction(async (tx) => {
        await createPassagesRepo(tx).update(id, { ...patch, ...(tags ? { tags } : {}) }, vector);
        await createActivityRepo(tx).insert({
          agentId: before.agentId,
          at: clock.now().toISOString(),
          actor: opts.actor ?? 'user',
          action: 'passage.update',
          target: { kind: 'passage', id, label: null },
          summary:
            patch.text !== undefined && patch.text !== before.text
              ? `Edited passage: ${quote(before.text)} → ${quote(patch.text)}`
              : `Retagged passage ${quote(before.text)}: ${(tags ?? before.tags).join(', ') || 'no tags'}`,
          undo: {
            type: 'passage.update',
            passageId: id,
            before: { text: before.text, tags: before.tags },
          },
        });
      });
      return get(id);
    },

    /** Deletes a passage; the activity feed keeps it so the deletion can be undone (forget cannot). */
    async remove(id: string, opts: PassageWriteOptions = {}): Promise<void> {
      const passage = await get(id);
      await db.transaction(async (tx) => {
        if (!(await createPassagesRepo(tx).delete(id))) return;
        await createActivityRepo(tx).insert({
          agentId: passage.agentId,
          at: clock.now().toISOString(),
          actor: opts.actor ?? 'user',
          action: 'passage.delete',
          target: { kind: 'passage', id, label: null },
          summary: `Deleted from archival memory: ${quote(passage.text)}`,
          undo: {
            type: 'passage.delete',
            passage: {
              id: passage.id,
              agentId: passage.agentId,
              text: passage.text,
              tags: passage.tags,
              source: passage.source,
              createdAt: passage.createdAt,
              supersededBy: passage.supersededBy,
              validUntil: passage.validUntil,
            },
          },
        });
      });
    },

    /**
     * Marks a passage as a past fact: `by` (a passage or block id) replaced
     * it, and it stopped being true at `until`. Nothing is deleted.
     */
    async supersede(
      id: string,
      by: string,
      until: string,
      opts: PassageWriteOptions = {},
    ): Promise<void> {
      const write = async (sql: Sql) => {
        const passage = await createPassagesRepo(sql).get(id);
        if (!passage) return;
        await createPassagesRepo(sql).setSuperseded(id, by, until);
        if (opts.record === false) return;
        await createActivityRepo(sql).insert({
          agentId: passage.agentId,
          at: clock.now().toISOString(),
          actor: opts.actor ?? 'consolidation',
          action: 'passage.supersede',
          target: { kind: 'passage', id, label: null },
          summary: `Now a past fact (until ${day(until)}): ${quote(passage.text)}`,
          undo: {
            type: 'passage.supersede',
            passageId: id,
            before: { supersededBy: passage.supersededBy, validUntil: passage.validUntil },
          },
          batchId: opts.batchId ?? null,
        });
      };
      await (opts.tx ? write(opts.tx) : db.transaction(write));
    },

    /** Puts a deleted passage back with its id (undo); its vector is computed again. */
    async restore(passage: NewPassage & { id: string; agentId: string }, tx: Sql): Promise<void> {
      const [vector] = await tryEmbed([passage.text]);
      await createPassagesRepo(tx).insert(
        {
          id: passage.id,
          agentId: passage.agentId,
          text: passage.text,
          tags: normalizeTags(passage.tags),
          source: passage.source ?? { kind: 'user', ref: null },
          createdAt: passage.createdAt ?? clock.now().toISOString(),
          embedded: vector != null,
          supersededBy: passage.supersededBy ?? null,
          validUntil: passage.validUntil ?? null,
        },
        vector ?? null,
      );
    },

    async search(agentId: string, query: ArchivalQuery): Promise<Page<ScoredPassage>> {
      const limit = query.limit ?? 10;
      const offset = query.offset ?? 0;
      const baseFilter = {
        agentId,
        tags: normalizeTags(query.tags),
        tagMode: query.tagMode ?? 'any',
      };
      const { start, end } = parseDateRange(query);
      const filter = {
        ...baseFilter,
        ...(start ? { start } : {}),
        ...(end ? { end } : {}),
      };
      if (query.query.trim().length === 0) {
        const rows = await repo.list(filter, limit + 1, offset);
        return {
          items: await withSnippets(
            db,
            '',
            rows.slice(0, limit).map((p) => ({ ...p, score: 0 })),
            (p) => p.text,
          ),
          nextOffset: rows.length > limit ? offset + limit : null,
        };
      }
      const mode = query.mode ?? 'hybrid';
      // The fallback embedder's vectors hash the same words full text
      // ranks: fused, they only add collisions (LoCoMo: hybrid below words).
      const useVector = mode === 'vector' || (mode === 'hybrid' && !embedder.lexical);
      const embedded = useVector ? await tryEmbedQuery(query.query) : null;
      const calibration = embedded ? await relevance.calibrate(embedded).catch(() => null) : null;
      const vector = calibration ? embedded : null;
      const candidates = candidatesFor(offset + limit + 1);
      const nearest =
        vector && mode !== 'text' && options.signs
          ? await options.signs.nearest('passages', agentId, vector, candidates * VECTOR_OVERFETCH)
          : null;
      const rows = await repo.search({
        filter,
        text: query.query,
        vector,
        ...(calibration ? { calibration } : {}),
        mode,
        limit: limit + 1,
        offset,
        candidates,
        nearest,
        ...HYBRID_FUSION,
        commonWords: query.commonWords ?? false,
      });
      return {
        items: await withSnippets(db, query.query, rows.slice(0, limit), (p) => p.text),
        nextOffset: rows.length > limit ? offset + limit : null,
      };
    },

    async list(agentId: string, limit = 20, offset = 0): Promise<Page<Passage>> {
      const rows = await repo.list({ agentId }, limit + 1, offset);
      return {
        items: rows.slice(0, limit),
        nextOffset: rows.length > limit ? offset + limit : null,
      };
    },

    count(agentId?: string): Promise<{ total: number; pending: number }> {
      return repo.count(agentId);
    },
  };
}
export type ArchivalMemory = ReturnType<typeof createArchivalMemory>;
