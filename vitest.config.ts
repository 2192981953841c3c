import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/no-egress.ts'],
    // PGlite (WASM) and the model runtimes are memory-hungry; two workers fit two cores.
    pool: 'forks',
    maxWorkers: 2,
    // Generous: end-to-end tests spawn the CLI (tsx + PGlite start-up each time)
    // and drive a browser; on a loaded 2-core CI machine that is slow, not stuck.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
