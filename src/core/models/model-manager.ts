import fs from 'node:fs';
import path from 'node:path';
import type { ModelSettings } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import type { ChatModel } from './chat-model';
import type { ProgressListener } from './embedder';
import {
  HUB_URL,
  MODEL_CATALOG,
  catalogDownloadUrl,
  catalogModel,
  type CatalogModel,
} from './model-catalog';
import { downloadModelFile, type DownloadResult } from './model-downloader';
import { createScriptedModel } from './scripted-model';

/** The canned model tests and demos run on; never a real assistant. */
export const SCRIPTED_MODEL = 'scripted';

export interface ModelEntry {
  id: string;
  label: string;
  path: string;
  downloaded: boolean;
  sizeBytes: number;
  catalog: CatalogModel | null;
}

/** The catalogue with what is on disk, plus any other .gguf files in the models folder. */
export function listModels(modelsDir: string): ModelEntry[] {
  const entries: ModelEntry[] = MODEL_CATALOG.map((m) => {
    const file = path.join(modelsDir, m.file);
    const downloaded = fs.existsSync(file);
    return {
      id: m.id,
      label: m.label,
      path: file,
      downloaded,
      sizeBytes: downloaded ? fs.statSync(file).size : m.approxBytes,
      catalog: m,
    };
  });
  const known = new Set(MODEL_CATALOG.map((m) => m.file));
  const local = fs.existsSync(modelsDir) ? fs.readdirSync(modelsDir) : [];
  for (const name of local) {
    if (!name.endsWith('.gguf') || known.has(name)) continue;
    const file = path.join(modelsDir, name);
    entries.push({
      id: name,
      label: name,
      path: file,
      downloaded: true,
      sizeBytes: fs.statSync(file).size,
      catalog: null,
    });
  }
  return entries;
}

export interface CatalogDownloadOptions {
  modelsDir: string;
  /** For tests and mirrors; defaults to https://huggingface.co or $LOCUS_HUB_URL. */
  hubUrl?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export async function downloadCatalogModel(
  id: string,
  options: CatalogDownloadOptions,
): Promise<DownloadResult> {
  const model = catalogModel(id);
  if (!model) {
    throw new LocusError(
      'INVALID_INPUT',
      `There is no recommended model "${id}". Choose one of: ${MODEL_CATALOG.map((m) => m.id).join(', ')}.`,
    );
  }
  return downloadModelFile({
    url: catalogDownloadUrl(model, options.hubUrl ?? process.env.LOCUS_HUB_URL ?? HUB_URL),
    destination: path.join(options.modelsDir, model.file),
    ...(model.sha256 ? { sha256: model.sha256 } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** A catalogue id or a file name in the models folder becomes a path; anything else is a path. */
export function resolveModelPath(choice: string, modelsDir: string): string {
  const fromCatalog = catalogModel(choice);
  if (fromCatalog) {
    const file = path.join(modelsDir, fromCatalog.file);
    if (!fs.existsSync(file)) {
      throw new LocusError(
        'MODEL_FILE_MISSING',
        `${fromCatalog.label} is not downloaded yet. Download it in Models & settings, or run "locus models download ${fromCatalog.id}".`,
      );
    }
    return file;
  }
  const inModels = path.join(modelsDir, choice);
  if (!path.isAbsolute(choice) && choice.endsWith('.gguf') && fs.existsSync(inModels)) {
    return inModels;
  }
  // A bare word is a mistyped id far more often than a file in the current folder.
  const looksLikePath = /[\\/]/.test(choice) || /\.gguf$/i.test(choice);
  if (!looksLikePath && !fs.existsSync(choice)) {
    const ids = listModels(modelsDir).map((m) => `${m.id}${m.downloaded ? ' (downloaded)' : ''}`);
    throw new LocusError(
      'INVALID_INPUT',
      `There is no model "${choice}". Choose one of: ${ids.join(', ')}; or give the path to a .gguf file.`,
      { choice },
    );
  }
  return path.resolve(choice);
}

export interface OpenModelOptions {
  /** Catalogue id, .gguf path, or "scripted"; defaults to the agent's saved model. */
  choice?: string;
  settings: ModelSettings;
  modelsDir: string;
  gpu?: 'auto' | false;
  onLoadProgress?: (fraction: number) => void;
}

/** Loads the model an agent should chat with, or explains how to get one. */
export async function openChatModel(options: OpenModelOptions): Promise<ChatModel> {
  const choice = options.choice ?? options.settings.modelPath;
  if (!choice) {
    throw new LocusError(
      'MODEL_NOT_CONFIGURED',
      `No language model is chosen yet. Download a recommended one ("locus models download ${MODEL_CATALOG[0]?.id}") or pass --model <file.gguf>.`,
    );
  }
  if (choice === SCRIPTED_MODEL) {
    // LOCUS_SCRIPTED_CHUNK_MS slows the demo model's stream, so stopping a
    // reply can be seen (and tested) from another process.
    const chunkDelayMs = Number(process.env.LOCUS_SCRIPTED_CHUNK_MS ?? 0);
    return createScriptedModel({
      contextSize: options.settings.contextSize,
      ...(chunkDelayMs > 0 ? { chunkDelayMs } : {}),
    });
  }
  // Imported here, not at the top: node-llama-cpp takes ~1-2 s to load, and
  // the scripted model, model lists and downloads never need it.
  const { loadLlamaChatModel } = await import('./llama-chat-model');
  return loadLlamaChatModel({
    modelPath: resolveModelPath(choice, options.modelsDir),
    contextSize: options.settings.contextSize,
    threads: options.settings.threads,
    ...(options.gpu !== undefined ? { gpu: options.gpu } : {}),
    ...(options.onLoadProgress ? { onLoadProgress: options.onLoadProgress } : {}),
  });
}
