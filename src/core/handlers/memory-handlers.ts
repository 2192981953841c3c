import type { Handlers } from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import { agentTemplate } from '../agent/agent-templates';
import type { EventBus } from '../events';
import type { ProgressListener } from '../models/embedder';
import type { Agents } from '../memory/agents';
import type { ArchivalMemory } from '../memory/archival-memory';
import type { CoreMemory } from '../memory/core-memory';
import type { MessageIndexer } from '../memory/message-indexer';
import type { RecallMemory } from '../memory/recall-memory';

export interface MemoryHandlerDeps {
  agents: Agents;
  coreMemory: CoreMemory;
  archival: ArchivalMemory;
  recall: RecallMemory;
  /** Messages are embedded through it, so a manual re-embed never races the background one. */
  indexer: MessageIndexer;
  events: EventBus;
  /** The core's interrupt(): a manual re-embed stops between batches (CANCELLED). */
  stopSignal?: AbortSignal;
}

type MemoryHandlers = Pick<
  Handlers,
  | 'agents.list'
  | 'agents.get'
  | 'agents.getDefault'
  | 'agents.create'
  | 'agents.update'
  | 'agents.delete'
  | 'blocks.list'
  | 'blocks.create'
  | 'blocks.setValue'
  | 'blocks.updateSettings'
  | 'blocks.delete'
  | 'blocks.history'
  | 'blocks.undo'
  | 'archival.insert'
  | 'archival.search'
  | 'archival.update'
  | 'archival.delete'
  | 'archival.reembed'
  | 'recall.search'
  | 'recall.recent'
>;

/** Calls made by a person through a UI or the CLI: edits are attributed to the user. */
export function createMemoryHandlers(deps: MemoryHandlerDeps): MemoryHandlers {
  const { agents, coreMemory, archival, recall, indexer, events, stopSignal } = deps;
  // Another agent's passage reads as missing, so ids cannot be probed across agents.
  const passageOf = async (agentId: string, passageId: string) => {
    const passage = await archival.get(passageId);
    if (passage.agentId !== agentId) {
      throw new LocusError(
        'PASSAGE_NOT_FOUND',
        `No archival passage has id "${passageId}" in this agent's memory.`,
        { id: passageId },
      );
    }
    return passage;
  };
  return {
    'agents.list': () => agents.list(),
    'agents.get': ({ agentId }) => agents.get(agentId),
    'agents.getDefault': () => agents.getOrCreateDefault(),
    'agents.create': ({ template, ...input }) =>
      agents.create({
        ...input,
        ...(input.blocks === undefined && template !== undefined
          ? { blocks: agentTemplate(template).blocks }
          : {}),
      }),
    'agents.update': ({ agentId, ...patch }) => agents.update(agentId, patch),
    'agents.delete': async ({ agentId }) => {
      await agents.remove(agentId);
      return { deleted: true };
    },

    'blocks.list': ({ agentId }) => coreMemory.list(agentId),
    'blocks.create': ({ agentId, block, actor }) =>
      coreMemory.create(agentId, block, undefined, actor ?? 'user'),
    'blocks.setValue': ({ agentId, label, value, actor }) =>
      coreMemory.rewrite(agentId, label, value, actor ?? 'user'),
    'blocks.updateSettings': ({ agentId, label, ...patch }) =>
      coreMemory.updateSettings(agentId, label, patch),
    'blocks.delete': async ({ agentId, label, actor }) => {
      await coreMemory.remove(agentId, label, actor ?? 'user');
      return { deleted: true };
    },
    'blocks.history': async ({ agentId, label, limit }) =>
      (await coreMemory.history(agentId, label, limit)).map(({ id, value, actor, createdAt }) => ({
        id,
        value,
        actor,
        createdAt,
      })),
    'blocks.undo': ({ agentId, label }) => coreMemory.undo(agentId, label, 'user'),

    'archival.insert': async ({ agentId, text, tags, actor }) => {
      await agents.get(agentId);
      return archival.insert(
        agentId,
        { text, tags: tags ?? [], source: { kind: 'user', ref: null } },
        { actor: actor ?? 'user' },
      );
    },
    // The person's searches continue past the word matches (commonWordTail).
    'archival.search': ({ agentId, ...query }) =>
      archival.search(agentId, { ...query, commonWords: true }),
    'archival.update': async ({ passageId, agentId, actor, ...patch }) => {
      if (agentId) await passageOf(agentId, passageId);
      return archival.update(passageId, patch, { actor: actor ?? 'user' });
    },
    'archival.delete': async ({ passageId, agentId, actor }) => {
      if (agentId) await passageOf(agentId, passageId);
      await archival.remove(passageId, { actor: actor ?? 'user' });
      return { deleted: true };
    },
    // Every memory waiting for the current embedder: passages, then messages.
    'archival.reembed': async () => {
      const onProgress: ProgressListener = (p) =>
        events.emit('progress', { task: 'reembed', ...p });
      let embedded = 0;
      try {
        embedded += (
          await archival.reembed({ onProgress, ...(stopSignal ? { signal: stopSignal } : {}) })
        ).embedded;
        embedded += (await indexer.drain(onProgress)).embedded;
      } catch (error) {
        if (!stopSignal?.aborted) throw error;
      }
      if (stopSignal?.aborted) {
        // What was embedded stays; the rest waits for the next run.
        throw new LocusError(
          'CANCELLED',
          `Embedding was stopped after ${embedded} items; they are kept. Run "locus memory reembed" again to embed the rest.`,
        );
      }
      return { embedded };
    },

    // The person's own history: conversations kept out of memory show too,
    // unless a model asks (MCP).
    // A message whose facts were all replaced is marked past, as the agent's
    // own conversation_search and surfacing mark it.
    'recall.search': async ({ agentId, includeNotRemembered, ...query }) => {
      const page = await recall.search(agentId, {
        ...query,
        includeNotRemembered: includeNotRemembered ?? true,
        commonWords: true,
      });
      const past = await recall.pastUntil(
        agentId,
        page.items.map((m) => m.id),
      );
      return { ...page, items: page.items.map((m) => ({ ...m, until: past.get(m.id) ?? null })) };
    },
    'recall.recent': ({ agentId, conversationId, limit, beforeSeq }) =>
      recall.recent(agentId, limit ?? 50, beforeSeq, conversationId),
  };
}
