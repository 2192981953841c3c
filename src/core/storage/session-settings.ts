import { MIN_CANDIDATES } from './repos/fusion-sql';
import { VECTOR_OVERFETCH } from './repos/rows';

/**
 * Settings every connection to the memory database runs with, whichever the
 * backend: searches must rank alike on PGlite and on a server.
 */
export const SEARCH_SETTINGS = [
  // Filtered vector searches (by agent, tag, date) keep scanning the HNSW
  // index until enough rows pass the filter instead of returning too few.
  "SET hnsw.iterative_scan = 'relaxed_order'",
  // Hybrid search takes 100 vector candidates (archival-memory.ts), and the
  // sign-bit graph yields three times as many to be ranked by exact cosine
  // (VECTOR_OVERFETCH): a walk as wide as that. At 100k passages a walk of
  // 400 found 94.5% of the true top 10 (1,000: 98%, 30% more CPU), where the
  // float graph's walk of 100 had found 75% (docs/benchmarks.md).
  `SET hnsw.ef_search = ${MIN_CANDIDATES * VECTOR_OVERFETCH}`,
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
