import type { Core } from '../../src/core/create-core';
import {
  createSurfacing,
  fitBudget,
  type Candidate,
} from '../../src/core/memory/surfacing/surfacing';
import type { SurfacedBlock } from '../../src/shared/surfaced-memories';
import type { CachingEmbedder } from '../embedding-cache';
import { toHaystack, type Conversation } from '../locomo/locomo-data';
import { paddedHaystacks, type RawLongMemEvalQuestion } from '../longmemeval/longmemeval-data';
import type { Query } from '../retrieval/dataset';
import type { Ingested } from '../retrieval/locus-methods';
import { withBatchCore } from '../retrieval/stored-batches';
import { percentile, round } from '../stats';

export const SURFACING_BUDGETS = [250, 500, 1000, 2000] as const;

export interface BudgetScore {
  budget: number;
  questions: number;
  /** Share of the questions' evidence turns in the block, averaged per question (%). */
  evidence: number;
  medianTokens: number;
  meanTokens: number;
  /** Share of questions given any memory at all (%). */
  surfaced: number;
}

export interface SurfacingSetResult {
  questions: number;
  budgets: BudgetScore[];
}

export interface SurfacingResult {
  embedder: string;
  locomo?: SurfacingSetResult & {
    /** Each question asked of the next conversation's memory, at the default budget. */
    crossConversation: { budget: number; questions: number; meanTokens: number; surfaced: number };
  };
  longmemeval?: SurfacingSetResult & { sessions: number };
}

export interface SurfacingBenchOptions {
  embedder: { label: string; embedder: CachingEmbedder };
  locomo?: Conversation[];
  longmemeval?: RawLongMemEvalQuestion[];
  /** Sessions per padded LongMemEval haystack; defaults to 40. */
  paddedSessions?: number;
  /** The budget cross-conversation precision is measured at. */
  defaultBudget: number;
  reuseDir?: string;
  log?: (line: string) => void;
}

interface Asked {
  query: Query;
  blocks: Array<SurfacedBlock | null>;
  /** Turn ids in each block. */
  turns: Array<Set<string>>;
}

/**
 * Memory surfacing measured as issue 18 describes: each haystack is stored
 * as an agent's memory (its turns as messages and as passages, as in the
 * retrieval suites), each question is sent as the user's message with an
 * empty context window, and the block surfacing would give the model is
 * scored at several budgets: the share of the evidence turns it holds and
 * its size in (estimated) tokens.
 */
export async function runSurfacingBench(options: SurfacingBenchOptions): Promise<SurfacingResult> {
  const log = options.log ?? (() => undefined);
  const { label, embedder } = options.embedder;
  const result: SurfacingResult = { embedder: label };
  const budgets = [...SURFACING_BUDGETS];

  if (options.locomo) {
    const haystacks = options.locomo.map(toHaystack);
    const asked: Asked[] = [];
    let cross: Array<SurfacedBlock | null> = [];
    await withBatchCore(
      { batch: haystacks, label, embedder, name: 'locomo', ...reuse(options), log },
      async (core, ingested) => {
        const surfacing = createSurfacing({ archival: core.archival, recall: core.recall });
        for (const data of ingested) {
          for (const query of data.haystack.queries) {
            asked.push(await ask(core, surfacing, data, query, budgets));
          }
        }
        // Questions of one conversation asked of the next one's memory, where
        // nothing relevant exists: what surfaces there is noise.
        cross = [];
        for (const [i, data] of ingested.entries()) {
          const other = ingested[(i + 1) % ingested.length] as Ingested;
          for (const query of data.haystack.queries) {
            const found = await surfacing.candidates({
              agentId: other.agentId,
              text: query.text,
              context: [],
            });
            cross.push(fitBudget(found, options.defaultBudget));
          }
        }
        log(`Surfacing [${label}]: LoCoMo scored`);
      },
    );
    result.locomo = {
      ...score(asked, budgets),
      crossConversation: {
        budget: options.defaultBudget,
        questions: cross.length,
        meanTokens: round(mean(cross.map((b) => b?.tokens ?? 0)), 1),
        surfaced: round((100 * cross.filter((b) => b !== null).length) / cross.length, 1),
      },
    };
  }

  if (options.longmemeval) {
    const sessions = options.paddedSessions ?? 40;
    const haystacks = paddedHaystacks(options.longmemeval, sessions).filter(
      (h) => h.queries.length > 0,
    );
    const asked: Asked[] = [];
    // The same batches as the retrieval suite, so a kept database serves both.
    for (let from = 0; from < haystacks.length; from += 40) {
      await withBatchCore(
        {
          batch: haystacks.slice(from, from + 40),
          label,
          embedder,
          name: 'longmemeval-padded',
          ...reuse(options),
          log,
        },
        async (core, ingested) => {
          const surfacing = createSurfacing({ archival: core.archival, recall: core.recall });
          for (const data of ingested) {
            for (const query of data.haystack.queries) {
              asked.push(await ask(core, surfacing, data, query, budgets));
            }
          }
        },
      );
      log(
        `Surfacing [${label}]: LongMemEval ${Math.min(from + 40, haystacks.length)} of ${haystacks.length}`,
      );
    }
    result.longmemeval = { ...score(asked, budgets), sessions };
  }
  return result;
}

function reuse(options: SurfacingBenchOptions) {
  return options.reuseDir ? { reuseDir: options.reuseDir } : {};
}

async function ask(
  core: Core,
  surfacing: ReturnType<typeof createSurfacing>,
  data: Ingested,
  query: Query,
  budgets: number[],
): Promise<Asked> {
  const found: Candidate[] = await surfacing.candidates({
    agentId: data.agentId,
    text: query.text,
    context: [],
  });
  const blocks = budgets.map((budget) => fitBudget(found, budget));
  const turns: Array<Set<string>> = [];
  for (const block of blocks) {
    const ids = new Set<string>();
    for (const item of block?.items ?? []) {
      const turn =
        item.tier === 'recall'
          ? data.messageTurns.get(item.id)
          : (await core.archival.get(item.id)).source.ref;
      if (turn) ids.add(turn);
    }
    turns.push(ids);
  }
  return { query, blocks, turns };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function score(asked: readonly Asked[], budgets: readonly number[]): SurfacingSetResult {
  return {
    questions: asked.length,
    budgets: budgets.map((budget, b) => {
      const tokens = asked.map((a) => a.blocks[b]?.tokens ?? 0);
      const evidence = asked.map(
        (a) =>
          a.query.evidence.filter((id) => a.turns[b]?.has(id)).length / a.query.evidence.length,
      );
      return {
        budget,
        questions: asked.length,
        evidence: round(100 * mean(evidence), 1),
        medianTokens: percentile(tokens, 50),
        meanTokens: round(mean(tokens), 1),
        surfaced: round((100 * asked.filter((a) => a.blocks[b] !== null).length) / asked.length, 1),
      };
    }),
  };
}
