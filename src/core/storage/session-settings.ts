/**
 * Settings every connection to the memory database runs with, whichever the
 * backend: searches must rank alike on PGlite and on a server.
 */
export const SEARCH_SETTINGS = [
  // Filtered vector searches (by agent, tag, date) keep scanning the HNSW
  // index until enough rows pass the filter instead of returning too few.
  "SET hnsw.iterative_scan = 'relaxed_order'",
  // Hybrid search takes 100 vector candidates (archival-memory.ts); with
  // pgvector's default of 40 the index's top 10 held only 85% of the true
  // nearest 10 at 10k passages (bench/ scale suite).
  'SET hnsw.ef_search = 100',
];

/**
 * What PGlite runs with and a server may not (its defaults come from
 * postgresql.conf): timestamps are read and compared in UTC, in ISO form.
 */
export const SERVER_SESSION_SETTINGS = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, MDY'",
  "SET IntervalStyle = 'postgres'",
  'SET extra_float_digits = 1',
  ...SEARCH_SETTINGS,
];
