import { createCore } from '../../../src/core/create-core';
import type { Embedder } from '../../../src/core/models/embedder';
import type { PeerStore, PeerSystem } from './peer-store';

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
    const core = await createCore({ dataDir: dir, embedder });
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
