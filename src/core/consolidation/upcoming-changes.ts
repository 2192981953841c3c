import type { Clock } from '../clock';
import { newId } from '../ids';
import type { ArchivalMemory } from '../memory/archival-memory';
import { linesOf } from '../memory/block-diff';
import type { CoreMemory } from '../memory/core-memory';
import { createActivityRepo, quote } from '../storage/repos/activity-repo';
import { createBlocksRepo } from '../storage/repos/blocks-repo';
import { createUpcomingRepo, type UpcomingLine } from '../storage/repos/upcoming-repo';
import type { Release } from '../storage/coordination';
import type { Db, Sql } from '../storage/sql';
import { withoutFromMark } from './apply-facts';
import { replaceKeepingPast } from './past-line';

export interface UpcomingChangesDeps {
  db: Db;
  clock: Clock;
  coreMemory: CoreMemory;
  archival: ArchivalMemory;
}

/** A change that took effect: the line now current, and the one it replaced (now past), if any. */
export interface TookEffect {
  line: string;
  replaced: string | null;
}

/**
 * Makes the agent's upcoming changes whose date has come take effect: "Lives
 * in Lyon (from 2027-01)" becomes "Lives in Lyon" in place of "Lives in
 * Paris", which is kept as a past fact until that date, through the edit
 * path of any consolidation correction (block history, activity, undo).
 * Each change is one transaction that also deletes its row, so it takes
 * effect once whoever runs it (a pass, a turn, another process) and
 * whenever a crash stops it. A change whose line is gone (forgotten,
 * edited away, or replaced when the user said it had happened) does
 * nothing. Call it only between model steps: the prompt must not change
 * under one. Returns those that took effect, oldest first.
 */
export async function applyDueChanges(
  deps: UpcomingChangesDeps,
  agentId: string,
): Promise<TookEffect[]> {
  const { db, clock } = deps;
  const applied: TookEffect[] = [];
  for (const change of await createUpcomingRepo(db).list(agentId, clock.now().toISOString())) {
    const done = await db.transaction((tx) => takeEffect(deps, tx, agentId, change));
    if (done) applied.push(done);
  }
  return applied;
}

export interface SettleDueDeps extends UpcomingChangesDeps {
  /**
   * Holds the agent's turn lock if no turn holds it (in any process sharing
   * the database), else null: a running turn's model step must not see its
   * prompt change, and the turn made what was due as it started.
   */
  tryLockTurn: (agentId: string) => Promise<Release | null>;
  /** After changes of the agent took effect (hosts refresh what they show). */
  onApplied?: (agentId: string) => void;
}

/**
 * Makes an agent's due changes take effect outside a turn, so memory shown
 * (the Memory view, `locus memory blocks`, chat.context) is not left saying
 * "(from 2027-01)" after that date until the next turn or pass. Needs no
 * model. Skipped while a turn of the agent runs.
 */
export async function settleDueChanges(deps: SettleDueDeps, agentId: string): Promise<void> {
  const release = await deps.tryLockTurn(agentId);
  if (!release) return;
  try {
    if ((await applyDueChanges(deps, agentId)).length > 0) deps.onApplied?.(agentId);
  } finally {
    await release();
  }
}

/**
 * settleDueChanges for every agent with a change due: at start-up, for a
 * date that came while Locus was closed.
 */
export async function settleAllDueChanges(deps: SettleDueDeps): Promise<void> {
  const now = deps.clock.now().toISOString();
  for (const agentId of await createUpcomingRepo(deps.db).agentsDue(now)) {
    await settleDueChanges(deps, agentId);
  }
}

async function takeEffect(
  deps: UpcomingChangesDeps,
  tx: Sql,
  agentId: string,
  change: UpcomingLine,
): Promise<TookEffect | null> {
  const blocks = createBlocksRepo(tx);
  // A read-only block waits (the row stays) until it may be changed again.
  if ((await blocks.getById(change.blockId))?.readOnly) return null;
  if (!(await createUpcomingRepo(tx).take(change.id))) return null;
  const block = await blocks.getById(change.blockId);
  const lines = block ? linesOf(block.value) : [];
  if (!block || !lines.includes(change.line)) return null;

  const now = withoutFromMark(change.line);
  // Already written (by hand, or told again since): it is not written twice.
  const known = now !== change.line && lines.includes(now);
  const replacing =
    change.replaces !== null &&
    change.replaces !== change.line &&
    change.replaces !== now &&
    lines.includes(change.replaces)
      ? change.replaces
      : null;
  const batchId = newId('batch');
  const edit = { tx, batchId, sourceMessageId: change.messageId };
  if (known || replacing) {
    // The upcoming line goes first (and a copy of the new one, which takes
    // the old one's place): the block never holds both versions, so the
    // change fits wherever the correction itself fits.
    const gone = known && replacing ? [change.line, now] : [change.line];
    await deps.coreMemory.removeLines(agentId, block.label, gone, 'consolidation', edit);
  }
  if (replacing) {
    await replaceKeepingPast(deps, {
      agentId,
      block,
      oldLine: replacing,
      newLine: now,
      until: change.startsAt,
      edit,
    });
  } else if (!known) {
    await deps.coreMemory.replaceLine(
      agentId,
      block.label,
      change.line,
      now,
      'consolidation',
      edit,
    );
  }
  const mark = change.line.slice(now.length).trim();
  await createActivityRepo(tx).insert({
    agentId,
    at: deps.clock.now().toISOString(),
    actor: 'consolidation',
    action: 'consolidate',
    target: { kind: 'block', id: block.id, label: block.label },
    summary: `Now current${mark ? ` ${mark}` : ''}: ${quote(now)}${replacing ? `, in place of ${quote(replacing)} (now a past fact)` : ''}`,
    undo: { type: 'batch' },
    batchId,
  });
  return { line: now, replaced: replacing };
}
