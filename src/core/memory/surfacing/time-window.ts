import { findDate, resolvedStart, type ResolvedDate } from '../../resolve-date';

/**
 * The stretch of time a message names ("yesterday", "10 days ago", "last
 * week", "in March"), resolved against when it was said.
 */
export interface TimeWindow {
  /** Inclusive. */
  start: Date;
  /** Exclusive. */
  end: Date;
  /** The words that named it (lower case), which name a time, not a subject. */
  words: string;
}

/** The end of the period a resolved date starts: a day, a week, a month or a year later. */
function endOf(resolved: ResolvedDate, start: Date): Date {
  const [y, mo, d] = [start.getFullYear(), start.getMonth(), start.getDate()];
  switch (resolved.precision) {
    case 'day':
      return new Date(y, mo, d + 1);
    case 'week':
      return new Date(y, mo, d + 7);
    case 'month':
      return new Date(y, mo + 1, 1);
    default:
      return new Date(y + 1, 0, 1);
  }
}

/**
 * The time a message names, counted from `said` (the turn's time), or
 * null when it names none. Dates are resolved as consolidation resolves
 * them (resolve-date.ts).
 */
export function timeWindowOf(text: string, said: Date): TimeWindow | null {
  const found = findDate(text, said);
  // "this may help": in a chat message, far more often a verb than the month.
  if (!found || found.words === 'this may') return null;
  const start = new Date(resolvedStart(found.resolved));
  return { start, end: endOf(found.resolved, start), words: found.words };
}
