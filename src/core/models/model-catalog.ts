/**
 * Recommended chat models: small instruct models that follow tool-call
 * grammars well and run on a laptop CPU. Sizes are what the hub reports; the
 * downloader checks the exact size and SHA-256 the hub sends with the file
 * (Hugging Face serves them as X-Linked-Size / X-Linked-Etag) when an entry
 * does not pin them.
 */
export interface CatalogModel {
  id: string;
  label: string;
  /** Hugging Face repository and file. */
  repo: string;
  file: string;
  approxBytes: number;
  contextSize: number;
  notes: string;
  sha256?: string;
}

export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    id: 'qwen3-1.7b',
    label: 'Qwen3 1.7B Instruct (Q4_K_M)',
    repo: 'unsloth/Qwen3-1.7B-GGUF',
    file: 'Qwen3-1.7B-Q4_K_M.gguf',
    approxBytes: 1_110_000_000,
    contextSize: 8192,
    notes: 'Fast on any laptop; good tool use for its size. The default.',
  },
  {
    id: 'llama-3.2-3b',
    label: 'Llama 3.2 3B Instruct (Q4_K_M)',
    repo: 'bartowski/Llama-3.2-3B-Instruct-GGUF',
    file: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf',
    approxBytes: 2_020_000_000,
    contextSize: 8192,
    notes: 'Steadier replies; needs about 3 GB of memory.',
  },
  {
    id: 'qwen3-4b',
    label: 'Qwen3 4B Instruct (Q4_K_M)',
    repo: 'unsloth/Qwen3-4B-GGUF',
    file: 'Qwen3-4B-Q4_K_M.gguf',
    approxBytes: 2_500_000_000,
    contextSize: 8192,
    notes: 'Best memory use of the three; slower on older CPUs.',
  },
];

export const DEFAULT_CATALOG_MODEL = 'qwen3-1.7b';

export const HUB_URL = 'https://huggingface.co';

export function catalogModel(id: string): CatalogModel | undefined {
  return MODEL_CATALOG.find((m) => m.id === id);
}

export function catalogDownloadUrl(model: CatalogModel, hubUrl = HUB_URL): string {
  return `${hubUrl}/${model.repo}/resolve/main/${model.file}`;
}
