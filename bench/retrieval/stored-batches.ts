import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../src/core/clock';
import { createCore, type Core } from '../../src/core/create-core';
import type { ChatModel } from '../../src/core/models/chat-model';
import { migrations } from '../../src/core/storage/migrations/registry';
import type { CachingEmbedder } from '../embedding-cache';
import type { Haystack } from './dataset';
import { ingest, type Ingested } from './locus-methods';

/**
 * Runs `fn` on a core holding `batch` (one agent per haystack): stored
 * afresh, or with `reuseDir`, reopened from the database a previous run kept
 * there (development: search changes are then measured in minutes, not an
 * hour). The key covers the migrations, the embedder and the haystacks, so
 * a schema change stores everything again.
 */
export async function withBatchCore(
  options: {
    batch: readonly Haystack[];
    label: string;
    embedder: CachingEmbedder;
    name: string;
    reuseDir?: string;
    log?: (line: string) => void;
    /** For suites that run turns (surfacing). */
    chatModel?: ChatModel;
    /** For suites that ask at the dataset's own dates (surfacing). */
    clock?: Clock;
  },
  fn: (core: Core, ingested: Ingested[], ingestSeconds: number) => Promise<void>,
): Promise<void> {
  const { batch, embedder } = options;
  const stored = options.reuseDir
    ? storedBatch(options.reuseDir, options.name, options.label, batch)
    : null;
  // The core must not dispose the shared caching embedder between batches.
  const core = await createCore({
    embedder: { ...embedder, dispose: async () => undefined },
    ...(stored ? { dataDir: stored.dataDir } : {}),
    ...(options.chatModel ? { chatModel: options.chatModel } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  try {
    const started = performance.now();
    const ingested = stored?.load(batch) ?? (await ingest(core, batch, options.log));
    if (stored && !stored.exists) stored.save(ingested);
    await fn(core, ingested, (performance.now() - started) / 1000);
  } finally {
    await core.dispose();
  }
}

/** A batch's database kept between runs (see RetrievalRun.reuseDir). */
function storedBatch(dir: string, name: string, label: string, batch: readonly Haystack[]) {
  const key = createHash('sha1')
    .update(JSON.stringify([migrations.map((m) => m.id), label, batch]))
    .digest('hex')
    .slice(0, 12);
  const dataDir = path.join(dir, `${name}-${key}`);
  const index = path.join(dataDir, 'bench-ingested.json');
  const exists = fs.existsSync(index);
  if (!exists) fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    dataDir,
    exists,
    load(haystacks: readonly Haystack[]): Ingested[] | null {
      if (!exists) return null;
      const saved = JSON.parse(fs.readFileSync(index, 'utf8')) as Array<{
        agentId: string;
        messageTurns: Array<[string, string]>;
      }>;
      return haystacks.map((haystack, i) => ({
        haystack,
        agentId: saved[i]?.agentId as string,
        messageTurns: new Map(saved[i]?.messageTurns),
      }));
    },
    save(ingested: Ingested[]): void {
      fs.writeFileSync(
        index,
        JSON.stringify(
          ingested.map((d) => ({ agentId: d.agentId, messageTurns: [...d.messageTurns] })),
        ),
      );
    },
  };
}
