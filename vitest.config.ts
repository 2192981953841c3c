import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/no-egress.ts'],
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
  },
});
