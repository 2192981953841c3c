import type { MemoryActivity, MemoryActor } from '../../../shared/entities';
import type { Sql } from '../sql';
import { iso } from './rows';

/** What an undo needs, by kind of change; stored as jsonb with the activity. */
export type UndoData =
  | { type: 'block'; blockId: string; label: string; before: string; after: string }
  | { type: 'passage.insert'; passageIds: string[] }
  | { type: 'passage.delete'; passage: StoredPassage }
  | { type: 'passage.update'; passageId: string; before: { text: string; tags: string[] } }
  | {
      type: 'passage.supersede';
      passageId: string;
      before: { supersededBy: string | null; validUntil: string | null };
    }
  | { type: 'batch' }
  /** One change made of several (a corrected line and its old version kept as a past fact). */
  | { type: 'compound'; parts: UndoData[] };

/** A deleted passage, whole, so undo can put it back (its vector is recomputed). */
export interface StoredPassage {
  id: string;
  agentId: string;
  text: string;
  tags: string[];
  source: { kind: string; ref: string | null };
  createdAt: string;
  supersededBy: string | null;
  validUntil: string | null;
}

export interface NewActivity {
  agentId: string;
  at: string;
  actor: MemoryActor;
  action: string;
  target: MemoryActivity['target'];
  summary: string;
  undo?: UndoData | null;
  batchId?: string | null;
}

export interface ActivityRow extends MemoryActivity {
  undo: UndoData | null;
}

interface RawActivity {
  id: string | number;
  agent_id: string;
  at: Date;
  actor: MemoryActor;
  action: string;
  target_kind: MemoryActivity['target']['kind'];
  target_id: string | null;
  label: string | null;
  summary: string;
  undo: UndoData | null;
  batch_id: string | null;
  undone_by: string | number | null;
}

/** Summaries quote texts cut to this many characters (see quote()). */
export const QUOTED = 100;
/** A summary that holds this much of a forgotten text's start is about it. */
const QUOTE_MATCH = 80;

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A text as an activity summary quotes it: one line, cut to QUOTED characters. */
export function quote(text: string): string {
  const flat = flatten(text);
  return `"${flat.length > QUOTED ? `${flat.slice(0, QUOTED)}…` : flat}"`;
}

/**
 * A batch entry (a consolidation pass) has something to undo only while one
 * of its changes does: once each was undone or forgotten, undoing the pass
 * would change nothing.
 */
const UNDO = `CASE WHEN undo->>'type' = 'batch' AND NOT EXISTS (
    SELECT 1 FROM memory_activity m
    WHERE m.batch_id = memory_activity.batch_id AND m.id <> memory_activity.id
      AND m.undo IS NOT NULL AND m.undone_by IS NULL)
  THEN NULL ELSE undo END AS undo`;

const COLUMNS = `id, agent_id, at, actor, action, target_kind, target_id, label, summary, ${UNDO}, batch_id, undone_by`;

function toActivity(row: RawActivity): ActivityRow {
  return {
    id: Number(row.id),
    agentId: row.agent_id,
    at: iso(row.at),
    actor: row.actor,
    action: row.action,
    target: { kind: row.target_kind, id: row.target_id, label: row.label },
    summary: row.summary,
    batchId: row.batch_id,
    undoable: row.undo !== null && row.undone_by === null,
    undoneBy: row.undone_by === null ? null : Number(row.undone_by),
    undo: row.undo,
  };
}

/** The memory activity feed: one row per change, written in the change's own transaction. */
export function createActivityRepo(sql: Sql) {
  return {
    async insert(entry: NewActivity): Promise<number> {
      const result = await sql.query<{ id: string | number }>(
        `INSERT INTO memory_activity
           (agent_id, at, actor, action, target_kind, target_id, label, summary, undo, batch_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10) RETURNING id`,
        [
          entry.agentId,
          entry.at,
          entry.actor,
          entry.action,
          entry.target.kind,
          entry.target.id,
          entry.target.label,
          entry.summary,
          entry.undo ? JSON.stringify(entry.undo) : null,
          entry.batchId ?? null,
        ],
      );
      return Number(result.rows[0]?.id);
    },
    /** Newest first; `before` pages back from an id. */
    async list(agentId: string, limit: number, before?: number): Promise<ActivityRow[]> {
      const result = await sql.query<RawActivity>(
        `SELECT ${COLUMNS} FROM memory_activity
         WHERE agent_id = $1 AND ($2::bigint IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3`,
        [agentId, before ?? null, limit],
      );
      return result.rows.map(toActivity);
    },
    async get(id: number): Promise<ActivityRow | undefined> {
      const result = await sql.query<RawActivity>(
        `SELECT ${COLUMNS} FROM memory_activity WHERE id = $1`,
        [id],
      );
      return result.rows[0] ? toActivity(result.rows[0]) : undefined;
    },
    /** The changes of one batch, newest first (the order to undo them in). */
    async batch(batchId: string): Promise<ActivityRow[]> {
      const result = await sql.query<RawActivity>(
        `SELECT ${COLUMNS} FROM memory_activity WHERE batch_id = $1 ORDER BY id DESC`,
        [batchId],
      );
      return result.rows.map(toActivity);
    },
    async markUndone(ids: number[], by: number): Promise<void> {
      await sql.query('UPDATE memory_activity SET undone_by = $2 WHERE id = ANY($1::bigint[])', [
        ids,
        by,
      ]);
    },
    /**
     * Undo data of the changes still in effect that replaced a line of this
     * block and kept the old one as a past fact (a correction), newest first.
     */
    async corrections(agentId: string, blockId: string): Promise<UndoData[]> {
      const result = await sql.query<{ undo: UndoData }>(
        `SELECT undo FROM memory_activity
         WHERE agent_id = $1 AND undone_by IS NULL AND undo->>'type' = 'compound'
           AND EXISTS (SELECT 1 FROM jsonb_array_elements(undo->'parts') part
                       WHERE part->>'type' = 'block' AND part->>'blockId' = $2)
           AND EXISTS (SELECT 1 FROM jsonb_array_elements(undo->'parts') part
                       WHERE part->>'type' = 'passage.insert')
         ORDER BY id DESC`,
        [agentId, blockId],
      );
      return result.rows.map((row) => row.undo);
    },
    /**
     * The entries that made these passages past facts can no longer be
     * undone: something else (a forget) already made them current again.
     */
    async dropSupersedeUndo(agentId: string, passageIds: string[]): Promise<void> {
      if (passageIds.length === 0) return;
      await sql.query(
        `UPDATE memory_activity SET undo = NULL
         WHERE agent_id = $1 AND action = 'passage.supersede' AND target_id = ANY($2::text[])`,
        [agentId, passageIds],
      );
    },
    /**
     * Forgetting: every entry about one of `targetIds`, or whose summary
     * holds one of `texts`, keeps only that something happened. An entry
     * whose undo data alone holds one (a block snapshot beside a forgotten
     * line) keeps its summary and whatever `scrub` leaves of its undo, or
     * no undo when a text is still in it. Returns how many entries changed.
     */
    async redact(
      agentId: string,
      targetIds: string[],
      texts: string[],
      scrub: (undo: UndoData) => UndoData | null = () => null,
    ): Promise<number> {
      const wanted = texts.filter((t) => t.trim() !== '');
      // Summaries quote a flattened start of the text; undo data holds it as a JSON string.
      const quoted = wanted.map((t) => flatten(t).slice(0, QUOTE_MATCH));
      const escaped = wanted.map((t) => JSON.stringify(t).slice(1, -1));
      const result = await sql.query<{
        id: string | number;
        about: boolean;
        undo: UndoData | null;
      }>(
        `SELECT id, undo,
           (target_id = ANY($2::text[])
            OR EXISTS (SELECT 1 FROM unnest($3::text[]) q(text) WHERE strpos(summary, q.text) > 0))
             AS about
         FROM memory_activity
         WHERE agent_id = $1 AND (
           target_id = ANY($2::text[])
           OR EXISTS (SELECT 1 FROM unnest($3::text[]) q(text) WHERE strpos(summary, q.text) > 0)
           OR EXISTS (SELECT 1 FROM unnest($4::text[]) e(text)
                      WHERE strpos(coalesce(undo::text, ''), e.text) > 0))`,
        [agentId, targetIds, quoted, escaped],
      );
      for (const row of result.rows) {
        if (row.about || !row.undo) {
          await sql.query(
            `UPDATE memory_activity SET summary = '(forgotten)', undo = NULL, target_id = NULL
             WHERE id = $1`,
            [row.id],
          );
          continue;
        }
        const kept = scrub(row.undo);
        const json = kept ? JSON.stringify(kept) : null;
        const clean = json !== null && !escaped.some((e) => json.includes(e));
        await sql.query('UPDATE memory_activity SET undo = $2::jsonb WHERE id = $1', [
          row.id,
          clean ? json : null,
        ]);
      }
      return result.rows.length;
    },
  };
}
export type ActivityRepo = ReturnType<typeof createActivityRepo>;
