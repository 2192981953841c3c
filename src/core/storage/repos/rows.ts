/** PGlite returns timestamptz as Date; entities carry ISO strings across the contract. */
export function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

/** Builds `$n` placeholders while collecting their values, so dynamic filters stay parameterised. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** pgvector's text form; JSON number formatting round-trips float32 exactly enough. */
export function toVectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector).join(',')}]`;
}

/**
 * A tsquery that matches any of the query's words (stemmed by the english
 * config), quoted so user text can never be parsed as tsquery operators.
 * Natural questions rarely share every word with the answer, so OR + ranking
 * retrieves far better than websearch_to_tsquery's AND.
 */
export function anyWordsTsQuery(textParam: string): string {
  return `(SELECT CASE WHEN count(*) = 0 THEN NULL ELSE to_tsquery('simple', string_agg(quote_literal(l), ' | ')) END
     FROM unnest(tsvector_to_array(to_tsvector('english', ${textParam}))) AS l)`;
}
