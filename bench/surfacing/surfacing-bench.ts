import { FakeClock } from '../../src/core/clock';
import type { Core } from '../../src/core/create-core';
import { DEFAULT_SURFACING_TOKENS, MEMORIES_KIND } from '../../src/core/memory/surfacing/surfacing';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { parseSurfacedBlock, type SurfacedBlock } from '../../src/shared/surfaced-memories';
import type { CachingEmbedder } from '../embedding-cache';
import { toHaystack, type Conversation } from '../locomo/locomo-data';
import {
  paddedHaystacks,
  parseLongMemEvalDate,
  type RawLongMemEvalQuestion,
} from '../longmemeval/longmemeval-data';
import type { Haystack, Query } from '../retrieval/dataset';
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
  /** Evidence in block (%) and questions, by the dataset's category or question type. */
  byKind: Record<string, { questions: number; evidence: number }>;
}

export interface SurfacingSetResult {
  questions: number;
  budgets: BudgetScore[];
}

export interface CrossConversation {
  budget: number;
  questions: number;
  meanTokens: number;
  medianTokens: number;
  /** Share of questions given any memory at all (%). */
  surfaced: number;
}

export interface SurfacingResult {
  embedder: string;
  locomo?: SurfacingSetResult & {
    conversations: number;
    /** Each question asked of the next conversation's memory, at the default budget. */
    crossConversation: CrossConversation[];
    seconds: { store: number; questions: number };
  };
  longmemeval?: SurfacingSetResult & {
    sessions: number;
    /** Haystacks (questions with evidence) measured, of those in the set. */
    haystacks: number;
    ofHaystacks: number;
    seconds: { store: number; questions: number };
  };
}

export interface SurfacingBenchOptions {
  embedder: { label: string; embedder: CachingEmbedder };
  locomo?: Conversation[];
  longmemeval?: RawLongMemEvalQuestion[];
  /** Sessions per padded LongMemEval haystack; defaults to 40. */
  paddedSessions?: number;
  /**
   * Only these padded LongMemEval haystacks, [from, to) (padding still draws
   * from every question's sessions, so a slice's haystacks are the full run's).
   */
  longmemevalSlice?: [number, number];
  reuseDir?: string;
  /** Budgets asked at; defaults to SURFACING_BUDGETS (fewer make a development run shorter). */
  budgets?: readonly number[];
  log?: (line: string) => void;
}

interface Asked {
  query: Query;
  blocks: Array<SurfacedBlock | null>;
  /** Turn ids in each block. */
  turns: Array<Set<string>>;
}

/**
 * When a haystack's questions are asked: LongMemEval's own question date,
 * else just after its last turn (LoCoMo's questions come after the
 * conversation). Questions name times relative to it ("10 days ago").
 */
type AskedAt = (haystack: Haystack) => Date;

const afterLastTurn: AskedAt = (haystack) =>
  new Date(Date.parse(haystack.turns.at(-1)?.at ?? new Date().toISOString()) + 60_000);

/** Enough window that the runtime's cap (a quarter of what is left) never binds below 2,000. */
const CONTEXT_SIZE = 32_768;

/**
 * Memory surfacing measured as issue 18 describes, on what lands in front of
 * the model: each haystack is stored as an agent's memory (its turns as
 * messages and as passages, as in the retrieval suites); each question is
 * sent as the user's message through the agent runtime (a scripted model
 * that just replies), in a new conversation deleted afterwards, and the
 * "memories" message stored with it is scored at each budget (the agent's
 * surfacing setting): the share of the evidence turns it holds and its size
 * in the estimated tokens budgets count.
 */
export async function runSurfacingBench(options: SurfacingBenchOptions): Promise<SurfacingResult> {
  const log = options.log ?? (() => undefined);
  const { label, embedder } = options.embedder;
  const result: SurfacingResult = { embedder: label };
  const budgets = [...(options.budgets ?? SURFACING_BUDGETS)];
  // Precision is the default budget's (the others would double the run).
  const crossBudgets = [DEFAULT_SURFACING_TOKENS];
  const chatModel = () =>
    createScriptedModel({
      contextSize: CONTEXT_SIZE,
      script: () => ({
        thinking: 'Replying.',
        tool: 'send_message',
        arguments: { message: 'OK.' },
      }),
    });
  // Set to each question's date before it is asked (the core's clock seam).
  const clock = new FakeClock();

  if (options.locomo) {
    const haystacks = options.locomo.map(toHaystack);
    let asked: Asked[] = [];
    let cross: Asked[] = [];
    const seconds = { store: 0, questions: 0 };
    await withBatchCore(
      {
        batch: haystacks,
        label,
        embedder,
        name: 'locomo',
        chatModel: chatModel(),
        clock,
        ...reuse(options),
        log,
      },
      async (core, ingested, storeSeconds) => {
        seconds.store = round(storeSeconds, 1);
        const started = performance.now();
        const ask = { core, clock, askedAt: afterLastTurn };
        asked = await askAll(ask, ingested, (data) => data, budgets);
        log(`Surfacing [${label}]: LoCoMo asked (${elapsed(started)} s)`);
        // Questions of one conversation asked of the next one's memory, where
        // nothing relevant exists: what surfaces there is noise.
        cross = await askAll(
          ask,
          ingested,
          (_data, i) => ingested[(i + 1) % ingested.length] as Ingested,
          crossBudgets,
        );
        seconds.questions = elapsed(started);
        log(`Surfacing [${label}]: LoCoMo scored (${seconds.questions} s)`);
      },
    );
    result.locomo = {
      ...score(asked, budgets),
      conversations: haystacks.length,
      crossConversation: crossBudgets.map((budget, b) => {
        const tokens = cross.map((a) => a.blocks[b]?.tokens ?? 0);
        return {
          budget,
          questions: cross.length,
          meanTokens: round(mean(tokens), 1),
          medianTokens: percentile(tokens, 50),
          surfaced: round(
            (100 * cross.filter((a) => a.blocks[b] !== null).length) / cross.length,
            1,
          ),
        };
      }),
      seconds,
    };
  }

  if (options.longmemeval) {
    const sessions = options.paddedSessions ?? 40;
    const all = paddedHaystacks(options.longmemeval, sessions).filter((h) => h.queries.length > 0);
    const haystacks = all.slice(...(options.longmemevalSlice ?? [0, all.length]));
    const asked: Asked[] = [];
    const seconds = { store: 0, questions: 0 };
    const questionDates = new Map(
      options.longmemeval.map((q) => [q.question_id, q.question_date] as const),
    );
    const askedAt: AskedAt = (haystack) => {
      const date = questionDates.get(haystack.id);
      return date ? new Date(parseLongMemEvalDate(date)) : afterLastTurn(haystack);
    };
    // The same batches as the retrieval suite, so a kept database serves both.
    for (let from = 0; from < haystacks.length; from += 40) {
      await withBatchCore(
        {
          batch: haystacks.slice(from, from + 40),
          label,
          embedder,
          name: 'longmemeval-padded',
          chatModel: chatModel(),
          clock,
          ...reuse(options),
          log,
        },
        async (core, ingested, storeSeconds) => {
          seconds.store += storeSeconds;
          const started = performance.now();
          asked.push(
            ...(await askAll({ core, clock, askedAt }, ingested, (data) => data, budgets)),
          );
          seconds.questions += (performance.now() - started) / 1000;
        },
      );
      log(
        `Surfacing [${label}]: LongMemEval ${Math.min(from + 40, haystacks.length)} of ${haystacks.length} (stored in ${round(seconds.store, 1)} s so far)`,
      );
    }
    result.longmemeval = {
      ...score(asked, budgets),
      sessions,
      haystacks: haystacks.length,
      ofHaystacks: all.length,
      seconds: { store: round(seconds.store, 1), questions: round(seconds.questions, 1) },
    };
  }
  return result;
}

function elapsed(started: number): number {
  return round((performance.now() - started) / 1000, 1);
}

function reuse(options: SurfacingBenchOptions) {
  return options.reuseDir ? { reuseDir: options.reuseDir } : {};
}

/**
 * Every haystack's questions asked of `target`'s memory at each budget, at
 * the question's own date. Budget by budget, so each agent's setting
 * changes once per budget.
 */
async function askAll(
  { core, clock, askedAt }: { core: Core; clock: FakeClock; askedAt: AskedAt },
  ingested: readonly Ingested[],
  target: (data: Ingested, i: number) => Ingested,
  budgets: readonly number[],
): Promise<Asked[]> {
  const asked: Asked[] = ingested.flatMap((data) =>
    data.haystack.queries.map((query) => ({ query, blocks: [], turns: [] })),
  );
  for (const [b, budget] of budgets.entries()) {
    let q = 0;
    for (const [i, data] of ingested.entries()) {
      const memory = target(data, i);
      await setBudget(core, memory.agentId, budget);
      for (const query of data.haystack.queries) {
        clock.set(askedAt(data.haystack));
        const block = await askThroughTurn(core, memory.agentId, query.text);
        const entry = asked[q++] as Asked;
        entry.blocks[b] = block;
        entry.turns[b] = await turnsOf(core, memory, block);
      }
    }
  }
  return asked;
}

async function setBudget(core: Core, agentId: string, budget: number): Promise<void> {
  const agent = await core.agents.get(agentId);
  await core.agents.update(agentId, {
    model: { ...agent.model, surfacingTokens: budget },
    // Consolidation would add memories between questions.
    memory: { ...agent.memory, consolidation: 'paused' },
  });
}

/**
 * One question as the user's message in a new conversation: the block the
 * runtime stored after it (null when nothing surfaced). The conversation is
 * deleted afterwards so no question becomes memory for the next.
 */
async function askThroughTurn(
  core: Core,
  agentId: string,
  text: string,
): Promise<SurfacedBlock | null> {
  const conversation = await core.conversations.create(agentId, 'surfacing bench');
  try {
    await core.runtime.send(agentId, text, { conversationId: conversation.id, maxSteps: 1 });
    const ids = await core.conversations.getContextMessageIds(conversation.id);
    const stored = (await core.recall.getMany(ids)).filter((m) => m.kind === MEMORIES_KIND);
    if (stored.length > 1) throw new Error('A turn stored more than one memories block.');
    return stored[0] ? parseSurfacedBlock(stored[0].content) : null;
  } finally {
    await core.conversations.remove(conversation.id);
  }
}

/** The haystack turns a block's items came from. */
async function turnsOf(
  core: Core,
  data: Ingested,
  block: SurfacedBlock | null,
): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const item of block?.items ?? []) {
    const turn =
      item.tier === 'recall'
        ? data.messageTurns.get(item.id)
        : (await core.archival.get(item.id)).source.ref;
    if (turn) ids.add(turn);
  }
  return ids;
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
      const byKind: BudgetScore['byKind'] = {};
      for (const kind of new Set(asked.map((a) => a.query.kind))) {
        const of = evidence.filter((_, i) => asked[i]?.query.kind === kind);
        byKind[kind] = { questions: of.length, evidence: round(100 * mean(of), 1) };
      }
      return {
        budget,
        questions: asked.length,
        evidence: round(100 * mean(evidence), 1),
        medianTokens: percentile(tokens, 50),
        meanTokens: round(mean(tokens), 1),
        surfaced: round((100 * asked.filter((a) => a.blocks[b] !== null).length) / asked.length, 1),
        byKind,
      };
    }),
  };
}
