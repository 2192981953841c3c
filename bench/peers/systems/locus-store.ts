import { createCore } from '../../../src/core/create-core';
import type { Embedder } from '../../../src/core/models/embedder';
import { loadBuiltinEmbedder } from '../../../src/core/models/builtin-embedder';
import type { PeerStore, PeerSystem } from './peer-store';

/**
 * What embeds the texts Locus embeds itself (queries, and its reference
 * sentences unless the folder's cache holds them): the suite's cached
 * vectors, or with LOCUS_BENCH_QUERY_MODEL the built-in sentence model as the
 * app runs it (`builtin`), or with TF.js loaded from the start (`builtin-tfjs`,
 * as every call ran before the JavaScript forward pass), to measure what the
 * model adds to a search process. Same model as the cached vectors, so the
 * stored ones stay valid.
 */
async function queryEmbedder(cached: Embedder): Promise<Embedder> {
  const mode = process.env.LOCUS_BENCH_QUERY_MODEL;
  if (!mode) return cached;
  const model = await loadBuiltinEmbedder();
  // A call past the forward pass's 256 pieces loads TF.js for every later call.
  if (mode === 'builtin-tfjs')
    await model.embed(Array.from({ length: 4 }, () => 'tea '.repeat(128)));
  return { ...model, name: cached.name };
}

/** Locus through its public core API: archival memory, one agent per group, hybrid search. */
export const locusSystem: PeerSystem = {
  name: 'Locus archival hybrid (PGlite + pgvector)',
  async open(dir, vectorOf) {
    // Locus swallows a failed query embedding and searches by words alone:
    // a text without a cached vector must fail the run, not make it text-only.
    let missing: unknown = null;
    const embedder: Embedder = {
      name: 'use-lite-512',
      dimensions: 512,
      embed: async (texts) => {
        try {
          return texts.map(vectorOf);
        } catch (error) {
          missing ??= error;
          throw error;
        }
      },
      dispose: async () => undefined,
    };
    const core = await createCore({ dataDir: dir, embedder: await queryEmbedder(embedder) });
    const agents = new Map<number, string>();
    for (const agent of await core.agents.list()) {
      const group = /^group-(\d+)$/.exec(agent.name)?.[1];
      if (group !== undefined) agents.set(Number(group), agent.id);
    }
    const agentFor = async (group: number) => {
      let id = agents.get(group);
      if (!id) {
        id = (await core.agents.create({ name: `group-${group}` })).id;
        agents.set(group, id);
      }
      return id;
    };
    const store: PeerStore = {
      async insert(rows) {
        const byGroup = new Map<number, typeof rows>();
        for (const row of rows) byGroup.set(row.group, [...(byGroup.get(row.group) ?? []), row]);
        for (const [group, items] of byGroup) {
          await core.archival.insertMany(
            await agentFor(group),
            items.map((r) => ({ text: r.text, source: { kind: 'message' as const, ref: r.id } })),
          );
        }
      },
      async finish() {},
      async search(query, k) {
        const page = await core.archival.search(await agentFor(query.group), {
          query: query.text,
          limit: k,
        });
        if (missing) throw missing;
        return page.items.map((p) => p.source.ref ?? '');
      },
      close: () => core.dispose(),
    };
    return store;
  },
};
