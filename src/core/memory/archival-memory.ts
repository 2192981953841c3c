import type { Page, Passage, PassageSource, ScoredPassage } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import { newId } from '../ids';
import { parseDateBound } from './date-bounds';
import type { Embedder } from '../models/embedder';
import { HYBRID_FUSION, candidatesFor } from '../storage/repos/fusion-sql';
import { bulkLoadPassages } from '../storage/repos/passages-bulk-load';
import { createPassagesRepo, type SearchMode } from '../storage/repos/passages-repo';
import type { AutoAnalyze } from '../storage/auto-analyze';
import type { Db } from '../storage/sql';
import type { EmbedPendingOptions, VectorUpkeep } from './vector-upkeep';

export interface ArchivalMemoryOptions {
  db: Db;
  embedder: Embedder;
  /** Embeds passages still waiting for a vector (reembed). */
  upkeep: VectorUpkeep;
  clock: Clock;
  /** Told about bulk writes so the planner's statistics keep up. */
  autoAnalyze?: AutoAnalyze;
}

export interface NewPassage {
  text: string;
  tags?: string[];
  source?: PassageSource;
  /** Defaults to now; imports and benchmarks keep the original time. */
  createdAt?: string;
}

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
}

/**
 * From this many passages in one call (an import), rows are written with one
 * binary COPY and the vector index is built once after the writes instead of
 * row by row (see VectorUpkeep.deferIndex).
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

  /** A failed embedding must not lose the text: it is stored and embedded later. */
  async function tryEmbed(texts: string[]): Promise<Array<Float32Array | null>> {
    try {
      return await embedder.embed(texts);
    } catch {
      return texts.map(() => null);
    }
  }

  async function insertMany(agentId: string, inputs: NewPassage[]): Promise<Passage[]> {
    const vectors = await tryEmbed(inputs.map((input) => input.text));
    const passages = inputs.map((input, i): Passage => ({
      id: newId('passage'),
      agentId,
      text: input.text,
      tags: normalizeTags(input.tags),
      source: input.source ?? { kind: 'agent', ref: null },
      createdAt: input.createdAt ?? clock.now().toISOString(),
      embedded: (vectors[i] ?? null) !== null,
    }));
    const rows = passages.map((passage, i) => ({ passage, embedding: vectors[i] ?? null }));
    if (rows.length >= BULK_FROM) {
      await upkeep.deferIndex('passages');
      await bulkLoadPassages(db, rows);
    } else {
      await repo.insertMany(rows);
    }
    options.autoAnalyze?.noteWrites(passages.length);
    await options.autoAnalyze?.maybeAnalyze();
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

    async insert(agentId: string, input: NewPassage): Promise<Passage> {
      const [passage] = await insertMany(agentId, [input]);
      return passage as Passage;
    },
    insertMany,

    get,
    findBySource(kind: Passage['source']['kind'], ref: string): Promise<Passage | undefined> {
      return repo.findBySource(kind, ref);
    },

    async update(id: string, patch: { text?: string; tags?: string[] }): Promise<Passage> {
      await get(id);
      const vector =
        patch.text === undefined ? undefined : ((await tryEmbed([patch.text]))[0] ?? null);
      await repo.update(
        id,
        { ...patch, ...(patch.tags ? { tags: normalizeTags(patch.tags) } : {}) },
        vector,
      );
      return get(id);
    },

    async remove(id: string): Promise<void> {
      if (!(await repo.delete(id))) await get(id);
    },

    async search(agentId: string, query: ArchivalQuery): Promise<Page<ScoredPassage>> {
      const limit = query.limit ?? 10;
      const offset = query.offset ?? 0;
      const baseFilter = {
        agentId,
        tags: normalizeTags(query.tags),
        tagMode: query.tagMode ?? 'any',
      };
      const start = parseDateBound(query.start, 'start');
      const end = parseDateBound(query.end, 'end');
      const filter = {
        ...baseFilter,
        ...(start ? { start } : {}),
        ...(end ? { end } : {}),
      };
      if (query.query.trim().length === 0) {
        const rows = await repo.list(filter, limit + 1, offset);
        return {
          items: rows.slice(0, limit).map((p) => ({ ...p, score: 0 })),
          nextOffset: rows.length > limit ? offset + limit : null,
        };
      }
      const mode = query.mode ?? 'hybrid';
      const vector = mode === 'text' ? null : ((await embedder.embed([query.query]))[0] ?? null);
      const rows = await repo.search({
        filter,
        text: query.query,
        vector,
        mode,
        limit: limit + 1,
        offset,
        candidates: candidatesFor(offset + limit + 1),
        ...HYBRID_FUSION,
      });
      return {
        items: rows.slice(0, limit),
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
