import type { Handlers } from '../../shared/contract';
import { isLocusError, LocusError } from '../../shared/errors';
import { loadedModelInfo, type ChatModel } from '../models/chat-model';
import type { EventBus } from '../events';
import type { createAgents } from '../memory/agents';
import {
  SCRIPTED_MODEL,
  downloadCatalogModel,
  listModels,
  openChatModel,
  resolveModelPath,
  type OpenModelOptions,
} from '../models/model-manager';

type ModelHandlers = Pick<
  Handlers,
  'models.list' | 'models.download' | 'models.cancelDownload' | 'models.load'
>;

export interface ModelHandlerDeps {
  agents: ReturnType<typeof createAgents>;
  events: EventBus;
  /** Null for an in-memory core: nothing to download into. */
  modelsDir: string | null;
  getModel: () => ChatModel | null;
  setModel: (model: ChatModel) => Promise<void>;
  /** Told of each failed load (its message), and of each load that worked (null). */
  onLoadResult?: (failure: string | null) => void;
  /** Injected so tests can count loads; defaults to the real loader. */
  openModel?: (options: OpenModelOptions) => Promise<ChatModel>;
}

function needModelsDir(dir: string | null): string {
  if (!dir) {
    throw new LocusError(
      'INVALID_INPUT',
      'This Locus runs without a data folder, so models cannot be downloaded here.',
    );
  }
  return dir;
}

/** Choosing, downloading and loading chat models; download progress goes out as events. */
export function createModelHandlers(deps: ModelHandlerDeps): ModelHandlers {
  const downloads = new Map<string, AbortController>();
  const open = deps.openModel ?? openChatModel;
  return {
    'models.list': async () => {
      const loaded = deps.getModel();
      return {
        modelsDir: deps.modelsDir,
        loaded: loaded ? loadedModelInfo(loaded) : null,
        downloading: [...downloads.keys()],
        models: (deps.modelsDir ? listModels(deps.modelsDir) : []).map((m) => ({
          id: m.id,
          label: m.label,
          path: m.path,
          downloaded: m.downloaded,
          sizeBytes: m.sizeBytes,
          notes: m.catalog?.notes ?? null,
          recommended: m.catalog !== null,
        })),
      };
    },
    'models.download': async ({ id }) => {
      const modelsDir = needModelsDir(deps.modelsDir);
      if (downloads.has(id)) {
        throw new LocusError('INVALID_INPUT', `${id} is already downloading.`);
      }
      const controller = new AbortController();
      downloads.set(id, controller);
      try {
        const result = await downloadCatalogModel(id, {
          modelsDir,
          signal: controller.signal,
          onProgress: (p) =>
            deps.events.emit('progress', {
              task: `model-download:${id}`,
              phase: p.phase,
              done: p.done,
              total: p.total,
              ...(p.item ? { item: p.item } : {}),
            }),
        });
        return { id, path: result.path, sizeBytes: result.sizeBytes };
      } finally {
        downloads.delete(id);
      }
    },
    'models.cancelDownload': async ({ id }) => {
      const controller = downloads.get(id);
      controller?.abort();
      return { cancelled: controller !== undefined };
    },
    'models.load': async ({ agentId, choice }) => {
      try {
        const info = await load(agentId, choice);
        deps.onLoadResult?.(null);
        return info;
      } catch (error) {
        deps.onLoadResult?.(isLocusError(error) ? error.message : String(error));
        throw error;
      }
    },
  };

  async function load(agentId: string, choice: string) {
    const agent = await deps.agents.get(agentId);
    const saved =
      choice === SCRIPTED_MODEL
        ? choice
        : resolveModelPath(choice, deps.modelsDir ?? process.cwd());
    const model = await open({
      choice: saved,
      settings: agent.model,
      modelsDir: deps.modelsDir ?? process.cwd(),
      onLoadProgress: (fraction) =>
        deps.events.emit('progress', {
          task: 'model-load',
          phase: 'load',
          done: Math.round(fraction * 100),
          total: 100,
        }),
    });
    await deps.setModel(model);
    await deps.agents.update(agentId, { model: { modelPath: saved } });
    // Clients showing the model's name refresh on this (loads also start in the background).
    deps.events.emit('progress', { task: 'model-load', phase: 'ready', done: 1, total: 1 });
    return loadedModelInfo(model);
  }
}
