import v8 from 'node:v8';

/** Commands that keep running (a chat, a server): they profit from optimised code. */
const LONG_RUNNING = new Set(['chat', 'serve']);

/**
 * For a command that opens memory, does one thing and exits, compile the
 * database (PGlite's 9 MB of WebAssembly) with V8's baseline compiler only.
 * By default V8 also re-compiles hot functions with its optimising compiler
 * in the background, which pays off only over many queries: for `locus -p`
 * it cost about 1 s of CPU and 100 MB of RSS (docs/benchmarks.md, start-up).
 * Must run before the database opens; flags set later do not apply.
 */
export function preferQuickStart(command: string | undefined): boolean {
  if (command !== undefined && LONG_RUNNING.has(command)) return false;
  v8.setFlagsFromString('--liftoff-only');
  return true;
}
