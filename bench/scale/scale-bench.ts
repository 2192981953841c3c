import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../src/core/create-core';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import type { GenerateRequest } from '../../src/core/models/chat-model';
import { createScriptedModel, type Script } from '../../src/core/models/scripted-model';
import { folderBytes } from '../../src/core/storage/buffer-cache';
import { createPassagesRepo } from '../../src/core/storage/repos/passages-repo';
import { createVectorsRepo } from '../../src/core/storage/repos/vectors-repo';
import { round, summarize, timed, type LatencySummary } from '../stats';
import { createTextGenerator } from './synthetic-text';

export interface ScaleOptions {
  /** Cumulative sizes: the same data folder grows from one to the next. */
  sizes: number[];
  queries?: number;
  turns?: number;
  log?: (line: string) => void;
}

export interface ScalePoint {
  passages: number;
  messages: number;
  /** Into a live HNSW index, in batches of 500. */
  bulkInsertPerSecond: number;
  /** Building the HNSW index over everything stored, as after a large re-embed. */
  indexBuildSeconds: number;
  /** Embedding this size's new messages and building their HNSW index (the background indexer). */
  messageIndexSeconds: number;
  singleInsertPerSecond: number;
  search: { hybrid: LatencySummary; vector: LatencySummary; exactVector: LatencySummary };
  /** Share of the exact top-10 the HNSW index returns. */
  hnswRecallAt10: number;
  step: {
    compile: LatencySummary;
    archivalSearch: LatencySummary;
    recallSearch: LatencySummary;
    persist: LatencySummary;
    /** A whole two-step turn (search, then reply) minus the model's own time. */
    turnOverhead: LatencySummary;
    /** Embedding a turn's messages after it, in the background (not part of a step). */
    indexTurn: LatencySummary;
  };
  databaseMb: number;
  rssMb: number;
  openMs: number;
}

const EMBEDDER_DIMENSIONS = 384;
const BATCH = 500;
const BULK_MEASURED = 1000;
const SINGLE_INSERTS = 100;

/** Searches archival memory first, then replies: the retrieval-heavy kind of turn. */
const searchThenReply: Script = (request: GenerateRequest) => {
  // The prompt ends with a system status line; the turn to answer is the last other one.
  const last = request.turns.findLast((turn) => turn.role !== 'system')?.content ?? '';
  if (/^\[archival_memory_search result\]/.test(last)) {
    return { thinking: 'Answering.', tool: 'send_message', arguments: { message: 'Found it.' } };
  }
  return {
    thinking: 'Looking it up.',
    tool: 'archival_memory_search',
    arguments: { query: last.slice(0, 60), request_heartbeat: true },
  };
};

/**
 * The cost of memory as it grows: insert throughput, search latency, the
 * HNSW index's recall against an exact scan, the agent loop's own overhead
 * per step, database size, RSS and open time, at each size.
 */
export async function runScaleBench(options: ScaleOptions) {
  const log = options.log ?? (() => undefined);
  const queries = options.queries ?? 100;
  const turns = options.turns ?? 30;
  const text = createTextGenerator(1);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'locus-bench-scale-'));
  // A slow-but-free model: generation time is timed and subtracted below.
  let modelMs = 0;
  const inner = createScriptedModel({ script: searchThenReply, contextSize: 32_768 });
  const model = {
    ...inner,
    async generate(...args: Parameters<typeof inner.generate>) {
      const { value, ms } = await timed(() => inner.generate(...args));
      modelMs += ms;
      inner.calls.length = 0;
      return value;
    },
  };
  const open = () =>
    createCore({
      dataDir,
      embedder: createFakeEmbedder({ dimensions: EMBEDDER_DIMENSIONS }),
      chatModel: model,
    });
  let core: Core = await open();
  const stored: string[] = [];
  /** Bulk writes the way an import or re-embed does, until `upTo` passages are stored. */
  async function insertBatches(agentId: string, upTo: number) {
    while (stored.length < upTo) {
      const batch = Array.from({ length: Math.min(BATCH, upTo - stored.length) }, () =>
        text.sentence(),
      );
      await core.archival.insertMany(
        agentId,
        batch.map((t) => ({ text: t })),
      );
      stored.push(...batch);
      if (stored.length % 10_000 < BATCH) log(`scale: ${stored.length} passages`);
    }
  }
  const points: ScalePoint[] = [];
  try {
    const agent = await core.agents.getOrCreateDefault();
    let messages = 0;
    for (const size of [...options.sizes].sort((a, b) => a - b)) {
      // Seeding writes without the vector index and builds it once, as a
      // large re-embed does; insert throughput is then measured on the last
      // passages with the index live, as a user's writes meet it.
      const seeding = createVectorsRepo(core.database.pg, 'passages');
      const bulkTarget = size - SINGLE_INSERTS;
      const measured = Math.min(BULK_MEASURED, Math.floor((bulkTarget - stored.length) / 2));
      await seeding.dropVectorIndex();
      await insertBatches(agent.id, bulkTarget - measured);
      const indexBuild = await timed(() => seeding.createVectorIndex());
      const bulkStart = performance.now();
      await insertBatches(agent.id, bulkTarget);
      const bulkRate = measured / ((performance.now() - bulkStart) / 1000);
      // Single: one passage per call, like archival_memory_insert.
      const singleStart = performance.now();
      while (stored.length < size) {
        const sentence = text.sentence();
        await core.archival.insert(agent.id, { text: sentence });
        stored.push(sentence);
      }
      const singleRate = SINGLE_INSERTS / ((performance.now() - singleStart) / 1000);

      // Recall memory of the same size, written in transactions of 1000.
      while (messages < size) {
        const n = Math.min(1000, size - messages);
        await core.database.pg.transaction(async (tx) => {
          for (let i = 0; i < n; i++) {
            await core.recall.append(
              agent.id,
              { role: i % 2 ? 'assistant' : 'user', content: text.sentence() },
              tx,
            );
          }
        });
        messages += n;
      }
      // The background indexer embeds them, dropping and rebuilding the
      // index for a backlog this large, as after an upgrade or an import.
      const messageIndex = await timed(() => core.indexer.drain());
      // Measured as the app would open this folder: the buffer cache is
      // sized from the folder when it opens (storage/buffer-cache.ts).
      await core.dispose();
      const databaseMb = round(folderBytes(dataDir) / 2 ** 20, 1);
      const reopened = await timed(open);
      core = reopened.value;
      log(`scale: measuring at ${size} passages and messages`);
      const repo = createPassagesRepo(core.database.pg);

      const hybrid: number[] = [];
      const vector: number[] = [];
      const exact: number[] = [];
      let overlap = 0;
      for (let q = 0; q < queries; q++) {
        const query = text.queryFrom(text.pick(stored));
        hybrid.push((await timed(() => core.archival.search(agent.id, { query, limit: 10 }))).ms);
        const approx = await timed(() =>
          core.archival.search(agent.id, { query, limit: 10, mode: 'vector' }),
        );
        vector.push(approx.ms);
        const [embedding] = await core.embedder.embed([query]);
        const truth = await timed(() =>
          repo.nearestExact({ agentId: agent.id }, embedding as Float32Array, 10),
        );
        exact.push(truth.ms);
        const found = new Set(approx.value.items.map((p) => p.id));
        overlap +=
          truth.value.filter((id) => found.has(id)).length / Math.max(1, truth.value.length);
      }

      const compile: number[] = [];
      const archivalSearch: number[] = [];
      const recallSearch: number[] = [];
      const persist: number[] = [];
      const overhead: number[] = [];
      const indexTurn: number[] = [];
      for (let t = 0; t < turns; t++) {
        const query = text.queryFrom(text.pick(stored));
        compile.push((await timed(() => core.runtime.preview(agent.id))).ms);
        archivalSearch.push(
          (await timed(() => core.archival.search(agent.id, { query, limit: 10 }))).ms,
        );
        recallSearch.push(
          (await timed(() => core.recall.search(agent.id, { query, limit: 10 }))).ms,
        );
        persist.push(
          (
            await timed(() =>
              core.recall.append(agent.id, {
                role: 'system',
                kind: 'event',
                content: `probe ${t}`,
              }),
            )
          ).ms,
        );
        modelMs = 0;
        const turn = await timed(() => core.runtime.send(agent.id, `Do you remember ${query}?`));
        // Anything but search-then-reply would measure some other kind of turn.
        if (turn.value.stopReason !== 'replied' || turn.value.steps !== 2) {
          throw new Error(
            `scale: a turn took ${turn.value.steps} steps (${turn.value.stopReason}), expected a search then a reply`,
          );
        }
        // A turn is two steps; per step is what the target is about.
        overhead.push((turn.ms - modelMs) / Math.max(1, turn.value.steps));
        // The indexer embeds the turn's messages while a user would read the
        // reply; waiting here keeps it out of the next turn's steps.
        indexTurn.push((await timed(() => core.indexer.idle())).ms);
      }
      messages = await core.recall.count(agent.id);

      const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
      points.push({
        passages: stored.length,
        messages,
        bulkInsertPerSecond: Math.round(bulkRate),
        indexBuildSeconds: round(indexBuild.ms / 1000, 1),
        messageIndexSeconds: round(messageIndex.ms / 1000, 1),
        singleInsertPerSecond: Math.round(singleRate),
        search: {
          hybrid: summarize(hybrid),
          vector: summarize(vector),
          exactVector: summarize(exact),
        },
        hnswRecallAt10: round(overlap / queries, 3),
        step: {
          compile: summarize(compile),
          archivalSearch: summarize(archivalSearch),
          recallSearch: summarize(recallSearch),
          persist: summarize(persist),
          turnOverhead: summarize(overhead),
          indexTurn: summarize(indexTurn),
        },
        databaseMb,
        rssMb,
        openMs: Math.round(reopened.ms),
      });
      log(`scale: ${JSON.stringify(points.at(-1))}`);
    }
  } finally {
    await core.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { embedder: `fake-hash-${EMBEDDER_DIMENSIONS}`, queries, turns, points };
}
