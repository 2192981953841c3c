import type { Sql } from '../sql';

/** The words search looks for in a query, as the search column stores them (stems, grams, pictographs). */
export function createSearchTermsRepo(sql: Sql) {
  return {
    async of(text: string): Promise<string[]> {
      const result = await sql.query<{ terms: string[] }>(
        'SELECT tsvector_to_array(locus_search_tsv($1::text)) AS terms',
        [text],
      );
      return result.rows[0]?.terms ?? [];
    },
  };
}
