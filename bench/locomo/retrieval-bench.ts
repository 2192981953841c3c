import { createCore, type Core } from '../../src/core/create-core';
import type { Embedder } from '../../src/core/models/embedder';
import type { SearchMode } from '../../src/core/storage/repos/passages-repo';
import { cachedEmbedder } from '../cached-embedder';
import type { Conversation, Question } from './locomo-data';
import { KS, scoreMethod as scoreAll, type MethodScore } from './evidence-recall';

export interface EmbedderSpec {
  label: string;
  create: () => Promise<Embedder>;
}

export interface RetrievalOptions {
  conversations: Conversation[];
  embedders: EmbedderSpec[];
  log?: (line: string) => void;
}

export interface RetrievalResult {
  conversations: number;
  turns: number;
  questions: number;
  droppedEvidence: number;
  methods: MethodScore[];
  /** Per embedder: seconds spent embedding and storing the turns. */
  ingestSeconds: Record<string, number>;
}

const TOP = Math.max(...KS);

interface Scored {
  /** Index of the conversation in the run. */
  conversation: number;
  question: Question;
  retrieved: string[];
}

interface Ingested {
  conversation: Conversation;
  agentId: string;
  /** recall message id -> dia_id */
  messageTurns: Map<string, string>;
}

/** Stores every turn as a recall message and as an archival passage whose source is its dia_id. */
async function ingest(core: Core, conversation: Conversation): Promise<Ingested> {
  const agent = await core.agents.create({ name: `locomo-${conversation.id}` });
  const messageTurns = new Map<string, string>();
  const speakers = [...new Set(conversation.turns.map((t) => t.speaker))];
  for (const turn of conversation.turns) {
    const message = await core.recall.append(agent.id, {
      role: turn.speaker === speakers[0] ? 'user' : 'assistant',
      content: turn.text,
      createdAt: turn.at,
    });
    messageTurns.set(message.id, turn.diaId);
  }
  // One batch per session keeps embedding efficient, like a bulk import.
  const sessions = new Map<string, typeof conversation.turns>();
  for (const turn of conversation.turns) {
    const session = turn.diaId.split(':')[0] as string;
    sessions.set(session, [...(sessions.get(session) ?? []), turn]);
  }
  for (const turns of sessions.values()) {
    await core.archival.insertMany(
      agent.id,
      turns.map((t) => ({
        text: t.text,
        source: { kind: 'message', ref: t.diaId },
        createdAt: t.at,
      })),
    );
  }
  return { conversation, agentId: agent.id, messageTurns };
}

async function searchArchival(core: Core, data: Ingested, question: Question, mode: SearchMode) {
  const page = await core.archival.search(data.agentId, {
    query: question.question,
    limit: TOP,
    mode,
  });
  return page.items.map((p) => p.source.ref ?? '');
}

async function searchRecall(core: Core, data: Ingested, question: Question, mode: SearchMode) {
  const page = await core.recall.search(data.agentId, {
    query: question.question,
    limit: TOP,
    mode,
  });
  return page.items.map((m) => data.messageTurns.get(m.id) ?? '');
}

export async function runRetrievalBench(options: RetrievalOptions): Promise<RetrievalResult> {
  const log = options.log ?? (() => undefined);
  const { conversations } = options;
  const questions = conversations.flatMap((c) => c.questions);
  const methods: MethodScore[] = [];
  const ingestSeconds: Record<string, number> = {};
  for (const [index, spec] of options.embedders.entries()) {
    log(`LoCoMo: loading embedder ${spec.label}`);
    const embedder = cachedEmbedder(await spec.create());
    const core = await createCore({ embedder });
    try {
      const started = performance.now();
      const ingested: Ingested[] = [];
      for (const conversation of conversations) {
        ingested.push(await ingest(core, conversation));
        log(
          `LoCoMo [${spec.label}]: stored ${conversation.id} (${conversation.turns.length} turns)`,
        );
      }
      // What the background indexer does after each turn, all at once.
      await core.indexer.drain();
      ingestSeconds[spec.label] = Math.round((performance.now() - started) / 100) / 10;
      await embedder.prime(questions.map((q) => q.question));

      const run = async (fn: (data: Ingested, q: Question) => Promise<string[]>) => {
        const results: Scored[] = [];
        for (const [conversation, data] of ingested.entries()) {
          for (const question of data.conversation.questions) {
            results.push({ conversation, question, retrieved: await fn(data, question) });
          }
        }
        return results;
      };
      const half = Math.ceil(ingested.length / 2);
      const scoreMethod = (method: string, results: Scored[]): MethodScore => ({
        ...scoreAll(method, results),
        ...(ingested.length > 1
          ? {
              halves: [
                scoreAll(
                  method,
                  results.filter((r) => r.conversation < half),
                ).overall,
                scoreAll(
                  method,
                  results.filter((r) => r.conversation >= half),
                ).overall,
              ],
            }
          : {}),
      });
      // Full-text ranking does not depend on the embedder: measure it once.
      if (index === 0) {
        methods.push(
          scoreMethod(
            'Locus full-text (archival)',
            await run((d, q) => searchArchival(core, d, q, 'text')),
          ),
        );
        methods.push(
          scoreMethod(
            'Locus recall search, words only',
            await run((d, q) => searchRecall(core, d, q, 'text')),
          ),
        );
      }
      methods.push(
        scoreMethod(
          `Locus recall search (conversation_search), ${spec.label}`,
          await run((d, q) => searchRecall(core, d, q, 'hybrid')),
        ),
      );
      methods.push(
        scoreMethod(
          `Locus vector, ${spec.label}`,
          await run((d, q) => searchArchival(core, d, q, 'vector')),
        ),
      );
      methods.push(
        scoreMethod(
          `Locus hybrid, ${spec.label}`,
          await run((d, q) => searchArchival(core, d, q, 'hybrid')),
        ),
      );
      log(`LoCoMo [${spec.label}]: scored ${questions.length} questions`);
    } finally {
      await core.dispose();
    }
  }
  return {
    conversations: conversations.length,
    turns: conversations.reduce((n, c) => n + c.turns.length, 0),
    questions: questions.length,
    droppedEvidence: conversations.reduce((n, c) => n + c.droppedEvidence, 0),
    methods,
    ingestSeconds,
  };
}

/** Published evidence recall on categories 1-4 (see docs/benchmarks.md for the sources). */
export const PUBLISHED_BASELINES: Array<{ method: string; overall: Record<string, number> }> = [
  {
    method: 'BM25 over turns (published)',
    overall: { 'r@5': 50.1, 'r@10': 56.8, 'r@25': 65.1, 'r@50': 69.8 },
  },
  {
    method: 'LoCoMo dialog retriever (published)',
    overall: { 'r@5': 58.8, 'r@10': 67.5, 'r@25': 79.9, 'r@50': 84.8 },
  },
];
