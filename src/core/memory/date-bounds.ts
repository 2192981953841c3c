import { LocusError } from '../../shared/errors';
import { dateProblem } from '../dates';

const DAY_MS = 86_400_000;

/**
 * Parses a search bound. `start` is inclusive, `end` exclusive, and a bare
 * date as `end` ("until 2026-05-01") means through the whole of that day.
 */
function parseDateBound(value: string | undefined, field: 'start' | 'end'): Date | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const problem = dateProblem(value);
  if (problem !== null) {
    throw new LocusError(
      'INVALID_INPUT',
      `"${value}" is not a date you can search by (${problem}); use a real date like 2026-05-01 for ${field}.`,
      {
        field,
      },
    );
  }
  const date = new Date(Date.parse(value.trim()));
  if (field === 'end' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim()))
    return new Date(date.getTime() + DAY_MS);
  return date;
}

/**
 * Both bounds of a search. A range that holds no moment (start at or after
 * the end, e.g. the two swapped) is refused rather than answered with
 * nothing: "no matching passages" would read as memory missing.
 */
export function parseDateRange(query: { start?: string | undefined; end?: string | undefined }): {
  start?: Date;
  end?: Date;
} {
  const start = parseDateBound(query.start, 'start');
  const end = parseDateBound(query.end, 'end');
  if (start && end && start.getTime() >= end.getTime()) {
    throw new LocusError(
      'INVALID_INPUT',
      `The date range is empty: the start (${query.start?.trim()}) is not before the end (${query.end?.trim()}). Swap them, or widen the range.`,
      { field: 'start' },
    );
  }
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}
