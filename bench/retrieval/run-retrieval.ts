import type { CachingEmbedder } from '../embedding-cache';
import { createTextbookBm25, createVectorBaseline } from './baselines';
import type { Haystack } from './dataset';
import { archivalMethod, recallMethod, type LocusMethod } from './locus-methods';
import { withBatchCore } from './stored-batches';
import { scoreMethod, type MethodScore, type Retrieved } from './recall-at-k';

export interface RetrievalEmbedder {
  /** Shown in method names, e.g. "USE-lite-512". */
  label: string;
  embedder: CachingEmbedder;
}

export interface RetrievalRun {
  haystacks: readonly Haystack[];
  embedders: readonly RetrievalEmbedder[];
  ks: readonly number[];
  /** Kinds of question, in table order. */
  kinds: readonly string[];
  /** Haystacks stored per database (bounds memory on large sets); defaults to all. */
  perDatabase?: number;
  /**
   * Keep each batch's database in this folder and reopen it on the next run
   * instead of storing everything again (for development: search changes
   * are measured in minutes instead of an hour). Keyed by the migrations,
   * the embedder and the haystacks, so a schema change stores afresh.
   */
  reuseDir?: string;
  /** Names the haystack set in reuse keys, e.g. "longmemeval-padded". */
  name?: string;
  log?: (line: string) => void;
}

export interface RetrievalResult {
  haystacks: number;
  turns: number;
  questions: number;
  methods: MethodScore[];
  /** Seconds spent storing and indexing the haystacks, per embedder. */
  ingestSeconds: Record<string, number>;
}

/** Method names, shared by every dataset so tables line up. */
export const METHOD = {
  textbookBm25: 'Textbook BM25 (k1 1.2, b 0.75)',
  vectorOnly: (label: string) => `Vector only, exact, ${label}`,
  archivalText: 'Locus full-text (archival)',
  recallText: 'Locus recall search, words only',
  recallHybrid: (label: string) => `Locus recall search (conversation_search), ${label}`,
  archivalVector: (label: string) => `Locus vector, ${label}`,
  archivalHybrid: (label: string) => `Locus hybrid, ${label}`,
};

/**
 * Asks every question of its own haystack with each method: the two
 * baselines computed here in the same run (textbook BM25, exact vector
 * search) and Locus's searches over a real core. Methods that do not depend
 * on the embedder run once, with the first.
 */
export async function runRetrieval(run: RetrievalRun): Promise<RetrievalResult> {
  const log = run.log ?? (() => undefined);
  const top = Math.max(...run.ks);
  const results = new Map<string, Retrieved[]>();
  const add = (method: string, item: Retrieved) => {
    if (!results.has(method)) results.set(method, []);
    results.get(method)?.push(item);
  };
  const ingestSeconds: Record<string, number> = {};
  const perDatabase = run.perDatabase ?? run.haystacks.length;

  for (const [index, haystack] of run.haystacks.entries()) {
    const bm25 = createTextbookBm25(haystack.turns);
    for (const query of haystack.queries) {
      add(METHOD.textbookBm25, {
        haystack: index,
        query,
        retrieved: bm25(query.text).slice(0, top),
      });
    }
  }
  for (const [e, { label, embedder }] of run.embedders.entries()) {
    const methods: Array<[string, LocusMethod]> = [
      ...(e === 0
        ? ([
            [METHOD.archivalText, archivalMethod('text')],
            [METHOD.recallText, recallMethod('text')],
          ] as Array<[string, LocusMethod]>)
        : []),
      [METHOD.recallHybrid(label), recallMethod('hybrid')],
      [METHOD.archivalVector(label), archivalMethod('vector')],
      [METHOD.archivalHybrid(label), archivalMethod('hybrid')],
    ];
    const started = performance.now();
    let searchMs = 0;
    for (let from = 0; from < run.haystacks.length; from += perDatabase) {
      const batch = run.haystacks.slice(from, from + perDatabase);
      // Everything this batch embeds, in large batches, before any search.
      await embedder.prime([
        ...batch.flatMap((h) => h.turns.map((t) => t.text)),
        ...batch.flatMap((h) => h.queries.map((q) => q.text)),
      ]);
      for (const [i, haystack] of batch.entries()) {
        const vectors = await embedder.embed(haystack.turns.map((t) => t.text));
        const nearest = createVectorBaseline(haystack.turns, vectors);
        for (const query of haystack.queries) {
          const [vector] = await embedder.embed([query.text]);
          add(METHOD.vectorOnly(label), {
            haystack: from + i,
            query,
            retrieved: nearest(vector as Float32Array).slice(0, top),
          });
        }
      }
      await withBatchCore(
        {
          batch,
          label,
          embedder,
          name: run.name ?? 'haystacks',
          ...(run.reuseDir ? { reuseDir: run.reuseDir } : {}),
          log: (line) => log(`[${label}] ${line}`),
        },
        async (core, ingested, seconds) => {
          ingestSeconds[label] = (ingestSeconds[label] ?? 0) + seconds;
          const searchStarted = performance.now();
          for (const [name, method] of methods) {
            for (const [i, data] of ingested.entries()) {
              for (const query of data.haystack.queries) {
                add(name, {
                  haystack: from + i,
                  query,
                  retrieved: await method(core, data, query, top),
                });
              }
            }
          }
          searchMs += performance.now() - searchStarted;
        },
      );
      log(
        `[${label}] scored haystacks ${from + 1}-${from + batch.length} of ${run.haystacks.length}`,
      );
    }
    ingestSeconds[label] = Math.round(ingestSeconds[label] ?? 0);
    log(
      `[${label}] done in ${Math.round((performance.now() - started) / 1000)} s (searching ${Math.round(searchMs / 1000)} s); embeddings cached ${embedder.stats.hits}, computed ${embedder.stats.misses}`,
    );
  }
  const scoring = { ks: run.ks, kinds: run.kinds, haystacks: run.haystacks.length };
  return {
    haystacks: run.haystacks.length,
    turns: run.haystacks.reduce((n, h) => n + h.turns.length, 0),
    questions: run.haystacks.reduce((n, h) => n + h.queries.length, 0),
    methods: [...results.entries()].map(([method, items]) => scoreMethod(method, items, scoring)),
    ingestSeconds,
  };
}
