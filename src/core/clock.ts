/** Time as a seam, so tests can control created_at and date-range searches. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; each call to now() advances by `stepMs`. */
export class FakeClock implements Clock {
  private current: number;
  constructor(
    start: Date | string = '2026-01-01T09:00:00.000Z',
    private readonly stepMs = 1000,
  ) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    const value = new Date(this.current);
    this.current += this.stepMs;
    return value;
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
