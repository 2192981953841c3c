import type { Handlers } from '../shared/contract';
import { LocusError } from '../shared/errors';
import { systemClock, type Clock } from './clock';
import { EventBus } from './events';
import { createAgentRuntime } from './agent/agent-runtime';
import { exportAgentFile } from './agentfile/export-agent-file';
import { exportMarkdown } from './agentfile/export-markdown';
import { importAgentFile } from './agentfile/import-agent-file';
import { createBackup, listBackups } from './backup/backups';
import { CaptureJournal } from './capture/capture-journal';
import { createCaptures } from './capture/captures';
import { createConsolidator } from './consolidation/consolidator';
import {
  applyDueChanges,
  settleAllDueChanges,
  settleDueChanges,
} from './consolidation/upcoming-changes';
import { createActivityHandlers } from './handlers/activity-handlers';
import { createPrivacyHandlers } from './handlers/privacy-handlers';
import { createChatHandlers } from './handlers/chat-handlers';
import { createDesktopHandlers } from './handlers/desktop-handlers';
import { createConversationHandlers } from './handlers/conversation-handlers';
import { createInterfaceHandlers } from './handlers/interface-handlers';
import { createDatabaseHandlers } from './handlers/database-handlers';
import { createMemoryHandlers } from './handlers/memory-handlers';
import { createModelHandlers, type ModelHandlerDeps } from './handlers/model-handlers';
import { dataDirLayout } from './storage/data-dir';
import { loadedModelInfo, type ChatModel } from './models/chat-model';
import { createMemoryActivity } from './memory/activity';
import { createAgents } from './memory/agents';
import { createConversationPrivacy } from './memory/conversation-privacy';
import { createForget } from './memory/forget';
import { createArchivalMemory } from './memory/archival-memory';
import { createConversations } from './memory/conversations';
import { createMessageIndexer } from './memory/message-indexer';
import { createSignIndex } from './memory/sign-index';
import { createVectorUpkeep, type EmbedderSync } from './memory/vector-upkeep';
import { createCoreMemory } from './memory/core-memory';
import { createRecallMemory } from './memory/recall-memory';
import { createSurfacing } from './memory/surfacing/surfacing';
import { createWordCoverage } from './memory/surfacing/word-coverage';
import { createRelevance } from './memory/relevance';
import { relevanceCacheOf } from './memory/anchor-cache';
import { createSearchTermsRepo } from './storage/repos/search-terms-repo';
import type { Embedder } from './models/embedder';
import { createFakeEmbedder } from './models/fake-embedder';
import { createAutoAnalyze } from './storage/auto-analyze';
import { claimBackgroundJob } from './storage/background-jobs';
import type { DatabaseSource } from './storage/database-setting';
import { openDatabase, type Database } from './storage/open-database';
import { workInFlight } from './work-in-flight';

export interface CreateCoreOptions {
  /** The Locus data folder. Omit for an in-memory core (tests, demos). */
  dataDir?: string;
  /**
   * A PostgreSQL server (postgres://…) holding the memory instead of the data
   * folder's embedded database; any number of processes may share it.
   */
  databaseUrl?: string;
  /** What chose databaseUrl (for database.get); defaults to `flag`. */
  databaseSource?: DatabaseSource;
  /**
   * On a server, memory embedded with another embedder is refused
   * (EMBEDDER_MISMATCH): other processes would keep writing the old model's
   * vectors. True re-embeds it for everyone. The embedded database always may.
   */
  allowEmbedderSwitch?: boolean;
  /** A dumped, migrated database to start from; tests use it to skip initdb. */
  template?: Blob;
  /**
   * Defaults to the deterministic fake embedder: real ones are slow to load and
   * chosen by the host. The core owns it from here and disposes it.
   */
  embedder?: Embedder;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** The language model; hosts may also load one later with setModel(). The core disposes it. */
  chatModel?: ChatModel;
  /** Where chat models are downloaded; defaults to the data folder's models/. */
  modelsDir?: string;
  /** How models.load opens a model; defaults to the real loader (tests count or fake loads). */
  openModel?: ModelHandlerDeps['openModel'];
  /** How long bulk imports must pause before the vector index is rebuilt; tests lengthen it. */
  indexAfterIdleMs?: number;
  /** Caps strings in tool-call grammars; only for tiny test models. */
  maxStringLength?: number;
  /** How long the model stays idle after a turn before consolidation runs; defaults to 20 s. */
  consolidationDelayMs?: number;
  /**
   * How often a running core makes upcoming changes whose date has come
   * current, so a view left open shows it; defaults to a minute.
   */
  dueCheckMs?: number;
}

/**
 * The one composition root: every host (Electron, CLI, HTTP, tests) builds
 * the same core here and releases it with dispose().
 */
export async function createCore(options: CreateCoreOptions = {}) {
  const clock = options.clock ?? systemClock;
  const embedder = options.embedder ?? createFakeEmbedder();
  const database: Database = await openDatabase({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.databaseUrl !== undefined ? { url: options.databaseUrl } : {}),
    ...(options.template ? { template: options.template } : {}),
    clock,
  });
  const { coordination } = database;
  const db = database.pg;
  const autoAnalyze = createAutoAnalyze(db);
  const coreMemory = createCoreMemory({ db, clock });
  const upkeep = createVectorUpkeep({
    db,
    embedder,
    // PGlite's one process ranks the signs itself (sign-index.ts).
    signGraphs: database.backend !== 'pglite',
    afterBulkLoads: (tables) => autoAnalyze.check(tables),
    ...(options.indexAfterIdleMs !== undefined
      ? { indexAfterIdleMs: options.indexAfterIdleMs }
      : {}),
  });
  const relevance = createRelevance(
    embedder,
    options.dataDir ? { cache: relevanceCacheOf(options.dataDir, embedder) } : {},
  );
  // PGlite serves this process alone, so the signs can be held here; a
  // server's other processes write behind its back: it walks its graph.
  const signs = database.backend === 'pglite' ? createSignIndex(db) : null;
  const archival = createArchivalMemory({
    db,
    embedder,
    upkeep,
    clock,
    autoAnalyze,
    relevance,
    signs,
  });
  const conversations = createConversations({ db, clock });
  const recall = createRecallMemory({
    db,
    clock,
    embedder,
    autoAnalyze,
    conversations,
    relevance,
    signs,
  });
  const events = new EventBus();
  /** Aborted by interrupt(): long work (imports, embedding) stops between steps. */
  const stopping = new AbortController();
  const indexer = createMessageIndexer({
    upkeep,
    claim: (wait) => claimBackgroundJob(coordination, 'embed-messages', { wait }),
    signal: stopping.signal,
    onProgress: (p) => events.emit('progress', { task: 'index-messages', ...p }),
  });
  const agents = createAgents({ db, clock, coreMemory, conversations });
  let embedderSync: EmbedderSync;
  try {
    // Processes opening one server at once must not both reset its vector columns.
    const release = await coordination.lock('schema');
    try {
      embedderSync = await upkeep.sync({
        allowSwitch: database.backend === 'pglite' || options.allowEmbedderSwitch === true,
      });
    } finally {
      await release();
    }
    await autoAnalyze.check();
  } catch (error) {
    await database.close();
    throw error;
  }

  const captures = createCaptures({
    archival,
    agents,
    clock,
    journal: options.dataDir
      ? new CaptureJournal(dataDirLayout(options.dataDir).captureJournal)
      : null,
  });
  let replayedCaptures: number;
  try {
    replayedCaptures = await captures.replay();
  } catch (error) {
    await database.close();
    throw error;
  }

  let model: ChatModel | null = options.chatModel ?? null;
  /** Why the last model load failed; cleared by one that works. */
  let modelLoadFailure: string | null = null;
  const memoryChanged = (agentId: string) => events.emit('memory', { agentId });
  const consolidator = createConsolidator({
    db,
    clock,
    coreMemory,
    archival,
    getModel: () => model,
    // Opening with the chat's own system turn keeps its KV cache valid.
    systemTurn: async (agentId) => (await runtime.preview(agentId))[0]?.content,
    isPaused: async (agentId) => (await agents.get(agentId)).memory.consolidation === 'paused',
    onApplied: memoryChanged,
    // Otherwise a background failure reached no open view: Activity kept the status it read before.
    onFailed: memoryChanged,
    claim: (agentId) => claimBackgroundJob(coordination, `consolidate:${agentId}`),
    ...(options.consolidationDelayMs !== undefined
      ? { debounceMs: options.consolidationDelayMs }
      : {}),
    ...(options.maxStringLength ? { maxStringLength: options.maxStringLength } : {}),
  });
  const activity = createMemoryActivity({
    db,
    clock,
    coreMemory,
    archival,
    onChange: memoryChanged,
  });
  const forget = createForget({ db, clock, coreMemory });
  const runtime = createAgentRuntime({
    db,
    clock,
    agents,
    coreMemory,
    archival,
    recall,
    conversations,
    getModel: () => model,
    modelLoadFailure: () => modelLoadFailure,
    autoAnalyze,
    onTurnStart: (agentId) => consolidator.turnStarted(agentId),
    // A change told for a later date takes effect before the first turn after it.
    beforeTurn: async (agentId) => {
      if ((await applyDueChanges({ db, clock, coreMemory, archival }, agentId)).length > 0) {
        memoryChanged(agentId);
      }
    },
    onTurnEnd: (agentId) => {
      indexer.schedule();
      consolidator.turnEnded(agentId);
    },
    lockTurn: (agentId) => coordination.lock(`turn:${agentId}`),
    surfacing: createSurfacing({
      archival,
      recall,
      searchTerms: createSearchTermsRepo(db),
      wordCoverage: createWordCoverage({ db }),
      lexical: embedder.lexical === true,
    }),
    ...(options.maxStringLength ? { maxStringLength: options.maxStringLength } : {}),
  });
  // Other processes' edits on a shared server, for every UI to refresh.
  const stopWatching = coordination.onChange((changes) =>
    events.emit('memory.changed', { changes }),
  );
  // Messages from before an upgrade or an embedder switch, in the background.
  if (embedderSync.pendingMessages > 0) indexer.schedule();
  const handlers: Handlers = {
    'status.get': async ({ agentId }) => ({
      dataDir: options.dataDir ?? null,
      database: { backend: database.backend, location: database.location },
      embedder: {
        name: embedder.name,
        dimensions: embedder.dimensions,
        kind: embedder.basic ? 'basic' : 'model',
      },
      passages: await archival.count(),
      messages: { total: await recall.countAll(), pending: await upkeep.countPending('messages') },
      model: model ? loadedModelInfo(model) : null,
      ...(agentId
        ? {
            agent: {
              passages: (await archival.count(agentId)).total,
              messages: await recall.count(agentId),
            },
          }
        : {}),
    }),
    ...createMemoryHandlers({
      agents,
      coreMemory,
      archival,
      recall,
      indexer,
      events,
      stopSignal: stopping.signal,
    }),
    ...createChatHandlers(
      runtime,
      events,
      { db, agents, recall, getModel: () => model, modelLoadFailure: () => modelLoadFailure },
      stopping.signal,
    ),
    ...createConversationHandlers({
      agents,
      conversations,
    }),
    ...createDesktopHandlers({
      db,
      agents,
      coreMemory,
      events,
      modelsDir:
        options.modelsDir ?? (options.dataDir ? dataDirLayout(options.dataDir).models : null),
    }),
    ...createActivityHandlers({ agents, activity, consolidator }),
    ...createPrivacyHandlers({
      agents,
      forget,
      setRemember: createConversationPrivacy({ db, clock }),
      events,
      onRemembered: (agentId) => {
        indexer.schedule();
        consolidator.schedule(agentId);
      },
    }),
    ...createInterfaceHandlers(db),
    'agentfile.export': async ({ agentId }) => {
      const file = await exportAgentFile({ db, agents, embedder, now: () => clock.now() }, agentId);
      const name = String(file.agents[0]?.name ?? 'agent');
      return {
        fileName: `${name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'agent'}.af`,
        text: JSON.stringify(file, null, 2),
      };
    },
    'agentfile.exportMarkdown': async ({ agentId, conversations }) => {
      const agent = await agents.get(agentId);
      return {
        fileName: `${agent.name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'agent'}-memory.md`,
        text: await exportMarkdown({ db, agents }, agentId, { conversations }),
      };
    },
    'agentfile.import': async ({ text }) => {
      const report = await importAgentFile({ db, clock }, text, {
        signal: stopping.signal,
        onProgress: (p) => events.emit('progress', { task: 'import', ...p }),
      });
      await autoAnalyze.check();
      // Vectors in the file come from another model; embed with ours. Stopped
      // by interrupt(), the rest waits for the next start: the import is committed.
      await archival
        .reembed({
          signal: stopping.signal,
          onProgress: (p) =>
            events.emit('progress', {
              task: 'import-embed',
              phase: 'embed',
              done: p.done,
              total: p.total,
            }),
        })
        .catch((error: unknown) => {
          if (!stopping.signal.aborted) throw error;
        });
      // Messages are embedded in the background, as after any turn: the
      // import is committed, and an embedder failure must not look like it failed.
      indexer.schedule();
      return report;
    },
    'backups.list': async () => (options.dataDir ? listBackups(options.dataDir) : []),
    'backups.create': async () => {
      if (!options.dataDir) {
        throw new LocusError(
          'INVALID_INPUT',
          'This Locus keeps its memory in RAM only; there is nothing to back up.',
        );
      }
      return createBackup(database, options.dataDir, 'manual', clock);
    },
    ...createDatabaseHandlers({
      database,
      dataDir: options.dataDir ?? null,
      currentUrl: options.databaseUrl ?? null,
      source: options.databaseUrl ? (options.databaseSource ?? 'flag') : 'embedded',
    }),
    'captures.add': async ({ agentId, text, source, tags }) =>
      captures.add(agentId ?? (await agents.getOrCreateDefault()).id, text, source, tags),
    ...createModelHandlers({
      agents,
      events,
      modelsDir:
        options.modelsDir ?? (options.dataDir ? dataDirLayout(options.dataDir).models : null),
      getModel: () => model,
      setModel: (next) => setModel(next),
      onLoadResult: (failure) => {
        modelLoadFailure = failure;
      },
      ...(options.openModel ? { openModel: options.openModel } : {}),
    }),
  };

  let disposed = false;
  // Memory shown is memory as of now: a change whose date has come takes
  // effect before blocks or the prompt are read for display (the Memory and
  // Context views, `locus memory blocks`), not at the next turn. A failure
  // here must not hide memory: the next turn or pass tries again.
  const dueDeps = {
    db,
    clock,
    coreMemory,
    archival,
    tryLockTurn: (agentId: string) => coordination.tryLock(`turn:${agentId}`),
    onApplied: memoryChanged,
  };
  const settleDue = (agentId: string) => settleDueChanges(dueDeps, agentId).catch(() => undefined);
  const settlingFirst =
    <I extends { agentId: string }, O>(read: (input: I) => Promise<O>) =>
    async (input: I): Promise<O> => {
      await settleDue(input.agentId);
      return read(input);
    };
  handlers['blocks.list'] = settlingFirst(handlers['blocks.list']);
  handlers['chat.context'] = settlingFirst(handlers['chat.context']);
  handlers['chat.inspect'] = settlingFirst(handlers['chat.inspect']);
  // And for a date that came while Locus was closed, at start (no model
  // needed), and for one that comes while it runs (a view left open).
  await settleAllDueChanges(dueDeps).catch(() => undefined);
  const dueChecks = workInFlight();
  const dueTimer = setInterval(() => {
    if (!disposed) void dueChecks.track(settleAllDueChanges(dueDeps).catch(() => undefined));
  }, options.dueCheckMs ?? 60_000);
  // It must not keep a CLI process alive.
  dueTimer.unref?.();
  // A load takes seconds and ends by saving the agent's model. The app starts
  // one at open that no call waits for, so a quit meanwhile closed the
  // database under that write and never disposed the model it then loaded:
  // dispose() waits for loads in flight, and refuses new ones.
  const loads = workInFlight();
  const loadModel = handlers['models.load'];
  handlers['models.load'] = (input) => {
    if (disposed) {
      return Promise.reject(
        new LocusError('INTERNAL', 'Locus is closing; load the model after it starts again.'),
      );
    }
    return loads.track(loadModel(input));
  };

  async function setModel(next: ChatModel | null): Promise<void> {
    const previous = model;
    model = next;
    if (previous && previous !== next) await previous.dispose();
  }

  return {
    handlers,
    events,
    database,
    clock,
    embedder,
    embedderSync,
    agents,
    coreMemory,
    archival,
    recall,
    conversations,
    /** Embeds messages in the background; tests and benchmarks wait on it with idle(). */
    indexer,
    /** Vector columns and indexes; flush() builds an index a bulk import deferred. */
    upkeep,
    /** Background consolidation; tests wait on it with idle(). */
    consolidator,
    activity,
    forget,
    runtime,
    captures,
    /** Captures found only in the journal at open (after a crash) and stored now. */
    replayedCaptures,
    get model(): ChatModel | null {
      return model;
    },
    /** Swaps the language model, disposing the previous one. */
    setModel,
    /**
     * Stops long work in progress (an import rolls back, embedding pauses,
     * running turns are cancelled) so a host can close promptly on Ctrl+C or
     * SIGTERM; call dispose() after.
     */
    interrupt(): void {
      stopping.abort();
    },
    /** Aborted once interrupt() was called. */
    stopSignal: stopping.signal,
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      clearInterval(dueTimer);
      await loads.settled();
      await dueChecks.settled();
      try {
        // First: they use the model, the embedder and the database.
        await consolidator.dispose();
        await indexer.dispose();
        stopWatching();
        // An index a bulk import deferred is built now, not at the next open.
        await upkeep.flush();
        events.clear();
        await model?.dispose();
        await embedder.dispose();
      } finally {
        signs?.dispose();
        await database.close();
      }
    },
  };
}
export type Core = Awaited<ReturnType<typeof createCore>>;
