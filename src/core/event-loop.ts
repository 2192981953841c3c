/**
 * Lets timers, I/O and signal handlers run. A loop of awaits on PGlite never
 * does by itself: its queries resolve as microtasks, so a 10k-message import
 * ran 22 s without one timer tick, another HTTP client timed out, and
 * SIGTERM waited for minutes (issue 22, item 5). Long loops call this
 * between steps.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
