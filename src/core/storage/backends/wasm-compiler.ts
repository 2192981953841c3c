import v8 from 'node:v8';

/**
 * Compiles PGlite's 9 MB of WebAssembly with V8's baseline compiler only
 * (Liftoff), in every host. By default V8 also re-compiles hot functions
 * with its optimising compiler on background threads; opening a folder
 * already makes Postgres's startup code hot, so that compile ran during
 * every open and the first searches. Measured at 100k passages in the same
 * run (docs/benchmarks.md, speed and footprint): open 1.2 s -> 0.53-0.55 s,
 * peak RSS 326 -> 252-255 MB, a fresh process's p95 search 30-51 -> 26-28
 * ms; warm searches cost 15-40% more (12.7 -> 15-18 ms at 100k) and a
 * graph build after an import ~1.4x more, far below what a person notices
 * next to a language model's reply or an import's own wait. Must run before
 * the first PGlite opens in the process; later compiles are unaffected.
 */
export function useBaselineWasmCompiler(): void {
  v8.setFlagsFromString('--liftoff-only');
}
