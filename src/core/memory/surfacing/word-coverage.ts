import { MONTH_NAMES } from '../../dates';
import { createConversationsRepo } from '../../storage/repos/conversations-repo';
import { createSearchTermsRepo } from '../../storage/repos/search-terms-repo';
import { createWordPresenceRepo, type WordPresence } from '../../storage/repos/word-presence-repo';
import type { Sql } from '../../storage/sql';

/**
 * Rows at which a memory's missing words count half: in a memory of a few
 * notes most words of any question are missing, related or not, so absence
 * says little there; in hundreds of messages, a name or subject never
 * mentioned says the question is about something else.
 */
export const SMALL_MEMORY_ROWS = 100;

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * How much of a query's information the memory holds at all, 0-1: the
 * share of its words (each weighed by its rarity in this memory, a word it
 * never used as one it used once) that occur in any of its messages or
 * passages. Questions about someone or something the memory never
 * mentions (LoCoMo's questions asked of another conversation's memory name
 * people who never appear in it) hold little; a question about what the
 * memory holds, most, even when the answer is worded differently. Words
 * naming a date (numbers, months, weekdays) do not count: a memory holds
 * its dates as timestamps, not words. 1 for a query with no words to
 * judge by.
 *
 * One entry point, called by surfacing for each user message.
 */
export function createWordCoverage(options: { db: Sql }) {
  const presence = createWordPresenceRepo(options.db);
  const conversations = createConversationsRepo(options.db);
  // Stemmed as search stems them.
  const searchTerms = createSearchTermsRepo(options.db);
  let dateWords: Promise<Set<string>> | null = null;
  const datesOnce = () => {
    dateWords ??= searchTerms
      .of([...MONTH_NAMES, ...WEEKDAYS].join(' '))
      .then((terms) => new Set(terms))
      .catch((error: unknown) => {
        dateWords = null;
        throw error;
      });
    return dateWords;
  };

  return {
    async of(agentId: string, text: string): Promise<number> {
      const [dates, hidden] = await Promise.all([
        datesOnce(),
        conversations.notRemembered(agentId),
      ]);
      // Words in conversations it must not remember are not known to it.
      const held = await presence.of(agentId, text, { excludeConversations: hidden });
      const words = held.words.filter((w) => !/\d/.test(w.word) && !dates.has(w.word));
      return coverageOf(held.rows, words);
    },
  };
}
export type WordCoverage = ReturnType<typeof createWordCoverage>;

/** The held share of the words' weight, discounted in a small memory (see SMALL_MEMORY_ROWS). */
export function coverageOf(rows: number, words: WordPresence['words']): number {
  if (words.length === 0) return 1;
  const n = Math.max(rows, 1);
  // BM25's idf, a word the memory never used weighed as one it used once.
  // Not equal weights: on LoCoMo they gained only through its speaker names
  // (held by most rows, so idf gives them almost nothing), and nothing on
  // padded LongMemEval (docs/benchmarks.md, "Memory surfacing", session 6).
  const weight = (held: number) =>
    Math.log(1 + Math.max(n - Math.max(held, 1) + 0.5, 0.5) / (Math.max(held, 1) + 0.5));
  let total = 0;
  let held = 0;
  for (const word of words) {
    const w = weight(word.rows);
    total += w;
    if (word.rows > 0) held += w;
  }
  const share = total > 0 ? held / total : 1;
  const confidence = rows / (rows + SMALL_MEMORY_ROWS);
  return 1 - (1 - share) * confidence;
}
