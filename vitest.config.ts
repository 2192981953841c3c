import fs from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Whether a PostgreSQL server with pgvector looks installed (Debian's
 * layout, or LOCUS_PG_BIN); test/helpers/postgres-setup.ts checks it fully.
 */
function postgresInstalled(): boolean {
  if (process.env.LOCUS_PG_BIN) return fs.existsSync(`${process.env.LOCUS_PG_BIN}/initdb`);
  const majors = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql') : [];
  return majors.some(
    (major) =>
      Number(major) >= 15 &&
      fs.existsSync(`/usr/lib/postgresql/${major}/bin/initdb`) &&
      fs.existsSync(`/usr/share/postgresql/${major}/extension/vector.control`),
  );
}

/**
 * The conformance suite: storage, memory, agent-loop and transfer tests that
 * run once on PGlite and once on a PostgreSQL server (the "postgres"
 * project), so the repositories cannot depend on which backend they run on.
 */
const CONFORMANCE = [
  'test/core/backend-conformance.test.ts',
  'test/core/storage.test.ts',
  'test/core/auto-analyze.test.ts',
  'test/core/bm25.test.ts',
  'test/core/memory-counts.test.ts',
  'test/core/archival-log-lengths.test.ts',
  'test/core/about-self-search.test.ts',
  'test/core/context-entries.test.ts',
  'test/core/message-reply.test.ts',
  'test/core/archival-memory.test.ts',
  'test/core/core-memory.test.ts',
  'test/core/recall-memory.test.ts',
  'test/core/recall-hybrid.test.ts',
  'test/core/conversations.test.ts',
  'test/core/captures.test.ts',
  'test/core/agent-loop.test.ts',
  'test/core/agent-file.test.ts',
  'test/core/bulk-load.test.ts',
  'test/core/halfvec-embeddings.test.ts',
  'test/core/memory-activity.test.ts',
  'test/core/facts-that-change.test.ts',
  'test/core/upcoming-facts.test.ts',
  'test/core/past-messages.test.ts',
  'test/core/mcp-search-results.test.ts',
  'test/core/forget.test.ts',
  'test/core/dont-remember.test.ts',
  'test/core/forget-search-results.test.ts',
  'test/core/consolidation.test.ts',
  'test/core/tool-profiles.test.ts',
  'test/core/sign-bit-index.test.ts',
  'test/core/ascii-search-text.test.ts',
  'test/core/common-word-tail.test.ts',
  'test/core/search-first-person.test.ts',
  'test/core/surfacing-new-user.test.ts',
  'test/core/long-unspaced-text.test.ts',
  'test/core/long-text-overflow.test.ts',
];
/** What only a server has: several processes, connection failures, pg_dump, copying to and from it. */
const SERVER_ONLY = ['test/server/**/*.test.ts'];

// CI installs the server and sets LOCUS_REQUIRE_POSTGRES=1: then a missing
// server fails the run (postgres-setup.ts) instead of skipping half of it.
const required = process.env.LOCUS_REQUIRE_POSTGRES === '1';
const installed = postgresInstalled();
if (!installed && !required) {
  console.warn(
    `\n[locus] PostgreSQL 15+ with pgvector not found: the server half of the conformance suite is skipped. Install it with scripts/postgres/install-server.sh (CI does, and sets LOCUS_REQUIRE_POSTGRES=1).\n`,
  );
}

export default defineConfig({
  test: {
    setupFiles: ['test/helpers/no-egress.ts'],
    // Every Locus a test starts (in process, or a CLI or server it spawns)
    // finds memory with the deterministic word-hash embedder unless the test
    // asks for another: the built-in sentence model is real, slower to load,
    // and tested where it is the subject (builtin-embedder.test.ts and the
    // tests that set LOCUS_EMBEDDER themselves).
    // They also run bin/locus.js from the TypeScript sources, never from a
    // CLI bundle an earlier install or build left (cli-bundle.test.ts drives
    // the bundle itself).
    env: { LOCUS_EMBEDDER: 'fake', LOCUS_CLI_FROM_SOURCE: '1' },
    // PGlite (WASM) and the model runtimes are memory-hungry; two workers fit two cores.
    pool: 'forks',
    maxWorkers: 2,
    // No test may pass or fail by speed: on a shared 2-core machine at load
    // ~10-30 one CLI start took 40-70 s, and 180 s timeouts failed correct
    // tests. These bounds only catch a test that hangs; CI's own limit is 90
    // minutes. Waits inside tests wait for a state, never for a time.
    testTimeout: 20 * 60_000,
    hookTimeout: 10 * 60_000,
    // expect.poll waits for a state too (its default gives up after 1 s).
    expect: { poll: { timeout: 5 * 60_000, interval: 50 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/**/*.test.ts'],
          exclude: SERVER_ONLY,
          globalSetup: ['test/helpers/global-setup.ts'],
          provide: { backend: 'pglite' },
        },
      },
      ...(installed || required
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: [...CONFORMANCE, ...SERVER_ONLY],
                globalSetup: ['test/helpers/global-setup.ts', 'test/helpers/postgres-setup.ts'],
                provide: { backend: 'postgres' as const },
              },
            },
          ]
        : []),
    ],
  },
});
