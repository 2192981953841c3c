import type { Block, Passage } from '../../shared/entities';
import type { Clock } from '../clock';
import type { ArchivalMemory } from '../memory/archival-memory';
import { linesOf } from '../memory/block-diff';
import type { CoreMemory } from '../memory/core-memory';
import { createBlocksRepo } from '../storage/repos/blocks-repo';
import type { SaidMessage } from '../storage/repos/consolidation-repo';
import type { Sql } from '../storage/sql';
import type { ExtractedFact } from './extraction';
import { formatResolved, resolveDate, resolvedStart } from '../resolve-date';
import { createUpcomingRepo } from '../storage/repos/upcoming-repo';
import { replaceKeepingPast } from './past-line';

/** The block facts about the user go to. */
export const HUMAN_BLOCK = 'human';

export interface ApplyInput {
  agentId: string;
  messages: SaidMessage[];
  facts: ExtractedFact[];
  /** The human block when the pass read it (null if the agent has none). */
  human: Block | null;
  /** Its lines as the model saw them, L1… */
  lines: string[];
  /** The stored facts the model saw, P1… */
  passages: Passage[];
  batchId: string;
}

export interface ApplyDeps {
  tx: Sql;
  clock: Clock;
  coreMemory: CoreMemory;
  archival: ArchivalMemory;
}

export interface ApplyReport {
  /** Lines added to the human block. */
  added: number;
  /** Lines of the human block replaced by a correction (the old one kept as a past fact). */
  replaced: number;
  /** Facts saved as archival passages. */
  saved: number;
  /** Stored passages marked as past facts. */
  superseded: number;
  /** Lines moved from the human block to archival memory to stay under its limit. */
  moved: number;
  /** Facts already known, not stored again. */
  duplicates: number;
}

/** The mark of a change that had not happened yet (see `upcoming` below): "(from 2027-01)". */
const FROM_MARK = /\s*\(from (?:week of )?\d{4}(?:-\d{2}){0,2}\)\s*$/;

/** A line written for a change that had not happened yet. */
export function isUpcoming(line: string): boolean {
  return FROM_MARK.test(line);
}

/** An upcoming line as it reads once its date has come: without its mark. */
export function withoutFromMark(line: string): string {
  return line.replace(FROM_MARK, '');
}

/** Words only, for telling a fact already known from a new one. */
function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s*\((?:from )?(?:week of )?\d{4}(?:-\d{2}){0,2}\)\s*$/, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Applies one pass's facts through the memory modules' edit paths (block
 * history, activity, undo), all inside the caller's transaction: facts about
 * the user go into the human block (appended, or replacing the line they
 * correct, whose old version becomes a past fact in archival memory); other
 * facts become archival passages linked to their source message. A block
 * that would overflow moves its least recently written lines to archival.
 */
export async function applyFacts(deps: ApplyDeps, input: ApplyInput): Promise<ApplyReport> {
  const { tx, coreMemory, archival } = deps;
  const { agentId, batchId } = input;
  const report: ApplyReport = {
    added: 0,
    replaced: 0,
    saved: 0,
    superseded: 0,
    moved: 0,
    duplicates: 0,
  };
  const shownLines = input.lines;
  // A change told before it happens ("Lives in Lyon (from 2027-01)") is not
  // yet known: when the user says it has happened, it replaces the line.
  const planned = new Map(shownLines.filter(isUpcoming).map((l) => [normalize(l), l] as const));
  const known = new Set(
    [...shownLines.filter((l) => !isUpcoming(l)), ...input.passages.map((p) => p.text)].map(
      normalize,
    ),
  );
  const writable = input.human !== null && !input.human.readOnly;
  const human = input.human;

  const lastUser = [...input.messages].reverse().find((m) => m.role === 'user');
  for (const fact of input.facts) {
    const key = normalize(fact.text);
    const source =
      input.messages[fact.message - 1] ?? lastUser ?? (input.messages.at(-1) as SaidMessage);
    const said = new Date(source.createdAt);
    const resolved = resolveDate(fact.when, said);
    // A correction stops the old fact being true when the new one starts.
    const until = resolved ? resolvedStart(resolved) : source.createdAt;
    // "I am moving to Lyon next month": until then Paris is still where the
    // user lives, so a change that starts later is kept as upcoming beside
    // the fact it will replace, which stays current.
    const upcoming = fact.corrects !== null && until > deps.clock.now().toISOString();
    const plan = planned.get(key);
    if (!key || known.has(key) || (plan !== undefined && upcoming)) {
      report.duplicates++;
      continue;
    }
    known.add(key);
    const dated =
      resolved && !fact.text.includes(resolved.date)
        ? `${fact.text} (${upcoming ? 'from ' : ''}${formatResolved(resolved)})`
        : fact.text;
    const lineRef = /^L(\d+)$/.exec(fact.corrects ?? '');
    const line = upcoming ? null : lineRef;
    const passageRef = upcoming ? null : /^P(\d+)$/.exec(fact.corrects ?? '');
    const corrected = passageRef ? input.passages[Number(passageRef[1]) - 1] : undefined;
    const edit = { tx, batchId, sourceMessageId: source.id };

    if (fact.about === 'user' && writable && human) {
      // Read in the pass's transaction: the database waits for it to end.
      const current = (await createBlocksRepo(tx).getByLabel(agentId, HUMAN_BLOCK)) ?? human;
      const currentLines = linesOf(current.value);
      const oldLine = line ? shownLines[Number(line[1]) - 1] : undefined;
      const replacing = oldLine !== undefined && currentLines.includes(oldLine) ? oldLine : null;
      // The current line an upcoming change will replace.
      const correctedLine = upcoming && lineRef ? shownLines[Number(lineRef[1]) - 1] : undefined;
      const corrects =
        correctedLine !== undefined &&
        currentLines.includes(correctedLine) &&
        !isUpcoming(correctedLine)
          ? correctedLine
          : null;
      const grow = replacing ? dated.length - replacing.length : dated.length + 1;
      if (dated.length > current.limit) {
        await saveFact();
        continue;
      }
      if (current.value.length + grow > current.limit) {
        report.moved += await makeRoom(
          current,
          current.value.length + grow - current.limit,
          replacing ?? corrects,
        );
      }
      if (replacing) {
        await replaceKeepingPast(deps, {
          agentId,
          block: current,
          oldLine: replacing,
          newLine: dated,
          until,
          edit,
        });
        report.replaced++;
      } else {
        await coreMemory.append(agentId, HUMAN_BLOCK, dated, 'consolidation', edit);
        report.added++;
        if (upcoming) {
          // Which line it will replace when its date comes: the block's text cannot say.
          await createUpcomingRepo(tx).insert({
            blockId: current.id,
            line: dated,
            replaces: corrects,
            startsAt: until,
            messageId: source.id,
          });
        }
      }
      if (plan !== undefined && plan !== replacing) {
        await coreMemory.removeLines(agentId, HUMAN_BLOCK, [plan], 'consolidation', edit);
        planned.delete(key);
      }
      if (corrected && !corrected.supersededBy) {
        await archival.supersede(corrected.id, current.id, until, { tx, batchId });
        report.superseded++;
      }
      continue;
    }
    await saveFact();

    async function saveFact(): Promise<void> {
      const passage = await archival.insert(
        agentId,
        {
          text: dated,
          tags: ['fact', fact.about],
          source: { kind: 'message', ref: source.id },
          createdAt: source.createdAt,
        },
        { tx, batchId, actor: 'consolidation' },
      );
      report.saved++;
      if (corrected && !corrected.supersededBy) {
        await archival.supersede(corrected.id, passage.id, until, { tx, batchId });
        report.superseded++;
      }
    }
  }
  return report;

  /**
   * Frees at least `need` characters of the human block by moving its least
   * recently written lines (oldest first, top first among equals) to
   * archival memory, never the line about to be replaced (or that an
   * upcoming change will replace). Returns how many moved.
   */
  async function makeRoom(block: Block, need: number, keep: string | null): Promise<number> {
    const times = await createBlocksRepo(tx).lineTimes(block.id);
    const order = linesOf(block.value)
      .map((text, position) => ({ text, position, at: times.get(text) ?? '' }))
      .filter((l) => l.text !== keep)
      .sort((a, b) => a.at.localeCompare(b.at) || a.position - b.position);
    const moving: string[] = [];
    let freed = 0;
    for (const l of order) {
      if (freed >= need) break;
      moving.push(l.text);
      freed += l.text.length + 1;
    }
    if (moving.length === 0) return 0;
    // Archival first, so the move is one change (one undo) with the block edit.
    const texts = moving.filter((t) => t.trim());
    const kept = await archival.insertMany(
      agentId,
      texts.map((text) => ({
        text,
        tags: [block.label],
        source: { kind: 'block' as const, ref: block.label },
        // Dated when it was written, as it was in the block, not by the move.
        ...(times.get(text) ? { createdAt: times.get(text) } : {}),
      })),
      { tx, record: false },
    );
    await coreMemory.removeLines(agentId, block.label, moving, 'consolidation', {
      tx,
      batchId,
      action: 'block.move_to_archival',
      summary: `Moved ${moving.length} line${moving.length === 1 ? '' : 's'} of ${block.label} to archival memory (the block was full)`,
      alsoUndo: [{ type: 'passage.insert', passageIds: kept.map((p) => p.id) }],
    });
    return moving.length;
  }
}
