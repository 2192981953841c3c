import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dataDirLayout } from '../storage/data-dir';
import { UNRELATED_TEXTS } from './unrelated-texts';

/**
 * Vectors of relevance.ts's reference sentences, kept on disk per embedder:
 * embedding all 48 costs a sentence model ~0.7 s of CPU, which every
 * one-shot command (`locus -p`, a capture's search) would otherwise pay on
 * its first search. The file is keyed by the embedder and the sentences, so
 * a new model or a changed set is embedded afresh; a file that does not
 * match (torn, hand-edited, another version) is ignored and rewritten.
 */
export interface AnchorCache {
  read(): Float32Array[] | null;
  write(vectors: readonly Float32Array[]): void;
}

export function fileAnchorCache(options: {
  dir: string;
  embedder: { name: string; dimensions: number };
}): AnchorCache {
  const texts = UNRELATED_TEXTS;
  const key = createHash('sha256')
    .update(JSON.stringify([options.embedder.name, options.embedder.dimensions, texts]))
    .digest('hex')
    .slice(0, 16);
  const file = path.join(options.dir, `relevance-anchors-${key}.f32`);
  const bytes = texts.length * options.embedder.dimensions * 4;
  return {
    read() {
      let data: Buffer;
      try {
        data = fs.readFileSync(file);
      } catch {
        return null;
      }
      if (data.length !== bytes) return null;
      const all = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + bytes));
      const { dimensions } = options.embedder;
      const vectors = texts.map((_, i) => all.slice(i * dimensions, (i + 1) * dimensions));
      return vectors.every((v) => v.every(Number.isFinite)) ? vectors : null;
    },
    write(vectors) {
      // Only a cache: a read-only or full disk costs the next process 0.7 s, nothing more.
      try {
        fs.mkdirSync(options.dir, { recursive: true });
        const all = new Float32Array(bytes / 4);
        vectors.forEach((v, i) => all.set(v, i * options.embedder.dimensions));
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, Buffer.from(all.buffer));
        fs.renameSync(temp, file);
      } catch {
        // Embedded again next time.
      }
    },
  };
}

/** The cache a core on a data folder keeps its reference vectors in. */
export function relevanceCacheOf(
  dataDir: string,
  embedder: { name: string; dimensions: number },
): AnchorCache {
  return fileAnchorCache({ dir: dataDirLayout(dataDir).cache, embedder });
}
