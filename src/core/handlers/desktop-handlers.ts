import type { Handlers, Preferences } from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import { AGENT_TEMPLATES } from '../agent/agent-templates';
import type { EventBus } from '../events';
import type { Agents } from '../memory/agents';
import type { CoreMemory } from '../memory/core-memory';
import { selectEmbedder } from '../models/select-embedder';
import { createSettingsRepo } from '../storage/repos/settings-repo';
import type { Db } from '../storage/sql';

type DesktopHandlers = Pick<
  Handlers,
  | 'agents.templates'
  | 'agents.setDefault'
  | 'blocks.rename'
  | 'preferences.get'
  | 'preferences.update'
  | 'models.downloadEmbedder'
  | 'backups.restore'
  | 'dialogs.saveFile'
  | 'dialogs.openFile'
>;

export interface DesktopHandlerDeps {
  db: Db;
  agents: Agents;
  coreMemory: CoreMemory;
  events: EventBus;
  /** Null for an in-memory core: nothing to download into. */
  modelsDir: string | null;
}

const PREFERENCES = 'preferences';
const DEFAULT_PREFERENCES: Preferences = { onboardingDone: false };

/** Where the embedding model comes from; tests and mirrors set LOCUS_HUB_URL. */
function hubHost(): string | undefined {
  const url = process.env.LOCUS_HUB_URL;
  if (!url) return undefined;
  return url.endsWith('/') ? url : `${url}/`;
}

/** Calls the desktop app needs beyond the memory and chat ones. */
export function createDesktopHandlers(deps: DesktopHandlerDeps): DesktopHandlers {
  const settings = createSettingsRepo(deps.db);
  const preferences = async (): Promise<Preferences> => ({
    ...DEFAULT_PREFERENCES,
    ...((await settings.get<Partial<Preferences>>(PREFERENCES)) ?? {}),
  });
  return {
    'agents.templates': async () =>
      AGENT_TEMPLATES.map((t) => ({
        id: t.id,
        name: t.name,
        description: t.description,
        blocks: t.blocks.map((b) => ({ label: b.label, value: b.value ?? '' })),
      })),
    'agents.setDefault': ({ agentId }) => deps.agents.setDefault(agentId),
    'blocks.rename': ({ agentId, label, newLabel }) =>
      deps.coreMemory.rename(agentId, label, newLabel),
    'preferences.get': preferences,
    'preferences.update': async (patch) => {
      const next = { ...(await preferences()), ...patch };
      await settings.set(PREFERENCES, next);
      return next;
    },
    'models.downloadEmbedder': async () => {
      if (!deps.modelsDir) {
        throw new LocusError(
          'NOT_SUPPORTED',
          'This Locus runs without a data folder, so nothing can be downloaded into it.',
        );
      }
      const host = hubHost();
      const { embedder } = await selectEmbedder({
        choice: 'transformers',
        modelsDir: deps.modelsDir,
        allowDownload: true,
        ...(host ? { remoteHost: host } : {}),
        onProgress: (p) =>
          deps.events.emit('progress', {
            task: 'embedder-download',
            phase: p.phase,
            done: p.done,
            total: p.total,
            ...(p.item ? { item: p.item } : {}),
          }),
      });
      const result = { name: embedder.name, dimensions: embedder.dimensions, reopened: false };
      await embedder.dispose();
      return result;
    },
    'backups.restore': async () => {
      throw new LocusError(
        'NOT_SUPPORTED',
        'Restoring replaces the open memory database, so this Locus cannot do it while it runs. Use the desktop app or "locus serve", or close Locus and run "locus backup restore <file>".',
      );
    },
    'dialogs.saveFile': async () => {
      throw new LocusError('NOT_SUPPORTED', 'Save dialogs exist only in the desktop app.');
    },
    'dialogs.openFile': async () => {
      throw new LocusError('NOT_SUPPORTED', 'File dialogs exist only in the desktop app.');
    },
  };
}
