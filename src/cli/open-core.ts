import { createCore, type Core } from '../core/create-core';
import { selectEmbedder, type EmbedderChoice } from '../core/models/select-embedder';
import { dataDirLayout, defaultDataDir } from '../core/storage/data-dir';
import { LocusError } from '../shared/errors';
import type { Output } from './output';
import { progressPrinter } from './output';

export interface CliCoreOptions {
  dataDir?: string;
  embedder?: string;
  embedderModel?: string;
}

const CHOICES: EmbedderChoice[] = ['auto', 'fake', 'transformers'];

export async function openCliCore(
  options: CliCoreOptions,
  output: Output,
): Promise<{ core: Core; notice: string | undefined }> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const choice = (options.embedder ?? 'auto') as EmbedderChoice;
  if (!CHOICES.includes(choice)) {
    throw new LocusError(
      'INVALID_INPUT',
      `--embedder must be one of ${CHOICES.join(', ')}, got "${options.embedder}".`,
    );
  }
  const { embedder, notice } = await selectEmbedder({
    choice,
    modelsDir: dataDirLayout(dataDir).models,
    ...(options.embedderModel ? { model: options.embedderModel } : {}),
  });
  const core = await createCore({ dataDir, embedder });
  if (core.embedderSync.pending > 0) {
    // Memory written with another embedder is re-embedded before use so
    // semantic search never mixes models.
    if (!output.json) output.err('Memory was embedded with another model; re-embedding it now.');
    const show = progressPrinter('Re-embedding archival memory');
    await core.archival.reembed({ onProgress: (p) => show(p.done, p.total) });
  }
  return { core, notice };
}
