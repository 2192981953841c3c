import type { MemoryActivity, MemoryActor } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import {
  createActivityRepo,
  type ActivityRow,
  type UndoData,
} from '../storage/repos/activity-repo';
import { createBlocksRepo } from '../storage/repos/blocks-repo';
import { createPassagesRepo } from '../storage/repos/passages-repo';
import type { Db, Sql } from '../storage/sql';
import type { ArchivalMemory } from './archival-memory';
import { revertChange } from './block-diff';
import type { CoreMemory } from './core-memory';

export interface MemoryActivityOptions {
  db: Db;
  clock: Clock;
  coreMemory: CoreMemory;
  archival: ArchivalMemory;
  /** Told after every undo, so hosts can refresh what they show. */
  onChange?: (agentId: string) => void;
}

function cannot(reason: string): LocusError {
  return new LocusError('UNDO_NOT_POSSIBLE', `This change cannot be undone: ${reason}.`);
}

function publicView(row: ActivityRow): MemoryActivity {
  const { undo: _undo, ...rest } = row;
  return rest;
}

/**
 * The memory activity feed: every change to an agent's memory (recorded by
 * the memory modules, in the change's own transaction) and its undo.
 */
export function createMemoryActivity(options: MemoryActivityOptions) {
  const { db, clock, coreMemory, archival } = options;

  /** Applies the inverse of one change inside `tx`, recording nothing itself. */
  async function revert(tx: Sql, row: ActivityRow, undo: UndoData, actor: MemoryActor) {
    switch (undo.type) {
      case 'block': {
        const block = await createBlocksRepo(tx).getById(undo.blockId);
        if (!block) throw cannot(`block "${undo.label}" no longer exists`);
        const value = revertChange(block.value, undo.before, undo.after);
        if (value === null) {
          throw cannot(
            `block "${undo.label}" has changed since in a way that conflicts; undo the later changes first or edit the block`,
          );
        }
        await coreMemory.rewrite(row.agentId, block.label, value, actor, { tx, record: false });
        return;
      }
      case 'passage.insert':
        await createPassagesRepo(tx).deleteMany(undo.passageIds);
        return;
      case 'passage.delete':
        if (await createPassagesRepo(tx).get(undo.passage.id)) return;
        await archival.restore(
          {
            ...undo.passage,
            source: {
              kind: undo.passage.source.kind as never,
              ref: undo.passage.source.ref,
            },
          },
          tx,
        );
        return;
      case 'passage.update': {
        const passages = createPassagesRepo(tx);
        if (!(await passages.get(undo.passageId))) throw cannot('the passage was deleted since');
        // The old text's vector is computed again by the next re-embed; words find it meanwhile.
        await passages.update(undo.passageId, undo.before, null);
        return;
      }
      case 'passage.supersede':
        await createPassagesRepo(tx).setSuperseded(
          undo.passageId,
          undo.before.supersededBy,
          undo.before.validUntil,
        );
        return;
      case 'compound':
        // The block change first: it is the one that can refuse.
        for (const part of undo.parts) await revert(tx, row, part, actor);
        return;
      case 'batch': {
        const members = (await createActivityRepo(tx).batch(row.batchId ?? '')).filter(
          (member) => member.id !== row.id && member.undoneBy === null && member.undo,
        );
        for (const member of members) await revert(tx, member, member.undo as UndoData, actor);
        return;
      }
    }
  }

  return {
    /** Newest first; pass the last id seen as `before` for the next page. */
    async list(agentId: string, limit = 50, before?: number): Promise<MemoryActivity[]> {
      return (await createActivityRepo(db).list(agentId, limit, before)).map(publicView);
    },
    /**
     * Undoes one change (a whole consolidation pass for its own entry) and
     * records the undo. Block changes made since are kept where they do not
     * conflict.
     */
    async undo(id: number, actor: MemoryActor = 'user'): Promise<MemoryActivity> {
      const undone = await db.transaction(async (tx) => {
        const repo = createActivityRepo(tx);
        const row = await repo.get(id);
        if (!row) {
          throw new LocusError(
            'ACTIVITY_NOT_FOUND',
            `No memory change has id ${id}. Refresh the activity list.`,
            { id },
          );
        }
        if (row.undoneBy !== null) throw cannot('it was already undone');
        if (!row.undo) {
          throw cannot(
            row.batchId
              ? 'each of its changes was undone or forgotten since'
              : 'this kind of change has nothing to restore',
          );
        }
        await revert(tx, row, row.undo, actor);
        const at = clock.now().toISOString();
        const undoId = await repo.insert({
          agentId: row.agentId,
          at,
          actor,
          action: 'undo',
          target: row.target,
          summary: `Undid: ${row.summary}`,
        });
        const batch = row.undo.type === 'batch' ? await repo.batch(row.batchId ?? '') : [];
        await repo.markUndone(
          [row.id, ...batch.filter((m) => m.undoneBy === null).map((m) => m.id)],
          undoId,
        );
        return (await repo.get(undoId)) as ActivityRow;
      });
      options.onChange?.(undone.agentId);
      return publicView(undone);
    },
  };
}
export type MemoryActivityFeed = ReturnType<typeof createMemoryActivity>;
