import fs from 'node:fs';
import path from 'node:path';
import type { Embedder } from '../../src/core/models/embedder';
import { normalize } from '../../src/core/models/embedder';
import type { Conversation } from '../locomo/locomo-data';
import { UNRELATED_TEXTS } from '../../src/core/memory/unrelated-texts';
import { seededRandom } from '../stats';

export const DIMENSIONS = 512;

/** What every system stores and searches: the same texts and the same vectors. */
export interface PeerCorpus {
  /** Row i: its text, its group (a LoCoMo conversation, or 0), its id for scoring. */
  texts: string[];
  groups: number[];
  ids: string[];
  vectors: Float32Array[];
  queries: Array<{ text: string; vector: Float32Array; group: number; evidence: string[] }>;
  /**
   * Vectors of texts a system embeds that are neither rows nor queries:
   * Locus's relevance anchors (memory/relevance.ts). Without them Locus's
   * embedder failed on its first search and every search ran on words alone.
   */
  extra: Array<{ text: string; vector: Float32Array }>;
}

const EMPTY = (): PeerCorpus => ({
  texts: [],
  groups: [],
  ids: [],
  vectors: [],
  queries: [],
  extra: [],
});

/**
 * Writes the corpus, and beside it (`<file>.queries`) the same corpus without
 * its rows: a search process reads only that, so the peak RSS measured is the
 * store's and not 100k vectors held by the harness (~400 MB at 100k rows).
 */
function writeCorpus(file: string, corpus: PeerCorpus): void {
  writeCorpusFiles(file, corpus);
  writeCorpusFiles(queriesFile(file), { ...corpus, texts: [], groups: [], ids: [], vectors: [] });
}

/** The corpus of `file` without its rows (see writeCorpus). */
export function queriesFile(file: string): string {
  return `${file}.queries`;
}

function writeCorpusFiles(file: string, corpus: PeerCorpus): void {
  const { vectors, queries, extra, ...rest } = corpus;
  const all = [...vectors, ...queries.map((q) => q.vector), ...extra.map((e) => e.vector)];
  const buffer = Buffer.alloc(all.length * DIMENSIONS * 4);
  all.forEach((v, i) =>
    buffer.set(Buffer.from(v.buffer, v.byteOffset, v.byteLength), i * DIMENSIONS * 4),
  );
  fs.writeFileSync(`${file}.f32`, buffer);
  fs.writeFileSync(
    `${file}.json`,
    JSON.stringify({
      ...rest,
      queries: queries.map(({ vector: _v, ...q }) => q),
      extra: extra.map((e) => e.text),
    }),
  );
}

/** Reads a corpus written by the suite (children get it by file, not by argument). */
export function readCorpus(file: string): PeerCorpus {
  const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as Omit<
    PeerCorpus,
    'vectors' | 'queries' | 'extra'
  > & { queries: Array<Omit<PeerCorpus['queries'][number], 'vector'>>; extra?: string[] };
  const raw = fs.readFileSync(`${file}.f32`);
  const floats = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const at = (i: number) => floats.slice(i * DIMENSIONS, (i + 1) * DIMENSIONS);
  const n = meta.texts.length;
  return {
    ...meta,
    vectors: Array.from({ length: n }, (_, i) => at(i)),
    queries: meta.queries.map((q, i) => ({ ...q, vector: at(n + i) })),
    extra: (meta.extra ?? []).map((text, i) => ({
      text,
      vector: at(n + meta.queries.length + i),
    })),
  };
}

/**
 * USE-lite vectors of every LoCoMo turn and question and of Locus's
 * relevance anchors, kept in the cache folder (embedding ~7,400 texts takes
 * minutes on 2 cores): only texts the cache lacks are embedded.
 */
export async function locomoVectors(
  conversations: Conversation[],
  cacheDir: string,
  createEmbedder: () => Promise<Embedder>,
): Promise<Map<string, Float32Array>> {
  const file = path.join(cacheDir, 'locomo-use-lite-512');
  const texts = [
    ...new Set([
      ...conversations.flatMap((c) => [
        ...c.turns.map((t) => t.text),
        ...c.questions.map((q) => q.question),
      ]),
      ...UNRELATED_TEXTS,
    ]),
  ];
  const known = new Map<string, Float32Array>();
  if (fs.existsSync(`${file}.json`)) {
    const cached = readCorpus(file);
    cached.texts.forEach((t, i) => known.set(t, cached.vectors[i] as Float32Array));
  }
  const missing = texts.filter((t) => !known.has(t));
  if (missing.length > 0) {
    const embedder = await createEmbedder();
    try {
      for (let i = 0; i < missing.length; i += 256) {
        const batch = missing.slice(i, i + 256);
        (await embedder.embed(batch)).forEach((v, j) => known.set(batch[j] as string, v));
      }
    } finally {
      await embedder.dispose();
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    const all = [...known.keys()];
    writeCorpus(file, {
      ...EMPTY(),
      texts: all,
      vectors: all.map((t) => known.get(t) as Float32Array),
    });
  }
  return known;
}

/** The anchors' vectors, for every corpus handed to a system. */
function anchorsOf(vectors: Map<string, Float32Array>): PeerCorpus['extra'] {
  return UNRELATED_TEXTS.map((text) => ({ text, vector: vectors.get(text) as Float32Array }));
}

/** LoCoMo as a corpus: every turn, grouped by conversation; its questions with their evidence. */
export function locomoCorpus(
  conversations: Conversation[],
  vectors: Map<string, Float32Array>,
  questionsPerConversation = Infinity,
): PeerCorpus {
  const corpus: PeerCorpus = { ...EMPTY(), extra: anchorsOf(vectors) };
  conversations.forEach((conversation, group) => {
    for (const turn of conversation.turns) {
      corpus.texts.push(turn.text);
      corpus.groups.push(group);
      corpus.ids.push(turn.diaId);
      corpus.vectors.push(vectors.get(turn.text) as Float32Array);
    }
    for (const q of conversation.questions.slice(0, questionsPerConversation)) {
      corpus.queries.push({
        text: q.question,
        vector: vectors.get(q.question) as Float32Array,
        group,
        evidence: q.evidence,
      });
    }
  });
  return corpus;
}

/**
 * `size` passages made from LoCoMo's turns, repeated as often as needed, each
 * with a number of its own and its turn's USE-lite vector plus a little
 * seeded noise, so no two rows are equal: real English for full-text search
 * and the distribution of real sentence vectors, without embedding 100k
 * texts. Queries are LoCoMo questions with their real vectors.
 */
export function syntheticCorpus(
  size: number,
  locomo: PeerCorpus,
  queries: number,
  file: string,
): void {
  const random = seededRandom(11);
  const corpus: PeerCorpus = { ...EMPTY(), extra: locomo.extra };
  for (let i = 0; i < size; i++) {
    const base = locomo.vectors[i % locomo.vectors.length] as Float32Array;
    const vector = new Float32Array(DIMENSIONS);
    for (let d = 0; d < DIMENSIONS; d++) vector[d] = (base[d] as number) + (random() - 0.5) * 0.02;
    corpus.texts.push(`${locomo.texts[i % locomo.texts.length]} (${i})`);
    corpus.groups.push(0);
    corpus.ids.push(String(i));
    corpus.vectors.push(normalize(vector));
  }
  const step = Math.max(1, Math.floor(locomo.queries.length / queries));
  for (let i = 0; i < locomo.queries.length && corpus.queries.length < queries; i += step) {
    const q = locomo.queries[i] as PeerCorpus['queries'][number];
    corpus.queries.push({ ...q, group: 0, evidence: [] });
  }
  writeCorpus(file, corpus);
}

export function saveCorpus(file: string, corpus: PeerCorpus): void {
  writeCorpus(file, corpus);
}
