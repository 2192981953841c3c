import type { MemoryActor } from '../../shared/entities';
import { summaryBody } from '../../shared/summary-coverage';
import { FORGOTTEN_QUOTE } from '../../shared/search-quotes';
import { parseSurfacedBlock, renderSurfacedBlock } from '../../shared/surfaced-memories';
import { LocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import { createActivityRepo, type UndoData } from '../storage/repos/activity-repo';
import { createBlocksRepo, withoutText } from '../storage/repos/blocks-repo';
import { createForgetRepo } from '../storage/repos/forget-repo';
import { createPassagesRepo } from '../storage/repos/passages-repo';
import { createUpcomingRepo } from '../storage/repos/upcoming-repo';
import type { Db } from '../storage/sql';
import { linesOf } from './block-diff';
import type { CoreMemory } from './core-memory';
import { forgetQuoted } from './quoted-results';
import { estimateTokens } from './surfacing/token-estimate';

/** What to forget: a message of the conversation, an archival passage, or one line of a block. */
export type ForgetTarget =
  | { kind: 'message'; id: string }
  | { kind: 'passage'; id: string }
  | { kind: 'line'; label: string; line: string };

export interface ForgetReport {
  messages: number;
  passages: number;
  lines: number;
}

export interface ForgetOptions {
  db: Db;
  clock: Clock;
  coreMemory: CoreMemory;
}

/**
 * What is left to undo of a change once `texts` are forgotten: a block
 * change made beside a forgotten line still adds or removes its own lines
 * (its snapshots lose the forgotten text, as block history does), and so
 * do changes that name passages by id only; a change holding a passage's
 * text, or one left with nothing to do, has nothing left.
 */
export function scrubUndo(undo: UndoData, texts: string[]): UndoData | null {
  if (undo.type === 'compound') {
    const parts = undo.parts.map((part) => scrubUndo(part, texts));
    return parts.every((part) => part !== null) ? { ...undo, parts } : null;
  }
  // These hold ids only: undoing them touches no forgotten text.
  if (undo.type === 'passage.insert' || undo.type === 'passage.supersede') return undo;
  if (undo.type !== 'block') return null;
  const scrub = (value: string) =>
    texts.reduce((rest, text) => (text.trim() ? withoutText(rest, text) : rest), value);
  const [before, after] = [scrub(undo.before), scrub(undo.after)];
  return before === after ? null : { ...undo, before, after };
}

/** A line and when it was written: a past fact made of it is dated so. */
const pastKey = (line: string, at: string) => `${at}\u0000${line}`;

/**
 * What a summary that folded in a forgotten message says instead. Summaries
 * are written by the model, in its words: no search for the text can take
 * it out of one, so the whole summary goes; the messages it stood for are
 * still in recall memory.
 */
export const FORGOTTEN_SUMMARY =
  'This summary was removed because the user asked to forget something said in this stretch. What else was said is still in recall memory: search it when it matters.';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Takes forgotten (or deleted) memories out of the blocks surfaced for
 * later turns (in any conversation): those stay in their context windows, so the model
 * kept reading the text and the app kept showing it under "Memories used".
 * A block left with nothing goes with its place in the context.
 */
export async function forgetSurfaced(
  repo: ReturnType<typeof createForgetRepo>,
  agentId: string,
  ids: ReadonlySet<string>,
): Promise<void> {
  await withoutSurfaced(repo, agentId, await repo.surfacedWith(agentId, [...ids]), ids);
}

/**
 * Rewrites these surfaced blocks without the memories `ids` name (a block
 * left with nothing goes, with its place in the context); returns how many
 * memories were taken out.
 */
export async function withoutSurfaced(
  repo: ReturnType<typeof createForgetRepo>,
  agentId: string,
  blocks: ReadonlyArray<{ id: string; content: string }>,
  ids: ReadonlySet<string>,
): Promise<number> {
  let removed = 0;
  for (const message of blocks) {
    const block = parseSurfacedBlock(message.content);
    if (!block) continue;
    const items = block.items.filter((item) => !ids.has(item.id));
    if (items.length === block.items.length) continue;
    removed += block.items.length - items.length;
    if (items.length === 0) {
      await repo.deleteMessages(agentId, [message.id]);
      continue;
    }
    const tokens = estimateTokens(renderSurfacedBlock({ items, tokens: 0 }));
    await repo.rewriteDerived(message.id, 'memories', JSON.stringify({ items, tokens }));
  }
  return removed;
}

/**
 * "Forget": removes a memory and everything derived from it, for good: a
 * user message takes the agent's answer to it (steps, tool calls, results:
 * they quote it), the passages saved from it and the block lines written
 * from it; a block line takes its copies in archival memory. A search
 * tool's result that found any of it (in any conversation) says so instead
 * (quoted-results.ts). Block history and the activity feed keep no text of
 * any of it; the feed records only that something was forgotten, and how
 * much. Unlike a delete, this cannot be undone.
 */
export function createForget(options: ForgetOptions) {
  const { db, clock, coreMemory } = options;

  return async function forget(
    agentId: string,
    target: ForgetTarget,
    actor: MemoryActor = 'user',
  ): Promise<ForgetReport> {
    return db.transaction(async (tx) => {
      const blocks = createBlocksRepo(tx);
      const passagesRepo = createPassagesRepo(tx);
      const forgetRepo = createForgetRepo(tx);
      const texts: string[] = [];
      const ids: string[] = [];
      const messageIds: string[] = [];
      const passageIds = new Set<string>();
      /** Block id -> lines to take out. */
      const lines = new Map<string, Set<string>>();
      /** Line and time each forgotten message wrote it: the past facts it became (pastKey). */
      const written = new Set<string>();
      const addLine = (blockId: string, line: string) =>
        lines.set(blockId, (lines.get(blockId) ?? new Set()).add(line));

      if (target.kind === 'message') {
        const exchange = await forgetRepo.exchange(agentId, target.id);
        if (!exchange) {
          throw new LocusError(
            'MESSAGE_NOT_FOUND',
            `No message of this agent has id "${target.id}".`,
          );
        }
        texts.push(...exchange.texts);
        messageIds.push(...exchange.ids);
        for (const p of await passagesRepo.fromMessages(agentId, messageIds)) passageIds.add(p.id);
        for (const s of await blocks.linesFromMessages(agentId, messageIds)) {
          addLine(s.blockId, s.line);
          written.add(pastKey(s.line, s.at));
        }
      } else if (target.kind === 'passage') {
        const passage = await passagesRepo.get(target.id);
        if (!passage || passage.agentId !== agentId) {
          throw new LocusError(
            'PASSAGE_NOT_FOUND',
            `No archival passage of this agent has id "${target.id}"; it may be gone already.`,
          );
        }
        passageIds.add(passage.id);
      } else {
        const block = await blocks.getByLabel(agentId, target.label);
        if (!block || !linesOf(block.value).includes(target.line)) {
          throw new LocusError(
            'BLOCK_TEXT_NOT_FOUND',
            `Block "${target.label}" has no line "${target.line}". Copy the line exactly as shown.`,
            { label: target.label },
          );
        }
        addLine(block.id, target.line);
      }

      const allLines = [...lines.values()].flatMap((set) => [...set]);
      // Copies of the lines kept in archival (a block that overflowed) go
      // too, and so does a past fact a forgotten message's line became when
      // it was corrected: it is dated when that message wrote the line. A
      // past fact of the same words told again later stays with its message.
      for (const p of await passagesRepo.withTexts(agentId, allLines, 'block')) {
        if (p.supersededBy === null || written.has(pastKey(p.text, p.createdAt)))
          passageIds.add(p.id);
      }
      const passages = await passagesRepo.getMany([...passageIds]);
      texts.push(...passages.map((p) => p.text), ...allLines);
      ids.push(...messageIds, ...passages.map((p) => p.id));

      // A corrected line is no longer in its block: only those still there count.
      let removedLines = 0;
      /** Past-fact copies of lines put back in their block (restoreCorrected). */
      const currentAgain = new Set<string>();
      for (const [blockId, set] of lines) {
        const block = await blocks.getById(blockId);
        if (!block) continue;
        const present = new Set(linesOf(block.value));
        removedLines += [...set].filter((line) => present.has(line)).length;
        // Forgetting the message that told of the change, not the line itself.
        const restored =
          target.kind === 'message'
            ? await restoreCorrected(
                block.id,
                [...set].filter((l) => present.has(l)),
              )
            : new Map<string, string>();
        for (const [line, old] of restored) {
          await coreMemory.replaceLine(agentId, block.label, line, old, actor, {
            tx,
            record: false,
          });
        }
        await coreMemory.removeLines(agentId, block.label, [...set], actor, { tx, record: false });
        await blocks.deleteLineSources(blockId, [...set]);
        await createUpcomingRepo(tx).forgetLines(blockId, [...set]);
      }
      // Read before the messages go: which summaries folded them in.
      const summaries = await forgetRepo.summariesSince(agentId, messageIds);
      await passagesRepo.deleteMany(passages.map((p) => p.id));
      // A fact a forgotten one had replaced is no longer known to have
      // stopped being true: its "until" came from what is forgotten.
      const current = await passagesRepo.unsupersede(
        agentId,
        passages.map((p) => p.id),
      );
      await createActivityRepo(tx).dropSupersedeUndo(agentId, current);
      if (messageIds.length > 0) await forgetRepo.deleteMessages(agentId, messageIds);
      const gone = new Set([...messageIds, ...passageIds, ...currentAgain]);
      await forgetSurfaced(forgetRepo, agentId, gone);
      const quoted = await forgetQuoted(forgetRepo, agentId, gone, FORGOTTEN_QUOTE);
      for (const summary of summaries) {
        const coverage = summary.content.slice(
          0,
          summary.content.length - summaryBody(summary.content).length,
        );
        await forgetRepo.rewriteDerived(summary.id, 'summary', `${coverage}${FORGOTTEN_SUMMARY}`);
      }
      for (const text of texts) if (text.trim()) await blocks.scrubHistory(agentId, text);
      await createActivityRepo(tx).redact(agentId, ids, texts, (undo) => scrubUndo(undo, texts));

      /**
       * A forgotten line that corrected an older one gives its place back to
       * it: the old line is current again, so its past-fact copy goes (the
       * "until" came from what is forgotten). Returns forgotten line -> old line.
       */
      async function restoreCorrected(
        blockId: string,
        forgotten: string[],
      ): Promise<Map<string, string>> {
        const back = new Map<string, string>();
        if (forgotten.length === 0) return back;
        for (const undo of await createActivityRepo(tx).corrections(agentId, blockId)) {
          if (undo.type !== 'compound') continue;
          const change = undo.parts.find((p) => p.type === 'block' && p.blockId === blockId);
          if (change?.type !== 'block') continue;
          const after = linesOf(change.after);
          const gone = linesOf(change.before).filter((l) => !after.includes(l));
          const line = forgotten.find((l) => after.includes(l) && !back.has(l));
          if (!line || gone.length !== 1) continue;
          const ids = undo.parts.flatMap((p) => (p.type === 'passage.insert' ? p.passageIds : []));
          const copies = (await passagesRepo.getMany(ids)).filter(
            (p) => p.text === gone[0] && p.supersededBy === blockId,
          );
          if (copies.length === 0) continue;
          back.set(line, gone[0]!);
          await passagesRepo.deleteMany(copies.map((p) => p.id));
          for (const p of copies) currentAgain.add(p.id);
        }
        return back;
      }

      const report = {
        messages: messageIds.length,
        passages: passages.length,
        lines: removedLines,
      };
      const what =
        target.kind === 'message'
          ? 'a message'
          : target.kind === 'passage'
            ? 'a passage'
            : 'a line';
      const derived = [
        target.kind !== 'passage' && report.passages > 0 && plural(report.passages, 'passage'),
        target.kind !== 'line' && report.lines > 0 && plural(report.lines, 'block line'),
        quoted > 0 && `${plural(quoted, 'quote')} in search results`,
      ].filter(Boolean);
      await createActivityRepo(tx).insert({
        agentId,
        at: clock.now().toISOString(),
        actor,
        action: 'forget',
        target: { kind: target.kind === 'line' ? 'block' : target.kind, id: null, label: null },
        summary: `Forgot ${what}${derived.length ? ` and what came from it (${derived.join(', ')})` : ''}`,
      });
      return report;
    });
  };
}
export type Forget = ReturnType<typeof createForget>;
