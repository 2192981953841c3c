import type { Clock } from '../clock';
import { newId } from '../ids';
import type { ArchivalMemory } from '../memory/archival-memory';
import type { CoreMemory } from '../memory/core-memory';
import type { ChatModel } from '../models/chat-model';
import { capStrings } from '../agent/response-format';
import { createActivityRepo } from '../storage/repos/activity-repo';
import { createBlocksRepo } from '../storage/repos/blocks-repo';
import { createConsolidationRepo, type SaidMessage } from '../storage/repos/consolidation-repo';
import type { Db } from '../storage/sql';
import { HUMAN_BLOCK, applyFacts, type ApplyReport } from './apply-facts';
import { applyDueChanges, type TookEffect } from './upcoming-changes';
import { EXTRACTION_SCHEMA, extractionTurns, parseExtraction } from './extraction';

export interface ConsolidationDeps {
  db: Db;
  clock: Clock;
  coreMemory: CoreMemory;
  archival: ArchivalMemory;
  /** The loaded model (the chat's own), or null. */
  getModel: () => ChatModel | null;
  /** The agent's current system turn: opening with it keeps the chat's KV cache valid. */
  systemTurn?: (agentId: string) => Promise<string | undefined>;
  /** Caps strings and integers in the grammar; only for tiny test models. */
  maxStringLength?: number;
}

export interface PassOptions {
  signal?: AbortSignal;
  /** After each batch is applied. */
  onBatch?: (progress: { messages: number; facts: number }) => void;
}

export interface PassResult {
  /** done: nothing left; aborted: preempted (resumes later); no_model: nothing to run it with. */
  stopped: 'done' | 'aborted' | 'no_model';
  batches: number;
  messages: number;
  facts: ApplyReport;
  /** Changes told earlier whose date had come, made current by this pass. */
  tookEffect: TookEffect[];
}

/** Messages per model call: a few turns keep the prompt short for a small model. */
const BATCH_MESSAGES = 8;
/** And at most about this many characters of them (the first always goes in, cut to this). */
const BATCH_CHARS = 2400;
/** Stored facts shown as correctable (P1…). */
const CANDIDATES = 5;
/** Tokens kept free for the reply: six short facts fit in well under this. */
const REPLY_TOKENS = 600;

function takeBatch(messages: SaidMessage[]): SaidMessage[] {
  const batch: SaidMessage[] = [];
  let chars = 0;
  for (const m of messages) {
    if (batch.length > 0 && chars + m.text.length > BATCH_CHARS) break;
    const text = m.text.length > BATCH_CHARS ? `${m.text.slice(0, BATCH_CHARS)}…` : m.text;
    batch.push({ ...m, text });
    chars += text.length;
  }
  return batch;
}

const emptyReport = (): ApplyReport => ({
  added: 0,
  replaced: 0,
  saved: 0,
  superseded: 0,
  moved: 0,
  duplicates: 0,
});

/**
 * One consolidation pass over an agent's messages not yet consolidated
 * (those of conversations it may remember), batch by batch, each batch from
 * one conversation: the local model extracts facts under a JSON-schema grammar,
 * and each batch's facts are applied together with the cursor advance in one
 * transaction, so a crash or a preemption loses at most the batch in flight
 * (done again later) and nothing is applied twice.
 */
export async function consolidate(
  deps: ConsolidationDeps,
  agentId: string,
  options: PassOptions = {},
): Promise<PassResult> {
  const { db, clock, coreMemory, archival } = deps;
  const { signal } = options;
  const schema = deps.maxStringLength
    ? capStrings(EXTRACTION_SCHEMA as unknown as Record<string, unknown>, deps.maxStringLength)
    : (EXTRACTION_SCHEMA as unknown as Record<string, unknown>);
  const result: PassResult = {
    stopped: 'done',
    batches: 0,
    messages: 0,
    facts: emptyReport(),
    tookEffect: [],
  };
  const repo = createConsolidationRepo(db);

  // Changes told earlier whose date has come are known before the new messages are read.
  if (!signal?.aborted) {
    const due = await applyDueChanges({ db, clock, coreMemory, archival }, agentId);
    result.tookEffect = due;
    if (due.length > 0) options.onBatch?.({ messages: 0, facts: due.length });
  }
  for (;;) {
    if (signal?.aborted) return { ...result, stopped: 'aborted' };
    const next = await repo.next(agentId);
    if (!next) return result;
    const batch = takeBatch(await repo.after(next.conversationId, next.cursor, BATCH_MESSAGES));
    const last = batch.at(-1);
    if (!last) return result;

    let facts: ReturnType<typeof parseExtraction> = [];
    let lines: string[] = [];
    const human = (await createBlocksRepo(db).getByLabel(agentId, HUMAN_BLOCK)) ?? null;
    let passages: Awaited<ReturnType<ArchivalMemory['getMany']>> = [];
    // Only what the user said can hold new facts worth a model call.
    const userText = batch
      .filter((m) => m.role === 'user')
      .map((m) => m.text)
      .join(' ');
    if (userText.trim()) {
      const model = deps.getModel();
      if (!model) return { ...result, stopped: 'no_model' };
      const found = await archival.search(agentId, { query: userText.slice(0, 1000), limit: 10 });
      passages = found.items.filter((p) => p.supersededBy === null).slice(0, CANDIDATES);
      const input = {
        messages: batch,
        lines: human ? human.value.split('\n').filter((l) => l.trim()) : [],
        passages,
      };
      let turns = extractionTurns(input, await deps.systemTurn?.(agentId));
      // A long conversation's system turn may not leave room: then the task alone.
      if ((await model.countTokens(turns)) > model.contextSize - REPLY_TOKENS) {
        turns = extractionTurns(input);
      }
      const reply = await model.generate(
        {
          purpose: 'consolidate',
          turns,
          responseSchema: schema,
          maxTokens: REPLY_TOKENS,
          temperature: 0.1,
        },
        signal ? { signal } : {},
      );
      if (signal?.aborted || reply.stopReason === 'aborted') {
        return { ...result, stopped: 'aborted' };
      }
      facts = parseExtraction(reply.text, batch.length);
      lines = input.lines;
    }

    const batchId = newId('batch');
    const report = await db.transaction(async (tx) => {
      const applied = await applyFacts(
        { tx, clock, coreMemory, archival },
        { agentId, messages: batch, facts, human, lines, passages, batchId },
      );
      const changes = applied.added + applied.replaced + applied.saved + applied.superseded;
      if (changes > 0) {
        const parts = [
          applied.added && `${applied.added} added to ${HUMAN_BLOCK}`,
          applied.replaced && `${applied.replaced} corrected`,
          applied.saved && `${applied.saved} saved to archival memory`,
          applied.moved && `${applied.moved} lines moved to archival memory`,
        ].filter(Boolean);
        await createActivityRepo(tx).insert({
          agentId,
          at: clock.now().toISOString(),
          actor: 'consolidation',
          action: 'consolidate',
          target: { kind: 'agent', id: agentId, label: null },
          summary: `Consolidated ${batch.length} message${batch.length === 1 ? '' : 's'}: ${parts.join(', ')}`,
          undo: { type: 'batch' },
          batchId,
        });
      }
      await createConsolidationRepo(tx).advance(
        agentId,
        next.conversationId,
        last.seq,
        clock.now().toISOString(),
      );
      return applied;
    });
    result.batches++;
    result.messages += batch.length;
    for (const key of Object.keys(report) as Array<keyof ApplyReport>) {
      result.facts[key] += report[key];
    }
    options.onBatch?.({ messages: result.messages, facts: facts.length });
  }
}
