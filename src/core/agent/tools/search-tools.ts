import { localDayBounds } from '../../../shared/local-days';
import { localDay, localMinute } from '../../../shared/local-time';
import { spokenText } from '../../../shared/message-text';
import { pastLabel } from '../../../shared/past-facts';
import { listQuoted } from '../../../shared/search-quotes';
import { defineTool, refusedWhileNotRemembered, type ToolOutcome } from './tool';

// Results show local times, as the status line's "Current time" (which
// names the zone) and the days the model searches by.
const day = localMinute;

/**
 * A page of search results, one line per memory found, with where each
 * memory's line is: forget and "don't remember" rewrite just that line.
 */
function found(
  page: number,
  items: ReadonlyArray<{ id: string; line: string }>,
  more: string,
): ToolOutcome {
  return { ok: true, ...listQuoted(`Results (page ${page}):`, items, more) };
}

export const archivalMemoryInsert = defineTool({
  name: 'archival_memory_insert',
  description:
    'Save a fact, note or piece of text to archival memory (unlimited, searchable later).',
  heartbeat: true,
  params: {
    content: {
      type: 'string',
      description: 'What to remember, written so it makes sense on its own later.',
    },
    tags: {
      type: 'strings',
      description: 'Optional short tags, e.g. ["work", "travel"].',
      optional: true,
      maxItems: 10,
    },
  },
  async run(args, ctx) {
    const refused = refusedWhileNotRemembered(ctx);
    if (refused) return refused;
    const passage = await ctx.archival.insert(ctx.agentId, {
      text: args.content,
      tags: args.tags ?? [],
      source: { kind: 'agent', ref: ctx.sourceMessageId },
    });
    return { ok: true, message: `Saved to archival memory (id ${passage.id}).` };
  },
});

export const archivalMemorySearch = defineTool({
  name: 'archival_memory_search',
  description:
    'Search archival memory by meaning and keywords. Returns the best matching passages.',
  heartbeat: true,
  params: {
    query: { type: 'string', description: 'What to look for.' },
    tags: {
      type: 'strings',
      description: 'Only passages with these tags.',
      optional: true,
      maxItems: 10,
    },
    start_datetime: {
      type: 'string',
      description: 'Only passages from this date on (YYYY-MM-DD).',
      optional: true,
    },
    end_datetime: {
      type: 'string',
      description: 'Only passages up to this date (YYYY-MM-DD).',
      optional: true,
    },
    page: { type: 'integer', description: 'Result page, starting at 0.', optional: true, min: 0 },
  },
  async run(args, ctx) {
    const pageSize = 5;
    const page = args.page ?? 0;
    const result = await ctx.archival.search(ctx.agentId, {
      query: args.query,
      ...(args.tags?.length ? { tags: args.tags } : {}),
      ...localDayBounds(args.start_datetime, args.end_datetime),
      commonWords: true,
      limit: pageSize,
      offset: page * pageSize,
    });
    if (result.items.length === 0) return { ok: true, message: 'No results found.' };
    // The snippet: a long passage shows the part that matched, not its
    // start. A past fact says so, so the model does not take it for the
    // current one.
    const lines = result.items.map((p) => {
      const past = pastLabel(p);
      return {
        id: p.id,
        line: `[${day(p.createdAt)}]${p.tags.length ? ` (${p.tags.join(', ')})` : ''} ${p.snippet}${past ? ` (${past})` : ''}`,
      };
    });
    const more = result.nextOffset !== null ? ` More results: use page ${page + 1}.` : '';
    return found(page, lines, more);
  },
});

export const conversationSearch = defineTool({
  name: 'conversation_search',
  description:
    'Search the whole past conversation (including messages no longer in context) by meaning, words and dates.',
  heartbeat: true,
  params: {
    query: { type: 'string', description: 'Words to look for; empty to list by date.' },
    start_date: {
      type: 'string',
      description: 'Only messages from this date on (YYYY-MM-DD).',
      optional: true,
    },
    end_date: {
      type: 'string',
      description: 'Only messages up to and including this date (YYYY-MM-DD).',
      optional: true,
    },
    page: { type: 'integer', description: 'Result page, starting at 0.', optional: true, min: 0 },
  },
  async run(args, ctx) {
    const pageSize = 5;
    const page = args.page ?? 0;
    // The question of the turn that asked shares every word searched for and
    // the model already has it. Left out of the search itself, not of its
    // results: otherwise it made the query's words occur in memory, lent its
    // score to the turns around it, and those were listed as matches for
    // words no other message holds (hostile review: "xyzzy plugh").
    const upTo = (page + 1) * pageSize;
    const result = await ctx.recall.search(ctx.agentId, {
      query: args.query,
      ...localDayBounds(args.start_date, args.end_date),
      roles: ['user', 'assistant'],
      commonWords: true,
      ...(ctx.sourceMessageId ? { excludeMessages: [ctx.sourceMessageId] } : {}),
      limit: upTo + 1,
    });
    const kept = result.items;
    const items = kept.slice(page * pageSize, upTo);
    // What was said (not the agent's thinking behind its replies), or of a
    // long message the part that matched.
    const said = items.filter((m) => spokenText(m).trim().length > 0);
    // What a replaced fact was told in is past too, marked as the fact is.
    const past = await ctx.recall.pastUntil(
      ctx.agentId,
      said.map((m) => m.id),
    );
    const lines = said.map((m) => {
      const until = past.get(m.id);
      return {
        id: m.id,
        line: `[${day(m.createdAt)}] ${m.role}: ${m.snippet}${until ? ` (until ${localDay(until)})` : ''}`,
      };
    });
    if (lines.length === 0) return { ok: true, message: 'No results found.' };
    const more =
      result.nextOffset !== null || kept.length > upTo
        ? ` More results: use page ${page + 1}.`
        : '';
    return found(page, lines, more);
  },
});
