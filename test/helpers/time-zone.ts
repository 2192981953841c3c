import { afterAll, beforeAll } from 'vitest';

/**
 * Runs the enclosing describe block (or file) in a time zone: Node reads
 * process.env.TZ again when it is set, so local dates follow it. Restored
 * after, so no other test depends on the machine's zone or on this one.
 */
export function inTimeZone(zone: string): void {
  let before: string | undefined;
  beforeAll(() => {
    before = process.env.TZ;
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  });
}
