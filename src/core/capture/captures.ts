import { MAX_CAPTURE_CHARS } from '../../shared/contract';
import type { Passage } from '../../shared/entities';
import { LocusError, isLocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import { newId } from '../ids';
import type { Agents } from '../memory/agents';
import type { createArchivalMemory } from '../memory/archival-memory';
import type { CaptureJournal } from './capture-journal';

export const CAPTURE_TAG = 'note';

export interface CapturesDeps {
  archival: ReturnType<typeof createArchivalMemory>;
  /** Checks a note's agent before it is journaled; replay files orphans under the default agent. */
  agents: Pick<Agents, 'get' | 'getOrCreateDefault'>;
  clock: Clock;
  /** Null for an in-memory core: nothing survives it anyway. */
  journal: CaptureJournal | null;
}

/** Quick notes: journaled durably first, then stored as archival passages tagged "note". */
export function createCaptures(deps: CapturesDeps) {
  const { archival, journal } = deps;

  async function store(entry: {
    id: string;
    agentId: string;
    text: string;
    createdAt: string;
    tags?: string[];
    source?: string;
  }): Promise<Passage> {
    const existing = await archival.findBySource('capture', entry.id);
    if (existing) return existing;
    return archival.insert(
      entry.agentId,
      {
        text: entry.text,
        tags: [...new Set([CAPTURE_TAG, ...(entry.tags ?? [])])],
        source: { kind: 'capture', ref: entry.id },
        createdAt: entry.createdAt,
      },
      // A note an MCP client filed shows as the client's in the activity feed.
      { actor: entry.source === 'mcp' ? 'mcp' : 'user' },
    );
  }

  return {
    /** Tags are added to "note" (MCP clients and scripts file their notes). */
    async add(
      agentId: string,
      text: string,
      source: string,
      tags: string[] = [],
    ): Promise<Passage> {
      const trimmed = text.trim();
      if (!trimmed)
        throw new LocusError('INVALID_INPUT', 'The note is empty; type something to save.');
      if (trimmed.length > MAX_CAPTURE_CHARS) {
        throw new LocusError(
          'INVALID_INPUT',
          `The note is ${trimmed.length} characters; notes can be at most ${MAX_CAPTURE_CHARS.toLocaleString('en-US')} characters. Split it into parts of at most that and save each.`,
        );
      }
      // Checked before the journal: a note the database cannot take must
      // not be journaled, or its replay would fail at every start.
      await deps.agents.get(agentId);
      const entry = {
        id: newId('capture'),
        agentId,
        text: trimmed,
        createdAt: deps.clock.now().toISOString(),
        source,
        ...(tags.length > 0 ? { tags } : {}),
      };
      journal?.append(entry);
      const passage = await store(entry);
      journal?.markDone(entry.id);
      // Stored, it needs no copy: left in the journal until the next start
      // (weeks, for the app), the text outlived a "forget" of the note. The
      // note is saved either way; the next start compacts what this cannot.
      try {
        journal?.compact();
      } catch {
        // Kept for the next start.
      }
      return passage;
    },

    /**
     * Stores captures a crash or power cut left only in the journal. A note
     * whose agent is gone (deleted since, or never existed) goes to the
     * default agent: a note is never dropped, and one bad line never stops
     * Locus from starting. A note that still cannot be stored stays pending.
     */
    async replay(): Promise<number> {
      if (!journal) return 0;
      const pending = journal.pending();
      let stored = 0;
      for (const entry of pending) {
        try {
          const owner = await deps.agents.get(entry.agentId).catch(async (error: unknown) => {
            if (isLocusError(error) && error.code === 'AGENT_NOT_FOUND')
              return deps.agents.getOrCreateDefault();
            throw error;
          });
          await store({ ...entry, agentId: owner.id });
          journal.markDone(entry.id);
          stored++;
        } catch {
          // Left in the journal for the next start.
        }
      }
      journal.compact();
      return stored;
    },
  };
}
export type Captures = ReturnType<typeof createCaptures>;
