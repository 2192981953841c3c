import { listModels, downloadCatalogModel } from '../../core/models/model-manager';
import { LocusError } from '../../shared/errors';
import type { Output } from '../output';
import { progressPrinter } from '../output';

function gb(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

export function modelsListCommand(modelsDir: string, output: Output): void {
  const models = listModels(modelsDir);
  if (output.json) {
    output.out(JSON.stringify(models, null, 2));
    return;
  }
  for (const m of models) {
    const state = m.downloaded ? 'downloaded' : 'not downloaded';
    output.out(`${m.id.padEnd(16)} ${m.label} — ${gb(m.sizeBytes)}, ${state}`);
    if (m.catalog) output.out(`${''.padEnd(16)} ${m.catalog.notes}`);
  }
  output.out(`\nModels folder: ${modelsDir}`);
}

export async function modelsDownloadCommand(
  id: string | undefined,
  modelsDir: string,
  output: Output,
): Promise<void> {
  if (!id) {
    throw new LocusError(
      'INVALID_INPUT',
      'Say which model: locus models download <id> (see locus models list).',
    );
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const download = progressPrinter(`Downloading ${id}`);
  const verify = progressPrinter('Checking');
  try {
    const result = await downloadCatalogModel(id, {
      modelsDir,
      signal: controller.signal,
      onProgress: (p) => (p.phase === 'verify' ? verify : download)(p.done, p.total),
    });
    output.out(
      output.json
        ? JSON.stringify(result)
        : `Ready: ${result.path} (${gb(result.sizeBytes)}, sha256 ${result.sha256.slice(0, 12)}…)`,
    );
  } finally {
    process.off('SIGINT', stop);
  }
}
