import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeTinyGguf } from '../../test/fixtures/make-tiny-gguf';
import { createCore } from '../../src/core/create-core';
import { loadLlamaChatModel } from '../../src/core/models/llama-chat-model';
import { mean, round } from '../stats';
import {
  parseSurfacedBlock,
  renderSurfacedBlock,
  type SurfacedBlock,
} from '../../src/shared/surfaced-memories';
import { SEED_NOTES, seededTurnMessage } from './seed-notes';
import { MEMORY_EDIT_TOOLS } from '../../src/shared/tool-kinds';

export interface TokenReuseOptions {
  turns: number;
  threads: number;
  /** The agent's surfacing budget; defaults to the agent default. 0 turns surfacing off. */
  surfacingTokens?: number;
  log?: (line: string) => void;
}

export interface StepUsage {
  turn: number;
  step: number;
  promptTokens: number;
  evaluatedTokens: number;
  reusedTokens: number;
  /** Tokens the prompt grew by since the previous step (its reply included). */
  newTokens: number;
  /** Core memory was edited or the context summarised just before this step. */
  memoryChanged: boolean;
}

export interface TurnSurfacing {
  turn: number;
  /** Memories given to the turn's message. */
  items: number;
  /** The block's prompt tokens by the model's own tokenizer (0 without a block). */
  modelTokens: number;
  /** The same by Locus's estimate (what budgets count). */
  estimatedTokens: number;
}

// Edits of core memory change the prompt from that section on; an archival
// insert changes nothing the model is shown.
const MEMORY_TOOLS = new Set(
  [...MEMORY_EDIT_TOOLS].filter((name) => name !== 'archival_memory_insert'),
);

/**
 * Prompt tokens evaluated vs reused per step over a scripted conversation on
 * the tiny generated GGUF, through the real node-llama-cpp path. Its words are
 * noise, but the prompt layout and the KV cache are the real ones. The user
 * asks about notes stored beforehand, so surfacing's cost is part of it.
 */
export async function runTokenReuseBench(options: TokenReuseOptions) {
  const log = options.log ?? (() => undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locus-bench-tokens-'));
  const contextSize = 16_384;
  const file = writeTinyGguf(path.join(dir, 'tiny.gguf'), { contextLength: contextSize });
  const model = await loadLlamaChatModel({
    modelPath: file,
    contextSize,
    threads: options.threads,
    gpu: false,
  });
  const core = await createCore({ chatModel: model, maxStringLength: 24 });
  const steps: StepUsage[] = [];
  const blocks: Array<{ turn: number; block: SurfacedBlock | null }> = [];
  const surfaced: TurnSurfacing[] = [];
  try {
    let agent = await core.agents.getOrCreateDefault();
    agent = await core.agents.update(agent.id, {
      model: {
        ...agent.model,
        ...(options.surfacingTokens !== undefined
          ? { surfacingTokens: options.surfacingTokens }
          : {}),
      },
      // Consolidation edits core memory between turns, unseen by the step
      // counters below; the tool-call and summary cases already measure
      // what a memory edit costs.
      memory: { ...agent.memory, consolidation: 'paused' },
    });
    await core.archival.insertMany(
      agent.id,
      SEED_NOTES.map((note) => ({ text: note.text, source: { kind: 'capture', ref: null } })),
    );
    let previousTotal = 0;
    let memoryChanged = false;
    for (let turn = 1; turn <= options.turns; turn++) {
      await core.runtime.send(agent.id, seededTurnMessage(turn), {
        maxSteps: 2,
        onEvent: (event) => {
          if (event.type === 'message' && event.message.kind === 'memories') {
            blocks.push({ turn, block: parseSurfacedBlock(event.message.content) });
          }
          if (event.type === 'summarized') memoryChanged = true;
          if (event.type === 'message' && event.message.role === 'assistant') {
            const call = event.message.toolCalls?.[0];
            if (call && MEMORY_TOOLS.has(call.name)) memoryChanged = true;
          }
          if (event.type === 'usage') {
            const u = event.usage;
            steps.push({
              turn,
              step: event.step,
              promptTokens: u.promptTokens,
              evaluatedTokens: u.evaluatedTokens,
              reusedTokens: u.reusedTokens,
              newTokens: Math.max(0, u.promptTokens - previousTotal),
              memoryChanged,
            });
            previousTotal = u.promptTokens + u.completionTokens;
            memoryChanged = false;
          }
        },
      });
      const block = blocks.find((b) => b.turn === turn)?.block ?? null;
      surfaced.push({
        turn,
        items: block?.items.length ?? 0,
        modelTokens: block
          ? await model.countTokens([{ role: 'user', content: renderSurfacedBlock(block) }])
          : 0,
        estimatedTokens: block?.tokens ?? 0,
      });
      if (turn % 10 === 0) log(`tokens: ${turn}/${options.turns} turns`);
    }
  } finally {
    await core.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The first step has nothing to reuse; steps after memory edits re-evaluate
  // from the change on, as they must.
  const steady = steps.slice(1).filter((s) => !s.memoryChanged);
  const changed = steps.slice(1).filter((s) => s.memoryChanged);
  const share = (xs: StepUsage[]) =>
    round(
      xs.reduce((a, s) => a + s.reusedTokens, 0) /
        Math.max(
          1,
          xs.reduce((a, s) => a + s.promptTokens, 0),
        ),
      3,
    );
  return {
    model: 'tiny random-weight GGUF (byte-level vocabulary), node-llama-cpp',
    contextSize,
    turns: options.turns,
    steps: steps.length,
    unchangedMemory: {
      steps: steady.length,
      meanPromptTokens: Math.round(mean(steady.map((s) => s.promptTokens))),
      meanNewTokens: Math.round(mean(steady.map((s) => s.newTokens))),
      meanEvaluatedTokens: Math.round(mean(steady.map((s) => s.evaluatedTokens))),
      reusedShare: share(steady),
    },
    changedMemory: {
      steps: changed.length,
      meanPromptTokens: Math.round(mean(changed.map((s) => s.promptTokens))),
      meanEvaluatedTokens: Math.round(mean(changed.map((s) => s.evaluatedTokens))),
      reusedShare: share(changed),
    },
    surfacing: {
      turnsWithMemories: surfaced.filter((s) => s.items > 0).length,
      meanModelTokensPerTurn: Math.round(mean(surfaced.map((s) => s.modelTokens))),
      meanEstimatedTokensPerTurn: Math.round(mean(surfaced.map((s) => s.estimatedTokens))),
      /**
       * Evaluated minus new tokens on steps after a turn's first, memory
       * unchanged: the block sits in the user's turn, rendered identically
       * on every step, so it is never evaluated again (this stays what the
       * status line and the previous reply cost).
       */
      laterStepsEvaluatedOverNew: Math.round(
        mean(steady.filter((s) => s.step > 1).map((s) => s.evaluatedTokens - s.newTokens)),
      ),
      /**
       * The same on a turn's first step, whose new tokens include the block:
       * about equal to the later steps' figure when the block costs only
       * itself (it does not invalidate the cache before it).
       */
      firstStepsEvaluatedOverNew: Math.round(
        mean(steady.filter((s) => s.step === 1).map((s) => s.evaluatedTokens - s.newTokens)),
      ),
    },
    perTurnSurfacing: surfaced,
    perStep: steps,
  };
}
