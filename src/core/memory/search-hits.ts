import type { Sql } from '../storage/sql';
import { createSearchTermsRepo } from '../storage/repos/search-terms-repo';
import { snippetOf } from './search-snippet';

/** Results show at most this much of a text: the part that matched. */
export const SNIPPET_CHARS = 300;

/**
 * Adds each result's snippet (SearchHit in shared/entities.ts). The query's
 * search terms are read only when some result is too long to show whole.
 */
export async function withSnippets<T>(
  sql: Sql,
  query: string,
  items: T[],
  textOf: (item: T) => string,
  maxChars = SNIPPET_CHARS,
): Promise<Array<T & { snippet: string }>> {
  const long = items.some((item) => textOf(item).trim().length > maxChars);
  const terms = long && query.trim() !== '' ? await createSearchTermsRepo(sql).of(query) : [];
  return items.map((item) => ({ ...item, snippet: snippetOf(textOf(item), terms, { maxChars }) }));
}
