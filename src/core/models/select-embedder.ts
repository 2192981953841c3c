import fs from 'node:fs';
import path from 'node:path';
import { createBuiltinEmbedder } from './builtin-embedder';
import type { Embedder, ProgressListener } from './embedder';
import { createFakeEmbedder } from './fake-embedder';
import { createLazyEmbedder, declaredDimensions } from './lazy-embedder';
import {
  DEFAULT_EMBEDDING_MODEL,
  createTransformersEmbedder,
  transformersEmbedderName,
} from './transformers-embedder';

export type EmbedderChoice = 'auto' | 'builtin' | 'fake' | 'transformers';

export const EMBEDDER_CHOICES: readonly EmbedderChoice[] = [
  'auto',
  'builtin',
  'fake',
  'transformers',
];

export interface SelectEmbedderOptions {
  /**
   * auto: the transformers.js model when it is on disk, otherwise the
   * built-in sentence model; builtin: always the built-in one; fake: the
   * word-hash embedder (tests, or memory found by its words only). Defaults to auto.
   */
  choice?: EmbedderChoice;
  modelsDir: string;
  /** Defaults to DEFAULT_EMBEDDING_MODEL. */
  model?: string;
  dtype?: 'fp32' | 'q8';
  threads?: number;
  allowDownload?: boolean;
  /** Hub address for the download; defaults to transformers.js's own. */
  remoteHost?: string;
  onProgress?: ProgressListener;
}

export interface SelectedEmbedder {
  embedder: Embedder;
}

/**
 * Picks the embedder a host should run with. Offline-first: a downloaded
 * transformers.js model when there is one, otherwise the sentence model
 * shipped with Locus (builtin-embedder.ts), so memory is found by meaning
 * without any download. Switching later re-embeds everything automatically.
 */
export async function selectEmbedder(options: SelectEmbedderOptions): Promise<SelectedEmbedder> {
  const choice = options.choice ?? 'auto';
  const model = options.model ?? DEFAULT_EMBEDDING_MODEL;
  if (choice === 'fake') return { embedder: createFakeEmbedder({ dimensions: 384 }) };
  if (choice === 'builtin') return { embedder: createBuiltinEmbedder() };
  const present = fs.existsSync(path.join(options.modelsDir, ...model.split('/'), 'config.json'));
  if (choice === 'auto' && !present && !options.allowDownload) {
    return { embedder: createBuiltinEmbedder() };
  }
  const load = () =>
    createTransformersEmbedder({
      modelsDir: options.modelsDir,
      model,
      ...(options.dtype ? { dtype: options.dtype } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.allowDownload !== undefined ? { allowDownload: options.allowDownload } : {}),
      ...(options.remoteHost ? { remoteHost: options.remoteHost } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  // A model on disk whose width its config names is loaded when first used.
  const dimensions = present
    ? declaredDimensions(path.join(options.modelsDir, ...model.split('/')))
    : null;
  if (dimensions !== null && !options.allowDownload) {
    const name = transformersEmbedderName(model, options.dtype);
    return { embedder: createLazyEmbedder({ name, dimensions, load }) };
  }
  return { embedder: await load() };
}
