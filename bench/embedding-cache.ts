import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Embedder } from '../src/core/models/embedder';

/** Where benchmark caches live; gitignored. */
export const BENCH_CACHE_DIR = path.resolve(import.meta.dirname, '.cache');

const KEY_BYTES = 20;
const SAVE_EVERY = 256;

export interface CachingEmbedder extends Embedder {
  /** Embeds texts ahead of time in large batches (misses only). */
  prime(texts: string[]): Promise<void>;
  /** Vectors served from the cache / computed, since creation. */
  readonly stats: { hits: number; misses: number };
}

/**
 * Wraps an embedder with a memory cache and, when `file` is given, an
 * append-only cache on disk (sha1 of the text, then the float32 vector), so
 * a rerun of the benchmarks embeds nothing it embedded before. The inner
 * embedder is created lazily: a run served entirely from disk never loads
 * the model (USE lite takes seconds to load and ~50 texts/s to embed).
 */
export function cachingEmbedder(options: {
  name: string;
  dimensions: number;
  /** Whether the vectors only hash words (Embedder.lexical). */
  lexical?: boolean;
  create: () => Promise<Embedder>;
  /** Omit to cache in memory only. */
  file?: string;
}): CachingEmbedder {
  const { dimensions } = options;
  const cache = new Map<string, Float32Array>();
  const recordBytes = KEY_BYTES + dimensions * 4;
  if (options.file && fs.existsSync(options.file)) {
    const data = fs.readFileSync(options.file);
    // A torn last record (a run killed mid-write) is ignored.
    for (let at = 0; at + recordBytes <= data.length; at += recordBytes) {
      const key = data.subarray(at, at + KEY_BYTES).toString('hex');
      const copy = new Float32Array(dimensions);
      Buffer.from(copy.buffer).set(data.subarray(at + KEY_BYTES, at + recordBytes));
      cache.set(key, copy);
    }
  }
  let inner: Promise<Embedder> | null = null;
  const stats = { hits: 0, misses: 0 };
  const keyOf = (text: string) => createHash('sha1').update(text).digest('hex');

  async function fill(texts: string[]): Promise<void> {
    const keys = texts.map(keyOf);
    const missing = [...new Map(texts.map((t, i) => [keys[i] as string, t])).entries()].filter(
      ([key]) => !cache.has(key),
    );
    stats.hits += texts.length - missing.length;
    if (missing.length === 0) return;
    inner ??= options.create();
    const model = await inner;
    // Saved in slices, so a run stopped midway keeps what it embedded.
    for (let at = 0; at < missing.length; at += SAVE_EVERY) {
      const slice = missing.slice(at, at + SAVE_EVERY);
      const vectors = await model.embed(slice.map(([, text]) => text));
      const records: Buffer[] = [];
      slice.forEach(([key], i) => {
        const vector = vectors[i] as Float32Array;
        cache.set(key, vector);
        records.push(
          Buffer.from(key, 'hex'),
          Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
        );
      });
      stats.misses += slice.length;
      if (options.file) {
        fs.mkdirSync(path.dirname(options.file), { recursive: true });
        fs.appendFileSync(options.file, Buffer.concat(records));
      }
    }
  }

  return {
    name: options.name,
    dimensions,
    ...(options.lexical ? { lexical: true } : {}),
    stats,
    prime: fill,
    async embed(texts) {
      await fill(texts);
      return texts.map((text) => cache.get(keyOf(text)) as Float32Array);
    },
    async dispose() {
      if (inner) await (await inner).dispose();
    },
  };
}

/** The disk cache file for an embedder's vectors. */
export function embeddingCacheFile(name: string): string {
  return path.join(BENCH_CACHE_DIR, 'embeddings', `${name.replace(/[^\w.-]+/g, '_')}.bin`);
}
