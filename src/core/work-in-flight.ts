/**
 * Work a close must wait for: each promise is kept until it settles, and
 * `settled()` resolves once every one kept so far has, whether it worked or
 * failed (its caller sees the failure; a close only needs it to be over).
 */
export interface WorkInFlight {
  track<T>(run: Promise<T>): Promise<T>;
  settled(): Promise<void>;
}

export function workInFlight(): WorkInFlight {
  const running = new Set<Promise<void>>();
  return {
    track(run) {
      const done = run.then(
        () => undefined,
        () => undefined,
      );
      running.add(done);
      void done.then(() => running.delete(done));
      return run;
    },
    async settled() {
      await Promise.all([...running]);
    },
  };
}
