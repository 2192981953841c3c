import path from 'node:path';
import { Memory } from 'mem0ai/oss';
import type { PeerSystem } from '../systems/peer-store';

/**
 * mem0 OSS with infer off (each text stored as given, no LLM call), its
 * SQLite-backed in-process vector store, and an embedder that hands it the
 * suite's vectors. MEM0_TELEMETRY=false keeps it off the network; it wants an
 * LLM configured even though infer off never calls one.
 */
export const mem0System: PeerSystem = {
  name: 'mem0 OSS (SQLite), infer off',
  async open(dir, vectorOf) {
    process.env.MEM0_TELEMETRY = 'false';
    const memory = new Memory({
      embedder: {
        provider: 'langchain',
        config: {
          model: {
            embedQuery: async (text: string) => Array.from(vectorOf(text)),
            embedDocuments: async (texts: string[]) => texts.map((t) => Array.from(vectorOf(t))),
          },
        },
      },
      vectorStore: {
        provider: 'memory',
        config: {
          collectionName: 'memories',
          dimension: 512,
          dbPath: path.join(dir, 'vector_store.db'),
        },
      },
      llm: { provider: 'openai', config: { apiKey: 'unused-infer-is-off', model: 'unused' } },
      historyDbPath: path.join(dir, 'history.db'),
    } as ConstructorParameters<typeof Memory>[0]);
    return {
      async insert(rows) {
        for (const row of rows) {
          await memory.add(row.text, {
            userId: `group-${row.group}`,
            infer: false,
            metadata: { ref: row.id },
          });
        }
      },
      async finish() {},
      async search(query, k) {
        const found = (await memory.search(query.text, {
          filters: { user_id: `group-${query.group}` },
          topK: k,
          threshold: 0,
        })) as { results: Array<{ metadata?: { ref?: string } }> };
        return found.results.map((r) => r.metadata?.ref ?? '');
      },
      async close() {},
    };
  },
};
