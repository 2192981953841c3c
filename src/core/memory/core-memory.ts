import { NewBlockSchema, type Block, type MemoryActor, type NewBlock } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import { newId } from '../ids';
import { createActivityRepo, type UndoData } from '../storage/repos/activity-repo';
import { createBlocksRepo, type BlockHistoryEntry } from '../storage/repos/blocks-repo';
import type { Db, Sql } from '../storage/sql';
import { describeBlockChange, lineChanges, linesOf } from './block-diff';

/** Who changed a block; see MemoryActor. */
export type Actor = MemoryActor;

/** Actors bound by a block's read-only flag: models, not the person. */
const BOUND_BY_READ_ONLY: readonly Actor[] = ['agent', 'consolidation', 'mcp'];

export interface CoreMemoryOptions {
  db: Db;
  clock: Clock;
}

/** How an edit is made and recorded. */
export interface EditOptions {
  /** Run inside this open transaction (a consolidation pass applies many edits at once). */
  tx?: Sql;
  /** The message the new text came from, so forgetting that message finds the line. */
  sourceMessageId?: string | null;
  /** Groups the change with others of one consolidation pass. */
  batchId?: string;
  /** False when the caller records the change itself (undo, forget). Defaults to true. */
  record?: boolean;
  /** The activity's action name; defaults to the method's (block.append, …). */
  action?: string;
  /** The activity's summary; defaults to a description of the lines changed. */
  summary?: string;
  /** Other writes that belong to this change: undone with it, recorded with it. */
  alsoUndo?: UndoData[];
}

function overLimit(block: Block, value: string): LocusError {
  const over = value.length - block.limit;
  return new LocusError(
    'BLOCK_LIMIT_EXCEEDED',
    `Edit failed: block "${block.label}" would be ${value.length} characters, ${over} over its limit of ${block.limit}. Shorten the new text by at least ${over} characters, or replace or remove less important content first.`,
    { label: block.label, limit: block.limit, length: value.length, over },
  );
}

function notFound(agentId: string, label: string): LocusError {
  return new LocusError(
    'BLOCK_NOT_FOUND',
    `There is no memory block labelled "${label}". Use one of the labels shown in core memory.`,
    { agentId, label },
  );
}

function textNotFound(oldText: string, label: string): LocusError {
  return new LocusError(
    'BLOCK_TEXT_NOT_FOUND',
    `The text "${oldText}" is not in block "${label}". Copy the exact text from the block (it is case- and space-sensitive).`,
    { label },
  );
}

/**
 * Core memory: the labelled, size-limited blocks that are always in the
 * prompt. Every edit is a read-modify-write in one transaction that keeps the
 * previous value in the block's history, notes where new lines came from and
 * records the change in the memory activity feed.
 */
export function createCoreMemory(options: CoreMemoryOptions) {
  const { db, clock } = options;

  function inTransaction<T>(opts: EditOptions, work: (tx: Sql) => Promise<T>): Promise<T> {
    return opts.tx ? work(opts.tx) : db.transaction(work);
  }

  async function edit(
    agentId: string,
    label: string,
    actor: Actor,
    action: string,
    opts: EditOptions,
    change: (current: string, block: Block) => string,
  ): Promise<Block> {
    return inTransaction(opts, async (tx) => {
      const repo = createBlocksRepo(tx);
      const block = await repo.getByLabel(agentId, label, { forUpdate: true });
      if (!block) throw notFound(agentId, label);
      if (block.readOnly && BOUND_BY_READ_ONLY.includes(actor)) {
        throw new LocusError(
          'BLOCK_READ_ONLY',
          `Block "${label}" is read-only: you cannot change it. Store new information in another block or in archival memory.`,
          { label },
        );
      }
      const value = change(block.value, block);
      if (value.length > block.limit) throw overLimit(block, value);
      if (value === block.value) return block;
      const at = clock.now().toISOString();
      await repo.updateValue(block, value, actor, at);
      const { added } = lineChanges(block.value, value);
      await repo.addLineSources(
        added
          .filter((line) => line.trim())
          .map((line) => ({
            blockId: block.id,
            line,
            messageId: opts.sourceMessageId ?? null,
            at,
          })),
      );
      if (opts.record !== false) {
        await createActivityRepo(tx).insert({
          agentId,
          at,
          actor,
          action: opts.action ?? action,
          target: { kind: 'block', id: block.id, label },
          summary: opts.summary ?? describeBlockChange(label, block.value, value),
          undo: opts.alsoUndo?.length
            ? {
                type: 'compound',
                parts: [
                  { type: 'block', blockId: block.id, label, before: block.value, after: value },
                  ...opts.alsoUndo,
                ],
              }
            : { type: 'block', blockId: block.id, label, before: block.value, after: value },
          batchId: opts.batchId ?? null,
        });
      }
      return { ...block, value, updatedAt: at };
    });
  }

  async function get(agentId: string, label: string): Promise<Block> {
    const block = await createBlocksRepo(db).getByLabel(agentId, label);
    if (!block) throw notFound(agentId, label);
    return block;
  }

  return {
    get,
    list(agentId: string): Promise<Block[]> {
      return createBlocksRepo(db).listByAgent(agentId);
    },
    /**
     * Adds a block; `sql` lets agent creation add its blocks in the same
     * transaction (those are part of the new agent, not recorded as changes).
     */
    async create(
      agentId: string,
      input: NewBlock,
      sql: Sql = db,
      actor: Actor = 'user',
    ): Promise<Block> {
      const parsed = NewBlockSchema.parse(input);
      const repo = createBlocksRepo(sql);
      if (await repo.getByLabel(agentId, parsed.label)) {
        throw new LocusError(
          'BLOCK_LABEL_TAKEN',
          `A block labelled "${parsed.label}" already exists.`,
          {
            label: parsed.label,
          },
        );
      }
      const at = clock.now().toISOString();
      const block: Block = { id: newId('block'), agentId, ...parsed, createdAt: at, updatedAt: at };
      if (block.value.length > block.limit) throw overLimit(block, block.value);
      await repo.insert(block);
      if (sql === db) {
        await createActivityRepo(sql).insert({
          agentId,
          at,
          actor,
          action: 'block.create',
          target: { kind: 'block', id: block.id, label: block.label },
          summary: `Created block ${block.label}`,
        });
      }
      return block;
    },
    /** Adds text on a new line at the end (Letta's core_memory_append). */
    append(
      agentId: string,
      label: string,
      text: string,
      actor: Actor,
      opts: EditOptions = {},
    ): Promise<Block> {
      return edit(agentId, label, actor, 'block.append', opts, (current) =>
        current ? `${current}\n${text}` : text,
      );
    },
    /**
     * Replaces existing text (Letta's core_memory_replace / memory_replace).
     * `unique` demands exactly one occurrence, so the model cannot change more than it meant to.
     */
    replace(
      agentId: string,
      label: string,
      oldText: string,
      newText: string,
      actor: Actor,
      unique = false,
      opts: EditOptions = {},
    ): Promise<Block> {
      return edit(agentId, label, actor, 'block.replace', opts, (current) => {
        if (oldText.length === 0) {
          throw new LocusError(
            'BLOCK_TEXT_NOT_FOUND',
            'The text to replace is empty. Quote the exact text to change.',
          );
        }
        const count = current.split(oldText).length - 1;
        if (count === 0) throw textNotFound(oldText, label);
        if (unique && count > 1) {
          throw new LocusError(
            'BLOCK_TEXT_NOT_FOUND',
            `The text "${oldText}" appears ${count} times in block "${label}". Quote more of the surrounding text so it is unique.`,
            { label, count },
          );
        }
        return current.split(oldText).join(newText);
      });
    },
    /** Replaces one whole line (the first equal to `oldLine`) with `newLine`. */
    replaceLine(
      agentId: string,
      label: string,
      oldLine: string,
      newLine: string,
      actor: Actor,
      opts: EditOptions = {},
    ): Promise<Block> {
      return edit(agentId, label, actor, 'block.replace', opts, (current) => {
        const lines = linesOf(current);
        const at = lines.indexOf(oldLine);
        if (at < 0) throw textNotFound(oldLine, label);
        lines[at] = newLine;
        return lines.join('\n');
      });
    },
    /** Takes whole lines out of a block (each listed line once). */
    removeLines(
      agentId: string,
      label: string,
      remove: string[],
      actor: Actor,
      opts: EditOptions = {},
    ): Promise<Block> {
      return edit(agentId, label, actor, 'block.remove', opts, (current) => {
        const lines = linesOf(current);
        for (const line of remove) {
          const at = lines.indexOf(line);
          if (at >= 0) lines.splice(at, 1);
        }
        return lines.join('\n');
      });
    },
    /** Inserts text before a line (0 = top, -1 or past the end = bottom), Letta's memory_insert. */
    insert(
      agentId: string,
      label: string,
      text: string,
      line: number,
      actor: Actor,
      opts: EditOptions = {},
    ): Promise<Block> {
      return edit(agentId, label, actor, 'block.insert', opts, (current) => {
        const lines = linesOf(current);
        const at = line < 0 || line > lines.length ? lines.length : line;
        lines.splice(at, 0, text);
        return lines.join('\n');
      });
    },
    /** Rewrites the whole block (Letta's memory_rethink); also how a person edits a block. */
    rewrite(
      agentId: string,
      label: string,
      value: string,
      actor: Actor,
      opts: EditOptions = {},
    ): Promise<Block> {
      return edit(agentId, label, actor, 'block.rewrite', opts, () => value);
    },
    /** Restores the value before the most recent change; the undo is itself recorded. */
    async undo(agentId: string, label: string, actor: Actor): Promise<Block> {
      const block = await get(agentId, label);
      const [last] = await createBlocksRepo(db).history(block.id, 1);
      if (!last) {
        throw new LocusError(
          'BLOCK_TEXT_NOT_FOUND',
          `Block "${label}" has no earlier version to restore.`,
          {
            label,
          },
        );
      }
      return edit(agentId, label, actor, 'block.undo', {}, () => last.value);
    },
    async history(agentId: string, label: string, limit = 50): Promise<BlockHistoryEntry[]> {
      const block = await get(agentId, label);
      return createBlocksRepo(db).history(block.id, limit);
    },
    async updateSettings(
      agentId: string,
      label: string,
      patch: { limit?: number; description?: string; readOnly?: boolean },
    ): Promise<Block> {
      return db.transaction(async (tx) => {
        const repo = createBlocksRepo(tx);
        const block = await repo.getByLabel(agentId, label, { forUpdate: true });
        if (!block) throw notFound(agentId, label);
        if (patch.limit !== undefined && block.value.length > patch.limit) {
          throw overLimit({ ...block, limit: patch.limit }, block.value);
        }
        const at = clock.now().toISOString();
        await repo.updateMeta(block.id, patch, at);
        return { ...block, ...patch, updatedAt: at };
      });
    },
    /** A new label for a block; its text and history stay (the prompt shows the new tag). */
    async rename(
      agentId: string,
      label: string,
      newLabel: string,
      actor: Actor = 'user',
    ): Promise<Block> {
      return db.transaction(async (tx) => {
        const repo = createBlocksRepo(tx);
        const block = await repo.getByLabel(agentId, label);
        if (!block) throw notFound(agentId, label);
        if (newLabel === label) return block;
        if (await repo.getByLabel(agentId, newLabel)) {
          throw new LocusError(
            'BLOCK_LABEL_TAKEN',
            `A block labelled "${newLabel}" already exists; pick another label.`,
            { label: newLabel },
          );
        }
        const at = clock.now().toISOString();
        await repo.updateLabel(block.id, newLabel, at);
        await createActivityRepo(tx).insert({
          agentId,
          at,
          actor,
          action: 'block.rename',
          target: { kind: 'block', id: block.id, label: newLabel },
          summary: `Renamed block ${label} to ${newLabel}`,
        });
        return { ...block, label: newLabel, updatedAt: at };
      });
    },
    async remove(agentId: string, label: string, actor: Actor = 'user'): Promise<void> {
      const block = await get(agentId, label);
      await db.transaction(async (tx) => {
        await createBlocksRepo(tx).delete(block.id);
        await createActivityRepo(tx).insert({
          agentId,
          at: clock.now().toISOString(),
          actor,
          action: 'block.delete',
          target: { kind: 'block', id: null, label },
          summary: `Deleted block ${label}`,
        });
      });
    },
  };
}
export type CoreMemory = ReturnType<typeof createCoreMemory>;
